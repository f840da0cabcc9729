"""The throttler (reference §2) and the state file, each on a sandbox of its own: these tests move the
clock and restart the server, which the shared session sandbox must not see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import SandboxApi
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, http_monitor, new_account
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services


def start(state: Path | None = None) -> SandboxServer:
    clock = Clock()
    return SandboxServer(Sandbox(build_services(clock), state_path=state, clock=clock), port=0).start()


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[SandboxApi]:
    server = start()
    yield SandboxApi(server.url)
    server.stop()


@pytest.fixture
def free(own_sandbox: SandboxApi) -> Iterator[UptimeRobot]:
    yield new_account(own_sandbox, "free")
    own_sandbox.control("clock", speed=1)


def exhaust(ur: UptimeRobot, count: int) -> list[requests.Response]:
    return [ur.call("GET", "/user/me") for _ in range(count)]


def test_every_counted_answer_carries_the_rate_limit_headers(free: UptimeRobot) -> None:
    first, second = exhaust(free, 2)
    assert first.headers["X-RateLimit-Limit"] == "10"
    assert (first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]) == ("9", "8")
    assert 55 <= int(second.headers["X-RateLimit-Reset"]) <= 60  # seconds remaining, not an epoch
    missing = free.call("GET", "/monitors/1")
    assert missing.status_code == 404 and missing.headers["X-RateLimit-Remaining"] == "7"


def test_the_eleventh_request_in_a_minute_is_429_in_plain_text(free: UptimeRobot) -> None:
    assert {r.status_code for r in exhaust(free, 10)} == {200}
    refused = free.call("GET", "/user/me")
    assert refused.status_code == 429
    assert refused.text == "ThrottlerException: Too Many Requests"
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 55 <= int(refused.headers["Retry-After"]) <= 60  # the full window remaining
    assert free.made()["throttled:get_me"] == 1


def test_the_window_reopens_after_sixty_virtual_seconds(free: UptimeRobot, own_sandbox: SandboxApi) -> None:
    exhaust(free, 10)
    assert free.call("GET", "/user/me").status_code == 429
    own_sandbox.control("clock", advance_seconds=60)
    again = free.call("GET", "/user/me")
    assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "9"


def test_retry_after_is_in_real_seconds_when_the_clock_runs_fast(
    free: UptimeRobot, own_sandbox: SandboxApi
) -> None:
    own_sandbox.control("clock", speed=60)
    exhaust(free, 10)
    refused = free.call("GET", "/user/me")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"  # 60 virtual s = 1 real s


def test_a_bad_key_is_refused_before_the_throttler(free: UptimeRobot) -> None:
    for _ in range(3):
        assert free.call("GET", "/user/me", key="ur_sbx_wrong").status_code == 401
    assert free.call("GET", "/user/me").headers["X-RateLimit-Remaining"] == "9"


def test_paid_plans_get_twice_their_monitor_limit_and_overrides_win(own_sandbox: SandboxApi) -> None:
    def limit(plan: str, **options: int) -> str:
        return new_account(own_sandbox, plan, **options).call("GET", "/user/me").headers["X-RateLimit-Limit"]

    assert [limit("team"), limit("enterprise"), limit("enterprise", monitor_limit=4000)] == [
        "200",
        "2000",
        "5000",
    ]
    assert limit("free", rate_limit_per_minute=3) == "3"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    server = start(state)
    try:
        ur = new_account(SandboxApi(server.url), "team")
        created = ur.ok("POST", "/monitors", http_monitor("kept", tagNames=["prod"]), expect=201)
        contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "a@example.com"}, expect=201)
    finally:
        server.stop()
    server = start(state)
    try:
        ur = UptimeRobot(f"{server.url}/uptimerobot/v3", ur.api_key, SandboxApi(server.url))  # same key
        read = ur.ok("GET", f"/monitors/{created['id']}")
        assert read["friendlyName"] == "kept" and [t["name"] for t in read["tags"]] == ["prod"]
        assert ur.ok("GET", f"/alert-contacts/{contact['id']}")["value"] == "a@example.com"
        second = ur.ok("POST", "/monitors", http_monitor("new"), expect=201)
        assert second["id"] > created["id"]  # the id counters were saved too
    finally:
        server.stop()


def test_a_state_file_from_an_older_sandbox_starts_afresh(tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    state.write_bytes(b"csandbox.uptimerobot.pages\nAccountPages\n.")  # a class that moved away
    server = start(state)
    try:
        ur = new_account(SandboxApi(server.url), "team")
        assert ur.ok("GET", "/monitors") == {"data": [], "nextLink": None}
    finally:
        server.stop()

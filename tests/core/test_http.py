"""``ApiClient._send``: retries, rate limits, redirects, timeouts, errors — over real HTTP.

The emulator is the default; the scripted transport (tests/core/seams.py) only serves what the
emulator cannot produce: redirects, a 410 with its replacement, Sentry-style Link pages.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi, UptimeRobotAccount
from tests.core.seams import mount
from vigil.core.credentials import Credential
from vigil.core.errors import AuthError, Gone, NotFound, ServerError, TransportError, ValidationError
from vigil.core.http import DEFAULT_TIMEOUT_S, MAX_ATTEMPTS, ApiClient
from vigil.core.uptimerobot import UptimeRobotClient

HTTP_MONITOR = {
    "type": "HTTP",
    "friendlyName": "api",
    "url": "https://api.example.com/health",
    "interval": 300,
}


def counts(sandbox: SandboxApi, account: UptimeRobotAccount) -> dict[str, int]:
    return sandbox.requests_made("uptimerobot", account.api_key)


def faults(sandbox: SandboxApi, account: UptimeRobotAccount, **settings: Any) -> None:
    sandbox.control("faults", service="uptimerobot", account=account.api_key, **settings)


# --- retries ------------------------------------------------------------------------------------
def test_get_is_retried_on_5xx_then_fails_with_a_server_error(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    faults(sandbox, uptimerobot, error_rate=1.0, methods=["GET"])
    with pytest.raises(ServerError) as caught:
        UptimeRobotClient.from_env().get("monitors")
    assert counts(sandbox, uptimerobot)["fault:list_monitors"] == MAX_ATTEMPTS
    assert "Uptime Robot API: GET" in str(caught.value) and "HTTP 500" in str(caught.value)


def test_get_recovers_from_intermittent_5xx(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    faults(sandbox, uptimerobot, error_rate=0.5, methods=["GET"], seed=3)
    client = UptimeRobotClient.from_env()
    for _ in range(10):
        assert client.get("monitors")["data"] == []
    # seed 3 at 50 %: 9 of the 19 requests fail, every one retried until its call succeeds
    assert counts(sandbox, uptimerobot) == {"fault:list_monitors": 9, "list_monitors": 10}


def test_post_is_never_retried_on_5xx(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    faults(sandbox, uptimerobot, error_rate=1.0, methods=["POST"])
    with pytest.raises(ServerError):
        UptimeRobotClient.from_env().post("monitors", HTTP_MONITOR)
    assert counts(sandbox, uptimerobot)["fault:create_monitor"] == 1


def test_dropped_connections_on_get_are_retried_then_reported(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    faults(sandbox, uptimerobot, drop_rate=1.0, methods=["GET"])
    with pytest.raises(TransportError) as caught:
        UptimeRobotClient.from_env().get("monitors")
    assert "no response" in str(caught.value)
    assert uptimerobot.api_key not in str(caught.value)


def test_other_4xx_are_not_retried(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    with pytest.raises(NotFound) as caught:
        UptimeRobotClient.from_env().get("monitors/12345")
    assert caught.value.status == 404 and caught.value.code == "000-004"
    assert counts(sandbox, uptimerobot)["get_monitor"] == 1


def test_validation_errors_carry_the_fields(uptimerobot: UptimeRobotAccount) -> None:
    with pytest.raises(ValidationError) as caught:
        UptimeRobotClient.from_env().post("monitors", {"type": "HTTP", "friendlyName": "x", "url": "nope"})
    assert caught.value.status == 400 and caught.value.fields


def test_wrong_key_is_an_auth_error_naming_the_variable_not_the_key(
    uptimerobot: UptimeRobotAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "ur_sbx_wrongwrongwrong123")
    with pytest.raises(AuthError) as caught:
        UptimeRobotClient.from_env().get("monitors")
    assert "UPTIMEROBOT_API_KEY" in str(caught.value) and "401" in str(caught.value)
    assert "ur_sbx_wrongwrongwrong123" not in str(caught.value)


# --- rate limits ----------------------------------------------------------------------------------
@pytest.fixture
def fast_clock(sandbox: SandboxApi) -> Any:
    sandbox.control("clock", speed=60)
    yield
    sandbox.control("clock", speed=1)


def test_429_waits_as_announced_then_succeeds(
    sandbox: SandboxApi, fast_clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    free = sandbox.account("uptimerobot", plan="free")
    monkeypatch.setenv("UPTIMEROBOT_API_URL", free["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", free["api_key"])
    headers = {"Authorization": f"Bearer {free['api_key']}"}
    spent = 0
    for _ in range(12):  # another client spends the window (10 per 60 s of sandbox time)
        status = requests.get(f"{free['url']}/monitors", headers=headers, timeout=10).status_code
        if status == 429:
            break
        spent += 1
    assert spent == 10
    started = time.monotonic()
    assert UptimeRobotClient.from_env().get("monitors")["data"] == []
    assert time.monotonic() - started >= 0.5  # waited for the announced reset (1 real s at speed 60)
    made = sandbox.requests_made("uptimerobot", free["api_key"])
    # the probe's 11th request and the client's first were refused; the client's retry, after the
    # announced wait, was the window's first
    assert made == {"list_monitors": 11, "throttled:list_monitors": 2}


def test_free_plan_pacing_never_lets_a_429_through(
    sandbox: SandboxApi, fast_clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    free = sandbox.account("uptimerobot", plan="free")
    monkeypatch.setenv("UPTIMEROBOT_API_URL", free["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", free["api_key"])
    client = UptimeRobotClient.from_env()
    for _ in range(35):
        client.get("user/me")
    made = sandbox.requests_made("uptimerobot", free["api_key"])
    assert made["get_me"] == 35
    assert made.get("throttled:get_me", 0) == 0  # paced before the limit, not after a refusal


# --- seams: what the emulator cannot produce ---------------------------------------------------
def seam_client(base: str, token: str = "seam-token-123") -> ApiClient:
    return ApiClient(Credential("Seam", base, token, "SEAM_TOKEN"))


def test_every_request_has_a_default_timeout() -> None:
    transport = mount("http://seam-timeout.invalid/", lambda r: (200, {}, b"{}"))
    seam_client("http://seam-timeout.invalid").get("x")
    assert transport.seen[0].timeout == DEFAULT_TIMEOUT_S


def test_authorization_never_follows_a_redirect_to_another_host() -> None:
    base = "http://seam-a.invalid/api"
    mount(
        base,
        lambda r: (302, {"Location": "http://seam-b.invalid/landing"}, b""),
        prefix="http://seam-a.invalid/",
    )
    other = mount(base, lambda r: (200, {}, b'{"ok": true}'), prefix="http://seam-b.invalid/")
    assert seam_client(base).get("thing") == {"ok": True}
    assert "Authorization" not in other.seen[0].headers


def test_authorization_follows_a_redirect_on_the_same_host() -> None:
    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        if request.url and request.url.endswith("/old"):
            return 301, {"Location": "/api/new"}, b""
        return 200, {}, b"[]"

    transport = mount("http://seam-same.invalid/api", answer, prefix="http://seam-same.invalid/")
    seam_client("http://seam-same.invalid/api").get("old")
    assert transport.seen[1].url == "http://seam-same.invalid/api/new"
    assert transport.seen[1].headers["Authorization"] == "Bearer seam-token-123"


def test_410_is_gone_with_its_replacement_and_never_retried() -> None:
    transport = mount(
        "http://seam-gone.invalid/",
        lambda r: (
            410,
            {"X-Sentry-Replacement-Endpoint": "/api/0/organizations/acme/workflows/"},
            b'{"detail": "This endpoint has been retired"}',
        ),
    )
    with pytest.raises(Gone) as caught:
        seam_client("http://seam-gone.invalid").get("projects/acme/p/rules/")
    assert caught.value.replacement == "/api/0/organizations/acme/workflows/"
    assert "workflows" in str(caught.value) and len(transport.seen) == 1


def test_link_header_pagination_follows_next_while_results_are_true() -> None:
    pages = {
        "1": (
            b'[{"id": 1}, {"id": 2}]',
            '<http://seam-link.invalid/items?cursor=2>; rel="next"; results="true"',
        ),
        "2": (b'[{"id": 3}]', '<http://seam-link.invalid/items?cursor=3>; rel="next"; results="false"'),
    }

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        cursor = "2" if request.url and "cursor=2" in request.url else "1"
        body, link = pages[cursor]
        return 200, {"Link": link}, body

    transport = mount("http://seam-link.invalid/", answer)
    items = list(seam_client("http://seam-link.invalid").paginate_links("items"))
    assert [i["id"] for i in items] == [1, 2, 3] and len(transport.seen) == 2


def test_secrets_in_urls_never_reach_error_messages() -> None:
    mount("http://seam-secret.invalid/", lambda r: (500, {}, json.dumps({"detail": "boom"}).encode()))
    client = seam_client("http://seam-secret.invalid")
    with pytest.raises(ServerError) as caught:
        client.request("POST", "hooks?token=supersecretvalue99", json={})
    assert "supersecretvalue99" not in str(caught.value)


def test_a_client_refuses_to_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(seam_client("http://seam-pickle.invalid"))

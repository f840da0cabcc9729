"""Uptime Robot through the real engine under what live accounts do: rate limits, faults, quirks, volume."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import ProjectDir, SandboxApi, UptimeRobotAccount

pytestmark = pytest.mark.engine


def monitors_yaml(count: int, plan: str = "team", name: str = "m") -> str:
    lines = ["app: basic", f"uptime_plan: {plan}", "monitors:"]
    lines += [
        f'  - {{name: "{name}{i:03d}", url: "http://127.0.0.1:9/m{i}", every: 5m}}' for i in range(count)
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def account(
    sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[SandboxApi, Callable[[str], UptimeRobotAccount]]]:
    def make(plan: str) -> UptimeRobotAccount:
        created = sandbox.account("uptimerobot", plan=plan)
        monkeypatch.setenv("UPTIMEROBOT_API_URL", created["url"])
        monkeypatch.setenv("UPTIMEROBOT_API_KEY", created["api_key"])
        return UptimeRobotAccount(created["url"], created["api_key"])

    yield sandbox, make
    sandbox.control("clock", speed=1.0)


def test_free_plan_rate_limit_never_surfaces(project: ProjectDir, account) -> None:  # type: ignore[no-untyped-def]
    sandbox, make = account
    uptimerobot = make("free")
    sandbox.control("clock", speed=30.0)  # the 60 s window passes in 2 s
    project.write_env("t", monitors_yaml(25, plan="free"))
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    assert "429" not in result.stdout + result.stderr
    assert len(uptimerobot.monitors()) == 25
    counts = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert sum(counts.get(k, 0) for k in counts if k.startswith("create_monitor")) >= 25


def test_faults_and_save_then_500_end_with_exactly_the_declared_monitors(
    project: ProjectDir, account
) -> None:  # type: ignore[no-untyped-def]
    sandbox, make = account
    uptimerobot = make("team")
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, error_rate=0.2, seed=7)
    sandbox.control(
        "quirks", service="uptimerobot", account=uptimerobot.api_key, quirks={"save_then_500": 0.3}
    )
    project.write_env("t", monitors_yaml(30))
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    counts = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key)  # read the truth calmly
    names = sorted(m["friendlyName"] for m in uptimerobot.monitors())
    assert names == [f"m{i:03d}" for i in range(30)]  # none missing, no duplicate
    assert sum(v for k, v in counts.items() if k.startswith("fault:")) > 0  # faults did happen
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, error_rate=0.2, seed=11)
    clean = project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
    assert clean.exit_code == 0, clean


def test_a_refreshing_preview_of_50_monitors_is_batched(project: ProjectDir, account) -> None:  # type: ignore[no-untyped-def]
    sandbox, make = account
    uptimerobot = make("team")
    project.write_env("t", monitors_yaml(50))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    sandbox.control("requests", service="uptimerobot", account=uptimerobot.api_key)  # reset the counters
    result = project.vigil("preview", "--env", "t", "--refresh", "--json")
    assert result.exit_code == 0, result
    counts = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert counts.get("list_monitors", 0) <= math.ceil(50 / 200) + 2, counts
    assert counts.get("get_monitor", 0) == 0, counts


def test_ten_previews_right_after_up_are_clean_with_the_quirks_on(project: ProjectDir, account) -> None:  # type: ignore[no-untyped-def]
    sandbox, make = account
    uptimerobot = make("team")
    sandbox.control(
        "quirks",
        service="uptimerobot",
        account=uptimerobot.api_key,
        quirks={"html_escape": True, "bool_strings": True, "read_lag": 2},
    )
    project.write_env(
        "t", monitors_yaml(5, name="R&D <api> ") + "contacts:\n  - {name: ops, email: ops@example.com}\n"
    )
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    for attempt in range(10):
        result = project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
        assert result.exit_code == 0, (attempt, result)

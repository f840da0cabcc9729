"""`up` at the physical limit: one Uptime Robot call per new monitor, the free plan's waits shown."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import pytest

from tests.conftest import ProjectDir, SandboxApi, UptimeRobotAccount

pytestmark = pytest.mark.engine


def monitors_yaml(count: int, plan: str) -> str:
    lines = ["app: basic", f"uptime_plan: {plan}", "monitors:"]
    lines += [f'  - {{name: "s{i:03d}", url: "http://127.0.0.1:9/s{i}", every: 5m}}' for i in range(count)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def free(sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[UptimeRobotAccount]:
    created = sandbox.account("uptimerobot", plan="free")
    monkeypatch.setenv("UPTIMEROBOT_API_URL", created["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", created["api_key"])
    sandbox.control("clock", speed=60.0)  # the 60 s window passes in a second
    yield UptimeRobotAccount(created["url"], created["api_key"])
    sandbox.control("clock", speed=1.0)


def test_up_of_n_new_monitors_costs_n_calls_plus_the_list_reads(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    count = 60
    project.write_env("t", monitors_yaml(count, "team"))
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert made["create_monitor"] == count and made.get("get_monitor", 0) == 0, made
    assert sum(made.values()) <= count + math.ceil(count / 200) + 2, made
    clean = project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
    assert clean.exit_code == 0, clean


def test_the_free_plan_waits_are_shown_and_no_429_surfaces(
    project: ProjectDir, sandbox: SandboxApi, free: UptimeRobotAccount
) -> None:
    count = 30
    project.write_env("t", monitors_yaml(count, "free"))
    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    made = sandbox.requests_made("uptimerobot", free.api_key)
    assert not [k for k in made if k.startswith("throttled:")], made  # paced: no request was refused
    assert sum(made.values()) <= count + math.ceil(count / 200) + 2, made
    assert "429" not in result.stdout + result.stderr
    # piped, the waits are printed as they happen, with what the queue still needs
    assert "Uptime Robot free plan: 10 requests/min, waiting" in result.stderr, result.stderr
    assert "requests queued, about" in result.stderr, result.stderr
    assert len(free.monitors()) == count


def test_the_state_keeps_each_resources_stack_trace_down_to_the_programs_entry_only(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", monitors_yaml(3, "team"))
    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    [state_file] = (project.root.parent / "state" / ".pulumi" / "stacks").rglob("t.json")
    resources = json.loads(state_file.read_text())["checkpoint"]["latest"]["resources"]
    monitors = [r for r in resources if r["type"] == "pulumi-python:dynamic/uptimerobot:Monitor"]
    assert len(monitors) == 3
    for monitor in monitors:
        frames = [f.get("sourcePosition", "") for f in monitor["stackTrace"]]
        # the resource's own line first (as the SDK reports it), the project's __main__.py last,
        # none of the language host's, asyncio's, gRPC's or threading's frames below it
        assert frames[0] == monitor["sourcePosition"] and "/monitors/monitor.py#" in frames[0], frames
        assert frames[-1].startswith("project:///__main__.py#"), frames
        assert not [f for f in frames if "asyncio" in f or "threading" in f or "grpc" in f], frames
    clean = project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes")
    assert clean.exit_code == 0, clean

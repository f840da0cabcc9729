"""--json on `outputs` and `runbook`, `sandbox status --json` when stopped, and `outputs -f dotenv`
refusing to write masked secrets."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ProjectDir, SandboxApi, UptimeRobotAccount

HEARTBEAT_STACK = """
from vigil.spec import HeartbeatMonitor, Stack
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    return Stack(app="hb", env=env, uptime_plan="team",
                 blocks=[HeartbeatMonitor(name="nightly job", every="1h", grace="5m")])
"""

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def test_sandbox_status_json_when_stopped_is_running_false(project: ProjectDir) -> None:
    result = project.vigil("sandbox", "status", "--json")
    assert result.exit_code == 0, result
    assert result.json == {"running": False}
    human = project.vigil("sandbox", "status")
    assert human.exit_code == 1 and "not running" in human.stderr  # a person is told how to start it


def test_runbook_json_carries_the_same_markdown(project: ProjectDir) -> None:
    project.write_env("t", ONE_MONITOR)
    text = project.vigil("runbook", "--env", "t")
    as_json = project.vigil("runbook", "--env", "t", "--json")
    assert text.exit_code == 0 and as_json.exit_code == 0, as_json
    assert as_json.json == {"env": "t", "markdown": text.stdout[:-1]}  # print adds one newline
    target = project.root / "RUNBOOK.md"
    written = project.vigil("runbook", "--env", "t", "-o", str(target), "--json")
    assert written.json == {"env": "t", "path": str(target), "written": True}
    assert target.read_text() == as_json.json["markdown"]
    fresh = project.vigil("runbook", "--env", "t", "-o", str(target), "--check", "--json")
    assert fresh.exit_code == 0 and fresh.json["up_to_date"] is True
    target.write_text("old\n")
    stale = project.vigil("runbook", "--env", "t", "-o", str(target), "--check", "--json")
    assert stale.exit_code == 2, stale
    assert stale.json == {"env": "t", "path": str(target), "up_to_date": False}  # one document


@pytest.mark.engine
def test_outputs_json_is_the_json_format(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    (project.root / "stacks" / "hb.py").write_text(HEARTBEAT_STACK)
    project.write_env("t", "app: hb\n")
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    as_json = project.vigil("outputs", "--env", "t", "--json")
    assert as_json.exit_code == 0, as_json
    assert as_json.stdout == project.vigil("outputs", "--env", "t", "--format", "json").stdout
    assert as_json.json["outputs"] == {"HEARTBEAT_URL_NIGHTLY_JOB": "[secret]"}


@pytest.mark.engine
def test_dotenv_refuses_masked_secrets(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    (project.root / "stacks" / "hb.py").write_text(HEARTBEAT_STACK)
    project.write_env("t", "app: hb\n")
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [monitor] = uptimerobot.monitors()
    token = str(monitor["url"])
    refused = project.vigil("outputs", "--env", "t", "-f", "dotenv")
    assert refused.exit_code == 1, refused
    assert refused.stdout == ""  # no half-written .env
    assert "refusing to write masked secrets as dotenv: HEARTBEAT_URL_NIGHTLY_JOB" in refused.stderr
    assert "--show-secrets" in refused.stderr and token not in refused.stderr
    shown = project.vigil("outputs", "--env", "t", "-f", "dotenv", "--show-secrets")
    assert shown.exit_code == 0, shown
    [line] = shown.stdout.splitlines()
    assert line.startswith("HEARTBEAT_URL_NIGHTLY_JOB=") and token in line and "[secret]" not in line


def test_dotenv_without_secrets_is_written(project: ProjectDir) -> None:
    """Nothing secret (no Sentry project, no heartbeat): dotenv needs no --show-secrets."""
    project.write_env("t", ONE_MONITOR)
    result = project.vigil("outputs", "--env", "t", "-f", "dotenv")
    assert result.exit_code == 0, result
    assert "refusing" not in result.stderr and "[secret]" not in result.stdout


@pytest.mark.engine
def test_a_heartbeat_push_url_is_masked_the_same_way_everywhere(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    (project.root / "stacks" / "hb.py").write_text(HEARTBEAT_STACK)
    project.write_env("t", "app: hb\n")
    up = project.vigil("up", "--env", "t", "--yes")
    assert up.exit_code == 0, up
    [monitor] = uptimerobot.monitors()
    token = str(monitor["url"])
    up_json = project.vigil("up", "--env", "t", "--yes", "--json")
    table = project.vigil("outputs", "--env", "t")
    as_json = project.vigil("outputs", "--env", "t", "--json")
    for result in (up, up_json, table, as_json):
        assert token not in result.stdout + result.stderr, result
    assert "HEARTBEAT_URL_NIGHTLY_JOB  [secret]" in table.stdout
    assert as_json.json["outputs"]["HEARTBEAT_URL_NIGHTLY_JOB"] == "[secret]"
    assert up_json.json["outputs"]["uptimerobot_heartbeat_urls"] == {"nightly job": "[secret]"}
    assert '{"nightly job": "[secret]"}' in up.stdout


def test_preview_json_carries_the_stacks_warnings_in_its_diagnostics(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env(
        "t", 'app: basic\nprotected: true\nmonitors:\n  - {name: API, url: "http://127.0.0.1:9/health"}\n'
    )
    result = project.vigil("preview", "--env", "t", "--json")
    assert result.exit_code == 0, result
    warned = [d for d in result.json["diagnostics"] if "alerts nobody" in d]
    assert len(warned) == 1 and "production monitor 'API' alerts nobody" in warned[0]
    assert "warning:" in result.stderr  # still shown to a person


def test_on_the_sandbox_a_heartbeat_push_url_reaches_the_emulator(
    project: ProjectDir, sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox exports where its heartbeats live (UPTIMEROBOT_HEARTBEAT_URL, as `vigil sandbox env`
    does): a job calling its push URL reaches the emulator, not heartbeat.uptimerobot.com."""
    created = sandbox.account("uptimerobot", plan="team")
    for variable, key in (
        ("UPTIMEROBOT_API_URL", "url"),
        ("UPTIMEROBOT_API_KEY", "api_key"),
        ("UPTIMEROBOT_HEARTBEAT_URL", "heartbeat_url"),
    ):
        monkeypatch.setenv(variable, created[key])
    assert created["heartbeat_url"] == f"{sandbox.url}/_sandbox/uptimerobot/heartbeat/"
    (project.root / "stacks" / "hb.py").write_text(HEARTBEAT_STACK)
    project.write_env("t", "app: hb\n")
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    shown = project.vigil("outputs", "--env", "t", "--json", "--show-secrets")
    assert shown.exit_code == 0, shown
    push = shown.json["outputs"]["HEARTBEAT_URL_NIGHTLY_JOB"]
    assert push.startswith(created["heartbeat_url"])
    beat = requests.get(push, timeout=10)
    assert beat.status_code == 200, beat.text

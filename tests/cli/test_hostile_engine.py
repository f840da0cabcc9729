"""Hostile stacks through the real engine: referenced secrets never reach state in plain text, a
stack module cannot fake success inside the Pulumi program, and a failing webhook never hides drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, SandboxApi, SlackAccount, UptimeRobotAccount

pytestmark = pytest.mark.engine

MODULES = Path(__file__).resolve().parent.parent / "fixtures" / "hostile" / "modules"
TOKEN = "q7TOKENq7x9v2k5m8n1b4"  # made-up values, recognisable in any file
BEARER = "Bearer zz9BEARERzz3c6f8h1j4"


def _use(project: ProjectDir, module: str, yaml: str = "") -> None:
    shutil.copy(MODULES / f"{module}.py", project.root / "stacks" / f"{module}.py")
    project.write_env("t", f"app: {module}\n{yaml}")


def _files_containing(root: Path, needle: str) -> list[Path]:
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and needle.encode() in path.read_bytes()  # state, .bak, backups, history
    ]


def test_a_referenced_url_and_header_reach_the_api_but_never_state_or_output(
    project: ProjectDir,
    uptimerobot: UptimeRobotAccount,
    monkeypatch: pytest.MonkeyPatch,
    pulumi_home: Path,
) -> None:
    _use(project, "secret_monitor", "health_url: {env: HEALTH_URL}\nhealth_auth: {env: HEALTH_AUTH}\n")
    monkeypatch.setenv("HEALTH_URL", f"http://127.0.0.1:9/health?token={TOKEN}")
    monkeypatch.setenv("HEALTH_AUTH", BEARER)
    outputs = [project.vigil("up", "--env", "t", "--yes", "--json")]
    assert outputs[0].exit_code == 0, outputs[0]
    [monitor] = uptimerobot.monitors()
    assert TOKEN in monitor["url"]  # the API got the real values…
    assert {k.lower(): v for k, v in monitor["customHttpHeaders"].items()}["authorization"] == BEARER
    monkeypatch.setenv("HEALTH_AUTH", BEARER + "2")  # an update: more checkpoints, backups, history
    outputs += [
        project.vigil("preview", "--env", "t"),
        project.vigil("preview", "--env", "t", "--json"),
        project.vigil("up", "--env", "t", "--yes"),
        project.vigil("refresh", "--env", "t", "--yes", "--json"),
        project.vigil("drift", "--env", "t", "--json"),
    ]
    assert [r.exit_code for r in outputs] == [0, 0, 0, 0, 0, 0], [str(r) for r in outputs]
    assert "[secret]" in outputs[1].stdout + outputs[2].stdout  # the preview masks them
    for result in outputs:
        for needle in (TOKEN, BEARER):
            assert needle not in result.stdout and needle not in result.stderr, result
    state = project.root.parent / "state"
    assert list(state.rglob("*.json")), "the state exists"
    assert list(state.rglob("*.bak")) or list(state.rglob("*history*")), "backups/history exist"
    for needle in (TOKEN, BEARER.split()[1]):
        assert _files_containing(state, needle) == []  # …the state, its .bak, backups and history not
        assert _files_containing(project.root, needle) == []
        assert _files_containing(pulumi_home, needle) == []


def test_prints_inside_the_pulumi_program_keep_json_one_document(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    _use(project, "prints")
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    document = json.loads(result.stdout)  # exactly one document: no NOISE before or after it
    assert document["summary"] and "NOISE" not in result.stdout
    [monitor] = uptimerobot.monitors()
    assert monitor["friendlyName"] == "API"


def test_an_exit_inside_the_pulumi_program_fails_the_run(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    _use(project, "exits_in_program")
    for command in (
        ("preview", "--env", "t", "--expect-no-changes", "--json"),
        ("up", "--env", "t", "--yes"),
    ):
        result = project.vigil(*command)
        assert result.exit_code == 1, result
        assert "sys.exit(0) in build()" in result.stdout + result.stderr, result
        assert "exits_in_program.py:11" in result.stdout + result.stderr, result
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}


def test_an_unset_secret_variable_is_a_finding_at_its_yaml_line_before_the_engine_runs(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    _use(
        project,
        "secret_monitor",
        "health_url: {env: HEALTH_URL_UNSET}\nhealth_auth: {env: HEALTH_AUTH_UNSET}\n",
    )
    for command in (("preview", "--env", "t", "--json"), ("up", "--env", "t", "--yes", "--json")):
        result = project.vigil(*command)
        assert result.exit_code == 1, result
        found = [(f["rule"], f["line"], f["message"]) for f in result.json["error"]["details"]]
        assert found == [
            (
                "secret-missing",
                2,
                "HttpMonitor.url needs the environment variable HEALTH_URL_UNSET, which is not set",
            ),
            (
                "secret-missing",
                3,
                "HttpMonitor.headers needs the environment variable HEALTH_AUTH_UNSET, which is not set",
            ),
        ]
        assert "Traceback" not in result.stderr
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}


DRIFTING = 'app: basic\nmonitors:\n  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}\n'


def test_a_webhook_answering_500_comes_after_the_drift_report(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount, slack: SlackAccount
) -> None:
    project.write_env("t", DRIFTING)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [api] = uptimerobot.monitors()
    assert uptimerobot.patch(f"/monitors/{api['id']}", {"interval": 900}).status_code == 200
    sandbox.control(
        "faults", service="slack", account=slack.token, error_rate=1.0, operations=["incoming_webhook"]
    )
    text = project.vigil("drift", "--env", "t", "--notify", "slack")
    assert text.exit_code == 1, text
    assert "~ changed" in text.stdout and "1 changed" in text.stdout  # the report is printed…
    errors = [line for line in text.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "the drift report was not sent to Slack" in errors[0], text  # …then one line
    assert slack.webhook_url not in text.stdout + text.stderr
    as_json = project.vigil("drift", "--env", "t", "--notify", "slack", "--json")
    assert as_json.exit_code == 1
    document = as_json.json
    assert document["notified"] is None and "not sent to Slack" in document["notify_error"]
    assert document["drifted"] is True and document["summary"]["changed"] == 1
    assert slack.messages() == []

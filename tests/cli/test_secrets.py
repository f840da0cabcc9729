"""No credential reaches the state file, the --json output or the engine's logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

STACK = """
app: basic
contacts:
  - {name: ops, email: ops@example.com}
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def _files_containing(root: Path, needle: str) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            try:
                if needle in path.read_text(errors="ignore"):
                    found.append(path)
            except OSError:
                continue
    return found


def test_the_api_key_is_nowhere_in_state_output_or_logs(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, pulumi_home: Path
) -> None:
    project.write_env("t", STACK.replace("contacts:\n  - {name: ops, email: ops@example.com}\n", ""))
    outputs = [
        project.vigil("up", "--env", "t", "--yes", "--json"),
        project.vigil("preview", "--env", "t", "--refresh", "--json"),
        project.vigil("drift", "--env", "t", "--json"),
    ]
    assert outputs[0].exit_code == 0, outputs[0]
    key = uptimerobot.api_key
    for result in outputs:
        assert key not in result.stdout and key not in result.stderr
    state_dir = Path(project.root).parent / "state"
    assert list(state_dir.rglob("*.json")), "the state file exists"
    assert _files_containing(state_dir, key) == []
    assert _files_containing(project.root, key) == []
    assert _files_containing(pulumi_home, key) == []


HEARTBEAT_STACK = """
from vigil.spec import HeartbeatMonitor, Stack
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    return Stack(app="hb", env=env, uptime_plan="team",
                 blocks=[HeartbeatMonitor(name="nightly job", every="1h", grace="5m")])
"""


def test_a_heartbeat_push_token_is_encrypted_in_state(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    (project.root / "stacks" / "hb.py").write_text(HEARTBEAT_STACK)
    project.write_env("t", "app: hb\n")
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert project.vigil("refresh", "--env", "t", "--yes").exit_code == 0  # writes what it read
    [monitor] = uptimerobot.monitors()
    token = str(monitor["url"])
    assert monitor["type"] == "HEARTBEAT" and len(token) >= 8
    state_dir = Path(project.root).parent / "state"
    assert list(state_dir.rglob("*.json")), "the state file exists"
    assert _files_containing(state_dir, token) == []
    shown = project.vigil("outputs", "--env", "t", "--format", "table")
    assert shown.exit_code == 0 and "HEARTBEAT" in shown.stdout.upper() and token not in shown.stdout

"""Prompts: `[y/N]` on a terminal, declining is "Cancelled, nothing applied" with exit 0, and
`drift --fix` applies only with --yes or a yes at the prompt, then lists what it changed.

The terminal is a real pseudo-terminal: vigil runs as a child process whose stdin and stderr are the
pty's, exactly as when a person types the command.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
HANG_GUARD_S = 240  # only so a broken prompt cannot hang the suite; never a timing assertion

STACK = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def _read_until(fd: int, marker: str | None, seen: list[str]) -> bool:
    """Read the terminal into ``seen`` until ``marker`` shows (True) or the child closes it."""
    while True:
        ready, _, _ = select.select([fd], [], [], HANG_GUARD_S)
        if not ready:
            raise AssertionError("vigil neither asked nor finished:\n" + "".join(seen))
        try:
            chunk = os.read(fd, 4096).decode(errors="replace")
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        seen.append(chunk)
        if marker is not None and marker in "".join(seen):
            return True


def on_a_terminal(project: ProjectDir, *args: str, answer: str | None) -> tuple[int, str]:
    """Run vigil on a pty; type ``answer`` at the first `[y/N]` (None: expect no question)."""
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, cli; sys.exit(cli.run(sys.argv[1:]))",
            "--project",
            str(project.root),
            *args,
        ],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1", "TERM": "xterm"},
        close_fds=True,
    )
    os.close(slave)
    seen: list[str] = []
    try:
        if answer is not None:
            assert _read_until(master, "[y/N]", seen), "no [y/N] question:\n" + "".join(seen)
            os.write(master, f"{answer}\n".encode())
        _read_until(master, None, seen)
        code = child.wait(timeout=HANG_GUARD_S)
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
    return code, re.sub(r"\x1b\[[0-9;]*m", "", "".join(seen)).replace("\r\n", "\n")


def test_declining_up_is_cancelled_exits_0_and_creates_nothing(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", STACK)
    code, screen = on_a_terminal(project, "up", "--env", "t", answer="n")
    assert code == 0, screen
    assert "Apply these changes to 't'? [y/N]" in screen
    assert "+ uptimerobot:Monitor monitor-api" in screen  # the plan was shown before the question
    assert "Cancelled, nothing applied" in screen
    assert "needs confirmation" not in screen
    assert uptimerobot.monitors() == []


def test_an_empty_answer_is_no(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", STACK)
    code, screen = on_a_terminal(project, "up", "--env", "t", answer="")
    assert code == 0, screen
    assert "Cancelled, nothing applied" in screen
    assert uptimerobot.monitors() == []


def test_answering_yes_applies(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", STACK)
    code, screen = on_a_terminal(project, "up", "--env", "t", answer="y")
    assert code == 0, screen
    assert "t: 1 created" in screen  # the monitor; its grouping components are not counted
    assert [m["friendlyName"] for m in uptimerobot.monitors()] == ["API"]


def test_without_a_terminal_up_still_needs_yes(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", STACK)
    result = project.vigil("up", "--env", "t", "--json")
    assert result.exit_code == 3, result
    assert result.json["error"]["message"] == "up of 't' needs confirmation"
    assert uptimerobot.monitors() == []


@pytest.fixture
def drifted(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> dict[str, Any]:
    """The stack is up, then someone changed the monitor's interval to 15 minutes in the account."""
    project.write_env("t", STACK)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [monitor] = uptimerobot.monitors()
    assert uptimerobot.patch(f"/monitors/{monitor['id']}", {"interval": 900}).status_code == 200
    return monitor


def _interval(uptimerobot: UptimeRobotAccount) -> int:
    [monitor] = uptimerobot.monitors()
    return int(monitor["interval"])


def test_drift_fix_without_yes_and_without_a_terminal_applies_nothing(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, drifted: dict[str, Any]
) -> None:
    result = project.vigil("drift", "--env", "t", "--fix", "--json")
    assert result.exit_code == 3, result
    assert result.json["error"] == {
        "message": "fix of 't' needs confirmation",
        "exit_code": 3,
        "hint": "pass --yes to apply without asking",
    }
    assert _interval(uptimerobot) == 900


def test_drift_fix_declined_on_a_terminal_applies_nothing(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, drifted: dict[str, Any]
) -> None:
    code, screen = on_a_terminal(project, "drift", "--env", "t", "--fix", answer="no")
    assert code == 0, screen
    assert "Apply these changes to 't'? [y/N]" in screen
    assert "Cancelled, nothing applied" in screen
    assert _interval(uptimerobot) == 900


def test_drift_fix_with_yes_applies_and_lists_what_it_changed(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, drifted: dict[str, Any]
) -> None:
    result = project.vigil("drift", "--env", "t", "--fix", "--yes")
    assert result.exit_code == 0, result
    assert _interval(uptimerobot) == 300
    fixed = result.stdout[result.stdout.index("fixed:") :]
    assert "~ uptimerobot:Monitor monitor-api (update)" in fixed
    assert "t: 1 updated" in fixed
    assert "t: no drift" in fixed  # checked again after the fix

    _break = uptimerobot.patch(f"/monitors/{drifted['id']}", {"interval": 900})
    assert _break.status_code == 200
    as_json = project.vigil("drift", "--env", "t", "--fix", "--yes", "--json")
    assert as_json.exit_code == 0, as_json
    assert [(c["op"], c["name"]) for c in as_json.json["fixed"]] == [("update", "monitor-api")]
    assert as_json.json["drifted"] is False

"""A delete in a protected environment and every production destroy need the environment's name
typed on the terminal (as `gh repo delete`); a reflexive "y" applies nothing."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from tests.cli.test_prompts import HANG_GUARD_S, ROOT, _read_until
from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

PROMPT = "Type the environment's name (production) to confirm: "
TWO = """
app: basic
protected: true
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
  - {name: Web, url: "http://127.0.0.1:9/", every: 5m}
"""
ONE = TWO.split("  - {name: Web")[0]


def typed_on_a_terminal(project: ProjectDir, *args: str, answer: str) -> tuple[int, str]:
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
        assert _read_until(master, PROMPT, seen), "no typed confirmation:\n" + "".join(seen)
        os.write(master, f"{answer}\n".encode())
        _read_until(master, None, seen)
        code = child.wait(timeout=HANG_GUARD_S)
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
    return code, re.sub(r"\x1b\[[0-9;]*m", "", "".join(seen)).replace("\r\n", "\n")


@pytest.fixture
def production(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> ProjectDir:
    project.write_env("production", TWO)
    created = project.vigil("up", "--env", "production", "--yes")
    assert created.exit_code == 0, created
    return project


def test_a_delete_in_a_protected_environment_needs_its_name_typed(
    production: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    production.write_env("production", ONE)
    code, screen = typed_on_a_terminal(production, "up", "--env", "production", answer="y")
    assert code == 0, screen
    assert "'production' is protected and this up would delete" in screen
    assert "Cancelled, nothing applied" in screen
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == ["API", "Web"]
    code, screen = typed_on_a_terminal(production, "up", "--env", "production", answer="production")
    assert code == 0, screen
    assert [m["friendlyName"] for m in uptimerobot.monitors()] == ["API"]


def test_destroying_production_needs_its_name_typed_even_with_yes(
    production: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    code, screen = typed_on_a_terminal(production, "destroy", "--env", "production", "--yes", answer="yes")
    assert code == 0, screen
    assert "This destroys" in screen and "Cancelled, nothing applied" in screen
    assert len(uptimerobot.monitors()) == 2
    code, screen = typed_on_a_terminal(production, "destroy", "--env", "production", answer="production")
    assert code == 0, screen
    assert uptimerobot.monitors() == []


def test_without_a_terminal_destroying_production_still_needs_both_flags(production: ProjectDir) -> None:
    refused = production.vigil("destroy", "--env", "production", "--yes")
    assert refused.exit_code == 3, refused
    assert production.vigil("destroy", "--env", "production", "--yes", "--allow-delete").exit_code == 0

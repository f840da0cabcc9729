"""Crashes converge: SIGKILL of vigil, of the engine or of the dynamic provider at a random moment of
an `up`; no process of the killed run survives, and the next `up` ends with exactly the stack.

Without checkpoints (vigil's default, engine/workspace.py) a killed `up` saves no state at all: the
rerun adopts by name what the lost run created (the last test counts its creates).

Once per process here; `python -m bench kills` runs each 5 times on 100 monitors (issue 13's figures)."""

from __future__ import annotations

import json
import os
import random
import signal
from pathlib import Path

import pytest

from tests.cli.test_interrupt import (
    COUNT,
    assert_no_process_left,
    converge,
    monitors,
    processes_marked,
    start_up,
    wait_for_monitors,
)
from tests.conftest import ProjectDir, SandboxApi, UptimeRobotAccount

pytestmark = pytest.mark.engine


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def victim(target: str, marker: str, vigil_pid: int) -> int | None:
    if target == "vigil":
        return vigil_pid
    for pid in processes_marked(marker):
        argv = command_line(pid)
        if target == "engine" and argv and argv[0].endswith("/pulumi") and "up" in argv:
            return pid
        if target == "provider" and any("dynamic_host" in a or "pulumi.dynamic" in a for a in argv):
            return pid
    return None


@pytest.mark.parametrize(("target", "seed"), [("vigil", 1), ("engine", 2), ("provider", 3)])
def test_sigkill_at_a_random_moment_converges_on_the_next_up(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, target: str, seed: int
) -> None:
    project.write_env("t", monitors(COUNT))
    marker = f"crash-{target}-{seed}-{os.getpid()}"
    process = start_up(project.root, marker)
    wait_for_monitors(uptimerobot, random.Random(seed * 7 + len(target)).randint(1, COUNT * 2 // 3), process)
    pid = victim(target, marker, process.pid)
    assert pid is not None and process.poll() is None, f"no {target} process to kill"
    os.kill(pid, signal.SIGKILL)
    process.communicate(timeout=600)
    assert_no_process_left(marker)  # plugins and the engine die with what they served (bounded wait)

    converge(project, uptimerobot)  # exactly COUNT monitors by name, then a clean preview
    state = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://"))
    checkpoint = json.loads((state / ".pulumi" / "stacks" / "vigil-test" / "t.json").read_text())
    assert checkpoint["checkpoint"]["latest"].get("pending_operations") in (None, [])
    assert not list((state / ".pulumi" / "locks").rglob("*.json"))


def test_a_killed_up_saves_no_state_and_the_rerun_adopts_what_the_lost_run_created(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    first = COUNT // 4
    project.write_env("t", monitors(first))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    state = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://"))
    path = state / ".pulumi" / "stacks" / "vigil-test" / "t.json"

    def monitors_in_state() -> int:
        resources = json.loads(path.read_text())["checkpoint"]["latest"]["resources"]
        return sum(1 for r in resources if r["type"] == "pulumi-python:dynamic/uptimerobot:Monitor")

    assert monitors_in_state() == first
    project.write_env("t", monitors(COUNT))
    marker = f"crash-lost-{os.getpid()}"
    process = start_up(project.root, marker)
    wait_for_monitors(uptimerobot, first + COUNT // 3, process)
    pid = victim("engine", marker, process.pid)
    assert pid is not None and process.poll() is None, "no engine process to kill"
    os.kill(pid, signal.SIGKILL)
    process.communicate(timeout=600)
    assert_no_process_left(marker)

    created_by_the_lost_run = len(uptimerobot.monitors()) - first
    assert 0 < created_by_the_lost_run <= COUNT - first  # all of them when the kill lands late
    assert monitors_in_state() == first  # only the final snapshot is saved: the lost run saved none
    creates_before = sandbox.requests_made("uptimerobot", uptimerobot.api_key).get("create_monitor", 0)
    converge(project, uptimerobot)  # exactly COUNT monitors by name, then a clean preview
    creates = sandbox.requests_made("uptimerobot", uptimerobot.api_key).get("create_monitor", 0)
    # the rerun created only what the lost run had not: the others were found by name and adopted
    assert creates - creates_before == COUNT - first - created_by_the_lost_run
    assert monitors_in_state() == COUNT
    assert json.loads(path.read_text())["checkpoint"]["latest"].get("pending_operations") in (None, [])
    assert not list((state / ".pulumi" / "locks").rglob("*.json"))

"""Interruptions clean up: Ctrl-C during `up` cancels gracefully, leaves no process and no lock, exit 130.

The suite interrupts each scenario once or twice at a random moment of an `up` of COUNT monitors
(enough for a kill to land mid-run); `python -m bench kills` is the issue's soak: every scenario 5
times on 100 monitors, with the figures (tried, converged, duplicates, leftovers, pending operations).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, ProjectDir, SandboxApi, SlackAccount, UptimeRobotAccount

pytestmark = pytest.mark.engine

COUNT = 40  # monitors per interrupted `up` (bench/kills.py runs 100)


def monitors(count: int) -> str:
    lines = [f'  - {{name: "M{i:03d}", url: "http://127.0.0.1:9/{i}", every: 5m}}' for i in range(count)]
    return "app: basic\nmonitors:\n" + "\n".join(lines) + "\n"


def processes_marked(marker: str) -> list[int]:
    """Live processes started by the run: every descendant inherits the marker variable."""
    found = []
    needle = f"VIGIL_TEST_RUN={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_bytes().rsplit(b")", 1)[-1].split()[0]
        except OSError:
            continue
        if needle in environ.split(b"\0") and state != b"Z":
            found.append(int(entry.name))
    return found


def start_up(root: Path, marker: str, command: str = "up") -> subprocess.Popen[str]:
    """`vigil up` (or ``command``) in its own session, as a terminal runs a foreground job."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--project", str(root), command, "--env", "t", "--yes"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "VIGIL_TEST_RUN": marker},
        start_new_session=True,
    )


def wait_for_monitors(account: UptimeRobotAccount, at_least: int, process: subprocess.Popen[str]) -> None:
    """Until the account holds ``at_least`` monitors (polling gently: the test shares vigil's rate limit)."""
    for _ in range(1200):
        if process.poll() is not None:
            return
        try:
            if len(account.monitors()) >= at_least:
                return
        except ValueError:  # a 429 page while vigil uses the account's budget: look again
            pass
        time.sleep(0.5)


def assert_no_process_left(marker: str) -> None:
    left = processes_marked(marker)
    for _ in range(100):  # plugins exit on their own once the engine is gone (bounded wait)
        if not left:
            break
        time.sleep(0.1)
        left = processes_marked(marker)
    assert left == [], f"processes of the interrupted run still alive: {left}"


def converge(project: ProjectDir, account: UptimeRobotAccount) -> None:
    again = project.vigil("up", "--env", "t", "--yes")
    assert again.exit_code == 0, again
    names = [m["friendlyName"] for m in account.monitors()]
    assert sorted(names) == [f"M{i:03d}" for i in range(COUNT)]  # exactly the stack, no duplicate
    clean = project.vigil("preview", "--env", "t", "--expect-no-changes")
    assert clean.exit_code == 0, clean


@pytest.mark.parametrize("seed", [1, 2])
def test_ctrl_c_at_a_random_moment_of_an_up_cancels_cleanly(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, seed: int
) -> None:
    project.write_env("t", monitors(COUNT))
    marker = uuid.uuid4().hex
    process = start_up(project.root, marker)
    wait_for_monitors(uptimerobot, random.Random(seed).randint(1, COUNT * 2 // 3), process)
    os.killpg(process.pid, signal.SIGINT)  # the whole foreground group, as a terminal's Ctrl-C
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "I/O operation on closed file" not in stderr
    assert "cancelled:" in stderr and "change(s) were applied before it stopped" in stderr
    assert "vigil up --env t" in stderr
    assert_no_process_left(marker)
    lock_dir = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://")) / ".pulumi" / "locks"
    assert not list(lock_dir.rglob("*.json"))  # the lock was released
    converge(project, uptimerobot)


def test_sigterm_is_a_graceful_cancel_too(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", monitors(COUNT))
    marker = uuid.uuid4().hex
    process = start_up(project.root, marker)
    wait_for_monitors(uptimerobot, 10, process)
    process.send_signal(signal.SIGTERM)  # vigil only (a CI runner stopping the job)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "cancelled:" in stderr
    assert_no_process_left(marker)
    converge(project, uptimerobot)


def test_a_second_ctrl_c_stops_at_once_and_says_what_to_do(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", monitors(COUNT))
    marker = uuid.uuid4().hex
    process = start_up(project.root, marker)
    wait_for_monitors(uptimerobot, 10, process)
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "stopped at once" in stderr
    assert "vigil up --env t" in stderr
    assert_no_process_left(marker)
    converge(project, uptimerobot)


def test_drift_started_during_an_up_says_it_is_in_progress_and_notifies_nobody(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, slack: SlackAccount
) -> None:
    """A real `up` is running (not a lock file written by the test): drift sees its half-created
    monitors, and must neither call them unmanaged nor post to Slack."""
    project.write_env("t", monitors(COUNT))
    marker = uuid.uuid4().hex
    process = start_up(project.root, marker)
    wait_for_monitors(uptimerobot, 1, process)
    assert process.poll() is None, "the up ended before drift started"
    during = project.vigil("drift", "--env", "t", "--notify", "slack", "--json")
    assert during.exit_code == 1, during
    assert "an update of 't' is in progress" in during.stderr, during
    assert "unmanaged" not in during.stdout
    assert slack.messages() == []  # no notification of a false drift
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    after = project.vigil("drift", "--env", "t", "--notify", "slack", "--json")
    assert after.exit_code == 0, after
    assert after.json["drifted"] is False and after.json["summary"]["unmanaged"] == 0
    assert slack.messages() == []


SMALL = 20  # monitors of the destroy / refresh interrupts


def lock_files() -> list[Path]:
    locks = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://")) / ".pulumi" / "locks"
    return list(locks.rglob("*.json"))


def wait_for_engine(process: subprocess.Popen[str]) -> None:
    """Until the engine holds the stack's lock: the write has started."""
    for _ in range(3000):
        if process.poll() is not None or lock_files():
            return
        time.sleep(0.02)


def interrupted_cleanly(process: subprocess.Popen[str], marker: str) -> str:
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 130, stderr  # interrupted, whether or not the engine finished first
    assert "Traceback" not in stderr and "cancelled:" in stderr, stderr
    assert_no_process_left(marker)
    assert not lock_files()  # the lock was released
    return stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_destroy_says_what_was_deleted_and_how_to_finish(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount, signum: int
) -> None:
    project.write_env("t", monitors(SMALL))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    # Slow deletes keep the destroy running when the signal lands (the engine starts all at once).
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=300)
    marker = uuid.uuid4().hex
    process = start_up(project.root, marker, "destroy")
    wait_for_engine(process)
    time.sleep(random.Random(signum).uniform(0, 1.5))
    os.killpg(process.pid, signum)  # SIGINT: a terminal's Ctrl-C; SIGTERM: a CI runner stopping the group
    stderr = interrupted_cleanly(process, marker)
    left = len(uptimerobot.monitors())
    assert f"of {SMALL} delete(s) applied" in stderr, stderr
    assert f"{SMALL - left} of {SMALL} delete(s) applied" in stderr, stderr  # what the account shows
    if left:
        assert "vigil destroy --env t" in stderr, stderr
        sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=0)
        again = project.vigil("destroy", "--env", "t", "--yes")
        assert again.exit_code == 0, again
    else:
        assert "nothing left to do" in stderr, stderr
    assert uptimerobot.monitors() == []


def test_an_interrupted_refresh_exits_130_and_says_what_was_read(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", monitors(SMALL))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=300)
    marker = uuid.uuid4().hex
    process = start_up(project.root, marker, "refresh")
    wait_for_engine(process)
    time.sleep(random.Random(3).uniform(0, 0.5))
    os.killpg(process.pid, signal.SIGINT)
    stderr = interrupted_cleanly(process, marker)
    assert f"of {SMALL} object(s) read into the state" in stderr, stderr
    assert "nothing left to do" in stderr or "vigil refresh --env t" in stderr, stderr
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=0)
    assert len(uptimerobot.monitors()) == SMALL  # a refresh writes nothing to the account
    clean = project.vigil("preview", "--env", "t", "--expect-no-changes")
    assert clean.exit_code == 0, clean

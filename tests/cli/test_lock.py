"""Locking that explains itself: waits visibly, names the holder, clears stale locks, `vigil unlock`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import ROOT, ProjectDir, SandboxApi, UptimeRobotAccount

pytestmark = pytest.mark.engine

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def monitors(count: int) -> str:
    lines = [f'  - {{name: "M{i:03d}", url: "http://127.0.0.1:9/{i}", every: 5m}}' for i in range(count)]
    return "app: basic\nmonitors:\n" + "\n".join(lines) + "\n"


def lock_dir(env: str = "t") -> Path:
    state = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://"))
    return state / ".pulumi" / "locks" / "organization" / "vigil-test" / env


def write_lock(pid: int, hostname: str | None = None, env: str = "t") -> Path:
    """A lock file as Pulumi's DIY backend writes it (pkg/backend/diy/lock.go)."""
    folder = lock_dir(env)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}.json"
    document = {
        "pid": pid,
        "username": "someone",
        "hostname": hostname or socket.gethostname(),
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def live_holder() -> Iterator[int]:
    """A running process that looks like a Pulumi engine (its command line says pulumi)."""
    process = subprocess.Popen(["bash", "-c", "exec -a pulumi-holder sleep 300"])
    yield process.pid
    process.kill()
    process.wait()


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_up_waits_for_a_held_lock_then_names_the_holder(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, live_holder: int
) -> None:
    project.write_env("t", ONE_MONITOR)
    write_lock(live_holder)
    result = project.vigil("up", "--env", "t", "--yes", "--lock-timeout", "2s")
    assert result.exit_code == 1, result
    assert "waiting up to 2s" in result.stderr
    assert (
        f"locked by another run: someone@{socket.gethostname()} (pid {live_holder}, running)" in result.stderr
    )
    assert "since " in result.stderr and "gave up after 2s" in result.stderr
    assert "pulumi cancel" not in result.stderr and "Traceback" not in result.stderr
    assert uptimerobot.monitors() == []  # nothing was applied


def test_a_stale_lock_of_a_dead_process_on_this_host_is_removed_and_up_proceeds(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", ONE_MONITOR)
    lock = write_lock(dead_pid())
    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    assert "removed a stale lock of 't'" in result.stderr and "no longer running" in result.stderr
    assert not lock.exists()
    assert [m["friendlyName"] for m in uptimerobot.monitors()] == ["API"]


def test_drift_during_an_update_reports_it_in_progress_instead_of_drift(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, live_holder: int
) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    write_lock(live_holder)
    result = project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 1, result
    assert "an update of 't' is in progress" in result.stderr
    assert "unmanaged" not in result.stdout
    preview = project.vigil("preview", "--env", "t")
    assert preview.exit_code == 1 and "is in progress" in preview.stderr


def test_drift_with_a_lock_timeout_waits_for_the_update_then_compares(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, live_holder: int
) -> None:
    """The scheduled drift job's `--lock-timeout`: a deploy that holds the lock is waited for."""
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    lock = write_lock(live_holder)
    released = threading.Timer(3.0, lock.unlink)  # the "deploy" finishes while drift waits
    released.start()
    try:
        result = project.vigil("drift", "--env", "t", "--lock-timeout", "60s", "--json")
    finally:
        released.cancel()
    assert result.exit_code == 0, result
    assert "is locked by someone@" in result.stderr and "waiting up to 1m00s" in result.stderr
    assert "the lock of 't' was released; continuing" in result.stderr
    assert json.loads(result.stdout)["drifted"] is False


def test_drift_gives_up_after_its_lock_timeout_naming_the_holder(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, live_holder: int
) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    write_lock(live_holder)
    result = project.vigil("drift", "--env", "t", "--lock-timeout", "2s")
    assert result.exit_code == 1, result
    assert f"(pid {live_holder}, running)" in result.stderr and "gave up after 2s" in result.stderr


@pytest.mark.parametrize(("sig", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C")])
def test_a_signal_while_waiting_outside_an_engine_run_says_so_and_exits_130(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, live_holder: int, sig: int, name: str
) -> None:
    """Between engine runs (here: waiting for a lock) a signal ends vigil with a message, not silently."""
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    write_lock(live_holder)
    process = _vigil_process(project.root, "drift", "--env", "t", "--lock-timeout", "120s")
    assert process.stderr is not None
    waited: list[str] = []
    for _ in range(20):  # bounded: the wait is announced among the first lines
        waited.append(process.stderr.readline())
        if "waiting up to 2m00s" in waited[-1]:
            break
    assert "waiting up to 2m00s" in waited[-1], waited
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, (stdout, stderr)
    assert f"error: interrupted ({name}) while no engine run was in progress" in stderr, (stdout, stderr)
    assert "hint: rerun `vigil --project" in stderr and "drift --env t --lock-timeout 120s`" in stderr
    assert "Traceback" not in stderr


def test_unlock_refuses_a_live_holder_unless_forced(project: ProjectDir, live_holder: int) -> None:
    project.write_env("t", ONE_MONITOR)
    lock = write_lock(live_holder)
    refused = project.vigil("unlock", "--env", "t")
    assert refused.exit_code == 1, refused
    assert "refusing to unlock 't'" in refused.stderr and f"pid {live_holder}" in refused.stderr
    assert lock.exists()
    forced = project.vigil("unlock", "--env", "t", "--force")
    assert forced.exit_code == 0, forced
    assert not lock.exists()


def test_unlock_needs_force_for_a_holder_on_another_host(project: ProjectDir) -> None:
    project.write_env("t", ONE_MONITOR)
    lock = write_lock(4242, hostname="ci-runner-7")
    refused = project.vigil("unlock", "--env", "t")
    assert refused.exit_code == 1 and "another host" in refused.stderr, refused
    assert project.vigil("unlock", "--env", "t", "--force").exit_code == 0
    assert not lock.exists()


def test_unlock_removes_a_stale_lock_without_passphrase(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write_env("t", ONE_MONITOR)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    pid = dead_pid()
    lock = write_lock(pid)
    result = project.vigil("unlock", "--env", "t", "--json")
    assert result.exit_code == 0, result
    assert [r["pid"] for r in result.json["removed"]] == [pid]
    assert not lock.exists()
    assert project.vigil("unlock", "--env", "t").stdout.strip() == "t is not locked"


def _vigil_process(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--project", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def test_two_checkouts_sharing_a_backend_take_turns(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount, tmp_path: Path
) -> None:
    """Two copies of the project, one state: the second `up` waits for the first, then applies."""
    project.write_env("t", monitors(40))
    # Slow API calls keep the first up holding the lock while the second starts (under load a fast
    # first up could finish before the second ever meets the lock).
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=1000)
    other = tmp_path / "checkout-2"
    shutil.copytree(project.root, other)
    first = _vigil_process(project.root, "up", "--env", "t", "--yes")
    # The second starts once the first holds the lock, so the wait is certain.
    for _ in range(600):
        if lock_dir().is_dir() and any(lock_dir().glob("*.json")):
            break
        if first.poll() is not None:
            break
        time.sleep(0.1)
    second = _vigil_process(other, "up", "--env", "t", "--yes", "--lock-timeout", "5m")
    _, err1 = first.communicate(timeout=600)
    _, err2 = second.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "is locked by" in err2 and "waiting up to" in err2 and "was released; continuing" in err2
    names = sorted(m["friendlyName"] for m in uptimerobot.monitors())
    assert names == [f"M{i:03d}" for i in range(40)]  # exactly the stack: no duplicate
    assert not list(lock_dir().glob("*.json"))
    clean = project.vigil("preview", "--env", "t", "--expect-no-changes")
    assert clean.exit_code == 0, clean


def test_two_first_ups_of_a_new_environment_at_once_create_it_once(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, tmp_path: Path
) -> None:
    project.write_env("t", monitors(5))
    other = tmp_path / "checkout-2"
    shutil.copytree(project.root, other)
    runs = [_vigil_process(root, "up", "--env", "t", "--yes") for root in (project.root, other)]
    errors = [run.communicate(timeout=600)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert not any("StackAlreadyExists" in e or "NotFound" in e or "Traceback" in e for e in errors)
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == [f"M{i:03d}" for i in range(5)]
    stacks = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://")) / ".pulumi" / "stacks"
    assert [p.name for p in (stacks / "vigil-test").glob("*.json")] == ["t.json"]


@pytest.mark.parametrize("second_command", ["destroy", "drift --fix"])
def test_up_and_another_writer_from_two_checkouts_never_write_at_once(
    project: ProjectDir,
    sandbox: SandboxApi,
    uptimerobot: UptimeRobotAccount,
    tmp_path: Path,
    second_command: str,
) -> None:
    """`up` + `destroy`: the destroy waits for the lock, then deletes all; `up` + `drift --fix`: the drift
    stops naming the running update. Either way the state stays valid and the emulator holds what the
    winner left."""
    project.write_env("t", monitors(10))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0  # destroy then has a stack to plan
    project.write_env("t", monitors(20))
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=1000)
    other = tmp_path / "checkout-2"
    shutil.copytree(project.root, other)
    first = _vigil_process(project.root, "up", "--env", "t", "--yes")
    for _ in range(600):  # the second starts once the first holds the lock
        if (lock_dir().is_dir() and any(lock_dir().glob("*.json"))) or first.poll() is not None:
            break
        time.sleep(0.1)
    assert first.poll() is None, "the up ended before the second writer started"
    holder = json.loads(next(lock_dir().glob("*.json")).read_text())
    waits = ["--lock-timeout", "5m"] if second_command == "destroy" else []  # drift --fix: no waiting
    second = _vigil_process(other, *second_command.split(), "--env", "t", "--yes", *waits)
    _, err2 = second.communicate(timeout=600)
    _, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert "Traceback" not in err2 and "code: 1 stdout:" not in err2
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=0)
    names = sorted(m["friendlyName"] for m in uptimerobot.monitors())
    if second_command == "destroy":  # it waited for the up, then deleted everything the up left
        assert second.returncode == 0, err2
        assert f"pid {holder['pid']}" in err2 and "waiting up to 5m00s" in err2, err2
        assert "was released; continuing" in err2
        assert names == []
    else:  # a reader never waits: it names the running update and compares nothing
        assert second.returncode == 1, err2
        assert "an update of 't' is in progress" in err2 and f"pid {holder['pid']}" in err2, err2
        assert f"@{holder['hostname']}" in err2
        assert names == [f"M{i:03d}" for i in range(20)]
        clean = project.vigil("preview", "--env", "t", "--expect-no-changes")
        assert clean.exit_code == 0, clean
    assert not list(lock_dir().glob("*.json"))
    check = project.vigil("state", "check", "--env", "t")
    assert check.exit_code == 0, check  # the state is valid

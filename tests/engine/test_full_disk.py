"""A full disk during `up` (a small tmpfs as the backend): the state stays loadable or is restored by
the documented command, then `up` converges to exactly the stack."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine


def monitors(count: int) -> str:
    lines = [f'  - {{name: "M{i:03d}", url: "http://127.0.0.1:9/{i}", every: 5m}}' for i in range(count)]
    return "app: basic\nmonitors:\n" + "\n".join(lines) + "\n"


def used_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=True)
    monkeypatch.setenv("PULUMI_BACKEND_URL", mount.as_uri())
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def resize(mount: Path, size: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)


def test_a_full_disk_during_up_never_leaves_the_state_unusable(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, small_disk: Path
) -> None:
    project.write_env("t", monitors(3))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    # Room for the lock and a few small files, not for the next checkpoint: the engine's checkpoint
    # write fails with ENOSPC (Pulumi retries each failed write ~30 s, hence one new monitor only:
    # every further snapshot write of the run would wait as long; adopting objects a failed run
    # created is what tests/cli/test_crash.py proves).
    resize(small_disk, used_bytes(small_disk) + 16 * 1024)
    project.write_env("t", monitors(4))
    full = project.vigil("up", "--env", "t", "--yes")
    assert full.exit_code == 1, full  # the disk filled up
    assert "no space left on device" in full.stderr and "Traceback" not in full.stderr

    resize(small_disk, 64 * 1024 * 1024)  # the operator frees space
    check = project.vigil("state", "check", "--env", "t")
    if check.exit_code != 0:
        assert "vigil state restore --env t" in check.stderr, check
        restored = project.vigil("state", "restore", "--env", "t")
        assert restored.exit_code == 0, restored
    again = project.vigil("up", "--env", "t", "--yes")
    assert again.exit_code == 0, again
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == [f"M{i:03d}" for i in range(4)]
    assert project.vigil("preview", "--env", "t", "--expect-no-changes").exit_code == 0


def test_a_full_disk_when_the_lock_is_written_says_so_naming_the_backend(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, small_disk: Path
) -> None:
    project.write_env("t", monitors(2))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    resize(small_disk, used_bytes(small_disk))  # not one page free: the lock file cannot be written
    project.write_env("t", monitors(3))
    full = project.vigil("up", "--env", "t", "--yes")
    assert full.exit_code == 1, full
    assert f"no space left on device in the state backend {small_disk} (writing its lock)" in full.stderr, (
        full
    )
    assert f"df -h {small_disk}" in full.stderr
    assert (
        "code: 1 stdout:" not in full.stderr
        and "Unknown" not in full.stderr
        and "Traceback" not in full.stderr
    )
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == ["M000", "M001"]  # nothing applied

    resize(small_disk, 64 * 1024 * 1024)  # the fix the message gives: free space, rerun
    assert project.vigil("state", "check", "--env", "t").exit_code == 0
    assert not list(small_disk.rglob("*.tmp"))  # the failed lock write left nothing the engine trips on
    again = project.vigil("up", "--env", "t", "--yes")
    assert again.exit_code == 0, again
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == ["M000", "M001", "M002"]

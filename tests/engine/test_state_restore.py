"""Damaged state is explained and restored with one command; backups are bounded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount
from vigil.engine.backend import FileStore
from vigil.engine.state_files import KEEP_BACKUPS, prune

pytestmark = pytest.mark.engine

TWO = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
  - {name: Web, url: "http://127.0.0.1:9/", every: 5m}
"""


def stack_file() -> Path:
    state = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://"))
    return state / ".pulumi" / "stacks" / "vigil-test" / "t.json"


def test_a_truncated_checkpoint_and_empty_attrs_are_explained_then_restored(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", TWO)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    checkpoint = stack_file()
    checkpoint.write_bytes(checkpoint.read_bytes()[:100])  # a full disk mid-write
    Path(str(checkpoint) + ".attrs").write_bytes(b"")  # a kill between the two writes

    broken = project.vigil("preview", "--env", "t")
    assert broken.exit_code == 1, broken
    assert "the state of 't' is damaged" in broken.stderr and "t.json.attrs is empty" in broken.stderr
    assert "vigil state restore --env t" in broken.stderr and "EOF" not in broken.stderr

    restored = project.vigil("state", "restore", "--env", "t", "--json")
    assert restored.exit_code == 0, restored
    assert restored.json["restored"]["from"].endswith("t.json.bak")
    assert json.loads(checkpoint.read_text())["checkpoint"]  # loadable again
    assert Path(str(checkpoint) + ".damaged").exists()  # the damaged copy is kept for inspection

    again = project.vigil("up", "--env", "t", "--yes")
    assert again.exit_code == 0, again
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == ["API", "Web"]  # no duplicate
    assert project.vigil("preview", "--env", "t", "--expect-no-changes").exit_code == 0
    assert project.vigil("state", "check", "--env", "t").exit_code == 0


def test_backups_are_bounded_and_old_tmp_leftovers_removed(tmp_path: Path) -> None:
    store = FileStore(tmp_path.as_uri(), tmp_path)
    for stamp in range(KEEP_BACKUPS + 15):
        store.write(f".pulumi/backups/p/dev/dev.{1_700_000_000_000_000_000 + stamp}.json", b"{}")
    leftover = tmp_path / ".pulumi" / "stacks" / "p" / "dev.json.17a9f.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    os.utime(leftover, (1, 1))  # written long ago by a run that died
    fresh = leftover.with_name("dev.json.17b00.tmp")
    fresh.write_bytes(b"in flight")
    removed = prune(store, "p", "dev")
    assert removed == 16
    kept = store.keys(".pulumi/backups/p/dev/")
    assert len(kept) == KEEP_BACKUPS and kept[-1].endswith(
        f"{1_700_000_000_000_000_000 + KEEP_BACKUPS + 14}.json"
    )
    assert not leftover.exists() and fresh.exists()  # a write that may still be running is left alone

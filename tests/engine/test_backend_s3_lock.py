"""Two checkouts sharing one S3 state backend (issue 13): two `up` at once take turns on the lock in
the bucket; afterwards the emulator holds exactly the stack and the state is valid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, ProjectDir, SandboxApi, UptimeRobotAccount
from tests.engine.s3 import S3Server

pytestmark = pytest.mark.engine

COUNT = 10
LOCKS = ".pulumi/locks/organization/vigil-test/t/"


def monitors(count: int) -> str:
    lines = [f'  - {{name: "M{i:03d}", url: "http://127.0.0.1:9/{i}", every: 5m}}' for i in range(count)]
    return "app: basic\nmonitors:\n" + "\n".join(lines) + "\n"


def vigil_process(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--project", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def test_two_checkouts_on_one_s3_backend_take_turns(
    project: ProjectDir,
    sandbox: SandboxApi,
    uptimerobot: UptimeRobotAccount,
    s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
) -> None:
    project.write_env("t", monitors(COUNT))
    # Every API call takes a second: the first up holds the lock for longer than the second needs to
    # start (on a loaded machine a fast first up could finish before the second ever meets the lock).
    sandbox.control("faults", service="uptimerobot", account=uptimerobot.api_key, latency_ms=1000)
    other = tmp_path / "checkout-2"
    shutil.copytree(project.root, other)
    first = vigil_process(project.root, "up", "--env", "t", "--yes")
    for _ in range(600):  # the second starts once the first holds the lock in the bucket
        if first.poll() is not None or [k for k in s3_server.keys(s3_bucket, LOCKS) if k.endswith(".json")]:
            break
        time.sleep(0.1)
    assert first.poll() is None, "the first up ended before it was seen holding the lock"
    second = vigil_process(other, "up", "--env", "t", "--yes", "--lock-timeout", "5m")
    _, err1 = first.communicate(timeout=600)
    _, err2 = second.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "is locked by" in err2 and "was released; continuing" in err2, err2
    assert "Traceback" not in err1 + err2 and "pulumi cancel" not in err2
    names = sorted(m["friendlyName"] for m in uptimerobot.monitors())
    assert names == [f"M{i:03d}" for i in range(COUNT)]  # exactly the stack: nothing twice
    assert not [k for k in s3_server.keys(s3_bucket, LOCKS) if k.endswith(".json")]  # released
    checkpoint = json.loads(
        s3_server.client().get_object(Bucket=s3_bucket, Key=".pulumi/stacks/vigil-test/t.json")["Body"].read()
    )
    assert checkpoint["checkpoint"]["latest"].get("pending_operations") in (None, [])
    clean = project.vigil("preview", "--env", "t", "--expect-no-changes")
    assert clean.exit_code == 0, clean

"""Fixtures of the engine tests: an S3 server process, and projects whose state lives in one bucket."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, ProjectDir
from tests.engine.s3 import CREDENTIALS, S3Server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = S3Server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket, made the state backend of the test's project (PULUMI_BACKEND_URL=s3://…)."""
    bucket = s3_server.new_bucket()
    monkeypatch.setenv("PULUMI_BACKEND_URL", s3_server.backend_url(bucket))
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return bucket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def conductor(project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProjectDir]:
    """The shipped Conductor sandbox stack in a throwaway project, with a sandbox daemon on free ports."""
    shutil.copy(ROOT / "stacks" / "conductor.py", project.root / "stacks" / "conductor.py")
    port = free_port()
    text = (ROOT / "stacks" / "sandbox.yaml").read_text().replace("8711", str(port + 1))
    project.write_env("sandbox", text)
    monkeypatch.setenv("VIGIL_SANDBOX_PORT", str(port))
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")  # the sandbox brings its own
    for name in ("UPTIMEROBOT_API_KEY", "UPTIMEROBOT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    yield project
    project.vigil("sandbox", "stop")

"""Fixtures of the engine tests: an S3 server process, and projects whose state lives in one bucket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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

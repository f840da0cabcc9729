"""What vigil keeps beside the state lives in the state backend: file:// and s3:// stores alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.s3 import CREDENTIALS, S3Server
from vigil.engine.backend import FileStore, S3Store, open_store
from vigil.engine.notify_state import NotificationMemory


def test_drift_memory_is_kept_in_the_s3_bucket_of_the_state(s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket()
    store = open_store(s3_server.backend_url(bucket, "team/state"), CREDENTIALS)
    assert isinstance(store, S3Store)
    memory = NotificationMemory.in_store(store, "conductor", "production")
    assert memory.last() == ""
    memory.remember("abc123")
    assert s3_server.keys(bucket) == ["team/state/.vigil-drift/conductor/production.json"]
    again = NotificationMemory.in_store(open_store(store.url, CREDENTIALS), "conductor", "production")
    assert again.last() == "abc123"  # another run (another laptop) reads what this one wrote


def test_drift_memory_on_a_file_backend_sits_beside_the_state(tmp_path: Path) -> None:
    store = open_store(tmp_path.as_uri(), {})
    assert isinstance(store, FileStore)
    NotificationMemory.in_store(store, "conductor", "dev").remember("f00")
    assert (tmp_path / ".vigil-drift" / "conductor" / "dev.json").read_text() == '{"fingerprint": "f00"}'
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["dev.json"]  # no temporary file left


def test_store_keys_list_only_under_the_prefix(s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket()
    store = open_store(s3_server.backend_url(bucket), CREDENTIALS)
    store.write(".pulumi/locks/organization/p/dev/1.json", b"{}")
    store.write(".pulumi/locks/organization/p/dev2/2.json", b"{}")
    assert store.keys(".pulumi/locks/organization/p/dev/") == [".pulumi/locks/organization/p/dev/1.json"]
    assert store.delete(".pulumi/locks/organization/p/dev/1.json") is True
    assert store.delete(".pulumi/locks/organization/p/dev/1.json") is False


def test_an_unsupported_backend_is_named() -> None:
    with pytest.raises(ValueError, match=r"gs:// \(vigil reads file:// and s3://\)"):
        open_store("gs://bucket", {})

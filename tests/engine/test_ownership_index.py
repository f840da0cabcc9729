"""The ownership index: every stack's checkpoint of a project, read from the backend, as owners and references."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from vigil.engine.backend import FileStore, open_store
from vigil.engine.ownership import REFERENCE_KEY, OwnershipIndex

PROJECT = "conductor-monitoring"


def _resource(stack: str, kind: str, name: str, id_: str, **extra: Any) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:{stack}::{PROJECT}::pulumi-python:dynamic/{kind}::{name}",
        "custom": True,
        "id": id_,
        "type": f"pulumi-python:dynamic/{kind}",
        "inputs": extra.pop("inputs", {}),
        "outputs": extra.pop("outputs", {}),
        **extra,
    }


def _checkpoint(stack: str, resources: list[dict[str, Any]]) -> bytes:
    stack_resource = {
        "urn": f"urn:pulumi:{stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{stack}",
        "custom": False,
        "type": "pulumi:pulumi:Stack",
    }
    provider = {
        "urn": f"urn:pulumi:{stack}::{PROJECT}::pulumi:providers:pulumi-python::default",
        "custom": True,
        "id": "prov-1",
        "type": "pulumi:providers:pulumi-python",
    }
    document = {
        "version": 3,
        "checkpoint": {"stack": stack, "latest": {"resources": [stack_resource, provider, *resources]}},
    }
    return json.dumps(document).encode()


def _write(store: FileStore, stack: str, resources: list[dict[str, Any]], suffix: str = ".json") -> None:
    data = _checkpoint(stack, resources)
    store.write(
        f".pulumi/stacks/{PROJECT}/{stack}{suffix}", gzip.compress(data) if suffix.endswith(".gz") else data
    )


def _store(tmp_path: Path) -> FileStore:
    store = open_store(tmp_path.as_uri(), {})
    assert isinstance(store, FileStore)
    return store


def test_each_object_is_owned_by_the_stack_whose_checkpoint_manages_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(
        store,
        "shared",
        [
            _resource("shared", "sentry:Team", "team", "11", outputs={"team_id": "11"}),
            _resource(
                "shared", "sentry:Project", "backend", "21", outputs={"project_id": "21", "slug": "backend"}
            ),
            _resource(
                "shared",
                "sentry:ClientKey",
                "backend-key",
                "21/ab12",
                outputs={"key_id": {"ciphertext": "x"}},
            ),
        ],
    )
    _write(
        store,
        "dev",
        [
            _resource("dev", "uptimerobot:Monitor", "api", "801", outputs={"monitor_id": 801}),
            _resource("dev", "sentry:Project", "backend-ref", "21", inputs={REFERENCE_KEY: True}),
        ],
    )
    _write(
        store,
        "staging",
        [
            _resource("staging", "uptimerobot:Monitor", "api", "802", outputs={"monitor_id": "802"}),
            _resource("staging", "sentry:Project", "backend-ref", "21", external=True),
        ],
        suffix=".json.gz",
    )
    index = OwnershipIndex.load(store, PROJECT)
    assert sorted(index.stacks) == ["dev", "shared", "staging"]
    assert index.owner_of("sentry:Team", "11") == "shared"
    assert index.owner_of("sentry:Project", "21") == "shared"  # references own nothing
    assert index.owner_of("uptimerobot:Monitor", "801") == "dev"
    assert index.owner_of("uptimerobot:Monitor", "802") == "staging"
    assert index.owner_of("uptimerobot:Monitor", "999") is None
    assert index.owner_of("sentry:ClientKey", "21/ab12") == "shared"
    assert index.referenced_by("sentry:Project", "21") == ["dev", "staging"]
    assert index.referenced_by("sentry:Project", "21", except_stack="dev") == ["staging"]
    assert index.owned_ids("uptimerobot:Monitor") == {"801", "802"}
    assert index.owned_ids("uptimerobot:Monitor", except_stack="dev") == {"802"}
    assert index.still_referenced("shared") == {("sentry:Project", "21"): ["dev", "staging"]}
    assert index.still_referenced("dev") == {}
    assert index.known_ids("sentry:Project") == {"21"}
    found = index.owner_by_key("sentry:Project", "backend")
    assert found is not None and (found.stack, found.object_id, found.name) == ("shared", "21", "backend")
    assert index.owner_by_key("sentry:Project", "backend", except_stack="shared") is None
    assert index.unreadable == {}
    assert index.conflicts == []


def test_backups_attrs_and_leftovers_are_not_stacks(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(store, "dev", [_resource("dev", "uptimerobot:Monitor", "api", "801")])
    for junk in ("dev.json.bak", "dev.json.attrs", "dev.json.damaged", "dev.json.1a2b.tmp"):
        store.write(f".pulumi/stacks/{PROJECT}/{junk}", b"{not json")
    _write(store, "other", [_resource("other", "uptimerobot:Monitor", "api", "901")])
    store.write(
        ".pulumi/stacks/another-project/prod.json",
        _checkpoint("prod", [_resource("prod", "uptimerobot:Monitor", "api", "777")]),
    )
    index = OwnershipIndex.load(store, PROJECT)
    assert sorted(index.stacks) == ["another-project/prod", "dev", "other"]
    assert index.owner_of("uptimerobot:Monitor", "777") == "another-project/prod"  # another app's
    assert index.unreadable == {}


def test_a_damaged_checkpoint_is_reported_not_ignored(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.write(f".pulumi/stacks/{PROJECT}/staging.json", b'{"checkpoint": ')
    _write(store, "dev", [_resource("dev", "uptimerobot:Monitor", "api", "801")])
    index = OwnershipIndex.load(store, PROJECT)
    assert list(index.unreadable) == ["staging"]
    assert index.owner_of("uptimerobot:Monitor", "801") == "dev"


def test_an_object_two_stacks_manage_is_a_conflict(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _write(store, "dev", [_resource("dev", "sentry:Team", "team", "11")])
    _write(store, "sbx3", [_resource("sbx3", "sentry:Team", "team", "11")])
    index = OwnershipIndex.load(store, PROJECT)
    assert [(a.stack, b.stack) for a, b in index.conflicts] == [("dev", "sbx3")]
    assert [(e.stack, other) for e, other in index.shared_with("sbx3")] == [("sbx3", "dev")]
    assert index.foreign_for("sbx3").owner("sentry:Team", "11") == "dev"  # its delete keeps it
    assert index.foreign_for("dev").owner("sentry:Team", "11") == "sbx3"  # and so does dev's
    assert index.unmarked == {"dev": 1, "sbx3": 1}  # written before ownership: no marks yet


def test_pending_deletes_and_a_missing_backend_hold_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert OwnershipIndex.load(store, PROJECT).stacks == []
    _write(store, "dev", [_resource("dev", "uptimerobot:Monitor", "api", "801", delete=True)])
    index = OwnershipIndex.load(store, PROJECT)
    assert index.owner_of("uptimerobot:Monitor", "801") is None
    assert index.as_dict() == {"project": PROJECT, "stacks": ["dev"], "owners": {}, "references": {}}

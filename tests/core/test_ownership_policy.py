"""The ownership check of the one write policy: providers, called as the engine calls them, on the emulator.

The ownership file is what the CLI writes for a run (``core.ownership``): objects other stacks own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SandboxApi, UptimeRobotAccount
from vigil.core.ownership import (
    OWNERSHIP_KEY,
    REFERENCE_KEY,
    Foreign,
    OwnedElsewhere,
    ReferenceMissing,
    write_foreign,
)
from vigil.core.uptimerobot import forget_snapshots
from vigil.monitors.alert_contact import AlertContactProvider

PROVIDER = {"__provider": "serialized-provider"}


def _contacts(account: UptimeRobotAccount) -> list[dict[str, Any]]:
    return list(account.get("/alert-contacts").json()["data"])


def _writes(counters: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counters.items() if k.startswith(("create_", "update_", "delete_"))}


def _owned_by(tmp_path: Path, stack: str, kind: str, object_id: str) -> str:
    path = tmp_path / "ownership.json"
    write_foreign(path, Foreign("copy", {kind: {object_id: stack}}))
    return str(path)


def _existing_contact(account: UptimeRobotAccount) -> tuple[AlertContactProvider, str]:
    provider = AlertContactProvider()
    news = provider.check({}, {**PROVIDER, "name": "ops", "value": "ops@example.com"}).inputs
    created = provider.create(news)
    forget_snapshots()
    return provider, created.id


def test_an_object_another_stack_owns_is_never_adopted(
    tmp_path: Path, uptimerobot: UptimeRobotAccount, sandbox: SandboxApi
) -> None:
    provider, contact_id = _existing_contact(uptimerobot)
    path = _owned_by(tmp_path, "sandbox", "uptimerobot:AlertContact", contact_id)
    before = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    props = {**PROVIDER, "name": "renamed", "value": "ops@example.com", OWNERSHIP_KEY: path}

    check = provider.check({}, props)  # the preview: fails naming the owner, before any write
    [failure] = check.failures
    assert "belongs to the stack 'sandbox'" in failure.reason and f"id {contact_id}" in failure.reason
    assert "reference it as shared" in failure.reason
    with pytest.raises(OwnedElsewhere, match="belongs to the stack 'sandbox'"):
        provider.create(props)  # up: refused by the adopt step
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert _writes(made) == _writes(before)
    assert [c["friendlyName"] for c in _contacts(uptimerobot)] == ["ops"]  # not renamed


def test_delete_leaves_an_object_another_stack_holds(tmp_path: Path, uptimerobot: UptimeRobotAccount) -> None:
    provider, contact_id = _existing_contact(uptimerobot)
    path = _owned_by(tmp_path, "sandbox", "uptimerobot:AlertContact", contact_id)
    provider.delete(contact_id, {**PROVIDER, "name": "ops", "value": "ops@example.com", OWNERSHIP_KEY: path})
    assert [str(c["id"]) for c in _contacts(uptimerobot)] == [contact_id]
    provider.delete(contact_id, {**PROVIDER, "name": "ops", "value": "ops@example.com"})  # its owner's delete
    assert _contacts(uptimerobot) == []


def test_a_reference_is_read_never_written(uptimerobot: UptimeRobotAccount, sandbox: SandboxApi) -> None:
    provider, contact_id = _existing_contact(uptimerobot)
    before = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    props = {**PROVIDER, "name": "another name", "value": "ops@example.com", REFERENCE_KEY: True}
    assert provider.check({}, props).failures == []
    created = provider.create(props)
    assert created.id == contact_id and created.outs[REFERENCE_KEY] is True
    assert provider.diff(created.id, created.outs, props).changes is False  # the owner's name is not ours
    provider.delete(created.id, created.outs)
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert _writes(made) == _writes(before)
    assert [(str(c["id"]), c["friendlyName"]) for c in _contacts(uptimerobot)] == [(contact_id, "ops")]


def test_a_missing_reference_fails_the_preview(uptimerobot: UptimeRobotAccount) -> None:
    provider = AlertContactProvider()
    props = {**PROVIDER, "name": "ops", "value": "nobody@example.com", REFERENCE_KEY: True}
    [failure] = provider.check({}, props).failures
    assert "is referenced (reference=True) but does not exist" in failure.reason
    with pytest.raises(ReferenceMissing):
        provider.create(props)
    assert _contacts(uptimerobot) == []


def test_the_owner_may_adopt_what_other_stacks_only_reference(
    tmp_path: Path, uptimerobot: UptimeRobotAccount
) -> None:
    """Migrating to a shared stack: the environments reference the object, the shared stack adopts it."""
    provider, contact_id = _existing_contact(uptimerobot)
    path = tmp_path / "ownership.json"
    write_foreign(path, Foreign("shared", {}, {"uptimerobot:AlertContact": {contact_id: ["dev", "staging"]}}))
    props = {**PROVIDER, "name": "ops", "value": "ops@example.com", OWNERSHIP_KEY: str(path)}
    assert provider.check({}, props).failures == []
    assert provider.create(props).id == contact_id
    provider.delete(contact_id, props)  # but it is never deleted while they reference it
    assert [str(c["id"]) for c in _contacts(uptimerobot)] == [contact_id]

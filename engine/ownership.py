"""Who owns what: every stack's checkpoint in the backend, read once per run, as one index.

Every project's stacks are read, not only this one's: another app whose state shares the backend
(its own Pulumi project, e.g. ``.pulumi/stacks/other-app/dev.json``) owns its objects as much as a
sibling environment does; its stacks are named ``other-app/dev``.

The state backend is the record of ownership (DESIGN.md, "Ownership"): an object belongs to the
stack whose checkpoint holds it as a managed resource; a stack that only *references* an object
(a read-only resource, like Pulumi's ``get``) holds it too, marked as a reference, and owns nothing.
Before any write, vigil asks this index whether another stack of the project owns an object it is
about to adopt, update or delete.

Checkpoints are ``.pulumi/stacks/<project>/<stack>.json`` (``engine.state_files.checkpoint_key``;
``.json.gz`` when the DIY backend gzips). Only what identifies an object is read: a resource's type
(``pulumi-python:dynamic/uptimerobot:Monitor`` → kind ``uptimerobot:Monitor``), its Pulumi id and its
remote-id output (``monitor_id``…; a Sentry client key's Pulumi id is not its remote id). Secret
outputs are never decrypted: an encrypted value identifies nothing and is skipped.

A damaged or unreadable checkpoint of *another* stack is not ignored (that would let this run adopt
what that stack owns): it is listed in ``unreadable`` and callers refuse to write until it is repaired.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.core.inputs import unpack
from vigil.core.ownership import OWNERSHIP_KEY, REFERENCE_KEY, Foreign, ownership_path, write_foreign
from vigil.engine.backend import Store

DYNAMIC_PREFIX = "pulumi-python:dynamic/"

# kind → the output holding the remote id, where it differs from (or adds to) the Pulumi id.
ID_OUTPUTS: Mapping[str, str] = {
    "uptimerobot:Monitor": "monitor_id",
    "uptimerobot:AlertContact": "contact_id",
    "uptimerobot:Integration": "integration_id",
    "uptimerobot:MaintenanceWindow": "window_id",
    "uptimerobot:StatusPage": "status_page_id",
    "sentry:Team": "team_id",
    "sentry:Project": "project_id",
    "sentry:ClientKey": "key_id",
    "sentry:Alert": "alert_id",
    "sentry:MetricMonitor": "monitor_id",
    "sentry:Dashboard": "dashboard_id",
    "slack:SlackChannel": "channel_id",
}

# kind → the output holding the natural key adoption looks objects up by (packed outputs are unpacked).
KEY_OUTPUTS: Mapping[str, str] = {
    "uptimerobot:Monitor": "name",
    "uptimerobot:AlertContact": "value",
    "uptimerobot:Integration": "name",
    "uptimerobot:MaintenanceWindow": "name",
    "uptimerobot:StatusPage": "name",
    "sentry:Team": "slug",
    "sentry:Project": "slug",
    "sentry:ClientKey": "name",
    "sentry:Alert": "name",
    "sentry:MetricMonitor": "name",
    "sentry:Dashboard": "title",
    "slack:SlackChannel": "name",
}

Key = tuple[str, str]  # (kind, remote object id)


def kind_of(type_token: str) -> str:
    """``pulumi-python:dynamic/uptimerobot:Monitor`` → ``uptimerobot:Monitor`` (others unchanged)."""
    return type_token[len(DYNAMIC_PREFIX) :] if type_token.startswith(DYNAMIC_PREFIX) else type_token


def _stack_name(key: str, project: str) -> str | None:
    """The stack a key of ``.pulumi/stacks/`` is the checkpoint of: ``dev`` for this project's,
    ``other-app/dev`` for another project's in the same backend (None: not a checkpoint)."""
    parts = key[len(".pulumi/stacks/") :].split("/")
    if len(parts) != 2:
        return None
    owner_project, name = parts
    for suffix in (".json", ".json.gz"):
        if name.endswith(suffix) and len(name) > len(suffix):
            stack = name[: -len(suffix)]
            return stack if owner_project == project else f"{owner_project}/{stack}"
    return None  # .bak, .attrs, .damaged, fileblob's .tmp


def _decode(key: str, raw: bytes) -> dict[str, Any]:
    if key.endswith(".gz"):
        raw = gzip.decompress(raw)
    document = json.loads(raw)
    if not isinstance(document, dict) or not isinstance(document.get("checkpoint"), dict):
        raise ValueError("not a checkpoint")
    return document


def _plain_ids(resource: Mapping[str, Any], kind: str) -> set[str]:
    ids: set[str] = set()
    pulumi_id = resource.get("id")
    if isinstance(pulumi_id, str) and pulumi_id:
        ids.add(pulumi_id)
    outputs = resource.get("outputs") or {}
    output = ID_OUTPUTS.get(kind)
    if output and isinstance(outputs, Mapping):
        value = outputs.get(output)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            ids.add(str(value))
    return ids


def _natural_key(resource: Mapping[str, Any], kind: str) -> str:
    outputs = resource.get("outputs") or {}
    if not isinstance(outputs, Mapping):
        return ""
    value = unpack(dict(outputs)).get(KEY_OUTPUTS.get(kind, ""))
    return value if isinstance(value, str) else ""


def _is_reference(resource: Mapping[str, Any]) -> bool:
    """Read only: ``core.ownership.REFERENCE_KEY`` in its inputs or outputs, or a Pulumi ``get``."""
    if resource.get("external"):
        return True
    for key in ("inputs", "outputs"):
        props = resource.get(key) or {}
        if isinstance(props, Mapping) and props.get(REFERENCE_KEY) is True:
            return True
    return False


@dataclass(frozen=True)
class Entry:
    """One object as one stack's checkpoint holds it."""

    stack: str
    kind: str
    object_id: str
    name: str  # the resource's name in that stack (from its URN), for messages
    urn: str
    natural_key: str = ""  # the slug or name adoption looks it up by ("" when not readable)


@dataclass
class OwnershipIndex:
    """Owners and referencing stacks of every object of a project's stacks."""

    project: str
    owners: dict[Key, Entry] = field(default_factory=dict)
    references: dict[Key, list[Entry]] = field(default_factory=dict)
    stacks: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # stack → what is wrong with its checkpoint
    conflicts: list[tuple[Entry, Entry]] = field(default_factory=list)  # one object owned twice
    # stack → its resources whose outputs lack the ownership mark (state written before ownership):
    # their delete cannot check what other stacks hold until an `up` records it.
    unmarked: dict[str, int] = field(default_factory=dict)

    # --- building --------------------------------------------------------------------------------
    @classmethod
    def load(cls, store: Store, project: str) -> OwnershipIndex:
        """Read every checkpoint in ``store`` once (one list call, one read per stack): this project's
        stacks by name, other projects' (another app sharing the backend) as ``project/stack``."""
        index = cls(project)
        for key in store.keys(".pulumi/stacks/"):
            stack = _stack_name(key, project)
            if stack is None:
                continue
            raw = store.read(key)
            if raw is None:
                continue  # removed between the list and the read: that stack holds nothing now
            try:
                document = _decode(key, raw)
            except (ValueError, OSError, EOFError) as error:
                index.stacks.append(stack)
                index.unreadable[stack] = f"{key}: {error}"
                continue
            latest = document["checkpoint"].get("latest") or {}
            index.add_stack(stack, latest.get("resources") or [])
        return index

    @classmethod
    def from_resources(
        cls, project: str, stacks: Mapping[str, Iterable[Mapping[str, Any]]]
    ) -> OwnershipIndex:
        """An index from already exported resources (stack → its deployment's resources)."""
        index = cls(project)
        for stack, resources in stacks.items():
            index.add_stack(stack, resources)
        return index

    def add_stack(self, stack: str, resources: Iterable[Mapping[str, Any]]) -> None:
        if stack not in self.stacks:
            self.stacks.append(stack)
        for resource in resources:
            if not resource.get("custom") or resource.get("delete"):
                continue  # components, and resources pending deletion after a replace
            kind = kind_of(str(resource.get("type", "")))
            if kind.startswith("pulumi:"):
                continue  # providers and the stack itself
            urn = str(resource.get("urn", ""))
            name = urn.rsplit("::", 1)[-1]
            outputs = resource.get("outputs") or {}
            if kind_of(str(resource.get("type", ""))) != str(resource.get("type", "")) and not (
                isinstance(outputs, Mapping) and outputs.get(OWNERSHIP_KEY)
            ):
                self.unmarked[stack] = self.unmarked.get(stack, 0) + 1
            reference = _is_reference(resource)
            natural_key = _natural_key(resource, kind)
            for object_id in _plain_ids(resource, kind):
                entry = Entry(stack, kind, object_id, name, urn, natural_key)
                if reference:
                    listed = self.references.setdefault((kind, object_id), [])
                    if all(e.stack != stack for e in listed):
                        listed.append(entry)
                    continue
                existing = self.owners.get((kind, object_id))
                if existing is None:
                    self.owners[(kind, object_id)] = entry
                elif existing.stack != stack:
                    self.conflicts.append((existing, entry))

    # --- questions -------------------------------------------------------------------------------
    def owner(self, kind: str, object_id: str) -> Entry | None:
        return self.owners.get((kind, str(object_id)))

    def owner_of(self, kind: str, object_id: str) -> str | None:
        """The stack that owns this object, or None (owned by no stack of the backend)."""
        entry = self.owner(kind, object_id)
        return entry.stack if entry else None

    def referenced_by(self, kind: str, object_id: str, *, except_stack: str | None = None) -> list[str]:
        """The stacks that reference this object read-only (sorted)."""
        listed = self.references.get((kind, str(object_id)), [])
        return sorted({e.stack for e in listed if e.stack != except_stack})

    def owner_by_key(self, kind: str, natural_key: str, *, except_stack: str | None = None) -> Entry | None:
        """The owned object of this kind with this slug/name (first by stack name), if any."""
        found = [
            e
            for (k, _), e in self.owners.items()
            if k == kind and e.natural_key == natural_key and e.stack != except_stack
        ]
        return min(found, key=lambda e: (e.stack, e.object_id)) if found else None

    def owned_ids(self, kind: str, *, except_stack: str | None = None) -> set[str]:
        """Ids of the objects of this kind that some stack (other than ``except_stack``) owns."""
        return {oid for (k, oid), e in self.owners.items() if k == kind and e.stack != except_stack}

    def known_ids(self, kind: str) -> set[str]:
        """Ids of the objects of this kind any stack owns or references (drift's "managed")."""
        owned = {oid for (k, oid) in self.owners if k == kind}
        return owned | {oid for (k, oid) in self.references if k == kind}

    def owned_by(self, stack: str) -> list[Entry]:
        return [e for e in self.owners.values() if e.stack == stack]

    def foreign(self, stack: str) -> dict[Key, str]:
        """(kind, id) → owning stack, for every object owned by a stack other than ``stack``:
        what a run of ``stack`` may neither adopt, update nor delete."""
        return {key: e.stack for key, e in self.owners.items() if e.stack != stack}

    def still_referenced(self, stack: str) -> dict[Key, list[str]]:
        """Objects ``stack`` owns that other stacks reference: what destroying ``stack`` would break."""
        found: dict[Key, list[str]] = {}
        for key, entry in self.owners.items():
            if entry.stack != stack:
                continue
            others = self.referenced_by(*key, except_stack=stack)
            if others:
                found[key] = others
        return found

    def foreign_for(self, stack: str) -> Foreign:
        """What the providers of a run of ``stack`` must leave alone: every object another stack
        owns or references (an object this stack also holds, from state written before ownership,
        included: such an object is kept, never deleted, until one stack lets go of it)."""
        owners: dict[str, dict[str, str]] = {}
        for (kind, oid), entry in self.owners.items():
            if entry.stack != stack:
                owners.setdefault(kind, {})[oid] = entry.stack
        for first, second in self.conflicts:
            for entry, other in ((first, second), (second, first)):
                if other.stack == stack and entry.stack != stack:
                    owners.setdefault(entry.kind, {})[entry.object_id] = entry.stack
        references: dict[str, dict[str, list[str]]] = {}
        for kind, oid in self.references:
            others = self.referenced_by(kind, oid, except_stack=stack)
            if others:
                references.setdefault(kind, {})[oid] = others
        return Foreign(stack, owners, references, tuple(s for s in sorted(self.unreadable) if s != stack))

    def shared_with(self, stack: str) -> list[tuple[Entry, str]]:
        """Objects ``stack`` manages that another stack manages too (state written before ownership
        existed, when a copy adopted them): (this stack's entry, the other stack)."""
        found: list[tuple[Entry, str]] = []
        for first, second in self.conflicts:
            if first.stack == stack:
                found.append((first, second.stack))
            elif second.stack == stack:
                found.append((second, first.stack))
        return found

    def write_for(self, project_root: Path, stack: str) -> Path:
        """Write the run's ownership file for ``stack`` (``core.ownership.ownership_path``)."""
        path = ownership_path(project_root, stack)
        write_foreign(path, self.foreign_for(stack))
        return path

    def as_dict(self) -> dict[str, Any]:
        """A plain document (for the provider process): kind → id → owner, and references."""
        owners: dict[str, dict[str, str]] = {}
        for (kind, oid), entry in sorted(self.owners.items()):
            owners.setdefault(kind, {})[oid] = entry.stack
        references: dict[str, dict[str, list[str]]] = {}
        for kind, oid in sorted(self.references):
            references.setdefault(kind, {})[oid] = self.referenced_by(kind, oid)
        return {
            "project": self.project,
            "stacks": sorted(self.stacks),
            "owners": owners,
            "references": references,
        }


__all__ = [
    "DYNAMIC_PREFIX",
    "ID_OUTPUTS",
    "KEY_OUTPUTS",
    "REFERENCE_KEY",
    "Entry",
    "OwnershipIndex",
    "kind_of",
]

"""Drift: what is live versus what the stack wants, per field, without writing state.

One refreshing preview (``pulumi preview --refresh`` reads every resource live and persists
nothing) gives, per resource, the live values (refreshed outputs) and the desired values (the
program's inputs). The state as it was before the refresh tells which differences are *drift*
(the state matched the stack, the live object moved) and which are *pending changes* (the stack
itself changed since the last `up`). Objects in the accounts that no stack manages come from the
inventory (``engine/inventory.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vigil.core.inputs import unpack
from vigil.engine.changes import HIDDEN_KEYS, ResourceChange
from vigil.engine.operations import OperationResult


@dataclass(frozen=True)
class DriftedField:
    path: str
    desired: Any
    live: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.path, "desired": self.desired, "live": self.live}


@dataclass
class DriftItem:
    kind: str  # "changed" | "missing" | "unmanaged"
    type: str
    name: str
    remote_id: str | None = None
    fields: list[DriftedField] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "type": self.type,
            "name": self.name,
            "id": self.remote_id,
            "fields": [f.as_dict() for f in self.fields],
        }


@dataclass
class DriftReport:
    env: str
    items: list[DriftItem] = field(default_factory=list)
    pending: list[ResourceChange] = field(default_factory=list)  # the stack changed since the last up
    duration_seconds: float = 0.0

    @property
    def changed(self) -> list[DriftItem]:
        return [i for i in self.items if i.kind == "changed"]

    @property
    def missing(self) -> list[DriftItem]:
        return [i for i in self.items if i.kind == "missing"]

    @property
    def unmanaged(self) -> list[DriftItem]:
        return [i for i in self.items if i.kind == "unmanaged"]

    @property
    def drifted(self) -> bool:
        return bool(self.items)

    def fingerprint(self) -> str:
        """Stable over reruns while the same drift persists; empty when there is none."""
        if not self.items:
            return ""
        canonical = sorted(json.dumps(i.as_dict(), sort_keys=True, default=str) for i in self.items)
        return hashlib.sha256("\n".join(canonical).encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "drifted": self.drifted,
            "fingerprint": self.fingerprint(),
            "summary": {
                "changed": len(self.changed),
                "missing": len(self.missing),
                "unmanaged": len(self.unmanaged),
                "pending": len(self.pending),
            },
            "changed": [i.as_dict() for i in self.changed],
            "missing": [i.as_dict() for i in self.missing],
            "unmanaged": [i.as_dict() for i in self.unmanaged],
            "pending": [c.as_dict() for c in self.pending],
            "duration_seconds": round(self.duration_seconds, 2),
        }


def state_resources(deployment: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """URN → resource of an exported stack (before the refresh)."""
    return {r["urn"]: r for r in deployment.get("resources", []) if r.get("custom")}


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and ("4dabf18193072939515e22adb298388d" in value or "ciphertext" in value)


def classify(preview: OperationResult, before: dict[str, dict[str, Any]]) -> DriftReport:
    """Split a refreshing preview into drift (live moved) and pending changes (the stack moved)."""
    report = DriftReport(preview.env, duration_seconds=preview.duration_seconds)
    for change in preview.changes:
        recorded = before.get(change.urn)
        if change.op == "create":
            if recorded is not None:  # in state, gone from the account
                report.items.append(DriftItem("missing", change.type, change.name, recorded.get("id")))
            else:
                report.pending.append(change)
            continue
        if change.op == "delete" or recorded is None:
            report.pending.append(change)
            continue
        outputs = unpack(dict(recorded.get("outputs") or {}))
        recorded_outputs = {k: v for k, v in outputs.items() if k not in HIDDEN_KEYS}
        drifted: list[DriftedField] = []
        stack_moved = False
        for item in change.fields:
            was = recorded_outputs.get(item.path)
            if _is_secret(was) or item.new == "[secret]":
                continue  # secrets are compared by the provider; their values never reach a report
            if was == item.new or (was in (None, "", [], {}) and item.new in (None, "", [], {})):
                drifted.append(DriftedField(item.path, item.new, item.old))
            else:
                stack_moved = True
        if drifted:
            report.items.append(DriftItem("changed", change.type, change.name, recorded.get("id"), drifted))
        if stack_moved:
            report.pending.append(change)
    return report

"""What other stacks own, as the provider process sees it: the file the CLI wrote for this run.

The CLI reads every checkpoint of the project once per run (``engine.ownership.OwnershipIndex``)
and writes, for the stack being run, the objects *other* stacks own or reference to
``<project>/.vigil/ownership/<env>.json`` (``ownership_path``). The program hands that path, relative to
the project root (``ownership_input``), to every
resource as the ``__ownership`` input (``OWNERSHIP_KEY``; providers also keep it in their outputs,
because ``destroy`` runs no program). The provider reads the file at call time (``Foreign.at``):
it never adopts, updates or deletes an object listed there. The path is a value handed down, not an
environment variable; without it (a plain ``pulumi up`` that no vigil run prepared) nothing is
foreign and the provider behaves as it did before ownership existed.

The file: ``{"env": ..., "owners": {kind: {id: stack}}, "references": {kind: {id: [stacks]}},
"unreadable": [stacks]}`` (kinds as ``uptimerobot:Monitor``, ``sentry:Project``…).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.core.errors import ClientError

OWNERSHIP_KEY = "__ownership"
REFERENCE_KEY = "__reference"  # a read-only resource: the stack references the object, owns nothing


# (service, kind) of a provider → the kind the state records (its resource type without the prefix).
KINDS: dict[tuple[str, str], str] = {
    ("Uptime Robot", "monitor"): "uptimerobot:Monitor",
    ("Uptime Robot", "alert contact"): "uptimerobot:AlertContact",
    ("Uptime Robot", "integration"): "uptimerobot:Integration",
    ("Uptime Robot", "maintenance window"): "uptimerobot:MaintenanceWindow",
    ("Uptime Robot", "status page"): "uptimerobot:StatusPage",
    ("Sentry", "team"): "sentry:Team",
    ("Sentry", "project"): "sentry:Project",
    ("Sentry", "client key"): "sentry:ClientKey",
    ("Sentry", "alert"): "sentry:Alert",
    ("Sentry", "metric monitor"): "sentry:MetricMonitor",
    ("Sentry", "dashboard"): "sentry:Dashboard",
    ("Slack", "channel"): "slack:SlackChannel",
}


def ownership_path(project_root: Path, env: str) -> Path:
    return project_root / ownership_input(env)


def ownership_input(env: str) -> str:
    """The ``__ownership`` value resources carry: the file's path relative to the project root.

    Relative, so that the inputs are the same in every checkout and on every machine sharing the
    state (an absolute path made each resource show an update when CI and a laptop took turns).
    The engine starts provider plugins in the program's directory, the project root, so the
    provider process resolves it there (``Foreign.at``)."""
    return f".vigil/ownership/{env}.json"


class OwnedElsewhere(ClientError):
    """The object this resource would adopt, update or delete belongs to another stack."""

    def __init__(self, what: str, object_id: str, owner: str, env: str) -> None:
        self.what, self.object_id, self.owner = what, object_id, owner
        super().__init__(
            f"{what} (id {object_id}) belongs to the stack '{owner}': '{env or 'this stack'}' will not "
            f"adopt, change or delete it. Fixes: reference it as shared (declare it with reference=True: "
            f"read only, owned by '{owner}'), rename it in this stack, or move it (remove it from "
            f"'{owner}' first)"
        )


class ReferenceMissing(ClientError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} is referenced (reference=True) but does not exist: declare it in the stack that owns "
            "it and run `vigil up` there first, or fix the name"
        )


@dataclass(frozen=True)
class Foreign:
    """Objects of other stacks: owners (kind → id → stack) and referencing stacks."""

    env: str = ""
    owners: dict[str, dict[str, str]] = field(default_factory=dict)
    references: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unreadable: tuple[str, ...] = ()

    def owner(self, kind: str, object_id: str) -> str | None:
        return self.owners.get(kind, {}).get(str(object_id))

    def referenced_by(self, kind: str, object_id: str) -> list[str]:
        return list(self.references.get(kind, {}).get(str(object_id), []))

    def holder(self, kind: str, object_id: str) -> str | None:
        """A stack that owns or references this object (the owner first), or None."""
        owner = self.owner(kind, object_id)
        if owner:
            return owner
        others = self.referenced_by(kind, object_id)
        return others[0] if others else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "owners": self.owners,
            "references": self.references,
            "unreadable": list(self.unreadable),
        }

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Foreign:
        return cls(
            str(document.get("env") or ""),
            {
                str(k): {str(i): str(s) for i, s in v.items()}
                for k, v in (document.get("owners") or {}).items()
            },
            {
                str(k): {str(i): [str(s) for s in stacks] for i, stacks in v.items()}
                for k, v in (document.get("references") or {}).items()
            },
            tuple(str(s) for s in document.get("unreadable") or ()),
        )

    @classmethod
    def at(cls, path: Any) -> Foreign:
        """The file at ``path`` (the ``__ownership`` input), read once per process and change."""
        if not isinstance(path, str) or not path:
            return NOBODY
        try:
            stat = Path(path).stat()
        except OSError:
            return NOBODY
        stamp = (path, stat.st_mtime_ns, stat.st_size)
        cached = _CACHE.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            document = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            return NOBODY
        foreign = cls.from_dict(document if isinstance(document, dict) else {})
        _CACHE[path] = (stamp, foreign)
        return foreign


NOBODY = Foreign()
_CACHE: dict[str, tuple[tuple[str, int, int], Foreign]] = {}


def write_foreign(path: Path, foreign: Foreign) -> None:
    """Atomically (a provider reading it meanwhile sees the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(foreign.as_dict(), sort_keys=True))
    tmp.replace(path)


__all__ = [
    "KINDS",
    "NOBODY",
    "OWNERSHIP_KEY",
    "REFERENCE_KEY",
    "Foreign",
    "OwnedElsewhere",
    "ReferenceMissing",
    "ownership_input",
    "ownership_path",
    "write_foreign",
]

"""What `vigil drill` measured, kept beside the state so `vigil sla` can report measured detection.

In the state backend itself (``.vigil-drills/<app>/<env>.json`` of the same directory or bucket, see
engine/backend.py), like the drift memory: every laptop and CI job that shares the state shares the
history. One JSON document per environment holding the newest ``KEEP`` results, oldest first; a
write replaces the document atomically (FileStore renames, S3 puts are atomic per object).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from vigil.engine.backend import Store

KEEP = 1000  # results kept per environment: a daily drill of a dozen checks fits three months


@dataclass(frozen=True)
class DrillResult:
    """One alert path exercised by one drill: a monitor (or Sentry project) and one channel."""

    started_at: datetime  # when the drill made the target fail (UTC)
    kind: str  # "uptimerobot" or "sentry"
    name: str  # the monitor's or the Sentry project's name in the stack
    severity: str  # "P0".."P3"
    channel: str  # "slack", "webhook", "email", …
    detect_s: float | None  # failure → the service reported it (None: never detected)
    notify_s: float | None  # failure → the alert arrived on the channel (None: never arrived)
    target_s: float  # the MTTD target of the severity, seconds
    passed: bool
    detail: str = ""  # why it failed, or "sent, not confirmed"

    def to_json(self) -> dict[str, object]:
        document = asdict(self)
        document["started_at"] = self.started_at.astimezone(UTC).isoformat()
        return document

    @classmethod
    def from_json(cls, document: Mapping[str, object]) -> DrillResult:
        def seconds(key: str) -> float | None:
            value = document.get(key)
            return None if value is None else float(str(value))

        return cls(
            started_at=datetime.fromisoformat(str(document["started_at"])),
            kind=str(document["kind"]),
            name=str(document["name"]),
            severity=str(document["severity"]),
            channel=str(document["channel"]),
            detect_s=seconds("detect_s"),
            notify_s=seconds("notify_s"),
            target_s=float(str(document["target_s"])),
            passed=bool(document["passed"]),
            detail=str(document.get("detail", "")),
        )


@dataclass(frozen=True)
class DrillHistory:
    store: Store
    key: str

    @classmethod
    def in_store(cls, store: Store, project_name: str, env: str) -> DrillHistory:
        return cls(store, f".vigil-drills/{project_name}/{env}.json")

    def load(self, since: datetime | None = None) -> list[DrillResult]:
        """Oldest first; a damaged document reads as no history (the next write replaces it)."""
        raw = self.store.read(self.key)
        try:
            document = json.loads(raw or b'{"results": []}')
            results = [DrillResult.from_json(entry) for entry in document["results"]]
        except (ValueError, KeyError, TypeError):
            return []
        if since is None:
            return results
        return [result for result in results if result.started_at >= since]

    def append(self, results: Iterable[DrillResult]) -> None:
        kept = [*self.load(), *results][-KEEP:]
        document = {"results": [result.to_json() for result in kept]}
        self.store.write(self.key, json.dumps(document, indent=1).encode())

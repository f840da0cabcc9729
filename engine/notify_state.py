"""Where `vigil drift --notify` remembers what it last told Slack (a fingerprint per environment).

In the state backend itself (``.vigil-drift/<app>/<env>.json`` of the same directory or bucket,
see engine/backend.py), so every laptop and CI job that shares the state shares the memory.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from vigil.engine.backend import Store, open_store
from vigil.engine.workspace import EngineEnvironment


@dataclass(frozen=True)
class NotificationMemory:
    store: Store
    key: str

    @classmethod
    def for_env(cls, project_name: str, env: str, engine: EngineEnvironment) -> NotificationMemory:
        return cls.in_store(open_store(engine.backend_url, engine.variables), project_name, env)

    @classmethod
    def in_store(cls, store: Store, project_name: str, env: str) -> NotificationMemory:
        return cls(store, f".vigil-drift/{project_name}/{env}.json")  # the key file:// used before

    def last(self) -> str:
        raw = self.store.read(self.key)
        try:
            document: Mapping[str, object] = json.loads(raw or b"{}")
        except ValueError:
            return ""
        return str(document.get("fingerprint", ""))

    def remember(self, fingerprint: str) -> None:
        self.store.write(self.key, json.dumps({"fingerprint": fingerprint}).encode())


def decide(last: str, current: str) -> str | None:
    """'drift' when new or different drift appeared, 'resolved' when it cleared, None: stay quiet."""
    if current and current != last:
        return "drift"
    if not current and last:
        return "resolved"
    return None

"""Where `vigil drift --notify` remembers what it last told Slack (a fingerprint per environment).

Next to the state when the backend is a directory (``file://``), so every run that shares the state
shares the memory; otherwise under ``<project>/.vigil/drift/`` (CI caches that folder between runs).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class NotificationMemory:
    path: Path

    @classmethod
    def for_env(cls, project_root: Path, project_name: str, env: str, backend_url: str) -> NotificationMemory:
        explicit = os.environ.get("VIGIL_DRIFT_STATE")
        if explicit:
            return cls(Path(explicit) / project_name / f"{env}.json")
        parsed = urlparse(backend_url)
        if parsed.scheme == "file":
            return cls(Path(unquote(parsed.path)) / ".vigil-drift" / project_name / f"{env}.json")
        return cls(project_root / ".vigil" / "drift" / f"{env}.json")

    def last(self) -> str:
        try:
            return str(json.loads(self.path.read_text()).get("fingerprint", ""))
        except (OSError, ValueError):
            return ""

    def remember(self, fingerprint: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint}))
        tmp.replace(self.path)


def decide(last: str, current: str) -> str | None:
    """'drift' when new or different drift appeared, 'resolved' when it cleared, None: stay quiet."""
    if current and current != last:
        return "drift"
    if not current and last:
        return "resolved"
    return None

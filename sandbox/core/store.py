"""The sandbox's state file: every account with its backend, versioned, written atomically."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

FORMAT_VERSION = 3  # 2: Sentry and Slack backends reshaped (plain-int id counters, project settings)
# 3: Uptime Robot backend reshaped (one models module, plan limits, tags, monitor groups)


class Store:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        if self.path is None or not self.path.exists():
            return None
        try:
            with self.path.open("rb") as handle:
                data = pickle.load(handle)
        except (pickle.UnpicklingError, EOFError, ImportError, AttributeError, TypeError):
            return None  # written by an older sandbox whose classes moved: start afresh
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            return None  # an older format: start afresh rather than misread it
        return data

    def save(self, accounts: dict[tuple[str, str], Any], defaults: dict[str, str]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": FORMAT_VERSION, "accounts": accounts, "defaults": defaults}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

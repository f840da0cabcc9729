"""The sandbox's state file: every account with its backend, versioned, written atomically.

Each account is serialised while its own lock is held, so a save never sees a backend that a
request is changing (the state is one snapshot per account, taken between two requests).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT_VERSION = 4  # 2: Sentry and Slack backends reshaped (plain-int id counters, project settings)
# 3: Uptime Robot backend reshaped (one models module, plan limits, tags, monitor groups)
# 4: one pickle per account, taken under the account's lock; rate windows on the account


class Store:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        if self.path is None or not self.path.exists():
            return None
        try:
            with self.path.open("rb") as handle:
                data = pickle.load(handle)
            if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
                return None  # an older format: start afresh rather than misread it
            accounts = {key: pickle.loads(blob) for key, blob in data["accounts"].items()}
        except (pickle.UnpicklingError, EOFError, ImportError, AttributeError, TypeError, KeyError):
            return None  # written by an older sandbox whose classes moved: start afresh
        return {"accounts": accounts, "defaults": dict(data["defaults"])}

    @staticmethod
    def snapshot(accounts: Iterable[tuple[tuple[str, str], Any]]) -> dict[tuple[str, str], bytes]:
        """Each account pickled under its own lock: never half a request's changes."""
        blobs: dict[tuple[str, str], bytes] = {}
        for key, account in accounts:
            with account.lock:
                blobs[key] = pickle.dumps(account, protocol=pickle.HIGHEST_PROTOCOL)
        return blobs

    def save(self, blobs: dict[tuple[str, str], bytes], defaults: dict[str, str]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": FORMAT_VERSION, "accounts": blobs, "defaults": dict(defaults)}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

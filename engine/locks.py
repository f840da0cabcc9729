"""Who holds a stack's lock, read from the backend: the basis of waiting, explaining and unlocking.

Pulumi's DIY backend (pkg/backend/diy/lock.go, v3.274) writes one JSON file per running update to
``.pulumi/locks/organization/<project>/<stack>/<uuid>.json`` holding ``pid``, ``username``,
``hostname`` and ``timestamp`` (of the ``pulumi`` process), and refuses to start while another
file is there. The engine's own message ("the stack is currently locked … `pulumi cancel`") needs
plain ``pulumi`` set up by hand; vigil reads the same files, waits a bounded time, and names the holder.

A lock whose holder ran on this host and whose process is gone is *stale* (a killed run): it can be
removed safely. A holder on another host cannot be checked from here: only ``--force`` removes it.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from vigil.engine.backend import FileStore, Store


def lock_prefix(project: str, stack: str) -> str:
    return f".pulumi/locks/organization/{project}/{stack}/"


@dataclass(frozen=True)
class LockHolder:
    key: str
    pid: int
    username: str
    hostname: str
    since: datetime | None

    @property
    def on_this_host(self) -> bool:
        return self.hostname == socket.gethostname()

    def alive(self) -> bool | None:
        """True/False when it can be told from here (same host), None when it cannot."""
        if not self.on_this_host:
            return None
        return _pulumi_running(self.pid)

    @property
    def stale(self) -> bool:
        return self.alive() is False

    def describe(self) -> str:
        when = "at an unknown time"
        if self.since is not None:
            age = int((datetime.now(UTC) - self.since).total_seconds())
            when = f"since {self.since.strftime('%Y-%m-%d %H:%M:%S')} UTC ({_age(age)} ago)"
        state = {True: "running", False: "no longer running", None: "on another host"}[self.alive()]
        return f"{self.username}@{self.hostname} (pid {self.pid}, {state}) {when}"


def _age(seconds: int) -> str:
    if seconds < 120:
        return f"{max(seconds, 0)}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def _pulumi_running(pid: int) -> bool:
    """Whether ``pid`` is a live Pulumi process (a reused pid running something else does not count)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read()
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[-1].split()[0]
    except OSError:
        return True  # no /proc: trust kill(0)
    return state != b"Z" and b"pulumi" in command


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:  # Go writes nanoseconds; Python reads up to microseconds
        head, tail = text.split(".", 1)
        digits = "".join(c for c in tail if c.isdigit())
        text = f"{head}.{digits[:6]}{tail[len(digits) :]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def holders(store: Store, project: str, stack: str) -> list[LockHolder]:
    found = []
    for key in store.keys(lock_prefix(project, stack)):
        if not key.endswith(".json"):
            continue
        raw = store.read(key)
        try:
            document = json.loads(raw or b"{}")
        except ValueError:
            document = {}
        found.append(
            LockHolder(
                key,
                int(document.get("pid") or 0),
                str(document.get("username") or "?"),
                str(document.get("hostname") or "?"),
                _parse_time(document.get("timestamp")),
            )
        )
    return found


def release(store: Store, holder: LockHolder) -> bool:
    return store.delete(holder.key)


def clear_stale(store: Store, project: str, stack: str) -> list[LockHolder]:
    """Remove the locks whose holder is known dead (same host, process gone); return them."""
    removed = []
    for holder in holders(store, project, stack):
        if holder.stale and release(store, holder):
            removed.append(holder)
    clear_failed_writes(store, project, stack)
    return removed


def clear_failed_writes(store: Store, project: str, stack: str, *, older_than: float = 10.0) -> list[str]:
    """Remove the ``<uuid>.json.<hex>.tmp`` files a failed lock write left (a full disk, a kill).

    On ``file://`` the lock is written through a ``.tmp`` renamed into place within milliseconds;
    a write that failed leaves it, and every later engine run then fails reading the lock folder
    with ``unexpected end of JSON input``. One older than ``older_than`` seconds (0: an empty one,
    whatever its age, after this run's own write failed) is nobody's write in progress.
    """
    if not isinstance(store, FileStore):
        return []  # S3 writes an object at once: no temporary files
    removed = []
    for key in store.keys(lock_prefix(project, stack)):
        if not key.endswith(".tmp"):
            continue
        try:
            stats = (store.root / key).stat()
        except OSError:
            continue
        leftover = stats.st_size == 0 if older_than <= 0 else time.time() - stats.st_mtime >= older_than
        if leftover and store.delete(key):
            removed.append(key)
    return removed

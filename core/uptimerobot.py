"""Uptime Robot API v3 client: paths, error parsing, batched reads, idempotent creates, settling.

Batched reads: within one process (one Pulumi run's provider), monitors are read from a snapshot of
the whole list, refreshed at most every ``SNAPSHOT_TTL_S``; N reads cost ceil(N/200) list calls plus
a confirming GET for an id the snapshot lacks. Writes patch the snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from core import credentials
from core.credentials import Credential
from core.errors import ApiError, NotFound, ServerError, TransportError
from core.http import ApiClient

PAGE_SIZE = 200
SNAPSHOT_TTL_S = 60.0
SETTLE_ATTEMPTS = 12
SETTLE_DELAY_S = 0.15
CREATE_ATTEMPTS = 3


@dataclass
class _Snapshot:
    taken_at: float = 0.0
    monitors: dict[int, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_SNAPSHOTS: dict[str, _Snapshot] = {}
_SNAPSHOTS_LOCK = threading.Lock()


class UptimeRobotClient(ApiClient):
    api = "Uptime Robot"

    @classmethod
    def from_env(cls) -> UptimeRobotClient:
        return cls(credentials.uptimerobot())

    def __init__(self, credential: Credential, **kwargs: Any) -> None:
        super().__init__(credential, **kwargs)
        key = hashlib.sha256(f"{self.base_url}\0{credential.token}".encode()).hexdigest()
        with _SNAPSHOTS_LOCK:
            self._snapshot = _SNAPSHOTS.setdefault(key, _Snapshot())

    def error_message(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        try:
            body = response.json()
        except ValueError:
            return (response.text.strip()[:300] or response.reason or "error", None, {})
        if not isinstance(body, dict):
            return (str(body)[:300], None, {})
        message = body.get("message", body.get("error", response.reason))
        if isinstance(message, list):
            fields: dict[str, list[str]] = {}
            for text in message:
                fields.setdefault(str(text).split(" ", 1)[0], []).append(str(text))
            return ("; ".join(str(m) for m in message), body.get("code"), fields)
        return (str(message), body.get("code"), {})

    def auth_hint(self, status: int) -> str:
        if status == 401:
            return "UPTIMEROBOT_API_KEY is wrong or belongs to another account: use the Main API key"
        return "the plan or key does not allow this (a read-only or monitor-specific key?)"

    # --- monitors: reads ----------------------------------------------------------------------
    def iter_monitors(self, **filters: Any) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"limit": PAGE_SIZE, **{k: v for k, v in filters.items() if v is not None}}
        seen_cursors: set[int] = set()
        for _ in range(10_000):
            page = self.request("GET", "monitors", params=params).data or {}
            items = page.get("data") or page.get("monitors") or []
            yield from items
            if not page.get("nextLink") or not items:
                return
            cursor = int(items[-1]["id"])
            if cursor in seen_cursors:
                return
            seen_cursors.add(cursor)
            params = {**params, "cursor": cursor}

    def _fresh_snapshot(self) -> _Snapshot:
        snapshot = self._snapshot
        with snapshot.lock:
            if time.monotonic() - snapshot.taken_at > SNAPSHOT_TTL_S:
                snapshot.monitors = {int(m["id"]): m for m in self.iter_monitors()}
                snapshot.taken_at = time.monotonic()
        return snapshot

    def get_monitor(self, monitor_id: int | str) -> dict[str, Any] | None:
        """The live monitor, or None when it no longer exists (batched through the snapshot)."""
        snapshot = self._fresh_snapshot()
        found = snapshot.monitors.get(int(monitor_id))
        if found is not None:
            return found
        try:
            monitor = self.request("GET", f"monitors/{int(monitor_id)}").data
        except NotFound:
            return None
        snapshot.monitors[int(monitor_id)] = monitor
        return dict(monitor)

    def get_monitor_direct(self, monitor_id: int | str) -> dict[str, Any] | None:
        try:
            return dict(self.request("GET", f"monitors/{int(monitor_id)}").data)
        except NotFound:
            return None

    def find_monitor(
        self, monitor_type: str, name: str, url: str | None, *, fresh: bool = False
    ) -> dict[str, Any] | None:
        """The monitor with this natural key (type + name + URL), if one exists."""
        if fresh:
            candidates: list[dict[str, Any]] = list(self.iter_monitors(name=name))
        else:
            candidates = list(self._fresh_snapshot().monitors.values())
        for monitor in candidates:
            if _same_monitor(monitor, monitor_type, name, url):
                return monitor
        return None

    # --- monitors: writes ---------------------------------------------------------------------
    def create_monitor(
        self, body: dict[str, Any], settled: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        """Create, or adopt the monitor that already has this natural key. Never creates twice."""
        monitor_type, name, url = body["type"], body["friendlyName"], body.get("url")
        existing = self.find_monitor(monitor_type, name, url)
        if existing is not None:
            return self.update_monitor(int(existing["id"]), body, settled)
        last_error: Exception | None = None
        for _ in range(CREATE_ATTEMPTS):
            try:
                created = dict(self.request("POST", "monitors", json=body).data)
                self._snapshot.monitors[int(created["id"])] = created
                return self.settle(int(created["id"]), settled)
            except (ServerError, TransportError, NotFound) as error:
                # Ambiguous: v3 can save the monitor and still answer 500, 404 000-004 or time out.
                last_error = error
                adopted = self.find_monitor(monitor_type, name, url, fresh=True)
                if adopted is not None:
                    self._snapshot.monitors[int(adopted["id"])] = adopted
                    return self.update_monitor(int(adopted["id"]), body, settled)
        assert last_error is not None
        raise last_error

    def update_monitor(
        self, monitor_id: int, body: dict[str, Any], settled: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        patch = {k: v for k, v in body.items() if k != "type"} | {"type": body["type"]}
        if monitor_id in self._snapshot.monitors and settled(self._snapshot.monitors[monitor_id]):
            return self._snapshot.monitors[monitor_id]
        # The same PATCH applied twice leaves the same monitor: safe to retry like an idempotent call.
        updated = dict(self.request("PATCH", f"monitors/{monitor_id}", json=patch, idempotent=True).data)
        self._snapshot.monitors[monitor_id] = updated
        return self.settle(monitor_id, settled)

    def settle(self, monitor_id: int, settled: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Re-read until the API reflects the write (eventual consistency), bounded."""
        latest: dict[str, Any] | None = None
        for attempt in range(SETTLE_ATTEMPTS):
            latest = self.get_monitor_direct(monitor_id)
            if latest is not None and settled(latest):
                break
            time.sleep(SETTLE_DELAY_S * (attempt + 1))
        if latest is None:
            raise NotFound(
                self.api,
                "GET",
                self.url(f"monitors/{monitor_id}"),
                404,
                "the monitor vanished right after it was written",
            )
        self._snapshot.monitors[monitor_id] = latest
        return latest

    def delete_monitor(self, monitor_id: int) -> None:
        with contextlib.suppress(NotFound):  # already gone: the goal of a delete
            self.request("DELETE", f"monitors/{int(monitor_id)}")
        self._snapshot.monitors.pop(int(monitor_id), None)

    # --- contacts, integrations, status pages, maintenance windows ------------------------------
    def iter_collection(self, path: str) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {}
        seen: set[int] = set()
        for _ in range(10_000):
            page = self.request("GET", path, params=params).data or {}
            items = page.get("data") or page.get(path.replace("-", "_")) or []
            yield from items
            if not (page.get("nextLink") or page.get("nextCursorId")) or not items:
                return
            cursor = int(items[-1]["id"])
            if cursor in seen:
                return
            seen.add(cursor)
            params = {"cursor": cursor}

    def iter_alert_contacts(self) -> Iterator[dict[str, Any]]:
        return self.iter_collection("alert-contacts")

    def iter_integrations(self) -> Iterator[dict[str, Any]]:
        return self.iter_collection("integrations")

    def iter_status_pages(self) -> Iterator[dict[str, Any]]:
        return self.iter_collection("psps")

    def iter_maintenance_windows(self) -> Iterator[dict[str, Any]]:
        return self.iter_collection("maintenance-windows")

    def get_object(self, path: str, object_id: int | str) -> dict[str, Any] | None:
        try:
            return dict(self.request("GET", f"{path}/{int(object_id)}").data)
        except NotFound:
            return None

    def create_object(
        self,
        path: str,
        body: dict[str, Any],
        same: Callable[[dict[str, Any]], bool],
        settled: Callable[[dict[str, Any]], bool],
        update_body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create, or adopt the object with the same natural key (before, and after an ambiguous failure)."""
        existing = next((o for o in self.iter_collection(path) if same(o)), None)
        if existing is not None:
            return self.update_object(path, int(existing["id"]), update_body or body, settled)
        last_error: Exception | None = None
        for _ in range(CREATE_ATTEMPTS):
            try:
                created = dict(self.request("POST", path, json=body).data)
                return self.settle_object(path, int(created["id"]), settled)
            except (ServerError, TransportError) as error:
                last_error = error
                adopted = next((o for o in self.iter_collection(path) if same(o)), None)
                if adopted is not None:
                    return self.update_object(path, int(adopted["id"]), update_body or body, settled)
        assert last_error is not None
        raise last_error

    def update_object(
        self, path: str, object_id: int, body: dict[str, Any], settled: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        current = self.get_object(path, object_id)
        if current is not None and settled(current):
            return current
        self.request("PATCH", f"{path}/{object_id}", json=body, idempotent=True)
        return self.settle_object(path, object_id, settled)

    def settle_object(
        self, path: str, object_id: int, settled: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        latest: dict[str, Any] | None = None
        for attempt in range(SETTLE_ATTEMPTS):
            latest = self.get_object(path, object_id)
            if latest is not None and settled(latest):
                return latest
            time.sleep(SETTLE_DELAY_S * (attempt + 1))
        if latest is None:
            raise NotFound(
                self.api,
                "GET",
                self.url(f"{path}/{object_id}"),
                404,
                "the object vanished right after it was written",
            )
        return latest

    def delete_object(self, path: str, object_id: int | str) -> None:
        with contextlib.suppress(NotFound):
            self.request("DELETE", f"{path}/{int(object_id)}")

    # --- account ------------------------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        return dict(self.request("GET", "user/me").data)


def _same_monitor(monitor: dict[str, Any], monitor_type: str, name: str, url: str | None) -> bool:
    import html

    if str(monitor.get("type", "")).upper() != monitor_type.upper():
        return False
    if html.unescape(str(monitor.get("friendlyName", ""))) != name:
        return False
    return (
        url is None
        or monitor_type.upper() == "HEARTBEAT"
        or html.unescape(str(monitor.get("url", ""))).rstrip("/") == url.rstrip("/")
    )


__all__ = ["ApiError", "UptimeRobotClient"]

"""Uptime Robot API v3 client: paths, error parsing, batched reads, single writes.

- **Errors.** v3 answers ``{"message": str | [str], "code": "000-004"}``; validation 400s carry a
  list of messages and no code; a 429 body is plain text. ``parse_error`` reads all three.
- **Batched reads.** Per process (one Pulumi operation's provider), each collection is read from a
  snapshot of the list, paged lazily: lists are ordered by id and the cursor is the last id, so a
  read of id X lists pages only until one reaches X. N reads cost ceil(N/200) list calls for
  monitors (one per page of the other lists), not N gets — and no trailing empty page when the
  highest id read is on the last full page. An id missing from a listed range is confirmed with one
  GET before it is reported gone. Writes patch the snapshot. A snapshot serves one engine operation
  (``SNAPSHOT_TTL_S`` bounds it): what must be fresh — adoption after a failure, settling — reads
  past it.
- **Batched settle.** ``confirm_reads`` is the list read ``core.policy.SettleBatch`` confirms many
  writes with: from the cursor just below the lowest id written to the page that holds the highest
  (new objects have the highest ids: one page confirms 200 creates); when that range is longer than
  one GET per object, it reads nothing and the writes settle by GET.
- **Writes.** ``post_object``/``patch_object`` send one request each and patch the snapshot. The
  write policy around them — adopt by natural key before a create and after an ambiguous failure
  (timeout, 5xx, or the 404 ``000-004`` a POST can answer after saving), never a blind repeat of a
  POST or PATCH, settle after the write — is ``core.policy``, applied by ``core.provider``;
  ``find_object(fresh=True)`` and ``fetch_object`` are its reads.
"""

from __future__ import annotations

import contextlib
import html
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from vigil.core import credentials
from vigil.core.credentials import Credential
from vigil.core.errors import ApiError, NotFound, ServerError
from vigil.core.http import ApiClient
from vigil.core.ratelimit import credential_key

MONITORS = "monitors"
ALERT_CONTACTS = "alert-contacts"
INTEGRATIONS = "integrations"
STATUS_PAGES = "psps"
MAINTENANCE_WINDOWS = "maintenance-windows"

PAGE_SIZE = 200  # GET /monitors takes limit 1..200; the other lists take no page size
OTHER_PAGE_SIZE = 50  # what the other lists return per page (the estimate of a list read's cost)
SNAPSHOT_TTL_S = 3600.0  # one engine operation (a provider process serves one)

Doc = dict[str, Any]
Match = Callable[[Doc], bool]


@dataclass
class _Snapshot:
    taken_at: float = float("-inf")
    items: dict[int, Doc] = field(default_factory=dict)
    cursor: int | None = None  # the last id of the last page read (None: nothing listed yet)
    complete: bool = False  # listed to the end
    lock: threading.RLock = field(default_factory=threading.RLock)

    def expire(self, max_age: float) -> None:
        if time.monotonic() - self.taken_at > max_age:
            self.taken_at, self.items, self.cursor, self.complete = time.monotonic(), {}, None, False

    def covers(self, object_id: int) -> bool:
        return self.complete or (self.cursor is not None and object_id <= self.cursor)


_SNAPSHOTS: dict[tuple[str, str], _Snapshot] = {}
_SNAPSHOTS_LOCK = threading.Lock()


def forget_snapshots() -> None:
    """Drop every cached list (tests; out-of-band changes you want the next read to see)."""
    with _SNAPSHOTS_LOCK:
        _SNAPSHOTS.clear()


def unescape(value: Any) -> Any:
    """Names and URLs come back HTML-escaped on live accounts (``&amp;``)."""
    return html.unescape(value) if isinstance(value, str) else value


def same_monitor(doc: Doc, monitor_type: str, name: str, url: str | None) -> bool:
    """The monitor natural key: type + friendly name + URL (heartbeats have no URL of their own)."""
    if str(doc.get("type", "")).upper() != monitor_type.upper():
        return False
    if unescape(str(doc.get("friendlyName", ""))) != name:
        return False
    if url is None or monitor_type.upper() == "HEARTBEAT":
        return True
    live = unescape(str(doc.get("url") or "")).rstrip("/").lower()
    return live == url.rstrip("/").lower()


def listing_file(folder: Path, path: str, account: str) -> Path:
    return folder / f"{path.replace('/', '_')}-{account[:16]}.json"


def read_listing(folder: Path, path: str, account: str) -> list[Doc] | None:
    """What a provider process listed into ``folder`` during this run, if it did (see ``_export``)."""
    target = listing_file(folder, path, account)
    if not target.exists():
        return None
    return list(json.loads(target.read_text()))


class UptimeRobotClient(ApiClient):
    api = "Uptime Robot"

    @classmethod
    def from_env(cls) -> UptimeRobotClient:
        return cls(credentials.uptimerobot(), inventory=credentials.inventory_dir())

    def __init__(self, credential: Credential, *, inventory: Path | None = None, **kwargs: Any) -> None:
        super().__init__(credential, **kwargs)
        self._account = credential_key(self.api, self.base_url, credential.token)
        self.inventory = inventory  # where to leave the lists read (``vigil drift``), or None

    @property
    def account(self) -> str:
        """This credential's key (the listing files carry it, so accounts never mix)."""
        return self._account

    # --- errors -------------------------------------------------------------------------------
    def parse_error(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        try:
            body = response.json()
        except ValueError:  # 429 and proxies answer plain text
            return (response.text.strip()[:300] or response.reason or "error", None, {})
        if not isinstance(body, dict):
            return (str(body)[:300], None, {})
        message = body.get("message", body.get("error", response.reason))
        code = body.get("code")
        code = str(code) if code is not None else None
        if isinstance(message, list):
            fields: dict[str, list[str]] = {}
            for text in message:
                fields.setdefault(str(text).split(" ", 1)[0], []).append(str(text))
            return ("; ".join(str(m) for m in message), code, fields)
        return (str(message or response.reason or "error"), code, {})

    def auth_hint(self, status: int, code: str | None = None, message: str = "") -> str:
        if status == 401:
            return (
                "UPTIMEROBOT_API_KEY is wrong or revoked: set it to the account's Main API key "
                "(Integrations & API), not a read-only or monitor-specific key"
            )
        # 403s by the API's code (reference/uptimerobot-api.md §2: 000-003 plan lacks the feature,
        # 000-006 another account's object, 021-003 plan lacks the integration type)
        if code == "000-006":
            return (
                "the object with this id belongs to another Uptime Robot account: this environment's "
                "state was made with another account's key — set UPTIMEROBOT_API_KEY to that account's "
                "Main API key"
            )
        if code == "021-003":
            return "this integration type is not on your plan: choose another type or upgrade the plan"
        if code == "000-003" and "monitor limit" in message.lower():
            return "the plan's monitor limit is reached: remove monitors from the stack or upgrade the plan"
        if code == "000-003":
            return "your plan lacks this feature: remove the setting from the stack or upgrade the plan"
        return (
            "the key may not do this: use the account's Main API key (Integrations & API), not a "
            "read-only or monitor-specific key"
        )

    # --- lists and the per-process snapshot ---------------------------------------------------
    def iter_collection(self, path: str, **filters: Any) -> Iterator[Doc]:
        """Every object of a list, all pages (``GET /monitors`` with ``limit=200``)."""
        params: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
        if path == MONITORS:
            params.setdefault("limit", PAGE_SIZE)
        keys = ("data", path.replace("-", "_"), "monitors", "psps", "maintenanceWindows")
        yield from self.paginate_cursor(path, params, items_keys=keys)

    def page(self, path: str, cursor: int | None) -> tuple[list[Doc], int | None]:
        """One list page after ``cursor`` and the cursor of the next (None: the list ends here)."""
        params: dict[str, Any] = {"limit": PAGE_SIZE} if path == MONITORS else {}
        if cursor is not None:
            params["cursor"] = cursor
        data = self.request("GET", path, params=params).data
        if isinstance(data, list):  # a plain array: no pagination
            return [d for d in data if isinstance(d, dict)], None
        data = data or {}
        keys = ("data", path.replace("-", "_"), "monitors", "psps", "maintenanceWindows")
        items: list[Doc] = next((data[k] for k in keys if isinstance(data.get(k), list)), [])
        following = data.get("nextCursorId")
        if following is None and data.get("nextLink") and items:
            following = items[-1].get("id")
        if not items or following is None:
            return items, None
        following = int(following)
        return items, following if cursor is None or following > cursor else None

    def _snapshot(self, path: str) -> _Snapshot:
        with _SNAPSHOTS_LOCK:
            return _SNAPSHOTS.setdefault((self._account, path), _Snapshot())

    def _extend(self, path: str, snapshot: _Snapshot, until: int | None) -> None:
        """List more pages (lock held) until ``until`` is covered, or to the end (None)."""
        if self.inventory is not None:
            until = None  # `vigil drift` lists everything once: the inventory reads this listing
        while not snapshot.complete and (until is None or not snapshot.covers(until)):
            items, following = self.page(path, snapshot.cursor)
            for doc in items:
                snapshot.items[int(doc["id"])] = doc
            if following is None:
                snapshot.complete = True
                self._export(path, snapshot.items)
            else:
                snapshot.cursor = following

    def snapshot(self, path: str, *, max_age: float = SNAPSHOT_TTL_S) -> dict[int, Doc]:
        """The whole list, listed at most ``max_age`` seconds ago (one lister, the others wait)."""
        snapshot = self._snapshot(path)
        with snapshot.lock:
            snapshot.expire(max_age)
            self._extend(path, snapshot, None)
            return dict(snapshot.items)

    def _listed(self, path: str, object_id: int) -> Doc | None:
        """The object from the snapshot, listing only as far as its id."""
        snapshot = self._snapshot(path)
        with snapshot.lock:
            snapshot.expire(SNAPSHOT_TTL_S)
            found = snapshot.items.get(object_id)
            if found is None and not snapshot.covers(object_id):
                self._extend(path, snapshot, object_id)
                found = snapshot.items.get(object_id)
            return None if found is None else dict(found)

    def confirm_reads(self, path: str, ids: list[int]) -> dict[int, Doc]:
        """The objects ``ids`` as one list read shows them (the batched settle's read).

        Reads the pages from just below the lowest id to the one holding the highest; nothing when
        that range holds more pages than there are ids (one GET each is cheaper then).
        """
        if not ids:
            return {}
        low, high = min(ids), max(ids)
        snapshot = self._snapshot(path)
        with snapshot.lock:
            known_in_range = sum(1 for i in snapshot.items if low <= i <= high)
        page_size = PAGE_SIZE if path == MONITORS else OTHER_PAGE_SIZE
        if max(1, -(-known_in_range // page_size)) > len(ids):
            return {}
        found: dict[int, Doc] = {}
        cursor: int | None = low - 1
        while cursor is not None:
            items, following = self.page(path, cursor)
            for doc in items:
                found[int(doc["id"])] = doc
            if items and int(items[-1]["id"]) >= high:
                break
            cursor = following
        for object_id in ids:
            if object_id in found:
                self._remember(path, found[object_id])
        return {i: dict(found[i]) for i in ids if i in found}

    # `vigil drift` lists each collection once: the provider process (which reads every object through
    # this snapshot during the refresh) leaves its listing in ``inventory`` (a folder the command chose),
    # and the unmanaged-object inventory in the CLI process reads it (``read_listing``) instead of
    # listing the account a second time.
    def _export(self, path: str, items: dict[int, Doc]) -> None:
        if self.inventory is None:
            return
        rows = [
            {"id": doc["id"], "friendlyName": doc.get("friendlyName"), "name": doc.get("name")}
            for doc in items.values()
        ]
        target = listing_file(self.inventory, path, self._account)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows))
        tmp.replace(target)

    def _remember(self, path: str, doc: Doc) -> Doc:
        snapshot = self._snapshot(path)
        with snapshot.lock:
            snapshot.items[int(doc["id"])] = doc
        return doc

    def _forget(self, path: str, object_id: int) -> None:
        snapshot = self._snapshot(path)
        with snapshot.lock:
            snapshot.items.pop(object_id, None)

    def fetch_object(self, path: str, object_id: int | str, *, remember: bool = False) -> Doc | None:
        """One GET, bypassing the snapshot (``remember``: and update it); None when the API says 404."""
        try:
            data = self.request("GET", f"{path}/{int(object_id)}").data
        except NotFound:
            return None
        if not isinstance(data, dict):
            return None
        return dict(self._remember(path, data)) if remember else dict(data)

    def get_object(self, path: str, object_id: int | str) -> Doc | None:
        """The live object through the snapshot, or None when it is gone (confirmed by one GET)."""
        found = self._listed(path, int(object_id))
        if found is not None:
            return found
        try:
            doc = self.fetch_object(path, object_id)
        except ServerError:
            # GET /monitors/{id} can 5xx for legacy monitors the list still returns: list afresh.
            doc = self.snapshot(path, max_age=0).get(int(object_id))
            if doc is None:
                raise
        if doc is None:
            return None
        return dict(self._remember(path, doc))

    def find_object(self, path: str, match: Match, *, fresh: bool = False, **filters: Any) -> Doc | None:
        """The object with a natural key (``match``), from the snapshot or, ``fresh``, a new list."""
        if fresh:
            candidates = list(self.iter_collection(path, **filters))
            for doc in candidates:
                self._remember(path, doc)
        else:
            candidates = list(self.snapshot(path).values())
        return next((dict(doc) for doc in candidates if match(doc)), None)

    # --- writes (the write policy around them is core.policy, applied by core.provider) -------
    def post_object(self, path: str, body: Doc) -> Doc:
        """One POST (never repeated here: a repeat could duplicate); the created object."""
        created = self.request("POST", path, json=body).data
        if not isinstance(created, dict) or "id" not in created:
            raise ApiError(self.api, "POST", self.url(path), 201, "the response carried no id")
        return self._remember(path, created)

    def patch_object(self, path: str, object_id: int | str, body: Doc) -> Doc:
        """One PATCH; the object as the answer shows it (or as last read when the answer is empty)."""
        updated = self.request("PATCH", f"{path}/{int(object_id)}", json=body).data
        if isinstance(updated, dict) and "id" in updated:
            return self._remember(path, updated)
        return dict(self.snapshot(path).get(int(object_id)) or {"id": int(object_id), **body})

    def delete_object(self, path: str, object_id: int | str) -> None:
        """Delete; a 404 is success (already gone is the goal)."""
        with contextlib.suppress(NotFound):
            self.request("DELETE", f"{path}/{int(object_id)}")
        self._forget(path, int(object_id))

    # --- monitors -----------------------------------------------------------------------------
    def iter_monitors(self, **filters: Any) -> Iterator[Doc]:
        return self.iter_collection(MONITORS, **filters)

    def list_monitors(self) -> list[Doc]:
        """Every monitor, through the snapshot (ceil(N/200) list calls per ``SNAPSHOT_TTL_S``)."""
        return list(self.snapshot(MONITORS).values())

    def get_monitor(self, monitor_id: int | str) -> Doc | None:
        return self.get_object(MONITORS, monitor_id)

    def delete_monitor(self, monitor_id: int | str) -> None:
        self.delete_object(MONITORS, monitor_id)

    # --- alert contacts, integrations, status pages, maintenance windows -----------------------
    def iter_alert_contacts(self) -> Iterator[Doc]:
        return self.iter_collection(ALERT_CONTACTS)

    def get_alert_contact(self, contact_id: int | str) -> Doc | None:
        return self.get_object(ALERT_CONTACTS, contact_id)

    def iter_integrations(self) -> Iterator[Doc]:
        return self.iter_collection(INTEGRATIONS)

    def get_integration(self, integration_id: int | str) -> Doc | None:
        return self.get_object(INTEGRATIONS, integration_id)

    def iter_status_pages(self) -> Iterator[Doc]:
        return self.iter_collection(STATUS_PAGES)

    def get_status_page(self, page_id: int | str) -> Doc | None:
        return self.get_object(STATUS_PAGES, page_id)

    def iter_maintenance_windows(self) -> Iterator[Doc]:
        return self.iter_collection(MAINTENANCE_WINDOWS)

    def get_maintenance_window(self, window_id: int | str) -> Doc | None:
        return self.get_object(MAINTENANCE_WINDOWS, window_id)

    # --- account ------------------------------------------------------------------------------
    def me(self) -> Doc:
        return dict(self.request("GET", "user/me").data or {})


__all__ = [
    "ALERT_CONTACTS",
    "INTEGRATIONS",
    "MAINTENANCE_WINDOWS",
    "MONITORS",
    "STATUS_PAGES",
    "UptimeRobotClient",
    "forget_snapshots",
    "read_listing",
    "same_monitor",
]

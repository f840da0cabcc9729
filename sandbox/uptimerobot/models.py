"""Uptime Robot v3 state: one backend per API key, in moto's shape. No HTTP and no wire names here.

Records are dataclasses named in Python; the backend's writes take keyword arguments named as the
record's attributes (``create_monitor(type=…, friendly_name=…, interval=…, url=…)``), already
decoded into typed values by responses.py, which holds the one table per resource that maps them
to and from the wire names and checks requests against the wire schema first.

Why keyword arguments over the record's own fields, and no second "fields" dataclass per resource:
the API's PATCH is per field presence (a field left out is unchanged, a null may clear), which a
``**fields`` call says exactly (absent keyword: unchanged) where a dataclass would need a sentinel
in each of its thirty fields; the names are checked against the record (``_given``), so a table
naming a field the record has not fails loudly. Writes with few fields spell them out.

What only the state can tell (a contact of another account, a member that does not exist) is
decided here; an error about one field (``InvalidField``) carries its Python name and responses.py
words it with the wire name the client sent. Alert contacts and integrations share one id space:
both are "alert contacts" to a monitor's assigned contacts.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from vigil.sandbox.uptimerobot.errors import (
    ForeignResource,
    IntegrationExists,
    IntegrationNotFound,
    InvalidField,
    NotFound,
    PlanLimit,
)
from vigil.sandbox.uptimerobot.history import Check, Comment, Incident, MonitorHistory, SentAlert

T = TypeVar("T")
DEFAULT_SUCCESS_CODES = ("2xx", "3xx")
TAG_COLORS = ("#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6")


@dataclass(frozen=True)
class Plan:
    """Per-plan limits (reference §2, §4.3). Paid plans get 2 × monitor limit requests/min, ≤5000."""

    monitor_limit: int
    min_interval: int
    rate_limit_per_minute: int | None = None  # None: derived from the monitor limit

    def rate_limit(self, monitor_limit: int) -> int:
        return self.rate_limit_per_minute or min(2 * monitor_limit, 5000)


PLANS: dict[str, Plan] = {
    "free": Plan(monitor_limit=50, min_interval=300, rate_limit_per_minute=10),
    "solo": Plan(monitor_limit=50, min_interval=60),
    "team": Plan(monitor_limit=100, min_interval=60),
    "enterprise": Plan(monitor_limit=1000, min_interval=30),
}
ACCOUNT_OPTIONS = ("rate_limit_per_minute", "monitor_limit", "min_interval", "email")


@dataclass(frozen=True)
class Limits:
    plan: str
    monitor_limit: int
    min_interval: int
    rate_limit_per_minute: int

    @classmethod
    def of(cls, plan: str, options: dict[str, Any]) -> Limits:
        base = PLANS[plan]
        monitor_limit = int(options.get("monitor_limit", base.monitor_limit))
        return cls(
            plan,
            monitor_limit,
            int(options.get("min_interval", base.min_interval)),
            int(options.get("rate_limit_per_minute", base.rate_limit(monitor_limit))),
        )


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Monitor:
    id: int
    type: str
    friendly_name: str
    url: str
    interval: int
    timeout: int = 30
    http_method_type: str | None = None
    auth_type: str = "HTTP_BASIC"  # what live accounts report when never set (GS)
    http_username: str | None = None
    http_password: str | None = None
    post_value_type: str | None = None
    post_value_data: Any = None
    custom_http_headers: dict[str, str] = field(default_factory=dict)
    success_http_response_codes: list[str] = field(default_factory=lambda: list(DEFAULT_SUCCESS_CODES))
    check_ssl_errors: bool = False
    ssl_expiration_reminder: bool = False
    domain_expiration_reminder: bool = False
    follow_redirections: bool = True
    keyword_type: str | None = None
    keyword_case_type: int = 0
    keyword_value: str = ""
    port: int | None = None
    grace_period: int = 0
    assigned_alert_contacts: list[tuple[int, int, int]] = field(
        default_factory=list
    )  # id, threshold, recurrence
    tag_names: list[str] = field(default_factory=list)
    group_id: int = 0  # maintenance windows: MaintenanceWindow.monitor_ids is the one relation
    custom_fields: dict[str, str] = field(default_factory=dict)
    regions: list[str] = field(default_factory=lambda: ["na"])
    config: dict[str, Any] = field(default_factory=dict)
    status: str = "STARTED"
    created: str = field(default_factory=now_iso)
    created_at: float = 0.0  # on the sandbox clock (UNIX seconds): where its statistics start
    api_key: str = field(default_factory=lambda: "m" + secrets.token_hex(12))


@dataclass
class AlertContact:
    id: int
    type: str
    friendly_name: str
    value: str
    notify_for: str = "UpAndDown"
    ssl_expiration_reminder: bool = False
    status: str = "Active"


@dataclass
class Integration:
    id: int
    type: str
    friendly_name: str
    value: str  # the webhook / URL to notify (a secret)
    custom_value: str = ""
    notify_for: str = "UpAndDown"
    ssl_expiration_reminder: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # type-specific fields, as sent
    status: str = "Active"


@dataclass
class StatusPage:
    id: int
    friendly_name: str
    monitor_ids: list[int] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    custom_domain: str | None = None
    password: str | None = None  # write-only: reads say only whether it is set
    sort: str = "StatusDownUpPaused"  # write-only
    status: str = "ENABLED"
    hide_url_links: bool = False
    no_index: bool = False
    subscription: bool = False
    share_analytics_consent: bool = False
    show_cookie_bar: bool = False
    use_small_cookie_consent_modal: bool = False
    homepage_link: str | None = "https://uptimerobot.com"
    ga_code: str | None = None
    custom_settings: dict[str, Any] = field(default_factory=dict)
    logo: str | None = None  # the stored image's name (uploaded as multipart/form-data)
    icon: str | None = None
    pinned_announcement_id: int | None = None
    url_key: str = field(default_factory=lambda: secrets.token_hex(6))


@dataclass(frozen=True)
class Upload:
    """An image sent as a file (a multipart part): stored under a name of the page's own."""

    filename: str
    kind: str  # png | jpg
    size: int


@dataclass
class MaintenanceWindow:
    id: int
    name: str
    interval: str
    date: str | None
    time: str
    duration: int
    days: list[int] = field(default_factory=list)
    monitor_ids: list[int] = field(default_factory=list)
    auto_add_monitors: bool = False
    status: str = "active"
    created: str = field(default_factory=now_iso)


@dataclass
class Tag:
    id: int
    name: str
    color: str


@dataclass
class Announcement:
    id: int
    psp_id: int
    title: str | None = None
    content: str = ""
    status: str = "Offline"
    type: str = "Info"
    start: float | None = None
    end: float | None = None
    created: float = 0.0
    submitted: float | None = None


@dataclass
class StormProtection:
    """GET/PATCH /monitors/storm-protection (StormProtectionSettingsResponseDto)."""

    enabled: bool = False
    threshold_type: str = "count"
    threshold_value: int = 10
    window_minutes: int = 5
    group_pooling: bool = False


@dataclass
class MonitorGroup:
    id: int
    name: str
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)


def _given(record: type, fields: dict[str, Any], also: tuple[str, ...] = ()) -> None:
    """Every keyword a write takes is an attribute of its record (or one of ``also``): a table in
    responses.py that names a field the record has not fails here, not silently."""
    known = {f.name for f in dataclasses.fields(record)} | set(also)
    unknown = sorted(set(fields) - known)
    if unknown:
        raise TypeError(f"{record.__name__} has no field {', '.join(unknown)}")


class UptimeRobotBackend:
    def __init__(self, limits: Limits, email: str = "owner@sandbox.invalid") -> None:
        self.limits = limits
        self.email = email
        self.monitors: dict[int, Monitor] = {}
        self.contacts: dict[int, AlertContact] = {}
        self.integrations: dict[int, Integration] = {}
        self.psps: dict[int, StatusPage] = {}
        self.windows: dict[int, MaintenanceWindow] = {}
        self.tags: dict[int, Tag] = {}
        self.groups: dict[int, MonitorGroup] = {}
        self._monitor_ids = itertools.count(800_000_001)
        self._contact_ids = itertools.count(7_000_001)
        self._psp_ids = itertools.count(900_001)
        self._mw_ids = itertools.count(50_001)
        self._tag_ids = itertools.count(3_001)
        self._group_ids = itertools.count(1)
        self.history: dict[int, MonitorHistory] = {}  # monitor id → what it went through
        self.comments: dict[str, list[Comment]] = {}  # incident id → its comments
        self._comment_ids = itertools.count(1)
        self.announcements: dict[int, Announcement] = {}
        self._announcement_ids = itertools.count(1)
        self.storm = StormProtection()
        # read_lag quirk: the version a lagging read still returns (None: not there yet), reads left.
        self.read_lag = 0
        self._previous: dict[tuple[str, int], Any] = {}
        self._stale: dict[tuple[str, int], int] = {}

    # --- read lag (moto's managed state transitions: consistent after N reads) ------------------
    def _wrote(self, kind: str, object_id: int, before: Any) -> None:
        if self.read_lag > 0:
            self._previous[(kind, object_id)] = copy.deepcopy(before)
            self._stale[(kind, object_id)] = self.read_lag

    def _read(self, kind: str, table: dict[int, T], object_id: int, error: Exception) -> T:
        key = (kind, object_id)
        if self._stale.get(key, 0) > 0:
            self._stale[key] -= 1
            old = self._previous[key]
            if old is None:
                raise error
            return old  # type: ignore[no-any-return]
        if object_id not in table:
            raise error
        return table[object_id]

    def _list(self, kind: str, table: dict[int, T]) -> list[T]:
        ids = sorted(set(table) | {i for (k, i), left in self._stale.items() if k == kind and left > 0})
        found: list[T] = []
        for object_id in ids:
            try:
                found.append(self._read(kind, table, object_id, NotFound()))
            except NotFound:
                continue
        return found

    # --- monitors -----------------------------------------------------------------------------
    def _check_monitor(self, fields: dict[str, Any]) -> None:
        """What only the account can tell: the contacts, windows and group named are its own."""
        _given(Monitor, fields, ("maintenance_window_ids",))
        for contact_id, _, _ in fields.get("assigned_alert_contacts") or []:
            if contact_id not in self.contacts and contact_id not in self.integrations:
                raise ForeignResource(f"Alert contact {contact_id} does not belong to your account")
        for window_id in fields.get("maintenance_window_ids") or []:
            if window_id not in self.windows:
                raise ForeignResource(f"Maintenance window {window_id} does not belong to your account")
        group_id = fields.get("group_id")
        if group_id and group_id not in self.groups:
            raise ForeignResource(f"Monitor group {group_id} does not belong to your account")
        if fields.get("custom_fields") and self.limits.plan == "free":
            raise PlanLimit("Custom fields are not available on your plan")

    def create_monitor(self, *, type: str, friendly_name: str, interval: int, now: float = 0.0,
                       **fields: Any) -> Monitor:  # fmt: skip
        """A new monitor of ``type``; ``fields`` are further Monitor attributes (and
        ``maintenance_window_ids``), as decoded by responses.py."""
        self._check_monitor(fields)
        if len(self.monitors) >= self.limits.monitor_limit:
            raise PlanLimit(f"You have reached the monitor limit of your plan ({self.limits.monitor_limit})")
        monitor = Monitor(next(self._monitor_ids), type, friendly_name, "", interval)
        monitor.created_at = now
        if type == "HEARTBEAT":
            monitor.url = secrets.token_hex(16)  # the heartbeat URL token, generated by the server
        if type == "API":
            monitor.http_method_type = "GET"
        self._apply(monitor, fields)
        self.monitors[monitor.id] = monitor
        self._wrote("monitor", monitor.id, None)
        return monitor

    def get_monitor(self, monitor_id: int) -> Monitor:
        return self._read("monitor", self.monitors, monitor_id, NotFound("Monitor not found"))

    def list_monitors(self) -> list[Monitor]:
        return self._list("monitor", self.monitors)

    def current_monitor(self, monitor_id: int) -> Monitor:
        """The monitor as it is now (a write's target: never a lagging read)."""
        if monitor_id not in self.monitors:
            raise NotFound("Monitor not found")
        return self.monitors[monitor_id]

    def update_monitor(self, monitor_id: int, **fields: Any) -> Monitor:
        """Each given keyword is a change; an absent one leaves the attribute as it is."""
        monitor = self.current_monitor(monitor_id)
        self._check_monitor(fields)
        before = copy.deepcopy(monitor)
        self._apply(monitor, fields)
        self._wrote("monitor", monitor_id, before)
        return monitor

    def delete_monitor(self, monitor_id: int) -> Monitor:
        monitor = self.monitors.pop(self.current_monitor(monitor_id).id)
        for page in self.psps.values():
            page.monitor_ids = [i for i in page.monitor_ids if i != monitor_id]
        for window in self.windows.values():
            window.monitor_ids = [i for i in window.monitor_ids if i != monitor_id]
        self.history.pop(monitor_id, None)  # its incidents go with it
        self._wrote("monitor", monitor_id, monitor)  # a just-deleted monitor can still read back
        return monitor

    def set_monitor_status(self, monitor_id: int, status: str, now: float) -> Monitor:
        monitor = self.current_monitor(monitor_id)
        before = copy.deepcopy(monitor)
        monitor.status = status
        self.history_of(monitor_id).record(Check(now, status))  # closes an open incident
        self._wrote("monitor", monitor_id, before)
        return monitor

    def pause_monitor(self, monitor_id: int, now: float) -> Monitor:
        return self.set_monitor_status(monitor_id, "PAUSED", now)

    def start_monitor(self, monitor_id: int, now: float) -> Monitor:
        return self.set_monitor_status(monitor_id, "STARTED", now)

    def reset_monitor(self, monitor_id: int) -> Monitor:
        """Clears the monitor's statistics: its history, so its incidents and ratios start afresh."""
        monitor = self.current_monitor(monitor_id)
        self.history.pop(monitor_id, None)
        return monitor

    def _apply(self, monitor: Monitor, fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            if name == "url":
                if monitor.type != "HEARTBEAT":  # a heartbeat's URL is the server's own
                    monitor.url = value
            elif name == "tag_names":
                monitor.tag_names = list(value)
                for tag in monitor.tag_names:
                    self.tag_named(tag)
            elif name == "maintenance_window_ids":
                self._set_windows_of(monitor.id, value)
            elif name == "config":  # shallow merge: a key set to None is removed, None clears
                if value is None:
                    monitor.config = {}
                for key, item in dict(value or {}).items():
                    if item is None:
                        monitor.config.pop(key, None)
                    else:
                        monitor.config[key] = item
            else:
                setattr(monitor, name, value)

    # --- personal alert contacts --------------------------------------------------------------
    def create_alert_contact(
        self, *, type: str, friendly_name: str, value: str, notify_for: str
    ) -> AlertContact:
        if type in ("ProSms", "Voice"):
            raise PlanLimit(f"{type} alert contacts need phone verification in the dashboard")
        contact = AlertContact(next(self._contact_ids), type, friendly_name, value, notify_for)
        self.contacts[contact.id] = contact
        self._wrote("contact", contact.id, None)
        return contact

    def get_alert_contact(self, contact_id: int) -> AlertContact:
        return self._read("contact", self.contacts, contact_id, NotFound("Alert contact not found"))

    def list_alert_contacts(self) -> list[AlertContact]:
        return self._list("contact", self.contacts)

    def current_alert_contact(self, contact_id: int) -> AlertContact:
        if contact_id not in self.contacts:
            raise NotFound("Alert contact not found")
        return self.contacts[contact_id]

    def update_alert_contact(
        self,
        contact_id: int,
        *,
        friendly_name: str | None = None,
        notify_for: str | None = None,
        ssl_expiration_reminder: bool | None = None,
        active: bool | None = None,
    ) -> AlertContact:
        """None: unchanged (the API refuses a null for each of them)."""
        contact = self.current_alert_contact(contact_id)
        before = copy.deepcopy(contact)
        if friendly_name is not None:
            contact.friendly_name = friendly_name
        if notify_for is not None:
            contact.notify_for = notify_for
        if ssl_expiration_reminder is not None:
            contact.ssl_expiration_reminder = ssl_expiration_reminder
        if active is not None:
            contact.status = "Active" if active else "Paused"
        self._wrote("contact", contact_id, before)
        return contact

    def delete_alert_contact(self, contact_id: int) -> AlertContact:
        contact = self.contacts.pop(self.current_alert_contact(contact_id).id)
        self._detach_contact(contact_id)
        self._wrote("contact", contact_id, contact)
        return contact

    def _detach_contact(self, contact_id: int) -> None:
        for monitor in self.monitors.values():
            monitor.assigned_alert_contacts = [
                c for c in monitor.assigned_alert_contacts if c[0] != contact_id
            ]

    # --- integrations -------------------------------------------------------------------------
    def create_integration(
        self,
        *,
        type: str,
        friendly_name: str,
        value: str,
        custom_value: str,
        notify_for: str,
        ssl_expiration_reminder: bool,
        extra: dict[str, Any],
    ) -> Integration:
        if value and any(i.type == type and i.value == value for i in self.integrations.values()):
            raise IntegrationExists()
        integration = Integration(
            next(self._contact_ids),
            type,
            friendly_name or type,
            value,
            custom_value,
            notify_for,
            ssl_expiration_reminder,
            extra,
        )
        self.integrations[integration.id] = integration
        self._wrote("integration", integration.id, None)
        return integration

    def get_integration(self, integration_id: int) -> Integration:
        return self._read("integration", self.integrations, integration_id, IntegrationNotFound())

    def list_integrations(self) -> list[Integration]:
        return self._list("integration", self.integrations)

    def current_integration(self, integration_id: int) -> Integration:
        if integration_id not in self.integrations:
            raise IntegrationNotFound()
        return self.integrations[integration_id]

    def update_integration(
        self,
        integration_id: int,
        *,
        friendly_name: str | None = None,
        notify_for: str | None = None,
        ssl_expiration_reminder: bool | None = None,
        value: str = "",
        custom_value: str = "",
        extra: dict[str, Any] | None = None,
    ) -> Integration:
        """None or "": unchanged (a new webhook URL is kept, an empty one is no change)."""
        integration = self.current_integration(integration_id)
        before = copy.deepcopy(integration)
        if friendly_name is not None:
            integration.friendly_name = friendly_name
        if notify_for is not None:
            integration.notify_for = notify_for
        if ssl_expiration_reminder is not None:
            integration.ssl_expiration_reminder = ssl_expiration_reminder
        integration.value = value or integration.value
        integration.custom_value = custom_value or integration.custom_value
        integration.extra.update(extra or {})
        self._wrote("integration", integration_id, before)
        return integration

    def delete_integration(self, integration_id: int) -> Integration:
        integration = self.integrations.pop(self.current_integration(integration_id).id)
        self._detach_contact(integration_id)
        self._wrote("integration", integration_id, integration)
        return integration

    # --- public status pages ------------------------------------------------------------------
    def _own_monitors(self, monitor_ids: list[int]) -> None:
        missing = [i for i in monitor_ids if i != 0 and i not in self.monitors]
        if missing:
            raise ForeignResource(f"Monitor {missing[0]} does not belong to your account")

    def _psp_write(self, page: StatusPage, fields: dict[str, Any]) -> None:
        """``monitor_ids`` wins over ``auto_add_monitors`` (which reads as [0]); an uploaded image
        is stored under a name of the page's own."""
        _given(StatusPage, fields, ("auto_add_monitors",))
        fields = dict(fields)
        monitor_ids, auto = fields.pop("monitor_ids", None), fields.pop("auto_add_monitors", None)
        if monitor_ids is not None:
            self._own_monitors(monitor_ids)
            page.monitor_ids = monitor_ids
        elif auto:
            page.monitor_ids = [0]
        for name in ("logo", "icon"):
            image = fields.get(name)
            if isinstance(image, Upload):
                fields[name] = f"psp-{page.id}-{name}.{image.kind}"
        for name, value in fields.items():
            setattr(page, name, value)

    def create_psp(self, *, friendly_name: str, **fields: Any) -> StatusPage:
        if fields.get("monitor_ids") is not None:
            self._own_monitors(fields["monitor_ids"])
        page = StatusPage(next(self._psp_ids), friendly_name)
        self._psp_write(page, fields)
        self.psps[page.id] = page
        self._wrote("psp", page.id, None)
        return page

    def get_psp(self, psp_id: int) -> StatusPage:
        return self._read("psp", self.psps, psp_id, NotFound("PSP not found"))

    def list_psps(self) -> list[StatusPage]:
        return self._list("psp", self.psps)

    def current_psp(self, psp_id: int) -> StatusPage:
        if psp_id not in self.psps:
            raise NotFound("PSP not found")
        return self.psps[psp_id]

    def update_psp(self, psp_id: int, **fields: Any) -> StatusPage:
        page = self.current_psp(psp_id)
        if fields.get("monitor_ids") is not None:
            self._own_monitors(fields["monitor_ids"])
        before = copy.deepcopy(page)
        self._psp_write(page, fields)
        self._wrote("psp", psp_id, before)
        return page

    def delete_psp(self, psp_id: int) -> StatusPage:
        page = self.psps.pop(self.current_psp(psp_id).id)
        self._wrote("psp", psp_id, page)
        return page

    def psps_showing(self, monitor_id: int) -> list[StatusPage]:
        return [p for p in self.psps.values() if monitor_id in p.monitor_ids or p.monitor_ids == [0]]

    # --- maintenance windows ------------------------------------------------------------------
    def _window_write(self, window: MaintenanceWindow, fields: dict[str, Any]) -> None:
        """Days the interval has not are dropped, silently, as live (GS): on a change of either."""
        _given(MaintenanceWindow, fields)
        if fields.get("monitor_ids") is not None:
            self._own_monitors(fields["monitor_ids"])
        for name, value in fields.items():
            setattr(window, name, value)
        if "days" in fields or "interval" in fields:
            allowed = {"weekly": range(1, 8), "monthly": [-1, *range(1, 32)]}.get(window.interval, [])
            window.days = [d for d in window.days if d in allowed]

    def create_maintenance_window(self, **fields: Any) -> MaintenanceWindow:
        if fields.get("monitor_ids") is not None:
            self._own_monitors(fields["monitor_ids"])
        window = MaintenanceWindow(next(self._mw_ids), "", "once", None, "00:00:00", 1)
        self._window_write(window, fields)
        self.windows[window.id] = window
        self._wrote("window", window.id, None)
        return window

    def get_maintenance_window(self, window_id: int) -> MaintenanceWindow:
        return self._read("window", self.windows, window_id, NotFound("Maintenance window not found"))

    def list_maintenance_windows(self) -> list[MaintenanceWindow]:
        return self._list("window", self.windows)

    def current_maintenance_window(self, window_id: int) -> MaintenanceWindow:
        if window_id not in self.windows:
            raise NotFound("Maintenance window not found")
        return self.windows[window_id]

    def update_maintenance_window(self, window_id: int, **fields: Any) -> MaintenanceWindow:
        window = self.current_maintenance_window(window_id)
        before = copy.deepcopy(window)
        self._window_write(window, fields)
        self._wrote("window", window_id, before)
        return window

    def delete_maintenance_window(self, window_id: int) -> MaintenanceWindow:
        window = self.windows.pop(self.current_maintenance_window(window_id).id)
        self._wrote("window", window_id, window)
        return window

    # --- the monitor ↔ maintenance window relation, stored once (on the window) -------------------
    def windows_of(self, monitor_id: int) -> list[MaintenanceWindow]:
        """The windows a monitor is in, by window id."""
        return [
            self.windows[i]
            for i in sorted(self.windows)
            if monitor_id in self.windows[i].monitor_ids or self.windows[i].monitor_ids == [0]
        ]

    def _set_windows_of(self, monitor_id: int, window_ids: list[int]) -> None:
        """A monitor's write of its windows: joins those windows, leaves the others."""
        wanted = set(window_ids)
        for window_id, window in self.windows.items():
            inside = monitor_id in window.monitor_ids
            if window_id in wanted and not inside and window.monitor_ids != [0]:
                window.monitor_ids = [*window.monitor_ids, monitor_id]
            elif window_id not in wanted and inside:
                window.monitor_ids = [i for i in window.monitor_ids if i != monitor_id]

    # --- tags ---------------------------------------------------------------------------------
    def tag_named(self, name: str) -> Tag:
        """Tags are created by naming them in a monitor's tag names."""
        for tag in self.tags.values():
            if tag.name == name:
                return tag
        tag_id = next(self._tag_ids)
        tag = Tag(tag_id, name, TAG_COLORS[tag_id % len(TAG_COLORS)])
        self.tags[tag.id] = tag
        return tag

    def get_tags(self) -> list[Tag]:
        return sorted(self.tags.values(), key=lambda t: t.id)

    def delete_tag(self, tag_id: int) -> Tag:
        if tag_id not in self.tags:
            raise NotFound("Tag not found")
        tag = self.tags.pop(tag_id)
        for monitor in self.monitors.values():
            monitor.tag_names = [n for n in monitor.tag_names if n != tag.name]
        for page in self.psps.values():
            page.tag_ids = [i for i in page.tag_ids if i != tag_id]
        return tag

    # --- status history, incidents and what they sent (history.py computes them) ---------------
    def history_of(self, monitor_id: int) -> MonitorHistory:
        return self.history.setdefault(monitor_id, MonitorHistory())

    def record_check(self, monitor_id: int, check: Check) -> Monitor:
        """One observation (the control plane's today, a scheduler's later); moves the status."""
        monitor = self.current_monitor(monitor_id)
        self.history_of(monitor_id).record(check)
        latest = self.history_of(monitor_id).checks[-1]
        if monitor.status != "PAUSED" or latest.status == "STARTED":
            monitor.status = latest.status
        return monitor

    def status_since(self, monitor_id: int, default: float) -> float:
        """When the monitor's current status began (the first check of the latest run of it)."""
        checks = self.history_of(monitor_id).checks
        since = default
        for check in reversed(checks):
            if check.status != checks[-1].status:
                break
            since = check.at
        return since

    def all_incidents(self) -> list[Incident]:
        found = [i for m in sorted(self.monitors) for i in self.history_of(m).incidents(m)]
        return sorted(found, key=lambda i: int(i.id))

    def incident(self, incident_id: str) -> Incident:
        for incident in self.all_incidents():
            if incident.id == incident_id:
                return incident
        raise NotFound("Incident not found")

    def current_incident(self, monitor_id: int) -> Incident | None:
        incidents = self.history_of(monitor_id).incidents(monitor_id)
        return incidents[-1] if incidents and incidents[-1].resolved is None else None

    def last_incident(self, monitor_id: int) -> Incident | None:
        incidents = self.history_of(monitor_id).incidents(monitor_id)
        return incidents[-1] if incidents else None

    def sent_alerts(self, incident: Incident, now: float) -> list[SentAlert]:
        """Each assigned contact's alerts: DOWN after its threshold, repeated every recurrence
        minutes while down, UP when resolved, as each contact's notification setting allows."""
        monitor = self.monitors.get(incident.monitor_id)
        if monitor is None:
            return []
        end = incident.resolved if incident.resolved is not None else now
        alerts: list[SentAlert] = []
        for contact_id, threshold, recurrence in monitor.assigned_alert_contacts:
            target = self.contacts.get(contact_id) or self.integrations.get(contact_id)
            if target is None or target.notify_for == "None":
                continue
            if target.notify_for in ("UpAndDown", "Down"):
                at = incident.started + threshold * 60
                while at <= end:
                    alerts.append(SentAlert(at, contact_id, "DOWN"))
                    if not recurrence:
                        break
                    at += recurrence * 60
            resolved = incident.resolved
            if (
                resolved is not None
                and target.notify_for in ("UpAndDown", "Up")
                and (incident.started + threshold * 60 <= resolved)
            ):
                alerts.append(SentAlert(resolved, contact_id, "UP"))
        return sorted(alerts, key=lambda a: a.at)

    def recipient(self, contact_id: int) -> tuple[str, str, str]:
        """(name, value, type) of an alert's recipient."""
        target = self.contacts.get(contact_id) or self.integrations.get(contact_id)
        if target is None:
            return ("", "", "")
        return (target.friendly_name, target.value, target.type)

    def comments_of(self, incident_id: str) -> list[Comment]:
        return self.comments.setdefault(incident_id, [])

    def add_comment(self, incident_id: str, *, content: str, publish: bool | None, now: float) -> Comment:
        self.incident(incident_id)
        comment = Comment(next(self._comment_ids), content, bool(publish), now)
        self.comments_of(incident_id).append(comment)
        return comment

    def comment(self, incident_id: str, comment_id: int) -> Comment:
        self.incident(incident_id)
        for comment in self.comments_of(incident_id):
            if comment.id == comment_id:
                return comment
        raise NotFound("Comment not found")

    def update_comment(
        self, incident_id: str, comment_id: int, *, content: str, publish: bool | None, now: float
    ) -> Comment:
        comment = self.comment(incident_id, comment_id)
        comment.content = content
        if publish is not None:
            comment.publish = publish
        comment.updated = now
        return comment

    def delete_comment(self, incident_id: str, comment_id: int) -> None:
        comment = self.comment(incident_id, comment_id)
        self.comments[incident_id] = [c for c in self.comments_of(incident_id) if c.id != comment.id]

    # --- status page announcements ------------------------------------------------------------
    def may_announce(self, psp_id: int) -> StatusPage:
        """The page an announcement is created on: it exists, and the plan has announcements."""
        page = self.get_psp(psp_id)
        if self.limits.plan == "free":
            raise PlanLimit("Announcements are not available on your plan")
        return page

    def create_announcement(self, psp_id: int, *, now: float, **fields: Any) -> Announcement:
        """On a page ``may_announce`` allowed; ``fields``: Announcement attributes."""
        announcement = Announcement(next(self._announcement_ids), psp_id, created=now, start=now)
        self._announce(announcement, fields, now)
        self.announcements[announcement.id] = announcement
        return announcement

    def _announce(self, announcement: Announcement, fields: dict[str, Any], now: float) -> None:
        _given(Announcement, fields)
        was = announcement.status if announcement.id in self.announcements else None
        for name, value in fields.items():
            setattr(announcement, name, value)
        if announcement.status == "Published" and was != "Published":
            announcement.submitted = now

    def announcement(self, psp_id: int, announcement_id: int) -> Announcement:
        self.get_psp(psp_id)
        found = self.announcements.get(announcement_id)
        if found is None or found.psp_id != psp_id:
            raise NotFound("Announcement not found")
        return found

    def list_announcements(self, psp_id: int, status: str | None) -> list[Announcement]:
        self.get_psp(psp_id)
        return [
            a
            for a in sorted(self.announcements.values(), key=lambda a: a.id)
            if a.psp_id == psp_id and (status is None or a.status.upper() == status)
        ]

    def update_announcement(self, announcement: Announcement, *, now: float, **fields: Any) -> Announcement:
        """``announcement``: as ``announcement()`` found it (the request's 404 comes first)."""
        self._announce(announcement, fields, now)
        return announcement

    def pin_announcement(self, psp_id: int, announcement_id: int, pin: bool) -> Announcement:
        announcement = self.announcement(psp_id, announcement_id)
        page = self.psps[psp_id]
        if pin:
            page.pinned_announcement_id = announcement.id
        elif page.pinned_announcement_id == announcement.id:
            page.pinned_announcement_id = None
        return announcement

    # --- bulk operations and storm protection -------------------------------------------------
    def bulk_selection(self, *, group_id: float | None = None, tag_id: float | None = None) -> list[Monitor]:
        tag = self.tags.get(int(tag_id)) if tag_id is not None else None
        if tag_id is not None and tag is None:
            raise NotFound("Tag not found")
        return [
            m
            for m in sorted(self.monitors.values(), key=lambda m: m.id)
            if (group_id is None or m.group_id == group_id) and (tag is None or tag.name in m.tag_names)
        ]

    def update_storm_protection(self, **fields: Any) -> StormProtection:
        """``fields``: StormProtection attributes; None is no change (the API refuses nulls)."""
        _given(StormProtection, fields)
        for name, value in fields.items():
            if value is not None:
                setattr(self.storm, name, value)
        return self.storm

    # --- monitor groups -----------------------------------------------------------------------
    def _members(self, monitor_ids: list[int]) -> None:
        missing = [i for i in monitor_ids if i not in self.monitors]
        if missing:
            raise InvalidField("monitor_ids", f"{{}}: monitor {missing[0]} not found")

    def create_monitor_group(
        self, *, name: str, monitor_ids: list[int], group_ids: list[int]
    ) -> MonitorGroup:
        """The monitors named and the members of the groups named move into the new group."""
        self._members(monitor_ids)
        members = list(monitor_ids)
        for group_id in group_ids:
            if group_id and group_id not in self.groups:
                raise InvalidField("group_ids", f"{{}}: monitor group {group_id} not found")
            members += [m.id for m in self.monitors.values() if m.group_id == group_id]
        group = MonitorGroup(next(self._group_ids), name)
        self.groups[group.id] = group
        for monitor_id in members:
            self.monitors[monitor_id].group_id = group.id
        return group

    def get_monitor_group(self, group_id: int) -> MonitorGroup:
        if group_id not in self.groups:
            raise NotFound("Monitor group not found")
        return self.groups[group_id]

    def list_monitor_groups(self) -> list[MonitorGroup]:
        return sorted(self.groups.values(), key=lambda g: g.id)

    def update_monitor_group(
        self, group_id: int, *, name: str | None = None, monitor_ids: list[int] | None = None
    ) -> MonitorGroup:
        """The monitors named must exist; they are not moved (as live: membership is the monitors')."""
        group = self.get_monitor_group(group_id)
        self._members(monitor_ids or [])
        if name is not None:
            group.name = name
            group.updated = now_iso()
        return group

    def delete_monitor_group(self, group_id: int, new_group_id: int | None) -> MonitorGroup:
        group = self.get_monitor_group(group_id)
        if new_group_id is not None and (new_group_id == group_id or new_group_id not in self.groups):
            raise InvalidField("new_group_id", "{} must be another existing monitor group")
        del self.groups[group_id]
        for monitor in self.monitors.values():
            if monitor.group_id == group_id:
                monitor.group_id = new_group_id or 0
        return group

    def group_size(self, group_id: int) -> int:
        return sum(1 for m in self.monitors.values() if m.group_id == group_id)

    def monitors_in(self, ids: list[int]) -> Iterator[Monitor]:
        return (self.monitors[i] for i in ids if i in self.monitors)

"""Uptime Robot v3 state beside monitors: alert contacts, integrations, status pages, maintenance windows.

Plain records keyed by id; the wire names live in responses.py. Alert contacts and integrations
share one id space (both are "alert contacts" to a monitor's ``assignedAlertContacts``).
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.uptimerobot.errors import IntegrationExists, NotFound, ValidationFailed

CONTACT_TYPES = ("Email", "ProSms", "Voice", "MobileAppIOS", "MobileAppAndroid")
INTEGRATION_TYPES = (
    "Slack",
    "Telegram",
    "MSTeams",
    "Webhook",
    "Zapier",
    "PagerDuty",
    "GoogleChat",
    "Discord",
    "Splunk",
    "PushBullet",
    "Pushover",
    "Mattermost",
)
NOTIFY = ("UpAndDown", "Down", "Up", "None")
PSP_SORTS = ("FriendlyNameAsc", "FriendlyNameDesc", "StatusUpDownPaused", "StatusDownUpPaused")
MW_INTERVALS = ("once", "daily", "weekly", "monthly")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


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
    extra: dict[str, Any] = field(default_factory=dict)
    status: str = "Active"


@dataclass
class StatusPage:
    id: int
    friendly_name: str
    monitor_ids: list[int] = field(default_factory=list)
    custom_domain: str | None = None
    password: str | None = None
    sort: str = "StatusDownUpPaused"
    status: str = "ENABLED"
    hide_url_links: bool = False
    no_index: bool = False
    subscription: bool = False
    homepage_link: str | None = None
    ga_code: str | None = None
    custom_settings: dict[str, Any] = field(default_factory=dict)
    url_key: str = field(default_factory=lambda: secrets.token_hex(6))


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
    created: str = field(default_factory=_now)


def _notify(value: Any, numeric: bool) -> str:
    if numeric and isinstance(value, (int, float)) and int(value) in range(4):
        return NOTIFY[int(value)]
    if isinstance(value, str) and value in NOTIFY:
        return value
    raise ValidationFailed(
        "enableNotificationsFor must be one of the following values: "
        + ("0, 1, 2, 3" if numeric else ", ".join(NOTIFY))
    )


class AccountPages:
    """Mixed into the backend: everything that is not a monitor."""

    contacts: dict[int, AlertContact]
    integrations: dict[int, Integration]
    psps: dict[int, StatusPage]
    windows: dict[int, MaintenanceWindow]

    def _init_pages(self) -> None:
        self.contacts, self.integrations, self.psps, self.windows = {}, {}, {}, {}
        self._contact_ids = itertools.count(7_000_001)
        self._psp_ids = itertools.count(900_001)
        self._mw_ids = itertools.count(50_001)

    def contact_exists(self, contact_id: int) -> bool:
        return contact_id in self.contacts or contact_id in self.integrations

    # --- personal alert contacts --------------------------------------------------------------
    def create_alert_contact(self, data: dict[str, Any]) -> AlertContact:
        kind = data.get("type")
        if kind not in CONTACT_TYPES:
            raise ValidationFailed("type must be one of the following values: " + ", ".join(CONTACT_TYPES))
        value = str(data.get("value") or "")
        if kind == "Email" and not _EMAIL.match(value):
            raise ValidationFailed("value must be an email")
        if kind in ("ProSms", "Voice"):
            raise ValidationFailed(f"{kind} contacts need phone verification in the dashboard")
        contact = AlertContact(
            next(self._contact_ids),
            kind,
            str(data.get("friendlyName") or value),
            value,
            _notify(data.get("enableNotificationsFor", 0), numeric=True),
        )
        self.contacts[contact.id] = contact
        return contact

    def get_alert_contact(self, contact_id: int) -> AlertContact:
        if contact_id not in self.contacts:
            raise NotFound("Alert contact not found")
        return self.contacts[contact_id]

    def update_alert_contact(self, contact_id: int, data: dict[str, Any]) -> AlertContact:
        contact = self.get_alert_contact(contact_id)
        unknown = set(data) - {"friendlyName", "enableNotificationsFor", "sslExpirationReminder", "isActive"}
        if unknown:
            raise ValidationFailed(*(f"property {name} should not exist" for name in sorted(unknown)))
        if "friendlyName" in data:
            contact.friendly_name = str(data["friendlyName"])
        if "enableNotificationsFor" in data:
            contact.notify_for = _notify(data["enableNotificationsFor"], numeric=True)
        if "sslExpirationReminder" in data:
            contact.ssl_expiration_reminder = bool(data["sslExpirationReminder"])
        if "isActive" in data:
            contact.status = "Active" if data["isActive"] else "Paused"
        return contact

    def delete_alert_contact(self, contact_id: int) -> AlertContact:
        contact = self.get_alert_contact(contact_id)
        del self.contacts[contact_id]
        self._detach_contact(contact_id)
        return contact

    # --- integrations -------------------------------------------------------------------------
    def create_integration(self, kind: str, data: dict[str, Any]) -> Integration:
        if kind not in INTEGRATION_TYPES:
            raise ValidationFailed(
                "type must be one of the following values: " + ", ".join(INTEGRATION_TYPES)
            )
        value, custom = self._integration_value(kind, data, creating=True)
        if any(i.type == kind and i.value == value for i in self.integrations.values()):
            raise IntegrationExists()
        integration = Integration(
            next(self._contact_ids),
            kind,
            str(data.get("friendlyName") or kind)[:60],
            value,
            custom,
            _notify(data.get("enableNotificationsFor", "UpAndDown"), numeric=False),
            bool(data.get("sslExpirationReminder", False)),
            {k: v for k, v in data.items() if k not in _INTEGRATION_KEYS},
        )
        self.integrations[integration.id] = integration
        return integration

    @staticmethod
    def _integration_value(kind: str, data: dict[str, Any], *, creating: bool) -> tuple[str, str]:
        if kind == "Slack":
            url, channel = data.get("webhookURL"), data.get("customValue")
            if creating and (not url or not str(url).startswith(("http://", "https://"))):
                raise ValidationFailed("webhookURL must be a URL address")
            if creating and not channel:
                raise ValidationFailed("customValue should not be empty")
            return str(url or ""), str(channel or "")
        if kind == "Webhook":
            url = data.get("urlToNotify")
            if creating and (not url or not str(url).startswith(("http://", "https://"))):
                raise ValidationFailed("urlToNotify must be a URL address")
            if creating and data.get("postValue") is None:
                raise ValidationFailed("postValue should not be empty")
            return str(url or ""), str(data.get("postValue") or "")
        return str(data.get("value") or data.get("hookURL") or data.get("roomURL") or ""), str(
            data.get("customValue") or ""
        )

    def get_integration(self, integration_id: int) -> Integration:
        if integration_id not in self.integrations:
            raise NotFound("Integration not found", code="021-005")
        return self.integrations[integration_id]

    def update_integration(self, integration_id: int, kind: str | None, data: dict[str, Any]) -> Integration:
        integration = self.get_integration(integration_id)
        if kind != integration.type:
            raise ValidationFailed("type must match the integration's type (send it with every update)")
        if "friendlyName" in data:
            integration.friendly_name = str(data["friendlyName"])[:60]
        if "enableNotificationsFor" in data:
            integration.notify_for = _notify(data["enableNotificationsFor"], numeric=False)
        if "sslExpirationReminder" in data:
            integration.ssl_expiration_reminder = bool(data["sslExpirationReminder"])
        value, custom = self._integration_value(kind, data, creating=False)
        if value:
            integration.value = value
        if custom:
            integration.custom_value = custom
        integration.extra.update({k: v for k, v in data.items() if k not in _INTEGRATION_KEYS})
        return integration

    def delete_integration(self, integration_id: int) -> Integration:
        integration = self.get_integration(integration_id)
        del self.integrations[integration_id]
        self._detach_contact(integration_id)
        return integration

    def _detach_contact(self, contact_id: int) -> None:
        for monitor in getattr(self, "monitors", {}).values():
            monitor.assigned_alert_contacts = [
                c for c in monitor.assigned_alert_contacts if str(c["alertContactId"]) != str(contact_id)
            ]

    # --- status pages -------------------------------------------------------------------------
    def _psp_fields(self, page: StatusPage, data: dict[str, Any]) -> None:
        if "friendlyName" in data:
            if not data["friendlyName"] or len(str(data["friendlyName"])) > 255:
                raise ValidationFailed("friendlyName must be shorter than or equal to 255 characters")
            page.friendly_name = str(data["friendlyName"])
        if "monitorIds" in data:
            ids = [int(i) for i in data["monitorIds"] or []]
            missing = [i for i in ids if i != 0 and i not in getattr(self, "monitors", {})]
            if missing:
                raise ValidationFailed(f"monitorIds: monitor {missing[0]} not found")
            page.monitor_ids = ids
        if data.get("autoAddMonitors") and "monitorIds" not in data:
            page.monitor_ids = [0]
        if "sort" in data:
            if data["sort"] not in PSP_SORTS:
                raise ValidationFailed("sort must be one of the following values: " + ", ".join(PSP_SORTS))
            page.sort = data["sort"]
        if "status" in data:
            status = str(data["status"]).upper()
            if status not in ("ENABLED", "PAUSED"):
                raise ValidationFailed("status must be one of 0, 1")
            page.status = status
        for wire, attr in (
            ("customDomain", "custom_domain"),
            ("password", "password"),
            ("hideUrlLinks", "hide_url_links"),
            ("noIndex", "no_index"),
            ("subscription", "subscription"),
            ("homepageLink", "homepage_link"),
            ("gaCode", "ga_code"),
            ("customSettings", "custom_settings"),
        ):
            if wire in data:
                setattr(page, attr, data[wire])

    def create_psp(self, data: dict[str, Any]) -> StatusPage:
        if not data.get("friendlyName"):
            raise ValidationFailed("friendlyName should not be empty")
        page = StatusPage(next(self._psp_ids), str(data["friendlyName"]))
        self._psp_fields(page, data)
        self.psps[page.id] = page
        return page

    def get_psp(self, psp_id: int) -> StatusPage:
        if psp_id not in self.psps:
            raise NotFound("Public status page not found")
        return self.psps[psp_id]

    def update_psp(self, psp_id: int, data: dict[str, Any]) -> StatusPage:
        page = self.get_psp(psp_id)
        self._psp_fields(page, data)
        return page

    def delete_psp(self, psp_id: int) -> StatusPage:
        return self.psps.pop(self.get_psp(psp_id).id)

    # --- maintenance windows ------------------------------------------------------------------
    def _mw_fields(self, window: MaintenanceWindow, data: dict[str, Any]) -> None:
        if "name" in data:
            window.name = str(data["name"])
        if "interval" in data:
            if data["interval"] not in MW_INTERVALS:
                raise ValidationFailed(
                    "interval must be one of the following values: " + ", ".join(MW_INTERVALS)
                )
            window.interval = data["interval"]
        if "date" in data:
            if data["date"] is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(data["date"])):
                raise ValidationFailed("date must be in YYYY-MM-DD format")
            window.date = data["date"]
        if "time" in data:
            if not re.match(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$", str(data["time"])):
                raise ValidationFailed("time must be in HH:mm:ss format")
            window.time = str(data["time"])
        if "duration" in data:
            if not isinstance(data["duration"], (int, float)) or data["duration"] < 1:
                raise ValidationFailed("duration must not be less than 1")
            window.duration = int(data["duration"])
        if "days" in data:  # the API silently ignores invalid days (GS)
            limit = range(1, 8) if window.interval == "weekly" else range(-1, 32)
            window.days = [int(d) for d in data["days"] or [] if int(d) in limit and int(d) != 0]
        if "monitorIds" in data:
            window.monitor_ids = [int(i) for i in data["monitorIds"] or []]
        if "autoAddMonitors" in data:
            window.auto_add_monitors = bool(data["autoAddMonitors"])
        if "status" in data:
            if data["status"] not in ("active", "paused"):
                raise ValidationFailed("status must be one of the following values: active, paused")
            window.status = data["status"]

    def create_maintenance_window(self, data: dict[str, Any]) -> MaintenanceWindow:
        missing = [k for k in ("name", "interval", "time", "duration") if data.get(k) in (None, "")]
        if missing:
            raise ValidationFailed(*(f"{k} should not be empty" for k in missing))
        window = MaintenanceWindow(next(self._mw_ids), "", "once", None, "00:00:00", 1)
        self._mw_fields(window, data)
        self.windows[window.id] = window
        return window

    def get_maintenance_window(self, window_id: int) -> MaintenanceWindow:
        if window_id not in self.windows:
            raise NotFound("Maintenance window not found")
        return self.windows[window_id]

    def update_maintenance_window(self, window_id: int, data: dict[str, Any]) -> MaintenanceWindow:
        window = self.get_maintenance_window(window_id)
        self._mw_fields(window, data)
        return window

    def delete_maintenance_window(self, window_id: int) -> MaintenanceWindow:
        window = self.windows.pop(self.get_maintenance_window(window_id).id)
        for monitor in getattr(self, "monitors", {}).values():
            monitor.maintenance_window_ids = [i for i in monitor.maintenance_window_ids if i != window_id]
        return window


_INTEGRATION_KEYS = frozenset(
    {
        "friendlyName",
        "enableNotificationsFor",
        "sslExpirationReminder",
        "webhookURL",
        "customValue",
        "urlToNotify",
        "postValue",
    }
)

"""Alerts that really go out: to Slack webhooks, to webhook integrations, into the e-mail outbox.

Which alerts are due is history.py's (``UptimeRobotBackend.sent_alerts``: threshold, recurrence, the
contact's notification setting); this module only delivers each of them once and keeps a record of
what happened: delivered (with the HTTP status the receiver answered), failed, or suppressed by an
active maintenance window (named). Deliveries only reach 127.0.0.1, like checks. No locks here: the
scheduler takes the account's lock around what reads or writes the backend, and posts without it.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from vigil.sandbox.uptimerobot.history import iso
from vigil.sandbox.uptimerobot.models import (
    AlertContact,
    Integration,
    MaintenanceWindow,
    Monitor,
    UptimeRobotBackend,
)

DELIVERY_TIMEOUT_S = 5.0
EMAIL_FROM = "alert@uptimerobot.sandbox.invalid"


@dataclass
class Delivery:
    """One alert as it went out (or did not)."""

    at: float  # sandbox-clock UNIX seconds
    monitor_id: int
    monitor: str
    incident_id: str
    kind: str  # "DOWN" or "UP"
    contact_id: int
    contact: str  # the contact's friendly name
    channel: str  # "slack", "webhook", "email" or the integration's type in lower case
    status: str  # "delivered", "failed", "suppressed", "not emulated"
    detail: str = ""  # the receiver's HTTP status, the error, the window's name
    http_status: int | None = None
    to: str = ""  # e-mail: the address (webhook URLs are secrets: never kept here)
    subject: str = ""
    body: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    due: float = 0.0  # when history said it was due (threshold, recurrence); ``at`` is when it went

    def document(self) -> dict[str, Any]:
        document = asdict(self)
        document["at_iso"] = iso(self.at)
        return document


def deliveries_of(backend: UptimeRobotBackend) -> list[Delivery]:
    """The account's delivery log (a backend pickled before alerting existed starts an empty one)."""
    log: list[Delivery] = backend.__dict__.setdefault("deliveries", [])
    return log


def delivered_keys(backend: UptimeRobotBackend) -> set[tuple[str, int, str, float]]:
    keys: set[tuple[str, int, str, float]] = backend.__dict__.setdefault("delivered_keys", set())
    return keys


def window_active(window: MaintenanceWindow, now: float) -> bool:
    """Whether a maintenance window covers ``now`` (UTC; ``duration`` in minutes)."""
    if window.status != "active":
        return False
    moment = datetime.fromtimestamp(now, UTC)
    hours, minutes, seconds = (int(part) for part in window.time.split(":"))
    length = timedelta(minutes=window.duration)
    # the window may have started today or yesterday (one that crosses midnight)
    for back in (0, 1):
        day = (moment - timedelta(days=back)).date()
        start = datetime(day.year, day.month, day.day, hours, minutes, seconds, tzinfo=UTC)
        if not start <= moment < start + length:
            continue
        if window.interval == "once":
            if window.date is not None and window.date == day.isoformat():
                return True
        elif window.interval == "daily":
            return True
        elif window.interval == "weekly":
            if day.isoweekday() in window.days:
                return True
        elif window.interval == "monthly":
            last = calendar.monthrange(day.year, day.month)[1]
            if day.day in window.days or (-1 in window.days and day.day == last):
                return True
    return False


def suppressing_window(backend: UptimeRobotBackend, monitor_id: int, now: float) -> MaintenanceWindow | None:
    for window in backend.windows_of(monitor_id):
        if window_active(window, now):
            return window
    return None


@dataclass(frozen=True)
class Outgoing:
    """An alert to send, prepared under the account's lock (posted without it)."""

    delivery: Delivery
    url: str | None  # where to POST (None: nothing to post: e-mail, suppressed, not emulated)
    json_body: dict[str, Any] | None = None
    form_body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def prepare(
    backend: UptimeRobotBackend,
    monitor: Monitor,
    incident_id: str,
    contact_id: int,
    kind: str,
    at: float,
    due: float | None = None,
) -> Outgoing | None:
    """What one due alert turns into; None when its contact is gone."""
    target: AlertContact | Integration | None = backend.contacts.get(contact_id) or backend.integrations.get(
        contact_id
    )
    if target is None:
        return None
    channel = "email" if target.type == "Email" else target.type.lower()
    reason = _reason(backend, monitor.id, incident_id)
    delivery = Delivery(
        at,
        monitor.id,
        monitor.friendly_name,
        incident_id,
        kind,
        contact_id,
        target.friendly_name,
        channel,
        "delivered",
        due=at if due is None else due,
    )
    window = suppressing_window(backend, monitor.id, at)
    if window is not None:
        delivery.status, delivery.detail = "suppressed", f"maintenance window '{window.name}'"
        return Outgoing(delivery, None)
    text = _text(monitor, kind, reason)
    if isinstance(target, AlertContact):
        if target.type != "Email":
            delivery.status, delivery.detail = "not emulated", f"{target.type} contacts are not emulated"
            return Outgoing(delivery, None)
        delivery.to, delivery.subject = target.value, f"Monitor is {kind}: {monitor.friendly_name}"
        delivery.body = f"{text}\n\nSent by the vigil sandbox's Uptime Robot emulator from {EMAIL_FROM}."
        return Outgoing(delivery, None)
    if target.type == "Slack":
        body = {"text": text, "username": "UptimeRobot"}
        delivery.payload = body
        return Outgoing(delivery, target.value, json_body=body)
    if target.type == "Webhook":
        variables = _variables(monitor, kind, reason, at)
        body_text = _substitute(target.custom_value, variables)
        extra = target.extra
        headers = {str(k): str(v) for k, v in dict(extra.get("customHeaders") or {}).items()}
        url = target.value
        if extra.get("sendAsQueryString"):
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(variables)}"
        try:
            parsed = json.loads(body_text) if body_text.strip() else dict(variables)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and (extra.get("sendAsJSON") or not extra.get("sendAsPostParameters")):
            delivery.payload = parsed
            return Outgoing(delivery, url, json_body=parsed, headers=headers)
        delivery.payload = {"body": body_text}
        return Outgoing(delivery, url, form_body=body_text or urlencode(variables), headers=headers)
    delivery.status, delivery.detail = "not emulated", f"{target.type} integrations are not emulated"
    return Outgoing(delivery, None)


def send(outgoing: Outgoing) -> Delivery:
    """POST what has to be posted (127.0.0.1 only); the delivery says how it went."""
    delivery = outgoing.delivery
    if outgoing.url is None:
        return delivery
    host = urlsplit(outgoing.url).hostname
    if host not in ("127.0.0.1", "localhost"):
        delivery.status, delivery.detail = "failed", "the sandbox only delivers to 127.0.0.1"
        return delivery
    try:
        if outgoing.json_body is not None:
            response = requests.post(
                outgoing.url, json=outgoing.json_body, headers=outgoing.headers, timeout=DELIVERY_TIMEOUT_S
            )
        else:
            headers = {"Content-Type": "application/x-www-form-urlencoded", **outgoing.headers}
            response = requests.post(
                outgoing.url, data=outgoing.form_body or "", headers=headers, timeout=DELIVERY_TIMEOUT_S
            )
    except requests.RequestException as error:
        delivery.status, delivery.detail = "failed", f"not delivered: {type(error).__name__}"
        return delivery
    delivery.http_status = response.status_code
    if response.status_code >= 400:
        delivery.status, delivery.detail = "failed", f"the receiver answered HTTP {response.status_code}"
    else:
        delivery.detail = f"HTTP {response.status_code}"
    return delivery


def _reason(backend: UptimeRobotBackend, monitor_id: int, incident_id: str) -> str:
    for incident in backend.history_of(monitor_id).incidents(monitor_id):
        if incident.id == incident_id:
            return incident.reason
    return ""


def _text(monitor: Monitor, kind: str, reason: str) -> str:
    if kind == "DOWN":
        return f"Monitor is DOWN: {monitor.friendly_name} ( {monitor.url} ) - Reason: {reason or 'Down'}"
    return f"Monitor is UP: {monitor.friendly_name} ( {monitor.url} )"


def _variables(monitor: Monitor, kind: str, reason: str, at: float) -> dict[str, str]:
    """Uptime Robot's webhook variables (*monitorID*, *alertType* 1 down / 2 up …)."""
    return {
        "monitorID": str(monitor.id),
        "monitorURL": monitor.url,
        "monitorFriendlyName": monitor.friendly_name,
        "alertType": "1" if kind == "DOWN" else "2",
        "alertTypeFriendlyName": "Down" if kind == "DOWN" else "Up",
        "alertDetails": reason,
        "alertDateTime": str(int(at)),
    }


def _substitute(template: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        template = template.replace(f"*{name}*", value)
    return template

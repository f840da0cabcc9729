"""Uptime Robot v3 state: monitors and the account's plan. No HTTP, no JSON here."""

from __future__ import annotations

import copy
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sandbox.uptimerobot.errors import NotFound, PlanLimit, ValidationFailed
from sandbox.uptimerobot.pages import AccountPages

MONITOR_TYPES = ("HTTP", "KEYWORD", "PING", "PORT", "HEARTBEAT", "DNS", "API", "UDP")
HTTP_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY")
DEFAULT_SUCCESS_CODES = ["2xx", "3xx"]

# Per-plan limits (reference/uptimerobot-api.md §2, §4.3): requests/minute, monitors, minimum interval.
PLANS: dict[str, dict[str, int]] = {
    "free": {"rate_limit_per_minute": 10, "monitor_limit": 50, "min_interval": 300},
    "solo": {"rate_limit_per_minute": 20, "monitor_limit": 10, "min_interval": 60},
    "team": {"rate_limit_per_minute": 200, "monitor_limit": 100, "min_interval": 60},
    "enterprise": {"rate_limit_per_minute": 2000, "monitor_limit": 1000, "min_interval": 30},
}


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
    assigned_alert_contacts: list[dict[str, Any]] = field(default_factory=list)
    tag_names: list[str] = field(default_factory=list)
    maintenance_window_ids: list[int] = field(default_factory=list)
    group_id: int = 0
    custom_fields: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    status: str = "STARTED"
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    api_key: str = field(default_factory=lambda: "m" + secrets.token_hex(12))


class UptimeRobotBackend(AccountPages):
    def __init__(self, plan: str, options: dict[str, Any]) -> None:
        limits = dict(PLANS.get(plan, PLANS["free"]))
        limits.update({k: int(v) for k, v in options.items() if k in limits})
        self.plan = plan
        self.limits = limits
        self.email = options.get("email", "owner@sandbox.invalid")
        self.monitors: dict[int, Monitor] = {}
        self._ids = itertools.count(800_000_001)
        self.previous: dict[int, Monitor | None] = {}  # the version a lagging read still returns
        self.stale_reads: dict[int, int] = {}
        self._init_pages()

    # --- validation ---------------------------------------------------------------------------
    def _validate(self, data: dict[str, Any], monitor_type: str, creating: bool) -> None:
        problems: list[str] = []
        interval = data.get("interval")
        if interval is not None:
            if not isinstance(interval, (int, float)) or isinstance(interval, bool):
                problems.append("interval must be a number")
            elif creating and interval < 30:
                problems.append("interval must not be less than 30")
            elif interval < self.limits["min_interval"]:
                problems.append(f"interval must not be less than {self.limits['min_interval']} on your plan")
            elif interval > 2678400:
                problems.append("interval must not be greater than 2678400")
        timeout = data.get("timeout")
        if timeout is not None and (not isinstance(timeout, (int, float)) or not 0 <= timeout <= 60):
            problems.append("timeout must not be greater than 60")
        name = data.get("friendlyName")
        if creating and not name:
            problems.append("friendlyName should not be empty")
        if name is not None and len(str(name)) > 250:
            problems.append("friendlyName must be shorter than or equal to 250 characters")
        url = data.get("url")
        if monitor_type in ("HTTP", "KEYWORD", "API") and (creating or url is not None):
            parts = urlsplit(str(url or ""))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append("url must be a URL address")
        if monitor_type in ("PING", "PORT", "DNS", "UDP") and creating and not url:
            problems.append("url should not be empty")
        if monitor_type == "KEYWORD" and creating:
            if data.get("keywordType") not in ("ALERT_EXISTS", "ALERT_NOT_EXISTS"):
                problems.append(
                    "keywordType must be one of the following values: ALERT_EXISTS, ALERT_NOT_EXISTS"
                )
            if not data.get("keywordValue"):
                problems.append("keywordValue should not be empty")
        if monitor_type in ("PORT", "UDP") and (creating or "port" in data):
            port = data.get("port")
            if not isinstance(port, int) or not 1 <= port <= 65535:
                problems.append(
                    "port must not be greater than 65535"
                    if isinstance(port, int) and port > 0
                    else "port must not be less than 1"
                )
        for window_id in data.get("maintenanceWindowsIds") or []:
            if int(window_id) not in self.windows:
                problems.append(f"maintenanceWindowsIds: maintenance window {window_id} not found")
        method = data.get("httpMethodType")
        if method is not None and str(method).upper() not in HTTP_METHODS:
            problems.append("httpMethodType must be one of the following values: " + ", ".join(HTTP_METHODS))
        for contact in data.get("assignedAlertContacts") or []:
            if not isinstance(contact, dict) or "alertContactId" not in contact:
                problems.append("assignedAlertContacts.alertContactId should not be empty")
            elif not str(contact["alertContactId"]).isdigit() or not self.contact_exists(
                int(contact["alertContactId"])
            ):
                problems.append(f"assignedAlertContacts: alert contact {contact['alertContactId']} not found")
            elif self.plan == "free" and (contact.get("threshold") or contact.get("recurrence")):
                problems.append("threshold and recurrence must be 0 on the free plan")
        if problems:
            raise ValidationFailed(*problems)

    # --- operations ---------------------------------------------------------------------------
    def create_monitor(self, data: dict[str, Any]) -> Monitor:
        monitor_type = str(data.get("type", "")).upper()
        if monitor_type not in MONITOR_TYPES:
            raise ValidationFailed("type must be one of the following values: " + ", ".join(MONITOR_TYPES))
        self._validate(data, monitor_type, creating=True)
        if len(self.monitors) >= self.limits["monitor_limit"]:
            raise PlanLimit(f"Monitor limit of {self.limits['monitor_limit']} reached for your plan")
        monitor = Monitor(
            id=next(self._ids),
            type=monitor_type,
            friendly_name=str(data["friendlyName"]),
            url="",
            interval=int(data.get("interval", 300)),
        )
        if monitor_type == "HEARTBEAT":
            monitor.url = secrets.token_hex(16)  # the heartbeat URL token, generated by the server
        self._apply(monitor, data)
        self.monitors[monitor.id] = monitor
        self.previous[monitor.id] = None
        return monitor

    def get_monitor(self, monitor_id: int, lag: int = 0) -> Monitor:
        monitor = self.monitors.get(monitor_id)
        if monitor is None:
            raise NotFound("Monitor not found")
        if lag and self.stale_reads.get(monitor_id, 0) > 0:
            self.stale_reads[monitor_id] -= 1
            old = self.previous.get(monitor_id)
            if old is None:
                raise NotFound("Monitor not found")
            return old
        return monitor

    def list_monitors(self, lag: int = 0) -> list[Monitor]:
        return [
            self.get_monitor(mid, lag)
            for mid in sorted(self.monitors)
            if not (lag and self.stale_reads.get(mid, 0) > 0 and self.previous.get(mid) is None)
        ]

    def update_monitor(self, monitor_id: int, data: dict[str, Any], lag: int = 0) -> Monitor:
        monitor = self.get_monitor(monitor_id)
        monitor_type = str(data.get("type") or monitor.type).upper()
        if monitor_type not in MONITOR_TYPES:
            raise ValidationFailed("type must be one of the following values: " + ", ".join(MONITOR_TYPES))
        self._validate(data, monitor_type, creating=False)
        if lag:
            self.previous[monitor_id] = copy.deepcopy(monitor)
            self.stale_reads[monitor_id] = lag
        monitor.type = monitor_type
        self._apply(monitor, data)
        return monitor

    def delete_monitor(self, monitor_id: int) -> Monitor:
        monitor = self.get_monitor(monitor_id)
        del self.monitors[monitor_id]
        self.previous.pop(monitor_id, None)
        self.stale_reads.pop(monitor_id, None)
        return monitor

    def set_status(self, monitor_id: int, status: str) -> Monitor:
        monitor = self.get_monitor(monitor_id)
        monitor.status = status
        return monitor

    def mark_created_lagging(self, monitor_id: int, lag: int) -> None:
        if lag:
            self.stale_reads[monitor_id] = lag

    @staticmethod
    def _apply(monitor: Monitor, data: dict[str, Any]) -> None:
        simple = {
            "friendlyName": "friendly_name",
            "interval": "interval",
            "timeout": "timeout",
            "httpUsername": "http_username",
            "httpPassword": "http_password",
            "postValueType": "post_value_type",
            "postValueData": "post_value_data",
            "checkSSLErrors": "check_ssl_errors",
            "sslExpirationReminder": "ssl_expiration_reminder",
            "domainExpirationReminder": "domain_expiration_reminder",
            "followRedirections": "follow_redirections",
            "keywordType": "keyword_type",
            "keywordValue": "keyword_value",
            "port": "port",
            "gracePeriod": "grace_period",
            "groupId": "group_id",
            "authType": "auth_type",
        }
        for wire, attr in simple.items():
            if wire in data and data[wire] is not None:
                setattr(monitor, attr, data[wire])
        if data.get("url") is not None and monitor.type != "HEARTBEAT":
            monitor.url = str(data["url"])
        if data.get("httpMethodType") is not None:
            monitor.http_method_type = str(data["httpMethodType"]).upper()
        if "keywordCaseType" in data:
            value = data["keywordCaseType"]
            monitor.keyword_case_type = {"CaseSensitive": 0, "CaseInsensitive": 1}.get(value, value)  # type: ignore[arg-type]
        if "customHttpHeaders" in data:
            monitor.custom_http_headers = dict(data["customHttpHeaders"] or {})
        if "successHttpResponseCodes" in data:
            monitor.success_http_response_codes = list(
                data["successHttpResponseCodes"] or DEFAULT_SUCCESS_CODES
            )
        if "assignedAlertContacts" in data:
            monitor.assigned_alert_contacts = [
                {
                    "alertContactId": str(c["alertContactId"]),
                    "threshold": int(c.get("threshold", 0)),
                    "recurrence": int(c.get("recurrence", 0)),
                }
                for c in data["assignedAlertContacts"] or []
            ]
        if "tagNames" in data:
            monitor.tag_names = [str(t) for t in data["tagNames"] or []]
        if "maintenanceWindowsIds" in data:
            monitor.maintenance_window_ids = [int(i) for i in data["maintenanceWindowsIds"] or []]
        if "customFields" in data:
            monitor.custom_fields = dict(data["customFields"] or {})
        if "config" in data:
            patch = data["config"]
            if patch is None:
                monitor.config = {}
            else:
                for key, value in dict(patch).items():
                    if value is None:
                        monitor.config.pop(key, None)
                    else:
                        monitor.config[key] = value

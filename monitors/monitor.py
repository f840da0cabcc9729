"""Uptime Robot monitors (HTTP(s), keyword, ping, port, heartbeat, DNS) as a Pulumi dynamic provider.

Inputs are vigil's own snake_case fields; ``None`` means "not managed" (the live value is kept and
never diffed). The Pulumi id is Uptime Robot's monitor id. A type change replaces the monitor; every
other field is updated in place. Credentials come from the environment at call time.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from core.uptimerobot import UptimeRobotClient
from monitors.fields import as_bool, changed_fields, is_unknown, managed, unescape

TYPES = {
    "http": "HTTP",
    "keyword": "KEYWORD",
    "ping": "PING",
    "port": "PORT",
    "heartbeat": "HEARTBEAT",
    "dns": "DNS",
}
REPLACE_ON = ("type",)  # Uptime Robot cannot change a monitor's type in place
HTTP_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MIN_INTERVAL_S = 30  # the API's floor; the plan's own minimum is checked by `vigil validate`

# vigil field → (wire field, only for these types or None for all)
WIRE: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "name": ("friendlyName", None),
    "url": ("url", ("http", "keyword", "ping", "port", "dns")),
    "interval": ("interval", None),
    "timeout": ("timeout", ("http", "keyword", "port", "ping")),
    "http_method": ("httpMethodType", ("http", "keyword")),
    "headers": ("customHttpHeaders", ("http", "keyword")),
    "success_codes": ("successHttpResponseCodes", ("http", "keyword")),
    "keyword": ("keywordValue", ("keyword",)),
    "keyword_type": ("keywordType", ("keyword",)),
    "keyword_case_sensitive": ("keywordCaseType", ("keyword",)),
    "port": ("port", ("port",)),
    "check_ssl_errors": ("checkSSLErrors", ("http", "keyword")),
    "ssl_expiration_reminder": ("sslExpirationReminder", ("http", "keyword")),
    "domain_expiration_reminder": ("domainExpirationReminder", ("http", "keyword")),
    "follow_redirects": ("followRedirections", ("http", "keyword")),
    "grace_period": ("gracePeriod", ("heartbeat",)),
    "tags": ("tagNames", None),
    "alert_contacts": ("assignedAlertContacts", None),
    "maintenance_window_ids": ("maintenanceWindowsIds", None),
}


@dataclass(frozen=True)
class MonitorArgs:
    name: pulumi.Input[str]
    type: pulumi.Input[str]  # http, keyword, ping, port, heartbeat, dns
    interval: pulumi.Input[int]  # seconds
    url: pulumi.Input[str] | None = None  # URL, or host for ping/port/dns; none for heartbeat
    timeout: pulumi.Input[int] | None = None
    http_method: pulumi.Input[str] | None = None
    headers: pulumi.Input[dict[str, str]] | None = None
    success_codes: pulumi.Input[list[str]] | None = None
    keyword: pulumi.Input[str] | None = None
    keyword_type: pulumi.Input[str] | None = None  # "exists" (alert when present) / "not_exists"
    keyword_case_sensitive: pulumi.Input[bool] | None = None
    port: pulumi.Input[int] | None = None
    check_ssl_errors: pulumi.Input[bool] | None = None
    ssl_expiration_reminder: pulumi.Input[bool] | None = None
    domain_expiration_reminder: pulumi.Input[bool] | None = None
    follow_redirects: pulumi.Input[bool] | None = None
    grace_period: pulumi.Input[int] | None = None
    tags: pulumi.Input[list[str]] | None = None
    alert_contacts: pulumi.Input[list[dict[str, Any]]] | None = None  # {contact_id, threshold, recurrence}
    maintenance_window_ids: pulumi.Input[list[str]] | None = None


def normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """Canonical form of vigil's fields, so equal settings compare equal whatever the API returned."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None or is_unknown(value):
            out[key] = value
            continue
        if key in ("name", "url"):
            value = unescape(str(value))
        elif key == "type":
            value = str(value).lower()
        elif key == "http_method":
            value = str(value).upper()
        elif key == "headers":
            value = {str(k).lower(): str(v) for k, v in dict(value).items()}
        elif key in ("success_codes", "tags"):
            value = sorted(str(v) for v in value)
        elif key == "alert_contacts":
            value = sorted(
                (
                    {
                        "contact_id": str(c["contact_id"]),
                        "threshold": int(c.get("threshold") or 0),
                        "recurrence": int(c.get("recurrence") or 0),
                    }
                    for c in value
                ),
                key=lambda c: c["contact_id"],
            )
        elif key == "maintenance_window_ids":
            value = sorted(str(v) for v in value)
        elif key in ("interval", "timeout", "port", "grace_period"):
            value = int(value)
        elif key in (
            "keyword_case_sensitive",
            "check_ssl_errors",
            "ssl_expiration_reminder",
            "domain_expiration_reminder",
            "follow_redirects",
        ):
            value = bool(as_bool(value))
        out[key] = value
    return out


def to_wire(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    kind = str(fields["type"]).lower()
    body: dict[str, Any] = {"type": TYPES[kind]}
    for key, value in normalise(fields).items():
        if key == "type" or value is None or key not in WIRE:
            continue
        wire, types = WIRE[key]
        if types is not None and kind not in types:
            continue
        if key == "keyword_type":
            value = "ALERT_EXISTS" if value == "exists" else "ALERT_NOT_EXISTS"
        elif key == "keyword_case_sensitive":
            value = ("CaseSensitive" if value else "CaseInsensitive") if creating else (0 if value else 1)
        elif key == "alert_contacts":
            value = [
                {
                    "alertContactId": c["contact_id"],
                    "threshold": c["threshold"],
                    "recurrence": c["recurrence"],
                }
                for c in value
            ]
        elif key == "maintenance_window_ids":
            value = [int(v) for v in value]
        body[wire] = value
    if creating and kind in ("http", "keyword", "port") and "timeout" not in body:
        body["timeout"] = 30
    return body


def from_wire(doc: dict[str, Any]) -> dict[str, Any]:
    """vigil's fields from a monitor as the API returns it."""
    kind = str(doc.get("type", "")).lower()
    fields: dict[str, Any] = {
        "name": unescape(doc.get("friendlyName")),
        "type": kind,
        "interval": doc.get("interval"),
        "url": unescape(doc.get("url")) if kind != "heartbeat" else None,
        "tags": sorted(t["name"] for t in doc.get("tags") or []),
        "alert_contacts": [
            {
                "contact_id": str(c.get("alertContactId")),
                "threshold": c.get("threshold", 0),
                "recurrence": c.get("recurrence", 0),
            }
            for c in doc.get("assignedAlertContacts") or []
        ],
        "maintenance_window_ids": [str(m["id"]) for m in doc.get("maintenanceWindows") or []],
    }
    if kind in ("http", "keyword", "port", "ping"):
        fields["timeout"] = doc.get("timeout")
    if kind in ("http", "keyword"):
        fields.update(
            http_method=doc.get("httpMethodType") or "HEAD",
            headers=doc.get("customHttpHeaders") or {},
            success_codes=doc.get("successHttpResponseCodes") or ["2xx", "3xx"],
            check_ssl_errors=doc.get("checkSSLErrors"),
            ssl_expiration_reminder=doc.get("sslExpirationReminder"),
            domain_expiration_reminder=doc.get("domainExpirationReminder"),
            follow_redirects=doc.get("followRedirections"),
        )
    if kind == "keyword":
        fields.update(
            keyword=doc.get("keywordValue"),
            keyword_type="exists" if doc.get("keywordType") == "ALERT_EXISTS" else "not_exists",
            keyword_case_sensitive=doc.get("keywordCaseType") in (0, "0", "CaseSensitive"),
        )
    if kind == "port":
        fields["port"] = doc.get("port")
    if kind == "heartbeat":
        fields["grace_period"] = doc.get("gracePeriod")
    return normalise(fields)


def outputs(doc: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """State outputs: the live fields (same shape as inputs) plus what the API computed."""
    live = from_wire(doc)
    outs = {k: live.get(k) for k in {*live, *managed(inputs)}}
    heartbeat = str(doc.get("type", "")).upper() == "HEARTBEAT"
    outs.update(
        monitor_id=str(doc["id"]),
        status=doc.get("status"),
        heartbeat_url=f"https://heartbeat.uptimerobot.com/{doc.get('url')}" if heartbeat else None,
    )
    return outs


def _settled(wanted: dict[str, Any]) -> Any:
    def check(doc: dict[str, Any]) -> bool:
        live = from_wire(doc)
        return all(live.get(k) == v for k, v in normalise(managed(wanted)).items() if k in live)

    return check


def _number(value: Any) -> bool:
    """Pulumi sends every number as a float; a whole float is an integer here."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


class MonitorProvider(ResourceProvider):
    """Holds no state: clients are built per call from the environment (the object is pickled)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        fields = managed(news)

        def fail(prop: str, reason: str) -> None:
            failures.append(CheckFailure(prop, f"monitor '{fields.get('name')}': {reason}"))

        kind = fields.get("type")
        if not is_unknown(kind) and str(kind).lower() not in TYPES:
            fail("type", f"type {kind!r} is not one of {', '.join(TYPES)}")
            return CheckResult(news, failures)
        kind = str(kind).lower()
        if not str(fields.get("name") or "").strip():
            fail("name", "set a name (shown in alerts and on the status page)")
        interval = fields.get("interval")
        if not is_unknown(interval) and (not _number(interval) or interval < MIN_INTERVAL_S):
            fail(
                "interval",
                f"interval {interval!r} is below Uptime Robot's minimum of {MIN_INTERVAL_S} s; "
                "use 30 or more (your plan may require 60 or 300)",
            )
        url = fields.get("url")
        if kind in ("http", "keyword") and not is_unknown(url):
            parts = urlsplit(str(url or ""))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                fail("url", f"{url!r} is not an http(s) URL; write e.g. https://api.example.com/health")
        if kind in ("ping", "port", "dns") and not url:
            fail("url", "set the host to check")
        if (
            kind == "keyword"
            and not is_unknown(fields.get("keyword"))
            and not str(fields.get("keyword") or "").strip()
        ):
            fail("keyword", "a keyword monitor needs the keyword to look for")
        port = fields.get("port")
        if kind == "port" and not is_unknown(port) and (not _number(port) or not 1 <= port <= 65535):
            fail("port", f"port {port!r} is outside 1..65535")
        timeout = fields.get("timeout")
        if timeout is not None and not is_unknown(timeout) and not 0 <= int(timeout) <= 60:
            fail("timeout", f"timeout {timeout} s is outside Uptime Robot's 0..60 s")
        method = fields.get("http_method")
        if method is not None and not is_unknown(method) and str(method).upper() not in HTTP_METHODS:
            fail("http_method", f"{method!r} is not one of {', '.join(HTTP_METHODS)}")
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_fields(olds, news, normalise)
        replaces = [k for k in changed if k in REPLACE_ON]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> CreateResult:
        fields = managed(props)
        client = UptimeRobotClient.from_env()
        doc = client.create_monitor(to_wire(fields, creating=True), _settled(fields))
        return CreateResult(str(doc["id"]), outputs(doc, fields))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        doc = UptimeRobotClient.from_env().get_monitor(id_)
        if doc is None:
            return ReadResult("", {})
        outs = outputs(doc, props)
        inputs = {
            k: outs.get(k) for k in managed({k: v for k, v in props.items() if k in WIRE or k == "type"})
        }
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        fields = managed(news)
        client = UptimeRobotClient.from_env()
        doc = client.update_monitor(int(id_), to_wire(fields, creating=False), _settled(fields))
        return UpdateResult(outputs(doc, fields))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        UptimeRobotClient.from_env().delete_monitor(int(id_))


class Monitor(Resource, module="uptimerobot", name="Monitor"):
    monitor_id: pulumi.Output[str]
    status: pulumi.Output[str]
    url: pulumi.Output[str]
    heartbeat_url: pulumi.Output[str]

    SECRET_OUTPUTS: ClassVar[list[str]] = ["heartbeat_url"]

    def __init__(
        self, resource_name: str, args: MonitorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Shallow on purpose: values may be pulumi Outputs, which must not be copied.
        props = {f.name: getattr(args, f.name) for f in fields(args)}
        props.update(monitor_id=None, status=None, heartbeat_url=None)
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=self.SECRET_OUTPUTS)
        )
        super().__init__(MonitorProvider(), resource_name, props, opts)

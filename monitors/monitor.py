"""Uptime Robot monitors (HTTP(s), keyword, ping, port, heartbeat, DNS) as a Pulumi dynamic provider.

Inputs are vigil's own snake_case fields; ``None`` means "not managed" (the live value is kept and
never diffed). The Pulumi id is Uptime Robot's monitor id. A type change replaces the monitor; every
other field is updated in place. Credentials come from the environment at call time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pulumi
from pulumi.dynamic import Resource

from core.uptimerobot import MONITORS, same_monitor
from monitors.collection import CollectionProvider
from monitors.fields import (
    as_bool,
    as_int,
    id_list,
    is_whole,
    known,
    normalise_each,
    unescape,
)
from monitors.resource import packed_props, with_secrets

TYPES = {
    "http": "HTTP",
    "keyword": "KEYWORD",
    "ping": "PING",
    "port": "PORT",
    "heartbeat": "HEARTBEAT",
    "dns": "DNS",
}
TOP_LEVEL = ("name", "type")  # the rest is packed (see Monitor)
HEARTBEAT_TOP_LEVEL = (*TOP_LEVEL, "url")  # a heartbeat's URL is its push secret: a secret output
REPLACE_ON = ("type",)  # Uptime Robot cannot change a monitor's type in place
HTTP_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
KEYWORD_TYPES = {"exists": "ALERT_EXISTS", "not_exists": "ALERT_NOT_EXISTS"}
MIN_INTERVAL_S = 30  # the API's floor; the plan's own minimum (60/300 s) is unknown offline
MAX_INTERVAL_S = 2_678_400
DEFAULT_SUCCESS_CODES = ["2xx", "3xx"]
HEARTBEAT_BASE = "https://heartbeat.uptimerobot.com/"
_STATUS_CODE = re.compile(r"^[1-5](\d\d|xx)$")
_HTTP_TYPES = ("http", "keyword")

# vigil field → (wire field, the types it applies to; None = every type)
WIRE: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "name": ("friendlyName", None),
    "url": ("url", ("http", "keyword", "ping", "port", "dns")),
    "interval": ("interval", None),
    "timeout": ("timeout", ("http", "keyword", "port", "ping")),
    "http_method": ("httpMethodType", _HTTP_TYPES),
    "headers": ("customHttpHeaders", _HTTP_TYPES),
    "body": ("postValueData", _HTTP_TYPES),
    "success_codes": ("successHttpResponseCodes", _HTTP_TYPES),
    "keyword": ("keywordValue", ("keyword",)),
    "keyword_type": ("keywordType", ("keyword",)),
    "keyword_case_sensitive": ("keywordCaseType", ("keyword",)),
    "port": ("port", ("port",)),
    "check_ssl_errors": ("checkSSLErrors", _HTTP_TYPES),
    "ssl_expiration_reminder": ("sslExpirationReminder", _HTTP_TYPES),
    "domain_expiration_reminder": ("domainExpirationReminder", _HTTP_TYPES),
    "follow_redirects": ("followRedirections", _HTTP_TYPES),
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
    url: pulumi.Input[str] | None = None  # URL, or the host for ping/port/dns; none for heartbeat
    timeout: pulumi.Input[int] | None = None  # seconds, 0..60
    http_method: pulumi.Input[str] | None = None
    headers: pulumi.Input[dict[str, str]] | None = None
    body: pulumi.Input[Any] | None = None  # request body (JSON object or string)
    success_codes: pulumi.Input[list[str]] | None = None  # ["2xx", "3xx", "404"]
    keyword: pulumi.Input[str] | None = None
    keyword_type: pulumi.Input[str] | None = None  # "exists" (alert when present) / "not_exists"
    keyword_case_sensitive: pulumi.Input[bool] | None = None
    port: pulumi.Input[int] | None = None
    check_ssl_errors: pulumi.Input[bool] | None = None
    ssl_expiration_reminder: pulumi.Input[bool] | None = None
    domain_expiration_reminder: pulumi.Input[bool] | None = None
    follow_redirects: pulumi.Input[bool] | None = None
    grace_period: pulumi.Input[int] | None = None  # heartbeat: seconds, 0..86400
    tags: pulumi.Input[list[str]] | None = None
    alert_contacts: pulumi.Input[list[dict[str, Any]]] | None = None  # {contact_id, threshold, recurrence}
    maintenance_window_ids: pulumi.Input[list[str]] | None = None


ARG_FIELDS = tuple(f.name for f in fields(MonitorArgs))


def _contacts(value: list[Any]) -> list[dict[str, Any]]:
    out = []
    for contact in value:
        if not isinstance(contact, dict) or not known(contact):
            out.append(contact)
            continue
        out.append(
            {
                "contact_id": str(as_int(contact.get("contact_id"))),
                "threshold": as_int(contact.get("threshold") or 0),
                "recurrence": as_int(contact.get("recurrence") or 0),
            }
        )
    return sorted(out, key=lambda c: str(c.get("contact_id")) if isinstance(c, dict) else "")


def _body(value: Any) -> Any:
    """The API stores and reads back a body as an object: a JSON string compares as its object."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


_RULES: dict[str, Any] = {
    "body": _body,
    "name": lambda v: unescape(str(v)).strip(),
    "type": lambda v: str(v).strip().lower(),
    "url": lambda v: unescape(str(v)).strip(),
    "interval": as_int,
    "timeout": as_int,
    "port": as_int,
    "grace_period": as_int,
    "http_method": lambda v: str(v).strip().upper(),
    "headers": lambda v: {str(k).strip().lower(): str(x) for k, x in dict(v).items()},
    "success_codes": lambda v: sorted(str(c).lower() for c in v) or list(DEFAULT_SUCCESS_CODES),
    "tags": lambda v: sorted(str(t) for t in v),
    "alert_contacts": _contacts,
    "maintenance_window_ids": id_list,
    "keyword_type": lambda v: str(v).strip().lower(),
    "keyword_case_sensitive": lambda v: bool(as_bool(v)),
    "check_ssl_errors": lambda v: bool(as_bool(v)),
    "ssl_expiration_reminder": lambda v: bool(as_bool(v)),
    "domain_expiration_reminder": lambda v: bool(as_bool(v)),
    "follow_redirects": lambda v: bool(as_bool(v)),
}


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Canonical form of vigil's fields, so equal settings compare equal whatever the API returned."""
    return normalise_each(values, _RULES)


def to_wire(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The v3 request body (POST when ``creating``, else PATCH) for the fields the stack sets."""
    norm = normalise(values)
    kind = str(norm["type"])
    body: dict[str, Any] = {"type": TYPES[kind]}
    for key, value in norm.items():
        if key == "type" or value is None or key not in WIRE:
            continue
        wire, types = WIRE[key]
        if types is not None and kind not in types:
            continue
        if key == "keyword_type":
            value = KEYWORD_TYPES[value]
        elif key == "keyword_case_sensitive":
            # Create takes the names, PATCH (and reads) the numbers: 0 = sensitive, 1 = insensitive.
            value = ("CaseSensitive" if value else "CaseInsensitive") if creating else (0 if value else 1)
        elif key == "alert_contacts":
            value = [
                {
                    # a number in the official schema (AlertContactSettings); reads are normalised
                    "alertContactId": int(c["contact_id"])
                    if str(c["contact_id"]).isdigit()
                    else c["contact_id"],
                    "threshold": c["threshold"],
                    "recurrence": c["recurrence"],
                }
                for c in value
            ]
        elif key == "maintenance_window_ids":
            value = [int(v) for v in value]
        elif key == "body":
            body["postValueType"] = "RAW_JSON"
        body[wire] = value
    if creating:
        if kind in ("http", "keyword", "port", "ping") and "timeout" not in body:
            body["timeout"] = 30
        if kind == "keyword":
            body.setdefault("keywordType", "ALERT_EXISTS")
            body.setdefault("keywordCaseType", "CaseInsensitive")
        if kind == "dns":
            body.setdefault("config", {})
    return body


def from_wire(doc: dict[str, Any]) -> dict[str, Any]:
    """vigil's fields from a monitor as the API returns it (defaults filled in, normalised)."""
    kind = str(doc.get("type", "")).lower()
    values: dict[str, Any] = {
        "name": doc.get("friendlyName"),
        "type": kind,
        "interval": doc.get("interval"),
        "url": HEARTBEAT_BASE + str(doc.get("url")) if kind == "heartbeat" else doc.get("url"),
        "tags": [t["name"] for t in doc.get("tags") or [] if isinstance(t, dict)],
        "alert_contacts": [
            {
                "contact_id": c.get("alertContactId"),
                "threshold": c.get("threshold", 0),
                "recurrence": c.get("recurrence", 0),
            }
            for c in doc.get("assignedAlertContacts") or []
        ],
        "maintenance_window_ids": [
            m.get("id") if isinstance(m, dict) else m for m in doc.get("maintenanceWindows") or []
        ],
    }
    if kind in ("http", "keyword", "port", "ping"):
        values["timeout"] = doc.get("timeout")
    if kind in _HTTP_TYPES:
        values.update(
            http_method=doc.get("httpMethodType") or "HEAD",  # never set reads back null
            headers=doc.get("customHttpHeaders") or {},
            body=doc.get("postValueData"),
            success_codes=doc.get("successHttpResponseCodes") or list(DEFAULT_SUCCESS_CODES),
            check_ssl_errors=doc.get("checkSSLErrors"),
            ssl_expiration_reminder=doc.get("sslExpirationReminder"),
            domain_expiration_reminder=doc.get("domainExpirationReminder"),
            follow_redirects=doc.get("followRedirections"),
        )
    if kind == "keyword":
        keyword_type = doc.get("keywordType")
        values.update(
            keyword=doc.get("keywordValue"),
            keyword_type="exists" if keyword_type == "ALERT_EXISTS" else "not_exists",
            keyword_case_sensitive=doc.get("keywordCaseType") in (0, "0", "CaseSensitive"),
        )
    if kind == "port":
        values["port"] = doc.get("port")
    if kind == "heartbeat":
        values["grace_period"] = doc.get("gracePeriod")
    return normalise(values)


def top_level_fields(monitor_type: Any) -> tuple[str, ...]:
    """What a monitor keeps apart from its packed settings (the program and the provider agree)."""
    return HEARTBEAT_TOP_LEVEL if monitor_type == "heartbeat" else TOP_LEVEL


class MonitorProvider(CollectionProvider):
    """Holds no state: clients are built per call from the environment (the object is pickled)."""

    path: ClassVar[str] = MONITORS
    kind: ClassVar[str] = "monitor"
    id_output: ClassVar[str] = "monitor_id"
    fields: ClassVar[tuple[str, ...]] = ARG_FIELDS
    replace_on: ClassVar[tuple[str, ...]] = REPLACE_ON
    computed: ClassVar[tuple[str, ...]] = ("status", "heartbeat_url")
    top_level: ClassVar[tuple[str, ...] | None] = TOP_LEVEL

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        return normalise(fields)

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        return to_wire(fields, creating=creating)

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        return from_wire(doc)

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        kind = TYPES[str(fields["type"])]
        url = fields.get("url") if fields["type"] != "heartbeat" else None
        return same_monitor(doc, kind, str(fields["name"]), url)

    def lookup(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Narrow the post-failure search by name, unless the API may hold the name HTML-escaped."""
        name = str(fields["name"])
        return {} if any(c in name for c in "&<>\"'") else {"name": name}

    def settled_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        wanted = super().settled_fields(fields)
        if wanted.get("type") == "heartbeat":
            wanted.pop("url", None)  # generated by the server
        return wanted

    def top_level_fields(self, values: dict[str, Any]) -> tuple[str, ...]:
        return top_level_fields(values.get("type"))

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        heartbeat = str(doc.get("type", "")).upper() == "HEARTBEAT"
        return {
            "status": doc.get("status"),
            "heartbeat_url": HEARTBEAT_BASE + str(doc.get("url")) if heartbeat else None,
        }

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        return validate(fields)


def validate(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Offline checks: (field, what is wrong and how to fix it). Unknown values always pass."""
    problems: list[tuple[str, str]] = []
    kind_raw = values.get("type")
    if not known(kind_raw):
        return problems  # nothing type-specific can be said yet
    kind = str(kind_raw).strip().lower()
    if kind not in TYPES:
        return [("type", f"type {kind_raw!r} is not one of {', '.join(TYPES)}; pick one of them")]
    name = values.get("name")
    if known(name) and not str(name).strip():
        problems.append(("name", "set a name (it is shown in alerts and on the status page)"))
    interval = values.get("interval")
    if interval is None:
        problems.append(("interval", "set the check interval in seconds, e.g. 300"))
    elif known(interval) and (
        not is_whole(interval) or not MIN_INTERVAL_S <= as_int(interval) <= MAX_INTERVAL_S
    ):
        problems.append(
            (
                "interval",
                f"interval {interval!r} s is outside Uptime Robot's {MIN_INTERVAL_S}..{MAX_INTERVAL_S} s; "
                "use 30 or more (your plan may require 60 or 300)",
            )
        )
    url = values.get("url")
    if kind in _HTTP_TYPES:
        if url is None:
            problems.append(("url", "set the URL to check, e.g. https://api.example.com/health"))
        elif known(url):
            parts = urlsplit(str(url).strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append(
                    ("url", f"{url!r} is not an http(s) URL; write e.g. https://api.example.com/health")
                )
    elif kind in ("ping", "port", "dns"):
        if url is None or (known(url) and not str(url).strip()):
            problems.append(("url", f"set the host a {kind} monitor checks, e.g. db.example.com"))
        elif known(url) and "://" in str(url) and kind != "dns":
            problems.append(("url", f"{url!r}: write the host only (no scheme), e.g. db.example.com"))
    elif kind == "heartbeat" and url is not None:
        problems.append(("url", "a heartbeat monitor's URL is generated by Uptime Robot: remove url"))
    keyword = values.get("keyword")
    if kind == "keyword" and (keyword is None or (known(keyword) and not str(keyword).strip())):
        problems.append(("keyword", "a keyword monitor needs the keyword to look for; set keyword"))
    keyword_type = values.get("keyword_type")
    if known(keyword_type) and str(keyword_type).strip().lower() not in KEYWORD_TYPES:
        problems.append(("keyword_type", f"{keyword_type!r}: use 'exists' or 'not_exists'"))
    port = values.get("port")
    if kind == "port" and port is None:
        problems.append(("port", "a port monitor needs the port to check (1..65535)"))
    if known(port) and (not is_whole(port) or not 1 <= as_int(port) <= 65535):
        problems.append(("port", f"port {port!r} is outside 1..65535"))
    timeout = values.get("timeout")
    if known(timeout) and (not is_whole(timeout) or not 0 <= as_int(timeout) <= 60):
        problems.append(("timeout", f"timeout {timeout!r} s is outside Uptime Robot's 0..60 s"))
    grace = values.get("grace_period")
    if known(grace) and (not is_whole(grace) or not 0 <= as_int(grace) <= 86_400):
        problems.append(("grace_period", f"grace period {grace!r} s is outside 0..86400 s"))
    method = values.get("http_method")
    if known(method) and str(method).strip().upper() not in HTTP_METHODS:
        problems.append(("http_method", f"{method!r} is not one of {', '.join(HTTP_METHODS)}"))
    codes = values.get("success_codes")
    if known(codes):
        bad = [c for c in codes or [] if not _STATUS_CODE.match(str(c).lower())]
        if bad:
            problems.append(("success_codes", f"{bad} are not status codes; write e.g. '2xx', '404'"))
    headers = values.get("headers")
    if known(headers) and not isinstance(headers, dict):
        problems.append(("headers", "write headers as a mapping of name to value"))
    contacts = values.get("alert_contacts")
    if known(contacts):
        for contact in contacts or []:
            if not isinstance(contact, dict) or contact.get("contact_id") is None:
                problems.append(("alert_contacts", "each alert contact needs a contact_id"))
                break
            for key in ("threshold", "recurrence"):
                minutes = contact.get(key)
                if known(minutes) and (not is_whole(minutes) or as_int(minutes) < 0):
                    problems.append(("alert_contacts", f"{key} {minutes!r} must be whole minutes ≥ 0"))
    for key, (_wire, types) in WIRE.items():
        if types is not None and kind not in types and values.get(key) is not None and key != "url":
            problems.append((key, f"{key} does not apply to {kind} monitors: remove it or change type"))
    return problems


class Monitor(Resource, module="uptimerobot", name="Monitor"):
    """One Uptime Robot monitor. Outputs mirror the inputs (live values) plus what the API computed.

    Name and type are properties of their own; the other fields are packed under ``settings``
    (``core.inputs.SETTINGS_KEY``: a stack holds hundreds of monitors). A heartbeat keeps ``url``
    apart too: it is the push URL, marked secret. Outputs ``monitor_id``, ``status`` and
    ``heartbeat_url`` are in the state, not attributes.
    """

    url: pulumi.Output[str]  # heartbeats only: the push URL (secret)

    SECRET_OUTPUTS: ClassVar[list[str]] = ["heartbeat_url"]

    def __init__(
        self, resource_name: str, args: MonitorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Only a heartbeat has a push URL (the others' heartbeat_url is empty): its URL is the secret.
        secrets = [*self.SECRET_OUTPUTS, "url"] if args.type == "heartbeat" else []
        super().__init__(
            MonitorProvider(),
            resource_name,
            packed_props(args, top_level_fields(args.type)),
            with_secrets(opts, secrets),
        )

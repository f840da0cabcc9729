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

from vigil.core import credentials
from vigil.core.fields import (
    Doc,
    Field,
    Table,
    as_int,
    flag,
    id_list,
    is_whole,
    known,
    lower,
    unescape,
    upper,
)
from vigil.core.provider import packed_props, with_secrets
from vigil.core.uptimerobot import MONITORS, same_monitor
from vigil.monitors.collection import UptimeRobotProvider

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
HTTP_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
KEYWORD_TYPES = {"exists": "ALERT_EXISTS", "not_exists": "ALERT_NOT_EXISTS"}
MIN_INTERVAL_S = 30  # the API's floor; the plan's own minimum (60/300 s) is unknown offline
MAX_INTERVAL_S = 2_678_400
DEFAULT_SUCCESS_CODES = ["2xx", "3xx"]
_STATUS_CODE = re.compile(r"^[1-5](\d\d|xx)$")
_HTTP_TYPES = ("http", "keyword")


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


_HOSTED = ("http", "keyword", "ping", "port", "dns")  # types with a URL or host of their own
_TIMED = ("http", "keyword", "port", "ping")


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


def _contacts_to_wire(value: list[dict[str, Any]], _creating: bool) -> list[dict[str, Any]]:
    # a number in the official schema (AlertContactSettings); reads are normalised
    return [
        {
            "alertContactId": int(c["contact_id"]) if str(c["contact_id"]).isdigit() else c["contact_id"],
            "threshold": c["threshold"],
            "recurrence": c["recurrence"],
        }
        for c in value
    ]


def _contacts_from_wire(value: Any, _doc: Doc) -> list[dict[str, Any]]:
    return [
        {
            "contact_id": c.get("alertContactId"),
            "threshold": c.get("threshold", 0),
            "recurrence": c.get("recurrence", 0),
        }
        for c in value or []
    ]


def _body(value: Any) -> Any:
    """The API stores and reads back a body as an object: a JSON string compares as its object."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _url_from_wire(value: Any, doc: Doc) -> Any:
    heartbeat = str(doc.get("type", "")).lower() == "heartbeat"
    return credentials.uptimerobot_heartbeat_base() + str(value) if heartbeat else value


def _case_to_wire(value: Any, creating: bool) -> Any:
    # Create takes the names, PATCH (and reads) the numbers: 0 = sensitive, 1 = insensitive.
    if creating:
        return "CaseSensitive" if value else "CaseInsensitive"
    return 0 if value else 1


def _http(name: str, wire: str, **options: Any) -> Field:
    return Field(name, wire, applies=_HTTP_TYPES, **options)


def _flag(name: str, wire: str) -> Field:
    return _http(name, wire, type="bool", norm=flag)


# Every monitor field, once: stack name, wire name, type, comparison, conversion, bounds, variants.
TABLE = Table(
    (
        Field("name", "friendlyName", "str", norm=lambda v: unescape(str(v)).strip(), required=True),
        Field("type", "type", "str", norm=lower, encode=lambda v, _c: TYPES[v],
              decode=lambda v, _d: str(v or "").lower(), replaces=True, required=True),
        Field("interval", "interval", "int", norm=as_int, bounds=(MIN_INTERVAL_S, MAX_INTERVAL_S),
              required=True, hint="use 30 or more (your plan may require 60 or 300)"),
        Field("url", "url", "str", norm=lambda v: unescape(str(v)).strip(), decode=_url_from_wire),
        Field("timeout", "timeout", "int", norm=as_int, bounds=(0, 60), applies=_TIMED),
        _http("http_method", "httpMethodType", type="str", norm=upper, choices=HTTP_METHODS,
              read_default="HEAD"),  # never set reads back null
        _http("headers", "customHttpHeaders", type="dict", read_default={},
              norm=lambda v: {str(k).strip().lower(): str(x) for k, x in dict(v).items()},
              hint="write headers as a mapping of name to value"),
        _http("body", "postValueData", norm=_body),
        _http("success_codes", "successHttpResponseCodes", type="list",
              norm=lambda v: sorted(str(c).lower() for c in v) or list(DEFAULT_SUCCESS_CODES),
              read_default=DEFAULT_SUCCESS_CODES),
        Field("keyword", "keywordValue", "str", applies=("keyword",)),
        Field("keyword_type", "keywordType", "str", norm=lower, choices=tuple(KEYWORD_TYPES),
              encode=lambda v, _c: KEYWORD_TYPES[v], applies=("keyword",),
              decode=lambda v, _d: "exists" if v == "ALERT_EXISTS" else "not_exists"),
        Field("keyword_case_sensitive", "keywordCaseType", "bool", norm=flag, encode=_case_to_wire,
              decode=lambda v, _d: v in (0, "0", "CaseSensitive"), applies=("keyword",)),
        Field("port", "port", "int", norm=as_int, bounds=(1, 65535), applies=("port",)),
        _flag("check_ssl_errors", "checkSSLErrors"),
        _flag("ssl_expiration_reminder", "sslExpirationReminder"),
        _flag("domain_expiration_reminder", "domainExpirationReminder"),
        _flag("follow_redirects", "followRedirections"),
        Field("grace_period", "gracePeriod", "int", norm=as_int, bounds=(0, 86_400),
              applies=("heartbeat",)),
        Field("tags", "tagNames", "list", read="tags", norm=lambda v: sorted(str(t) for t in v),
              decode=lambda v, _d: [t["name"] for t in v or [] if isinstance(t, dict)]),
        Field("alert_contacts", "assignedAlertContacts", "list", norm=_contacts,
              encode=_contacts_to_wire, decode=_contacts_from_wire),
        Field("maintenance_window_ids", "maintenanceWindowsIds", "list", read="maintenanceWindows",
              norm=id_list, encode=lambda v, _c: [int(i) for i in v],
              decode=lambda v, _d: [m.get("id") if isinstance(m, dict) else m for m in v or []]),
    ),
    bounds_label="Uptime Robot's ",
)  # fmt: skip
ARG_FIELDS = TABLE.names
assert tuple(f.name for f in fields(MonitorArgs)) == ARG_FIELDS, "the table follows MonitorArgs"


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Canonical form of vigil's fields, so equal settings compare equal whatever the API returned."""
    return TABLE.normalise(values)


def to_wire(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The v3 request body (POST when ``creating``, else PATCH) for the fields the stack sets."""
    norm = normalise(values)
    kind = str(norm["type"])
    body = TABLE.to_wire(norm, creating=creating, variant=kind)
    if "postValueData" in body:
        body["postValueType"] = "RAW_JSON"
    if creating:
        if kind in _TIMED:
            body.setdefault("timeout", 30)
        if kind == "keyword":
            body.setdefault("keywordType", "ALERT_EXISTS")
            body.setdefault("keywordCaseType", "CaseInsensitive")
        if kind == "dns":
            body.setdefault("config", {})
    return body


def from_wire(doc: dict[str, Any]) -> dict[str, Any]:
    """vigil's fields from a monitor as the API returns it (defaults filled in, normalised)."""
    return TABLE.from_wire(doc, variant=str(doc.get("type", "")).lower())


def top_level_fields(monitor_type: Any) -> tuple[str, ...]:
    """What a monitor keeps apart from its packed settings (the program and the provider agree)."""
    return HEARTBEAT_TOP_LEVEL if monitor_type == "heartbeat" else TOP_LEVEL


class MonitorProvider(UptimeRobotProvider):
    """Holds no state: clients are built per call from the environment (the object is pickled)."""

    path: ClassVar[str] = MONITORS
    kind: ClassVar[str] = "monitor"
    natural_key: ClassVar[tuple[str, ...] | None] = ("name", "type", "url")  # what find() looks it up by
    table: ClassVar[Table] = TABLE
    id_output: ClassVar[str] = "monitor_id"
    computed: ClassVar[tuple[str, ...]] = ("status", "heartbeat_url")
    top_level: ClassVar[tuple[str, ...] | None] = TOP_LEVEL

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        return to_wire(fields, creating=creating)

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
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

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        heartbeat = str(doc.get("type", "")).upper() == "HEARTBEAT"
        return {
            "status": doc.get("status"),
            "heartbeat_url": credentials.uptimerobot_heartbeat_base() + str(doc.get("url"))
            if heartbeat
            else None,
        }

    def problems(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """The table's checks for this monitor's type, then what the table cannot say."""
        kind_raw = fields.get("type")
        if not known(kind_raw):
            return []  # nothing type-specific can be said yet
        kind = str(kind_raw).strip().lower()
        if kind not in TYPES:
            return [("type", f"type {kind_raw!r} is not one of {', '.join(TYPES)}; pick one of them")]
        return [
            *TABLE.problems(fields, variant=kind),
            *TABLE.misplaced({k: v for k, v in fields.items() if k != "url"}, kind, "monitors"),
            *validate(fields, kind),
        ]


def validate(values: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """What the table cannot say: rules between fields of one type. Unknown values always pass."""
    problems: list[tuple[str, str]] = []
    name = values.get("name")
    if known(name) and not str(name).strip():
        problems.append(("name", "set a name (it is shown in alerts and on the status page)"))
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
    elif kind in _HOSTED:
        if url is None or (known(url) and not str(url).strip()):
            problems.append(("url", f"set the host a {kind} monitor checks, e.g. db.example.com"))
        elif known(url) and "://" in str(url) and kind != "dns":
            problems.append(("url", f"{url!r}: write the host only (no scheme), e.g. db.example.com"))
    elif url is not None:
        problems.append(("url", "a heartbeat monitor's URL is generated by Uptime Robot: remove url"))
    keyword = values.get("keyword")
    if kind == "keyword" and (keyword is None or (known(keyword) and not str(keyword).strip())):
        problems.append(("keyword", "a keyword monitor needs the keyword to look for; set keyword"))
    if kind == "port" and values.get("port") is None:
        problems.append(("port", "a port monitor needs the port to check (1..65535)"))
    codes = values.get("success_codes")
    if known(codes):
        bad = [c for c in codes or [] if not _STATUS_CODE.match(str(c).lower())]
        if bad:
            problems.append(("success_codes", f"{bad} are not status codes; write e.g. '2xx', '404'"))
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
    return problems


class Monitor(Resource, module="uptimerobot", name="Monitor"):
    """One Uptime Robot monitor. Outputs mirror the inputs (live values) plus what the API computed.

    Name and type are properties of their own; the other fields are packed under ``settings``
    (``core.inputs.SETTINGS_KEY``: a stack holds hundreds of monitors). A heartbeat keeps ``url``
    apart too: it is the push URL, marked secret. Outputs ``monitor_id``, ``status`` and
    ``heartbeat_url`` are in the state, not attributes.
    """

    url: pulumi.Output[str]  # heartbeats only: the push URL (secret)

    SECRET_OUTPUTS: ClassVar[tuple[str, ...]] = ("heartbeat_url",)

    def __init__(
        self, resource_name: str, args: MonitorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Only a heartbeat has a push URL (the others' heartbeat_url is empty): its URL is the secret.
        secrets = (*self.SECRET_OUTPUTS, "url") if args.type == "heartbeat" else ()
        super().__init__(
            MonitorProvider(),
            resource_name,
            packed_props(args, top_level_fields(args.type)),
            with_secrets(opts, secrets),
        )

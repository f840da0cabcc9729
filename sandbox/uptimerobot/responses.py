"""Uptime Robot v3 wire format: query and body in, JSON documents out, one method per operation.

Quirks (off by default, per account through ``POST /_sandbox/quirks``): ``html_escape``,
``bool_strings``, ``save_then_500``, ``save_then_404``, ``read_lag`` (reference §4.8).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from vigil.sandbox.core.errors import SandboxError
from vigil.sandbox.core.http import FormPart, Response, multipart
from vigil.sandbox.core.pagination import after_cursor
from vigil.sandbox.core.service import Call
from vigil.sandbox.core.values import is_number, signed, whole
from vigil.sandbox.uptimerobot import status_page
from vigil.sandbox.uptimerobot.alerting import deliveries_of
from vigil.sandbox.uptimerobot.errors import (
    ForeignResource,
    IntegrationPlanLimit,
    InvalidField,
    NotFound,
    PlanLimit,
    ValidationFailed,
)
from vigil.sandbox.uptimerobot.history import (
    Check,
    Comment,
    Incident,
    downtime,
    downtime_union,
    iso,
    mtbf,
    parse_iso,
    summary,
    uptime_percent,
)
from vigil.sandbox.uptimerobot.models import (
    DEFAULT_SUCCESS_CODES,
    AlertContact,
    Announcement,
    Integration,
    MaintenanceWindow,
    Monitor,
    MonitorGroup,
    StatusPage,
    StormProtection,
    Upload,
    UptimeRobotBackend,
)
from vigil.sandbox.uptimerobot.scheduler import heartbeat
from vigil.sandbox.uptimerobot.validation import (
    INTEGRATION_SHAPES,
    INTEGRATION_TYPES,
    KEYWORD_CASES,
    MONITOR_STATUSES,
    PSP_TYPES,
    TYPE_ALIASES,
    IntegrationShape,
    check_announcement,
    check_bulk_selection,
    check_bulk_update,
    check_comment,
    check_contact_create,
    check_contact_update,
    check_group,
    check_monitor,
    check_psp,
    check_storm,
    check_window,
    ids,
    integration_type,
    monitor_type,
    notify,
    one_of,
    psp_sort,
    raise_if,
    window_days,
)


class ControlProblem(SandboxError):
    status = 400


T = TypeVar("T")
MONITOR_PAGE, MONITOR_PAGE_MAX = 50, 200  # GET /monitors: limit 1..200, default 50
LIST_PAGE = 50  # the other lists take no page size (reference §4.1)
FREE_PLAN_INTEGRATIONS_MISSING = ("PagerDuty", "Splunk")
USER_ID = 1
OWNER_NAME = "Sandbox Owner"
TIME_FRAMES: dict[str, float | None] = {
    "DAY": 86400, "WEEK": 7 * 86400, "MONTH": 30 * 86400, "DAYS_30": 30 * 86400, "YEAR": 365 * 86400,
    "ALL": None, "CUSTOM": None,
}  # fmt: skip
RESPONSE_REGIONS = ("na", "eu", "as", "oc")
ANNOUNCEMENT_FILTERS = ("OFFLINE", "PENDING", "PUBLISHED", "ARCHIVED")
PSP_SETTINGS_DEFAULTS: dict[str, dict[str, Any]] = {
    "font": {"family": None},
    "page": {"layout": "logo_on_left", "theme": "light", "density": "normal"},
    "colors": {"main": None, "text": None, "link": None},
    "features": {
        "showBars": True,
        "showUptimePercentage": True,
        "enableFloatingStatus": False,
        "showOverallUptime": True,
        "showOutageUpdates": True,
        "showOutageDetails": True,
        "enableDetailsPage": True,
        "showMonitorURL": True,
        "hidePausedMonitors": False,
    },
}


def _backend(call: Call) -> UptimeRobotBackend:
    backend: UptimeRobotBackend = call.backend
    backend.read_lag = int(call.quirk("read_lag", 0) or 0)
    return backend


def _id(raw: str) -> int:
    """A numeric path parameter: NestJS's ParseIntPipe answers 400 for anything but ASCII digits."""
    value = signed(raw)  # a negative id is a number: it just names nothing (404)
    if value is None:
        raise ValidationFailed("Validation failed (numeric string is expected)")
    return value


def _body(call: Call, required: bool = True) -> dict[str, Any]:
    """The JSON (or multipart) body. ``required``: the document marks the body required, so an
    absent one is a 400; the action endpoints (pause, start, reset) take none."""
    request = call.request
    if required and not request.body.strip() and request.method in ("POST", "PATCH", "PUT"):
        raise ValidationFailed("body should not be empty")
    if (request.header("content-type") or "").startswith("multipart/form-data"):
        return multipart_fields(request.body, request.header("content-type") or "")
    try:
        body = request.json()
    except ValueError:  # malformed JSON is refused before the throttler (service.admit)
        raise ValidationFailed("Unexpected token in JSON body") from None
    if body is None and not request.body.strip():
        return {}  # no body at all (the action endpoints take none)
    if not isinstance(body, dict):  # a JSON null, number, string or array
        raise ValidationFailed("body must be a JSON object")
    return dict(_js_numbers(body))


def _js_numbers(value: Any) -> Any:
    """The body as a JavaScript server holds it: a number is a number, 0.0 is 0 (JSON.parse), so
    what is stored reads back as an integer where the document asks for one."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _js_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_js_numbers(v) for v in value]
    return value


IMAGE_LIMIT = 150 * 1024  # logo and icon: JPG or PNG, at most 150 KB (reference §4.6)


def multipart_fields(body: bytes, content_type: str) -> dict[str, Any]:
    """A multipart/form-data PSP body as the JSON body it stands for (the document offers both).

    Form values are strings: numbers, booleans and ``customSettings`` (JSON) are converted the way
    the DTO declares them; arrays arrive as a repeated field or as ``name[]``; ``logo`` and ``icon``
    are files.
    """
    try:
        parts = multipart(body, content_type)
    except ValueError:
        raise ValidationFailed("Multipart: Malformed part header") from None
    fields: dict[str, Any] = {}
    for part in parts:
        name = part.name.removesuffix("[]")
        if name in ("logo", "icon"):
            fields[name] = _image(name, part)
            continue
        kind = PSP_TYPES.get(name, "string")
        if kind == "number[]":
            fields.setdefault(name, []).append(_form_number(part.text))
        elif kind == "number":
            fields[name] = _form_number(part.text)
        elif kind == "boolean":
            fields[name] = {"true": True, "false": False}.get(part.text, part.text)
        elif kind == "object":
            try:
                fields[name] = json.loads(part.text)
            except ValueError:
                fields[name] = part.text  # refused by the type check as "must be an object"
        else:
            fields[name] = part.text
    return fields


def _form_number(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text  # refused by the type check as "must be a number"
    return int(number) if number.is_integer() else number


def _image(name: str, part: FormPart) -> Upload:
    if part.filename is None:
        raise ValidationFailed(f"{name} must be a file")
    kind = (
        "png"
        if part.data.startswith(b"\x89PNG\r\n\x1a\n")
        else "jpg"
        if part.data[:3] == b"\xff\xd8\xff"
        else None
    )
    if kind is None:
        raise ValidationFailed(f"{name} must be a JPG or PNG image")
    if len(part.data) > IMAGE_LIMIT:
        raise ValidationFailed(f"{name} must be smaller than 150 KB")
    return Upload(part.filename, kind, len(part.data))


def _chance(call: Call, quirk: str) -> bool:
    setting = call.quirk(quirk)
    if setting is True:
        return True
    return bool(setting) and call.account.rng.random() < float(setting)


def _text(call: Call, value: str | None) -> str | None:
    return html.escape(value) if value is not None and call.quirk("html_escape") else value


def _flag(call: Call, value: Any) -> Any:
    if call.quirk("bool_strings") and isinstance(value, bool):
        return "true" if value else "false"
    return value


def _cursor(call: Call) -> int | None:
    raw = call.request.arg("cursor")
    if raw is None:
        return None
    value = signed(raw)
    if value is None:
        raise ValidationFailed("cursor must be a number conforming to the specified constraints")
    return value


def _page(
    call: Call, items: Sequence[T], render: Callable[[T], dict[str, Any]], path: str, key: Callable[[T], int]
) -> Response:
    """A list without a page size: 50 per page, ``nextLink`` only when more follow."""
    page, more = after_cursor(items, key, _cursor(call), LIST_PAGE)
    next_link = f"{call.request.base_url}/{path}?cursor={key(page[-1])}" if more else None
    return Response(200, {"data": [render(item) for item in page], "nextLink": next_link})


HTML = {"Content-Type": "text/html; charset=utf-8"}


def _now(call: Call) -> float:
    return call.service.clock.epoch()


def _query_int(call: Call, name: str) -> int | None:
    raw = call.request.arg(name)
    if raw is None:
        return None
    value = signed(raw)
    if value is None:
        raise ValidationFailed(f"{name} must be a number conforming to the specified constraints")
    return value


def _query_time(call: Call, name: str) -> float | None:
    raw = call.request.arg(name)
    if raw is None:
        return None
    moment = parse_iso(raw)
    if moment is None:
        raise ValidationFailed(f"{name} must be a valid ISO 8601 date string")
    return moment


def _window(call: Call, monitor: Monitor, now: float) -> tuple[float, float]:
    """``from``/``to`` (ISO strings); by default the last 24 hours, from when its history begins."""
    start = _query_time(call, "from")
    end = _query_time(call, "to")
    end = min(end, now) if end is not None else now
    checks = _backend(call).history_of(monitor.id).checks
    begins = min([monitor.created_at, *(c.at for c in checks[:1])])
    start = start if start is not None else min(max(end - 86400, begins), end)
    if start > end:
        raise ValidationFailed("from must be before to")
    return start, end


def _series(call: Call) -> bool:
    raw = call.request.arg("includeTimeSeries")
    if raw not in (None, "true", "false"):
        raise ValidationFailed("includeTimeSeries must be a boolean value")
    return raw == "true"


# --- documents ------------------------------------------------------------------------------
def incident_brief(incident: Incident, now: float) -> dict[str, Any]:
    return {
        "id": incident.id,
        "status": "Resolved" if incident.resolved is not None else "Ongoing",
        "cause": incident.cause,
        "reason": incident.reason,
        "startedAt": iso(incident.started),
        "duration": round(incident.duration(now)),
    }


def incident_summary(call: Call, incident: Incident, now: float) -> dict[str, Any]:
    backend = _backend(call)
    monitor = backend.monitors[incident.monitor_id]
    return {
        **incident_brief(incident, now),
        "type": "DOWNTIME",
        "monitor": {"id": monitor.id, "friendlyName": monitor.friendly_name},
        "commentsCount": len(backend.comments_of(incident.id)),
        "resolvedAt": iso(incident.resolved) if incident.resolved is not None else None,
        "includeInReports": True,
    }


def incident_detail(incident: Incident, now: float) -> dict[str, Any]:
    first = incident.checks[0] if incident.checks else None
    return {
        **incident_brief(incident, now),
        "resolvedAt": iso(incident.resolved) if incident.resolved is not None else None,
        "rootCause": {
            "url": None,
            "requestHeaders": None,
            "responseHeaders": None,
            "httpResponseCode": first.http_code if first else None,
            "responseDownloadUrl": None,
        },
    }


def last_day(incidents: list[Incident], now: float) -> dict[str, Any]:
    """24 hourly buckets of uptime (percent) over the last day, with the status changes in each."""
    histogram = []
    for hour in range(24):
        start = now - 86400 + hour * 3600
        end = start + 3600
        changes = sum(
            1 for i in incidents for t in (i.started, i.resolved) if t is not None and start <= t < end
        )
        histogram.append(
            {
                "timestamp": int(start),
                "uptime": uptime_percent(incidents, start, end, now),
                "changes": changes,
            }
        )
    return {"bucketSize": 3600, "totalChanges": sum(b["changes"] for b in histogram), "histogram": histogram}


def response_time_document(checks: list[Check], start: float, end: float, series: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "summary": summary(checks),
        "data_points": len(checks),
        "from": iso(start),
        "to": iso(end),
    }
    if series:
        document["time_series"] = [{"timestamp": iso(c.at), "value": c.response_ms} for c in checks]
    return document


def bulk_document(results: list[tuple[Monitor, str | None]]) -> dict[str, Any]:
    rows = [
        {"monitorId": m.id, "monitorName": m.friendly_name, "status": "error" if error else "success"}
        | ({"error": error} if error else {})
        for m, error in results
    ]
    errors = sum(1 for _, error in results if error)
    return {"results": rows, "totalSuccess": len(results) - errors, "totalError": errors}


# --- the wire tables: one per resource, Python field ↔ wire name -------------------------------
SKIP: Any = object()  # a decoder's answer for "not given" (a null that changes nothing)


@dataclass(frozen=True)
class Wire:
    """One field: its Python name (the record's attribute, the backend's keyword), its wire name,
    and how the value crosses (``decode``: request → Python, may answer SKIP; ``encode``: record →
    document). ``nulls``: a null is a value to decode (else it is "not given"). ``read`` / ``write``:
    whether the field is in documents / taken from requests."""

    python: str
    wire: str
    decode: Callable[[Any], Any] | None = None
    encode: Callable[[Any], Any] | None = None
    nulls: bool = False
    read: bool = True
    write: bool = True


class Table:
    def __init__(self, *fields: Wire) -> None:
        self.fields = fields

    def decode(self, body: dict[str, Any]) -> dict[str, Any]:
        """The request's fields (already checked against the wire schema) by Python name; a later
        field of the same Python name wins when it gives a value (``regionData`` over ``regionalData``)."""
        found: dict[str, Any] = {}
        for item in self.fields:
            if not item.write or item.wire not in body:
                continue
            value = body[item.wire]
            if value is None and not item.nulls:
                continue
            value = item.decode(value) if item.decode else value
            if value is not SKIP:
                found[item.python] = value
        return found

    def encode(self, record: Any) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for item in self.fields:
            if item.read:
                value = getattr(record, item.python)
                document[item.wire] = item.encode(value) if item.encode else value
        return document

    def wire(self, python: str) -> str:
        return next((f.wire for f in self.fields if f.python == python and f.write), python)

    @contextmanager
    def naming(self) -> Iterator[None]:
        """A backend's ``InvalidField`` worded with the wire name the client sent."""
        try:
            yield
        except InvalidField as error:
            raise ValidationFailed(error.template.format(self.wire(error.field))) from None


def _as_object(raw: Any) -> Any:
    """``postValueData`` sent as a JSON string is stored as what it holds, when that is one of the
    types MonitorDto allows (a number, an object, an array); ``"true"`` or ``"null"`` stay strings."""
    if not isinstance(raw, str):
        return raw
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    return parsed if isinstance(parsed, (dict, list, int, float)) and not isinstance(parsed, bool) else raw


def _contact_settings(value: Any) -> list[tuple[int, int, int]]:
    """(id, threshold, recurrence); an id that is a fraction names no contact (-1)."""
    found = []
    for contact in value or []:
        raw_id = float(contact["alertContactId"])
        contact_id = int(raw_id) if raw_id.is_integer() else -1
        found.append((contact_id, int(contact["threshold"]), int(contact["recurrence"])))
    return found


def _window_ids(value: Any) -> list[int]:
    return [int(i) if float(i).is_integer() else -1 for i in value or []]


def _case(value: Any) -> Any:
    if isinstance(value, str):
        return KEYWORD_CASES.get(value, 0)
    return int(value) if is_number(value) else SKIP


def _iso_or_none(moment: float | None) -> str | None:
    return iso(moment) if moment is not None else None


def _keep(value: Any) -> Any:
    return value


def _fixed(value: Any) -> Callable[[Any], Any]:
    return lambda _: value


MONITOR = Table(
    Wire("id", "id", write=False),
    Wire("friendly_name", "friendlyName", str),
    Wire("url", "url", str),
    Wire("type", "type", write=False),  # written through validation.monitor_type
    Wire("interval", "interval", int),
    Wire("timeout", "timeout", int),
    Wire("status", "status", write=False),
    Wire("http_method_type", "httpMethodType", lambda v: None if v is None else str(v).upper(), nulls=True),
    Wire("auth_type", "authType"),
    Wire("http_username", "httpUsername", encode=lambda v: v or ""),
    Wire("http_password", "httpPassword", encode=lambda v: v or ""),  # returned in plain text, as live
    Wire("post_value_type", "postValueType"),
    Wire("post_value_data", "postValueData", _as_object),
    Wire("custom_http_headers", "customHttpHeaders", lambda v: dict(v or {}), dict, nulls=True),  # {} clears
    Wire("success_http_response_codes", "successHttpResponseCodes",
         lambda v: list(v or DEFAULT_SUCCESS_CODES), list, nulls=True),  # [] resets to the default
    Wire("check_ssl_errors", "checkSSLErrors"),
    Wire("ssl_expiration_reminder", "sslExpirationReminder"),
    Wire("domain_expiration_reminder", "domainExpirationReminder"),
    Wire("follow_redirections", "followRedirections"),
    Wire("keyword_type", "keywordType"),
    Wire("keyword_case_type", "keywordCaseType", _case, nulls=True),
    Wire("keyword_value", "keywordValue"),
    Wire("port", "port", int),
    Wire("grace_period", "gracePeriod", int),
    Wire("config", "config", _keep, dict, nulls=True),  # a shallow merge; null clears
    Wire("regions", "regionalData", lambda v: [v] if isinstance(v, str) else SKIP,
         lambda v: {"REGION": list(v), "MANUAL_SELECTED": False, "INFRASTRUCTURE": "New"}),
    Wire("regions", "regionData", lambda v: list(v["REGION"]) if isinstance(v, dict) and v.get("REGION")
         else SKIP, read=False),
    Wire("maintenance_window_ids", "maintenanceWindowsIds", _window_ids, nulls=True, read=False),
    Wire("tag_names", "tagNames", lambda v: list(dict.fromkeys(str(t) for t in v or [])), nulls=True,
         read=False),
    Wire("assigned_alert_contacts", "assignedAlertContacts", _contact_settings,
         lambda v: [{"alertContactId": i, "threshold": t, "recurrence": r} for i, t, r in v], nulls=True),
    Wire("created", "createDateTime", write=False),
    Wire("api_key", "apiKey", write=False),
    Wire("group_id", "groupId", int),
    Wire("custom_fields", "customFields", lambda v: dict(v or {}), dict, nulls=True),
)  # fmt: skip
CONTACT = Table(
    Wire("id", "id", write=False),
    Wire("friendly_name", "friendlyName"),
    Wire("type", "type"),
    Wire("value", "value", str),
    Wire("notify_for", "enableNotificationsFor", lambda v: notify(v, numeric=True), nulls=True),
    Wire("ssl_expiration_reminder", "sslExpirationReminder"),
    Wire("active", "isActive", read=False),
    Wire("status", "status", write=False),
)
INTEGRATION = Table(  # the type's own fields: validation.INTEGRATION_SHAPES
    Wire("id", "id", write=False),
    Wire("friendly_name", "friendlyName", str),
    Wire("type", "type", write=False),
    Wire("status", "status", write=False),
    Wire("notify_for", "enableNotificationsFor", lambda v: notify(v, numeric=False), nulls=True),
    Wire("ssl_expiration_reminder", "sslExpirationReminder", bool),
    Wire("value", "value", write=False),
    Wire("custom_value", "customValue", write=False),
    Wire("extra", "customHeaders", encode=lambda extra: dict(extra.get("customHeaders") or {}), write=False),
)
PSP = Table(
    Wire("id", "id", write=False),
    Wire("friendly_name", "friendlyName", nulls=True),
    Wire("custom_domain", "customDomain", nulls=True),
    Wire("password", "isPasswordSet", encode=bool, write=False),  # password and sort are write-only
    Wire("password", "password", nulls=True, read=False),
    Wire("sort", "sort", psp_sort, nulls=True, read=False),
    Wire("monitor_ids", "monitorIds", lambda v: ids(v, "monitorIds"), list),
    Wire("tag_ids", "tagIds", lambda v: ids(v, "tagIds"), list),
    Wire("auto_add_monitors", "autoAddMonitors", read=False),
    Wire("status", "status", lambda v: str(v).upper(), nulls=True),
    Wire("url_key", "urlKey", write=False),
    Wire("homepage_link", "homepageLink", nulls=True),
    Wire("ga_code", "gaCode", nulls=True),
    Wire("share_analytics_consent", "shareAnalyticsConsent", nulls=True),
    Wire("use_small_cookie_consent_modal", "useSmallCookieConsentModal", nulls=True),
    Wire("icon", "icon", lambda v: v if isinstance(v, Upload) else v or None),
    Wire("no_index", "noIndex", nulls=True),
    Wire("logo", "logo", lambda v: v if isinstance(v, Upload) else v or None),
    Wire("hide_url_links", "hideUrlLinks", nulls=True),
    Wire("subscription", "subscription", nulls=True),
    Wire("show_cookie_bar", "showCookieBar", nulls=True),
    Wire("pinned_announcement_id", "pinnedAnnouncementId", write=False),
    Wire("custom_settings", "customSettings", nulls=True),  # read with its defaults: psp_document
)  # fmt: skip
WINDOW = Table(
    Wire("id", "id", write=False),
    Wire("name", "name", nulls=True),
    Wire("interval", "interval", nulls=True),
    Wire("date", "date", nulls=True),
    Wire("time", "time", nulls=True),
    Wire("duration", "duration", int),
    Wire("auto_add_monitors", "autoAddMonitors", bool, nulls=True),
    Wire("monitor_ids", "monitorIds", lambda v: ids(v or [], "monitorIds"), list, nulls=True),
    Wire("days", "days", window_days, list, nulls=True),
    Wire("status", "status", str),
    Wire("created", "created", write=False),
)
GROUP = Table(
    Wire("id", "id", write=False),
    Wire("name", "name", str),
    Wire("monitor_ids", "monitorIds", lambda v: ids(v or [], "monitorIds"), nulls=True, read=False),
    Wire("group_ids", "groupIds", lambda v: ids(v or [], "groupIds"), nulls=True, read=False),
    Wire("new_group_id", "monitorsNewGroupId", read=False),  # a query parameter of DELETE
    Wire("created", "createdAt", write=False),
    Wire("updated", "updatedAt", write=False),
)
STORM = Table(
    Wire("enabled", "isEnabled"),
    Wire("threshold_type", "thresholdType"),
    Wire("threshold_value", "thresholdValue", int),
    Wire("window_minutes", "windowMinutes", int),
    Wire("group_pooling", "config", lambda v: v.get("groupPooling") if isinstance(v, dict) else SKIP,
         lambda v: {"groupPooling": v}),
)  # fmt: skip
ANNOUNCEMENT = Table(
    Wire("id", "id", write=False),
    Wire("psp_id", "pspId", write=False),
    Wire("title", "title"),  # required by the response DTO, which declares no such property
    Wire("content", "content"),
    Wire("status", "status"),
    Wire("type", "type"),
    Wire("start", "startDate", parse_iso, _iso_or_none),
    Wire("end", "endDate", lambda v: parse_iso(v) if v is not None else None, _iso_or_none, nulls=True),
    Wire("created", "creationDate", encode=iso, write=False),
    Wire("submitted", "submitDate", encode=_iso_or_none, write=False),
)
COMMENT = Table(
    Wire("id", "id", write=False),
    Wire("content", "comment", write=False),  # written as "content", read back as "comment"
    Wire("content", "content", read=False),
    Wire("publish", "publishOnStatusPage"),
    Wire("created", "created", encode=iso, write=False),
)
BULK_SELECTION = Table(Wire("group_id", "groupId"), Wire("tag_id", "tagId"))


def comment_document(comment: Comment) -> dict[str, Any]:
    return {**COMMENT.encode(comment), "user": {"id": USER_ID, "fullName": OWNER_NAME}}


def storm_document(storm: StormProtection) -> dict[str, Any]:
    return STORM.encode(storm)


def announcement_document(announcement: Announcement) -> dict[str, Any]:
    return {
        **ANNOUNCEMENT.encode(announcement),
        "userId": USER_ID,
        "deliveryStatus": "Sent" if announcement.submitted is not None else None,
        "sentCount": 0,
    }


def monitor_document(call: Call, monitor: Monitor) -> dict[str, Any]:
    backend, now = _backend(call), _now(call)
    last = backend.last_incident(monitor.id)
    document = MONITOR.encode(monitor)
    document["friendlyName"] = _text(call, monitor.friendly_name)
    document["url"] = _text(call, monitor.url)
    return {
        **document,
        "responseTimeThreshold": 0,  # stored into regionData.THRESHOLD; always reads 0 (reference §4.3)
        "maintenanceWindows": [window_document(window) for window in backend.windows_of(monitor.id)],
        "psps": [psp_document(call, page) for page in backend.psps_showing(monitor.id)],
        "currentStateDuration": round(now - backend.status_since(monitor.id, monitor.created_at)),
        "lastIncidentId": last.id if last else None,
        "lastIncident": incident_brief(last, now) if last else None,
        "userId": USER_ID,
        "tags": [
            {"id": tag.id, "name": tag.name, "color": tag.color}
            for tag in backend.tags.values()
            if tag.name in monitor.tag_names
        ],
        "lastDayUptimes": last_day(backend.history_of(monitor.id).incidents(monitor.id), now),
        "sslBrand": None,
        "sslExpiryDateTime": None,
        "domainExpireDate": None,
    }


def contact_document(contact: AlertContact) -> dict[str, Any]:
    return {
        **CONTACT.encode(contact),  # enableNotificationsFor: numeric on writes, a string on reads
        "customValue": "",
        "httpUsername": None,
        "httpPassword": None,
        "authType": None,
        "customHeaders": None,
        "mobileProviderId": None,
        "orgAlertContactId": None,
        "config": None,
    }


def integration_document(integration: Integration) -> dict[str, Any]:
    return {**INTEGRATION.encode(integration), "customValue2": "", "customValue3": "", "customValue4": ""}


def custom_settings(call: Call, stored: dict[str, Any]) -> dict[str, Any]:
    """Every section with its defaults, as reads return them; features as strings under ``bool_strings``."""
    document: dict[str, Any] = {}
    for section, defaults in PSP_SETTINGS_DEFAULTS.items():
        given = stored.get(section)
        document[section] = {**defaults, **(given if isinstance(given, dict) else {})}
    document["features"] = {k: _flag(call, v) for k, v in document["features"].items()}
    return document


def psp_document(call: Call, page: StatusPage) -> dict[str, Any]:
    monitors = call.backend.monitors
    return {
        **PSP.encode(page),
        "monitorsCount": len(monitors) if page.monitor_ids == [0] else len(page.monitor_ids),
        "customSettings": custom_settings(call, page.custom_settings),
    }


def window_document(window: MaintenanceWindow) -> dict[str, Any]:
    return {**WINDOW.encode(window), "userId": USER_ID}


def group_document(group: MonitorGroup, monitors_count: int) -> dict[str, Any]:
    return {**GROUP.encode(group), "monitorsCount": monitors_count}


# --- requests: checked against the wire schema, decoded by the table, handed to the backend ------
def _monitor_write(call: Call, monitor_id: int | None, data: dict[str, Any]) -> Monitor:
    """POST /monitors (``monitor_id`` None) or a PATCH / bulk update of one monitor."""
    backend = _backend(call)
    current = backend.current_monitor(monitor_id) if monitor_id is not None else None
    kind = monitor_type(data.get("type") if current is None else data.get("type") or current.type)
    limits = backend.limits
    check_monitor(data, kind, creating=current is None, min_interval=limits.min_interval,
                  free_plan=limits.plan == "free")  # fmt: skip
    fields = MONITOR.decode(data)
    with MONITOR.naming():
        if current is None:
            return backend.create_monitor(type=kind, now=_now(call), **fields)
        return backend.update_monitor(current.id, type=kind, **fields)


def _bulk_selection(data: dict[str, Any]) -> dict[str, Any]:
    check_bulk_selection(data)
    return BULK_SELECTION.decode(data)


def _integration_fields(shape: IntegrationShape, data: dict[str, Any]) -> dict[str, Any]:
    return {
        **INTEGRATION.decode(data),
        "value": shape.value(data),
        "custom_value": shape.custom(data),
        "extra": shape.extra(data),
    }


def _announcement_fields(data: dict[str, Any]) -> dict[str, Any]:
    check_announcement(data, parse_iso)
    return ANNOUNCEMENT.decode(data)


def _comment_fields(data: dict[str, Any]) -> dict[str, Any]:
    check_comment(data)
    fields = COMMENT.decode(data)
    return {"content": fields.get("content", ""), "publish": fields.get("publish")}


class UptimeRobotResponses:
    # --- monitor groups -----------------------------------------------------------------------
    def create_monitor_group(self, call: Call) -> Response:
        backend = _backend(call)
        data = _body(call)
        check_group(data, creating=True)
        fields = GROUP.decode(data)
        with GROUP.naming():
            group = backend.create_monitor_group(
                name=str(data["name"]),
                monitor_ids=fields.get("monitor_ids", []),
                group_ids=fields.get("group_ids", []),
            )
        return Response(201, group_document(group, backend.group_size(group.id)))

    def list_monitor_groups(self, call: Call) -> Response:
        backend = _backend(call)
        return _page(
            call,
            backend.list_monitor_groups(),
            lambda g: group_document(g, backend.group_size(g.id)),
            "monitor-groups",
            lambda g: g.id,
        )

    def get_monitor_group(self, call: Call, id: str) -> Response:
        backend = _backend(call)
        group = backend.get_monitor_group(_id(id))
        return Response(200, group_document(group, backend.group_size(group.id)))

    def update_monitor_group(self, call: Call, id: str) -> Response:
        backend = _backend(call)
        group_id, data = _id(id), _body(call)
        backend.get_monitor_group(group_id)
        check_group(data, creating=False)
        fields = GROUP.decode(data)
        with GROUP.naming():
            group = backend.update_monitor_group(
                group_id, name=fields.get("name"), monitor_ids=fields.get("monitor_ids")
            )
        return Response(200, group_document(group, backend.group_size(group.id)))

    def delete_monitor_group(self, call: Call, id: str) -> Response:
        raw = call.request.arg("monitorsNewGroupId")
        new_group = whole(raw) if raw else None
        if raw and not new_group:
            raise ValidationFailed("monitorsNewGroupId must not be less than 1")
        with GROUP.naming():
            _backend(call).delete_monitor_group(_id(id), new_group)
        return Response(204, None)

    # --- monitors -----------------------------------------------------------------------------
    def list_monitors(self, call: Call) -> Response:
        request = call.request
        limit_value = whole(request.arg("limit") or str(MONITOR_PAGE))
        if limit_value is None:
            raise ValidationFailed("limit must be a number conforming to the specified constraints")
        limit, cursor = limit_value, _cursor(call)
        if limit < 1:
            raise ValidationFailed("limit must not be less than 1")
        if limit > MONITOR_PAGE_MAX:
            raise ValidationFailed(f"limit must not be greater than {MONITOR_PAGE_MAX}")
        raw_status = request.arg("status")
        statuses = set(raw_status.split(",")) if raw_status is not None else set()  # exact, comma-separated
        unknown = statuses - set(MONITOR_STATUSES)
        if unknown:
            raise ValidationFailed("status must be a comma list of " + ", ".join(MONITOR_STATUSES))
        name, url = (request.arg("name") or "").lower(), (request.arg("url") or "").lower()
        tags = {t.strip() for t in (request.arg("tags") or "").split(",") if t.strip()}  # OR, case-sensitive
        group = request.arg("groupId")
        if group is not None and signed(group) is None:
            raise ValidationFailed("groupId must be a number conforming to the specified constraints")
        custom = [f.partition(":") for f in request.args("customField")]  # AND of key:value
        selected = [
            m
            for m in _backend(call).list_monitors()
            if (not name or name in m.friendly_name.lower())
            and (not url or url in m.url.lower())
            and (not statuses or m.status in statuses)
            and (not tags or tags & set(m.tag_names))
            and (not group or str(m.group_id) == group)
            and all(m.custom_fields.get(k) == v for k, _, v in custom)
        ]
        page, _ = after_cursor(selected, lambda m: m.id, cursor, limit)
        # Live quirk: every FULL page carries a nextLink, even when nothing follows (reference §4.1).
        next_link = (
            f"{request.base_url}/monitors?limit={limit}&cursor={page[-1].id}" if len(page) == limit else None
        )
        return Response(200, {"data": [monitor_document(call, m) for m in page], "nextLink": next_link})

    def create_monitor(self, call: Call) -> Response:
        monitor = _monitor_write(call, None, _body(call))
        if _chance(call, "save_then_500"):  # saved, and still a 500 (reference §4.8.2)
            return call.service.server_error(500)
        if _chance(call, "save_then_404"):  # saved, and answered "not found"
            return call.service.render_error(NotFound("Monitor not found"))
        return Response(201, monitor_document(call, monitor))

    def get_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call, _backend(call).get_monitor(_id(id))))

    def update_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call, _monitor_write(call, _id(id), _body(call))))

    def delete_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call, _backend(call).delete_monitor(_id(id))))

    def reset_monitor(self, call: Call, id: str) -> Response:
        _body(call, required=False)
        _backend(call).reset_monitor(_id(id))
        return Response(201, None)

    def pause_monitor(self, call: Call, id: str) -> Response:
        _body(call, required=False)
        return Response(201, monitor_document(call, _backend(call).pause_monitor(_id(id), _now(call))))

    def start_monitor(self, call: Call, id: str) -> Response:
        _body(call, required=False)
        return Response(201, monitor_document(call, _backend(call).start_monitor(_id(id), _now(call))))

    # --- public status pages ------------------------------------------------------------------
    def list_psps(self, call: Call) -> Response:
        return _page(
            call, _backend(call).list_psps(), lambda p: psp_document(call, p), "psps", lambda p: p.id
        )

    def create_psp(self, call: Call) -> Response:
        data = _body(call)
        check_psp(data, creating=True)
        return Response(201, psp_document(call, _backend(call).create_psp(**PSP.decode(data))))

    def get_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, _backend(call).get_psp(_id(id))))

    def update_psp(self, call: Call, id: str) -> Response:
        backend, psp_id, data = _backend(call), _id(id), _body(call)
        backend.current_psp(psp_id)
        check_psp(data, creating=False)
        return Response(200, psp_document(call, backend.update_psp(psp_id, **PSP.decode(data))))

    def delete_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, _backend(call).delete_psp(_id(id))))

    # --- maintenance windows ------------------------------------------------------------------
    def list_maintenance_windows(self, call: Call) -> Response:
        windows = _backend(call).list_maintenance_windows()
        return _page(call, windows, window_document, "maintenance-windows", lambda w: w.id)

    def create_maintenance_window(self, call: Call) -> Response:
        data = _body(call)
        check_window(data, creating=True)
        return Response(201, window_document(_backend(call).create_maintenance_window(**WINDOW.decode(data))))

    def get_maintenance_window(self, call: Call, id: str) -> Response:
        return Response(200, window_document(_backend(call).get_maintenance_window(_id(id))))

    def update_maintenance_window(self, call: Call, id: str) -> Response:
        backend, window_id, data = _backend(call), _id(id), _body(call)
        backend.current_maintenance_window(window_id)
        check_window(data, creating=False)
        window = backend.update_maintenance_window(window_id, **WINDOW.decode(data))
        return Response(200, window_document(window))

    def delete_maintenance_window(self, call: Call, id: str) -> Response:
        _backend(call).delete_maintenance_window(_id(id))
        return Response(204, None)

    # --- user ---------------------------------------------------------------------------------
    def get_me(self, call: Call) -> Response:
        backend = _backend(call)
        limits = backend.limits
        return Response(
            200,
            {
                "email": backend.email,
                "fullName": "Sandbox Owner",
                "monitorsCount": len(backend.monitors),
                "monitorLimit": limits.monitor_limit,
                "smsCredits": 0,
                "activeSubscription": {
                    "plan": limits.plan,
                    "monitorLimit": limits.monitor_limit,
                    "minInterval": limits.min_interval,
                    "rateLimitPerMinute": limits.rate_limit_per_minute,
                },
            },
        )

    def list_user_alert_contacts(self, call: Call) -> Response:
        return Response(200, [contact_document(c) for c in _backend(call).list_alert_contacts()])

    def list_all_alert_contacts(self, call: Call) -> Response:
        backend = _backend(call)
        items = [
            {
                "id": c.id,
                "name": c.friendly_name,
                "value": c.value,
                "type": c.type,
                "status": c.status,
                "threshold": 0,
                "recurrence": 0,
            }
            for c in backend.list_alert_contacts()
        ]
        user = {"id": USER_ID, "name": "Sandbox Owner"}
        return Response(
            200, [{"notifyOnly": False, "orgAlertContactId": None, "user": user, "alertContacts": items}]
        )

    # --- integrations -------------------------------------------------------------------------
    def list_integrations(self, call: Call) -> Response:
        flag = call.request.arg("includeOrgMembers")
        if flag is not None and flag not in ("true", "false"):
            raise ValidationFailed("includeOrgMembers must be a boolean value")
        items = _backend(call).list_integrations()
        return _page(call, items, integration_document, "integrations", lambda i: i.id)

    def create_integration(self, call: Call) -> Response:
        body = _body(call)
        backend = _backend(call)
        kind = body.get("type")
        if (
            backend.limits.plan == "free"
            and TYPE_ALIASES.get(str(kind), kind) in FREE_PLAN_INTEGRATIONS_MISSING
        ):
            raise IntegrationPlanLimit()
        data = _data(body)
        canonical = integration_type(kind)
        shape = INTEGRATION_SHAPES[canonical]
        raise_if(shape.problems(data, creating=True))
        fields: dict[str, Any] = {
            "friendly_name": "",
            "notify_for": "UpAndDown",
            "ssl_expiration_reminder": False,
        }
        fields |= _integration_fields(shape, data)
        integration = backend.create_integration(type=canonical, **fields)
        return Response(201, integration_document(integration))

    def get_integration(self, call: Call, id: str) -> Response:
        return Response(200, integration_document(_backend(call).get_integration(_id(id))))

    def update_integration(self, call: Call, id: str) -> Response:
        backend, integration_id, body = _backend(call), _id(id), _body(call)
        data = _data(body)
        current = backend.current_integration(integration_id)
        kind = body.get("type")
        if (
            TYPE_ALIASES.get(kind, kind) if isinstance(kind, str) else kind
        ) != current.type:  # live: a PATCH must repeat the type (GS)
            raise ValidationFailed(one_of("type", INTEGRATION_TYPES))
        shape = INTEGRATION_SHAPES[current.type]
        raise_if(shape.problems(data, creating=False))
        integration = backend.update_integration(integration_id, **_integration_fields(shape, data))
        return Response(200, integration_document(integration))

    def delete_integration(self, call: Call, id: str) -> Response:
        integration = _backend(call).delete_integration(_id(id))
        return Response(200, integration_document(integration))

    # --- personal alert contacts --------------------------------------------------------------
    def list_alert_contacts(self, call: Call) -> Response:
        contacts = _backend(call).list_alert_contacts()
        return _page(call, contacts, contact_document, "alert-contacts", lambda c: c.id)

    def create_alert_contact(self, call: Call) -> Response:
        data = _body(call)
        check_contact_create(data)
        fields = CONTACT.decode({"enableNotificationsFor": 0, **data})
        fields["friendly_name"] = str(fields.get("friendly_name") or fields.get("value") or "")
        fields.setdefault("value", "")
        return Response(201, contact_document(_backend(call).create_alert_contact(**fields)))

    def get_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(_backend(call).get_alert_contact(_id(id))))

    def update_alert_contact(self, call: Call, id: str) -> Response:
        backend, contact_id, data = _backend(call), _id(id), _body(call)
        backend.current_alert_contact(contact_id)
        check_contact_update(data)
        return Response(
            200, contact_document(backend.update_alert_contact(contact_id, **CONTACT.decode(data)))
        )

    def delete_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(_backend(call).delete_alert_contact(_id(id))))

    # --- tags ---------------------------------------------------------------------------------
    def list_tags(self, call: Call) -> Response:
        """Paged by ``nextCursorId``, not ``nextLink`` (reference §4.1)."""
        page, more = after_cursor(_backend(call).get_tags(), lambda t: t.id, _cursor(call), LIST_PAGE)
        next_cursor = page[-1].id if more else None
        return Response(
            200, {"data": [{"id": t.id, "name": t.name} for t in page], "nextCursorId": next_cursor}
        )

    def delete_tag(self, call: Call, id: str) -> Response:
        _backend(call).delete_tag(_id(id))
        return Response(204, None)

    # --- incidents (computed from each monitor's status history) ------------------------------
    def list_incidents(self, call: Call) -> Response:
        backend, request, now = _backend(call), call.request, _now(call)
        cursor = _query_int(call, "cursor")
        monitor_id = _query_int(call, "monitor_id")
        if monitor_id is not None and monitor_id < 1:
            raise ValidationFailed("monitor_id must not be less than 1")
        after, before = _query_time(call, "started_after"), _query_time(call, "started_before")
        name = (request.arg("monitor_name") or "").lower()
        selected = [
            i
            for i in backend.all_incidents()
            if (monitor_id is None or i.monitor_id == monitor_id)
            and (not name or name in backend.monitors[i.monitor_id].friendly_name.lower())
            and (after is None or i.started >= after)
            and (before is None or i.started <= before)
        ]
        page, more = after_cursor(selected, lambda i: int(i.id), cursor, LIST_PAGE)
        next_link = f"{request.base_url}/incidents?cursor={page[-1].id}" if more else None
        return Response(200, {"data": [incident_summary(call, i, now) for i in page], "nextLink": next_link})

    def get_incident(self, call: Call, id: str) -> Response:
        return Response(200, incident_detail(_backend(call).incident(id), _now(call)))

    def list_incident_comments(self, call: Call, id: str) -> Response:
        backend = _backend(call)
        backend.incident(id)
        limit = _query_int(call, "limit")
        if limit is not None and not 1 <= limit <= 100:
            raise ValidationFailed("limit must not be less than 1 and not greater than 100")
        cursor = _query_int(call, "cursor")
        page, more = after_cursor(backend.comments_of(id), lambda c: c.id, cursor, limit or 50)
        next_link = f"{call.request.base_url}/incidents/{id}/comments?cursor={page[-1].id}" if more else None
        return Response(200, {"data": [comment_document(c) for c in page], "nextLink": next_link})

    def create_incident_comment(self, call: Call, id: str) -> Response:
        backend = _backend(call)
        if backend.limits.plan == "free":
            raise PlanLimit("Incident comments are not available on your plan")
        data = _body(call)
        backend.incident(id)
        comment = backend.add_comment(id, **_comment_fields(data), now=_now(call))
        return Response(201, comment_document(comment))

    def get_incident_activity_log(self, call: Call, id: str) -> Response:
        backend = _backend(call)
        incident, now = backend.incident(id), _now(call)
        entries: list[tuple[float, dict[str, Any]]] = []
        for check in incident.checks:
            entries.append((check.at, {
                "type": "STATUS_UPDATE", "date": iso(check.at), "region": check.region,
                "incidentStatus": "Resolved" if check.status != "DOWN" else "Ongoing",
                "alertLogType": check.status, "cause": check.cause, "reason": check.reason or check.status,
                **({"responseTime": check.response_ms} if check.response_ms is not None else {}),
            }))  # fmt: skip
        for comment in backend.comments_of(id):
            entries.append((comment.created, {
                "type": "COMMENT", "date": iso(comment.created), "region": None, "commentId": comment.id,
                "commentFullName": OWNER_NAME, "commentEmail": backend.email,
            }))  # fmt: skip
        for alert in backend.sent_alerts(incident, now):
            name, value, kind = backend.recipient(alert.contact_id)
            entries.append((alert.at, {
                "type": "NOTIFICATION", "date": iso(alert.at), "region": None, "sentToFullName": name,
                "sentToValue": value, "notificationType": kind, "notificationStatus": "SUCCESS",
            }))  # fmt: skip
        return Response(200, {"data": [e for _, e in sorted(entries, key=lambda e: e[0])], "nextLink": None})

    def get_incident_alerts(self, call: Call, id: str) -> Response:
        backend = _backend(call)
        incident = backend.incident(id)
        data = []
        for alert in backend.sent_alerts(incident, _now(call)):
            name, value, kind = backend.recipient(alert.contact_id)
            data.append({
                "timestamp": iso(alert.at), "recipientName": name, "recipientValue": value,
                "channelType": kind, "status": "SUCCESS",
            })  # fmt: skip
        return Response(200, {"data": data})

    def update_incident_comment(self, call: Call, id: str, commentId: str) -> Response:  # noqa: N803
        backend, comment_id, data = _backend(call), _id(commentId), _body(call)
        backend.comment(id, comment_id)
        comment = backend.update_comment(id, comment_id, **_comment_fields(data), now=_now(call))
        return Response(200, comment_document(comment))

    def delete_incident_comment(self, call: Call, id: str, commentId: str) -> Response:  # noqa: N803
        _backend(call).delete_comment(id, _id(commentId))
        return Response(204, None)

    # --- statistics (computed from the status history) ----------------------------------------
    def get_uptime_stats(self, call: Call) -> Response:
        backend, now = _backend(call), _now(call)
        frame = call.request.arg("timeFrame")
        if frame not in TIME_FRAMES:
            raise ValidationFailed(one_of("timeFrame", list(TIME_FRAMES)))
        log_limit = _query_int(call, "logLimit")
        if log_limit is not None and not 1 <= log_limit <= 500:
            raise ValidationFailed("logLimit must not be less than 1 and not greater than 500")
        start_raw, end_raw = _query_int(call, "start"), _query_int(call, "end")
        if start_raw is not None and start_raw < 1:  # checked whatever the frame (the DTO's minimum)
            raise ValidationFailed("start must not be less than 1")
        if end_raw is not None and end_raw < 0:
            raise ValidationFailed("end must not be less than 0")
        if frame == "CUSTOM":
            if start_raw is None or end_raw is None:
                raise ValidationFailed("start and end are required for a CUSTOM timeFrame")
            if start_raw < 1 or end_raw < start_raw:
                raise ValidationFailed("end must not be before start")
            start, end = float(start_raw), float(min(end_raw, now))
        else:
            seconds = TIME_FRAMES[frame]
            first = min((m.created_at for m in backend.monitors.values()), default=now)
            start, end = (now - seconds if seconds else first), now
        incidents = [i for i in backend.all_incidents() if i.overlap(start, end, now) > 0]
        span = max(end - start, 0.0)
        lost = downtime(incidents, start, end, now)
        monitors = max(len(backend.monitors), 1)
        logs = [
            {"type": "DOWNTIME", "datetime": iso(i.started), "duration": round(i.overlap(start, end, now))}
            for i in sorted(incidents, key=lambda i: -i.started)
        ][: log_limit or 50]
        return Response(200, {
            "overallUptime": round(1.0 - lost / (span * monitors), 6) if span else 1.0,  # a fraction (§4.8.8)
            "totalIncidents": len(incidents),
            "totalTimeWithoutIncidents": round(span - downtime_union(incidents, start, end, now)),
            "affectedMonitors": len({i.monitor_id for i in incidents}),
            "logs": logs,
            "mtbf": mtbf(incidents, start, end, now),
        })  # fmt: skip

    def get_monitor_uptime_stats(self, call: Call, id: str) -> Response:
        backend, now = _backend(call), _now(call)
        monitor = backend.get_monitor(_id(id))
        start, end = _window(call, monitor, now)
        incidents = backend.history_of(monitor.id).incidents(monitor.id)
        inside = [i for i in incidents if i.overlap(start, end, now) > 0]
        return Response(200, {
            "uptime": uptime_percent(incidents, start, end, now),  # a percentage (§4.8.8)
            "total_downtime_seconds": round(downtime(incidents, start, end, now)),
            "incident_count": len(inside),
            "mtbf": mtbf(incidents, start, end, now),
            "from": iso(start),
            "to": iso(end),
        })  # fmt: skip

    def get_monitor_response_times(self, call: Call, id: str) -> Response:
        backend, now = _backend(call), _now(call)
        monitor = backend.get_monitor(_id(id))
        region = call.request.arg("region")
        if region is not None and region not in (*RESPONSE_REGIONS, "all"):
            raise ValidationFailed(one_of("region", [*RESPONSE_REGIONS, "all"]))
        start, end = _window(call, monitor, now)
        checks = backend.history_of(monitor.id).response_times(start, end, region)
        return Response(200, response_time_document(checks, start, end, _series(call)))

    def get_monitor_response_times_by_region(self, call: Call, id: str) -> Response:
        backend, now = _backend(call), _now(call)
        monitor = backend.get_monitor(_id(id))
        start, end = _window(call, monitor, now)
        series = _series(call)
        history = backend.history_of(monitor.id)
        document: dict[str, Any] = {
            region: response_time_document(history.response_times(start, end, region), start, end, series)
            for region in (*RESPONSE_REGIONS, "all")
        }
        return Response(200, {**document, "from": iso(start), "to": iso(end)})

    # --- bulk operations, storm protection ----------------------------------------------------
    def bulk_pause(self, call: Call) -> Response:
        backend, now = _backend(call), _now(call)
        monitors = backend.bulk_selection(**_bulk_selection(_body(call)))
        return Response(201, bulk_document([(backend.pause_monitor(m.id, now), None) for m in monitors]))

    def bulk_start(self, call: Call) -> Response:
        backend, now = _backend(call), _now(call)
        monitors = backend.bulk_selection(**_bulk_selection(_body(call)))
        return Response(201, bulk_document([(backend.start_monitor(m.id, now), None) for m in monitors]))

    def bulk_update(self, call: Call) -> Response:
        data = _body(call)
        changes = {k: v for k, v in data.items() if k not in ("groupId", "tagId")}
        if isinstance(changes.get("regionalData"), dict):  # PublicBulkUpdateDto: a RegionalDataDto object
            changes["regionData"] = changes.pop("regionalData")
        check_bulk_update(changes)
        results: list[tuple[Monitor, str | None]] = []
        for monitor in _backend(call).bulk_selection(**_bulk_selection(data)):
            try:
                results.append((_monitor_write(call, monitor.id, changes), None))
            except (ValidationFailed, PlanLimit, ForeignResource) as error:
                results.append((monitor, error.message))
        return Response(201, bulk_document(results))

    def get_storm_protection(self, call: Call) -> Response:
        return Response(200, storm_document(_backend(call).storm))

    def update_storm_protection(self, call: Call) -> Response:
        data = _body(call)
        check_storm(data)
        return Response(200, storm_document(_backend(call).update_storm_protection(**STORM.decode(data))))

    # --- status page announcements ------------------------------------------------------------
    def list_announcements(self, call: Call, pspId: str) -> Response:  # noqa: N803
        status = call.request.arg("status")
        if status is not None and status not in ANNOUNCEMENT_FILTERS:
            raise ValidationFailed(one_of("status", ANNOUNCEMENT_FILTERS))
        found = _backend(call).list_announcements(_id(pspId), status)
        return _page(call, found, announcement_document, f"psps/{pspId}/announcements", lambda a: a.id)

    def create_announcement(self, call: Call, pspId: str) -> Response:  # noqa: N803
        backend, psp_id, data = _backend(call), _id(pspId), _body(call)
        backend.may_announce(psp_id)
        announcement = backend.create_announcement(psp_id, now=_now(call), **_announcement_fields(data))
        return Response(201, announcement_document(announcement))

    def get_announcement(self, call: Call, pspId: str, id: str) -> Response:  # noqa: N803
        return Response(200, announcement_document(_backend(call).announcement(_id(pspId), _id(id))))

    def update_announcement(self, call: Call, pspId: str, id: str) -> Response:  # noqa: N803
        backend, data = _backend(call), _body(call)
        found = backend.announcement(_id(pspId), _id(id))
        announcement = backend.update_announcement(found, now=_now(call), **_announcement_fields(data))
        return Response(200, announcement_document(announcement))

    def pin_announcement(self, call: Call, pspId: str, id: str) -> Response:  # noqa: N803
        _body(call, required=False)
        return Response(
            200, announcement_document(_backend(call).pin_announcement(_id(pspId), _id(id), True))
        )

    def unpin_announcement(self, call: Call, pspId: str, id: str) -> Response:  # noqa: N803
        _body(call, required=False)
        return Response(
            200, announcement_document(_backend(call).pin_announcement(_id(pspId), _id(id), False))
        )

    # --- control plane: what a monitor went through -------------------------------------------
    def control_monitor_status(self, call: Call) -> Response:
        """POST /_sandbox/uptimerobot/monitor-status {monitor, status, at?, response_ms?, reason?, region?}:
        appends one check to the monitor's history (``at``: sandbox-clock UNIX seconds, default now)."""
        data = _body(call)
        monitor_id, status = data.get("monitor"), data.get("status")
        at = data.get("at", _now(call))
        response_ms, region = data.get("response_ms"), data.get("region", "na")
        if not isinstance(monitor_id, int) or status not in ("UP", "DOWN") or not is_number(at):
            raise ControlProblem("'monitor' (an id), 'status' (UP or DOWN) and a numeric 'at' are required")
        if (response_ms is not None and not is_number(response_ms)) or region not in RESPONSE_REGIONS:
            raise ControlProblem("'response_ms' must be a number and 'region' one of na, eu, as, oc")
        check = Check(float(at), status, None if response_ms is None else int(response_ms), region,
                      str(data.get("reason") or ""), int(data.get("cause") or 0))  # fmt: skip
        monitor = _backend(call).record_check(monitor_id, check)
        return Response(200, {"monitor": monitor.id, "status": monitor.status})

    def control_heartbeat(self, call: Call, token: str) -> Response:
        """``/_sandbox/uptimerobot/heartbeat/<token>``: the heartbeat URL a job calls. The token
        names the monitor in whichever account holds it (the default account is asked first)."""
        now = _now(call)
        if heartbeat(_backend(call), token, now) is not None:
            return Response(200, {"ok": True})
        for account in list(call.service.accounts.values()):
            if account.service != call.account.service or account is call.account or account.backend is None:
                continue
            with account.lock:
                if heartbeat(account.backend, token, now) is not None:
                    return Response(200, {"ok": True})
        return Response(404, {"ok": False, "error": "no heartbeat monitor with that URL"})

    def control_deliveries(self, call: Call) -> Response:
        """Every alert the scheduler sent (or suppressed, or failed to send); DELETE empties the log."""
        log = deliveries_of(_backend(call))
        documents = [delivery.document() for delivery in log]
        if call.request.method == "DELETE":
            log.clear()
        return Response(200, {"deliveries": documents})

    def control_outbox(self, call: Call) -> Response:
        """The e-mails alert contacts received: to, subject, body."""
        mails = [d.document() for d in deliveries_of(_backend(call)) if d.channel == "email" and d.to]
        return Response(200, {"emails": mails})

    def control_status_pages(self, call: Call) -> Response:
        """Each status page of the account with the local URL that serves it."""
        base = call.request.base_url  # …/_sandbox
        pages = [
            {"id": p.id, "name": p.friendly_name, "url": f"{base}/uptimerobot/status/{p.url_key}"}
            for p in sorted(_backend(call).psps.values(), key=lambda p: p.id)
        ]
        return Response(200, {"status_pages": pages})

    def control_status_page(self, call: Call, key: str) -> Response:
        """A status page as HTML (``?password=`` for a protected page), from any account."""
        for account in [call.account, *call.service.accounts.values()]:
            if account.service != call.account.service or account.backend is None:
                continue
            with account.lock:
                backend = account.backend
                page = next((p for p in backend.psps.values() if p.url_key == key), None)
                if page is None:
                    continue
                if page.password and call.request.arg("password") != page.password:
                    return Response(401, "<!doctype html><title>Password required</title><p>Protected.", HTML)
                return Response(200, status_page.render(backend, page, _now(call)), HTML)
        return Response(404, "<!doctype html><title>Not found</title><p>No such status page.", HTML)

    def control_scheduler(self, call: Call) -> Response:
        """The monitoring loop's figures (checks, deliveries, lateness p95); DELETE resets them."""
        scheduler = getattr(call.service, "scheduler", None)
        if scheduler is None:
            return Response(200, {"running": False})
        stats = scheduler.stats()
        if call.request.method == "DELETE":
            scheduler.reset_stats()
        return Response(200, stats)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    """An integration's ``data``: required on create and update alike (the document's schemas)."""
    if "data" not in body or body["data"] is None:
        raise ValidationFailed("data should not be empty", "data must be an object")
    data = body["data"]
    if not isinstance(data, dict):
        raise ValidationFailed("data must be an object")
    return data

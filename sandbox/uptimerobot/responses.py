"""Uptime Robot v3 wire format: query and body in, JSON documents out, one method per operation.

Quirks (off by default, per account through ``POST /_sandbox/quirks``): ``html_escape``,
``bool_strings``, ``save_then_500``, ``save_then_404``, ``read_lag`` (reference §4.8).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sandbox.core.http import FormPart, Response, multipart
from sandbox.core.service import Call
from sandbox.core.values import whole
from sandbox.uptimerobot.errors import IntegrationPlanLimit, NotFound, ValidationFailed
from sandbox.uptimerobot.models import (
    PSP_TYPES,
    TYPE_ALIASES,
    AlertContact,
    Integration,
    MaintenanceWindow,
    Monitor,
    MonitorGroup,
    StatusPage,
    UptimeRobotBackend,
)
from sandbox.uptimerobot.validation import MONITOR_STATUSES

T = TypeVar("T")
MONITOR_PAGE, MONITOR_PAGE_MAX = 50, 200  # GET /monitors: limit 1..200, default 50
LIST_PAGE = 50  # the other lists take no page size (reference §4.1)
FREE_PLAN_INTEGRATIONS_MISSING = ("PagerDuty", "Splunk")
USER_ID = 1
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
    value = whole(raw)
    if value is None:
        raise ValidationFailed("Validation failed (numeric string is expected)")
    return value


def _body(call: Call) -> dict[str, Any]:
    request = call.request
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
    return body


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
    value = whole(text)
    return text if value is None else value


def _image(name: str, part: FormPart) -> dict[str, Any]:
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
    return {"filename": part.filename, "type": kind, "size": len(part.data)}


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
    if not raw:
        return None
    value = whole(raw)
    if value is None:
        raise ValidationFailed("cursor must be a number conforming to the specified constraints")
    return value


def _page(
    call: Call, items: Sequence[T], render: Callable[[T], dict[str, Any]], path: str, key: Callable[[T], int]
) -> Response:
    """A list without a page size: 50 per page, ``nextLink`` only when more follow."""
    cursor = _cursor(call)
    after = [item for item in sorted(items, key=key) if cursor is None or key(item) > cursor]
    page = after[:LIST_PAGE]
    next_link = f"{call.request.base_url}/{path}?cursor={key(page[-1])}" if len(after) > LIST_PAGE else None
    return Response(200, {"data": [render(item) for item in page], "nextLink": next_link})


# --- documents ------------------------------------------------------------------------------
def monitor_document(call: Call, monitor: Monitor) -> dict[str, Any]:
    backend = _backend(call)
    return {
        "id": monitor.id,
        "friendlyName": _text(call, monitor.friendly_name),
        "url": _text(call, monitor.url),
        "type": monitor.type,
        "interval": monitor.interval,
        "timeout": monitor.timeout,
        "status": monitor.status,
        "httpMethodType": monitor.http_method_type,
        "authType": monitor.auth_type,
        "httpUsername": monitor.http_username or "",
        "httpPassword": monitor.http_password or "",  # returned in plain text, as live
        "postValueType": monitor.post_value_type,
        "postValueData": monitor.post_value_data,
        "customHttpHeaders": dict(monitor.custom_http_headers),
        "successHttpResponseCodes": list(monitor.success_http_response_codes),
        "checkSSLErrors": monitor.check_ssl_errors,
        "sslExpirationReminder": monitor.ssl_expiration_reminder,
        "domainExpirationReminder": monitor.domain_expiration_reminder,
        "followRedirections": monitor.follow_redirections,
        "keywordType": monitor.keyword_type,
        "keywordCaseType": monitor.keyword_case_type,
        "keywordValue": monitor.keyword_value,
        "port": monitor.port,
        "gracePeriod": monitor.grace_period,
        "responseTimeThreshold": 0,  # stored into regionData.THRESHOLD; always reads 0 (reference §4.3)
        "config": dict(monitor.config),
        "regionalData": {"REGION": list(monitor.regions), "MANUAL_SELECTED": False, "INFRASTRUCTURE": "New"},
        "maintenanceWindows": [window_document(window) for window in backend.windows_of(monitor.id)],
        "psps": [psp_document(call, page) for page in backend.psps_showing(monitor.id)],
        "currentStateDuration": 0,
        "lastIncidentId": None,
        "lastIncident": None,
        "userId": USER_ID,
        "tags": [
            {"id": tag.id, "name": tag.name, "color": tag.color}
            for tag in backend.tags.values()
            if tag.name in monitor.tag_names
        ],
        "assignedAlertContacts": [
            {"alertContactId": contact_id, "threshold": threshold, "recurrence": recurrence}
            for contact_id, threshold, recurrence in monitor.assigned_alert_contacts
        ],
        "lastDayUptimes": {"bucketSize": 3600, "totalChanges": 0, "histogram": []},
        "createDateTime": monitor.created,
        "apiKey": monitor.api_key,
        "groupId": monitor.group_id,
        "customFields": dict(monitor.custom_fields),
        "sslBrand": None,
        "sslExpiryDateTime": None,
        "domainExpireDate": None,
    }


def contact_document(contact: AlertContact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "friendlyName": contact.friendly_name,
        "type": contact.type,
        "value": contact.value,
        "customValue": "",
        "enableNotificationsFor": contact.notify_for,  # numeric on writes, a string on reads
        "sslExpirationReminder": contact.ssl_expiration_reminder,
        "httpUsername": None,
        "httpPassword": None,
        "authType": None,
        "customHeaders": None,
        "mobileProviderId": None,
        "status": contact.status,
        "orgAlertContactId": None,
        "config": None,
    }


def integration_document(integration: Integration) -> dict[str, Any]:
    return {
        "id": integration.id,
        "friendlyName": integration.friendly_name,
        "type": integration.type,
        "status": integration.status,
        "enableNotificationsFor": integration.notify_for,
        "sslExpirationReminder": integration.ssl_expiration_reminder,
        "value": integration.value,
        "customValue": integration.custom_value,
        "customValue2": "",
        "customValue3": "",
        "customValue4": "",
        "customHeaders": dict(integration.extra.get("customHeaders") or {}),
    }


def custom_settings(call: Call, stored: dict[str, Any]) -> dict[str, Any]:
    """Every section with its defaults, as reads return them; features as strings under ``bool_strings``."""
    document: dict[str, Any] = {}
    for section, defaults in PSP_SETTINGS_DEFAULTS.items():
        given = stored.get(section)
        document[section] = {**defaults, **(given if isinstance(given, dict) else {})}
    document["features"] = {k: _flag(call, v) for k, v in document["features"].items()}
    return document


def psp_document(call: Call, page: StatusPage) -> dict[str, Any]:
    settings = custom_settings(call, page.custom_settings)
    monitors = call.backend.monitors
    return {
        "id": page.id,
        "friendlyName": page.friendly_name,
        "customDomain": page.custom_domain,
        "isPasswordSet": bool(page.password),  # password and sort are write-only
        "monitorIds": list(page.monitor_ids),
        "tagIds": list(page.tag_ids),
        "monitorsCount": len(monitors) if page.monitor_ids == [0] else len(page.monitor_ids),
        "status": page.status,
        "urlKey": page.url_key,
        "homepageLink": page.homepage_link,
        "gaCode": page.ga_code,
        "shareAnalyticsConsent": page.share_analytics_consent,
        "useSmallCookieConsentModal": page.use_small_cookie_consent_modal,
        "icon": page.icon,
        "noIndex": page.no_index,
        "logo": page.logo,
        "hideUrlLinks": page.hide_url_links,
        "subscription": page.subscription,
        "showCookieBar": page.show_cookie_bar,
        "pinnedAnnouncementId": None,
        "customSettings": settings,
    }


def window_document(window: MaintenanceWindow) -> dict[str, Any]:
    return {
        "id": window.id,
        "userId": USER_ID,
        "name": window.name,
        "interval": window.interval,
        "date": window.date,
        "time": window.time,
        "duration": window.duration,
        "autoAddMonitors": window.auto_add_monitors,
        "monitorIds": list(window.monitor_ids),
        "days": list(window.days),
        "status": window.status,
        "created": window.created,
    }


def group_document(group: MonitorGroup, monitors_count: int) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "monitorsCount": monitors_count,
        "createdAt": group.created,
        "updatedAt": group.updated,
    }


class UptimeRobotResponses:
    # --- monitor groups -----------------------------------------------------------------------
    def create_monitor_group(self, call: Call) -> Response:
        backend = _backend(call)
        group = backend.create_monitor_group(_body(call))
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
        group = backend.update_monitor_group(_id(id), _body(call))
        return Response(200, group_document(group, backend.group_size(group.id)))

    def delete_monitor_group(self, call: Call, id: str) -> Response:
        raw = call.request.arg("monitorsNewGroupId")
        new_group = whole(raw) if raw else None
        if raw and not new_group:
            raise ValidationFailed("monitorsNewGroupId must not be less than 1")
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
        statuses = {s.strip().upper() for s in (request.arg("status") or "").split(",") if s.strip()}
        unknown = statuses - set(MONITOR_STATUSES)
        if unknown:
            raise ValidationFailed("status must be a comma list of " + ", ".join(MONITOR_STATUSES))
        name, url = (request.arg("name") or "").lower(), (request.arg("url") or "").lower()
        tags = {t.strip() for t in (request.arg("tags") or "").split(",") if t.strip()}  # OR, case-sensitive
        group = request.arg("groupId")
        if group and whole(group) is None:
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
            and (cursor is None or m.id > cursor)
        ]
        page = selected[:limit]
        # Live quirk: every FULL page carries a nextLink, even when nothing follows (reference §4.1).
        next_link = (
            f"{request.base_url}/monitors?limit={limit}&cursor={page[-1].id}" if len(page) == limit else None
        )
        return Response(200, {"data": [monitor_document(call, m) for m in page], "nextLink": next_link})

    def create_monitor(self, call: Call) -> Response:
        monitor = _backend(call).create_monitor(_body(call))
        if _chance(call, "save_then_500"):  # saved, and still a 500 (reference §4.8.2)
            return call.service.server_error(500)
        if _chance(call, "save_then_404"):  # saved, and answered "not found"
            return call.service.render_error(NotFound("Monitor not found"))
        return Response(201, monitor_document(call, monitor))

    def get_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call, _backend(call).get_monitor(_id(id))))

    def update_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call, _backend(call).update_monitor(_id(id), _body(call))))

    def delete_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call, _backend(call).delete_monitor(_id(id))))

    def reset_monitor(self, call: Call, id: str) -> Response:
        _body(call)
        _backend(call).reset_monitor(_id(id))
        return Response(201, None)

    def pause_monitor(self, call: Call, id: str) -> Response:
        _body(call)
        return Response(201, monitor_document(call, _backend(call).pause_monitor(_id(id))))

    def start_monitor(self, call: Call, id: str) -> Response:
        _body(call)
        return Response(201, monitor_document(call, _backend(call).start_monitor(_id(id))))

    # --- public status pages ------------------------------------------------------------------
    def list_psps(self, call: Call) -> Response:
        return _page(
            call, _backend(call).list_psps(), lambda p: psp_document(call, p), "psps", lambda p: p.id
        )

    def create_psp(self, call: Call) -> Response:
        return Response(201, psp_document(call, _backend(call).create_psp(_body(call))))

    def get_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, _backend(call).get_psp(_id(id))))

    def update_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, _backend(call).update_psp(_id(id), _body(call))))

    def delete_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, _backend(call).delete_psp(_id(id))))

    # --- maintenance windows ------------------------------------------------------------------
    def list_maintenance_windows(self, call: Call) -> Response:
        windows = _backend(call).list_maintenance_windows()
        return _page(call, windows, window_document, "maintenance-windows", lambda w: w.id)

    def create_maintenance_window(self, call: Call) -> Response:
        return Response(201, window_document(_backend(call).create_maintenance_window(_body(call))))

    def get_maintenance_window(self, call: Call, id: str) -> Response:
        return Response(200, window_document(_backend(call).get_maintenance_window(_id(id))))

    def update_maintenance_window(self, call: Call, id: str) -> Response:
        window = _backend(call).update_maintenance_window(_id(id), _body(call))
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
        integration = backend.create_integration(body.get("type"), _data(body))
        return Response(201, integration_document(integration))

    def get_integration(self, call: Call, id: str) -> Response:
        return Response(200, integration_document(_backend(call).get_integration(_id(id))))

    def update_integration(self, call: Call, id: str) -> Response:
        body = _body(call)
        integration = _backend(call).update_integration(_id(id), body.get("type"), _data(body))
        return Response(200, integration_document(integration))

    def delete_integration(self, call: Call, id: str) -> Response:
        integration = _backend(call).delete_integration(_id(id))
        return Response(200, integration_document(integration))

    # --- personal alert contacts --------------------------------------------------------------
    def list_alert_contacts(self, call: Call) -> Response:
        contacts = _backend(call).list_alert_contacts()
        return _page(call, contacts, contact_document, "alert-contacts", lambda c: c.id)

    def create_alert_contact(self, call: Call) -> Response:
        return Response(201, contact_document(_backend(call).create_alert_contact(_body(call))))

    def get_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(_backend(call).get_alert_contact(_id(id))))

    def update_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(_backend(call).update_alert_contact(_id(id), _body(call))))

    def delete_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(_backend(call).delete_alert_contact(_id(id))))

    # --- tags ---------------------------------------------------------------------------------
    def list_tags(self, call: Call) -> Response:
        """Paged by ``nextCursorId``, not ``nextLink`` (reference §4.1)."""
        cursor = _cursor(call)
        after = [t for t in _backend(call).get_tags() if cursor is None or t.id > cursor]
        page = after[:LIST_PAGE]
        next_cursor = page[-1].id if len(after) > LIST_PAGE else None
        return Response(
            200, {"data": [{"id": t.id, "name": t.name} for t in page], "nextCursorId": next_cursor}
        )

    def delete_tag(self, call: Call, id: str) -> Response:
        _backend(call).delete_tag(_id(id))
        return Response(204, None)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    """An integration's ``data``: required on create and update alike (the document's schemas)."""
    if "data" not in body or body["data"] is None:
        raise ValidationFailed("data should not be empty", "data must be an object")
    data = body["data"]
    if not isinstance(data, dict):
        raise ValidationFailed("data must be an object")
    return data

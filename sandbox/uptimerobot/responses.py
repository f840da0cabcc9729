"""Uptime Robot v3 wire format: request bodies in, JSON documents out (the only file with wire names)."""

from __future__ import annotations

import html
from typing import Any

from sandbox.core.http import Response
from sandbox.core.service import Call
from sandbox.uptimerobot.errors import NotFound, ValidationFailed
from sandbox.uptimerobot.models import Monitor, UptimeRobotBackend
from sandbox.uptimerobot.page_responses import PageResponses

DEFAULT_PAGE, MAX_PAGE = 50, 200


def _id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise NotFound("Monitor not found") from None


def _body(call: Call) -> dict[str, Any]:
    try:
        body = call.request.json()
    except ValueError:
        raise ValidationFailed("Unexpected token in JSON body") from None
    if not isinstance(body, dict):
        raise ValidationFailed("body must be a JSON object")
    return body


def monitor_document(monitor: Monitor, call: Call) -> dict[str, Any]:
    escape = bool(call.quirk("html_escape"))
    name = html.escape(monitor.friendly_name) if escape else monitor.friendly_name
    url = html.escape(monitor.url) if escape else monitor.url
    return {
        "id": monitor.id,
        "friendlyName": name,
        "url": url,
        "type": monitor.type,
        "interval": monitor.interval,
        "timeout": monitor.timeout,
        "status": monitor.status,
        "httpMethodType": monitor.http_method_type,
        "authType": monitor.auth_type,
        "httpUsername": monitor.http_username,
        "httpPassword": monitor.http_password,
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
        "responseTimeThreshold": 0,
        "config": dict(monitor.config),
        "regionalData": None,
        "maintenanceWindows": [{"id": mw_id} for mw_id in monitor.maintenance_window_ids],
        "psps": [],
        "currentStateDuration": 0,
        "lastIncidentId": None,
        "userId": 1,
        "tags": [
            {"id": index + 1, "name": name, "color": "#4f46e5"}
            for index, name in enumerate(monitor.tag_names)
        ],
        "assignedAlertContacts": [dict(c) for c in monitor.assigned_alert_contacts],
        "lastDayUptimes": {},
        "createDateTime": monitor.created,
        "apiKey": monitor.api_key,
        "groupId": monitor.group_id,
        "customFields": dict(monitor.custom_fields),
        "sslBrand": None,
        "sslExpiryDateTime": None,
        "domainExpireDate": None,
    }


def _lag(call: Call) -> int:
    return int(call.quirk("read_lag", 0) or 0)


class UptimeRobotResponses(PageResponses):
    # --- monitors -----------------------------------------------------------------------------
    def list_monitors(self, call: Call) -> Response:
        backend: UptimeRobotBackend = call.backend
        request = call.request
        try:
            limit = int(request.arg("limit") or DEFAULT_PAGE)
            cursor = int(request.arg("cursor")) if request.arg("cursor") else None
        except ValueError:
            raise ValidationFailed("limit must be a number", "cursor must be a number") from None
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationFailed(
                f"limit must not be greater than {MAX_PAGE}"
                if limit > MAX_PAGE
                else "limit must not be less than 1"
            )
        monitors = backend.list_monitors(_lag(call))
        name, url = (request.arg("name") or "").lower(), (request.arg("url") or "").lower()
        statuses = {s.strip().upper() for s in (request.arg("status") or "").split(",") if s.strip()}
        tags = {t.strip() for t in (request.arg("tags") or "").split(",") if t.strip()}
        group = request.arg("groupId")
        selected = [
            m
            for m in monitors
            if (not name or name in m.friendly_name.lower())
            and (not url or url in m.url.lower())
            and (not statuses or m.status in statuses)
            and (not tags or tags & set(m.tag_names))
            and (group is None or str(m.group_id) == group)
        ]
        after = [m for m in selected if cursor is None or m.id > cursor]
        page = after[:limit]
        # Live quirk: a full page always carries a nextLink, even when nothing follows.
        next_link = None
        if len(page) == limit and page:
            next_link = f"{request.base_url}/monitors?limit={limit}&cursor={page[-1].id}"
        return Response(200, {"data": [monitor_document(m, call) for m in page], "nextLink": next_link})

    def create_monitor(self, call: Call) -> Response:
        backend: UptimeRobotBackend = call.backend
        monitor = backend.create_monitor(_body(call))
        backend.mark_created_lagging(monitor.id, _lag(call))
        ambiguous = call.quirk("save_then_500")
        if ambiguous and (ambiguous is True or call.account.rng.random() < float(ambiguous)):
            return Response(500, {"statusCode": 500, "message": "Internal server error"})
        lost = call.quirk("save_then_404")
        if lost and (lost is True or call.account.rng.random() < float(lost)):
            return Response(404, {"message": "Not found", "code": "000-004"})
        return Response(201, monitor_document(monitor, call))

    def get_monitor(self, call: Call, id: str) -> Response:
        return Response(200, monitor_document(call.backend.get_monitor(_id(id), _lag(call)), call))

    def update_monitor(self, call: Call, id: str) -> Response:
        monitor = call.backend.update_monitor(_id(id), _body(call), _lag(call))
        return Response(200, monitor_document(monitor, call))

    def delete_monitor(self, call: Call, id: str) -> Response:
        monitor = call.backend.delete_monitor(_id(id))
        return Response(200, monitor_document(monitor, call))

    def pause_monitor(self, call: Call, id: str) -> Response:
        return Response(201, monitor_document(call.backend.set_status(_id(id), "PAUSED"), call))

    def start_monitor(self, call: Call, id: str) -> Response:
        return Response(201, monitor_document(call.backend.set_status(_id(id), "STARTED"), call))

    # --- account ------------------------------------------------------------------------------
    def get_me(self, call: Call) -> Response:
        backend: UptimeRobotBackend = call.backend
        return Response(
            200,
            {
                "email": backend.email,
                "fullName": "Sandbox Owner",
                "monitorsCount": len(backend.monitors),
                "monitorLimit": backend.limits["monitor_limit"],
                "smsCredits": 0,
                "activeSubscription": {"plan": backend.plan, "monitorLimit": backend.limits["monitor_limit"]},
            },
        )

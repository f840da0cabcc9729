"""Wire format of alert contacts, integrations, status pages and maintenance windows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sandbox.core.http import Response
from sandbox.core.service import Call
from sandbox.uptimerobot.errors import NotFound, ValidationFailed
from sandbox.uptimerobot.pages import AlertContact, Integration, MaintenanceWindow, StatusPage

T = TypeVar("T")
LIST_PAGE = 50  # these lists take no page size (reference §4.1)


def _id(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise NotFound(f"{what} not found") from None


def _body(call: Call) -> dict[str, Any]:
    try:
        body = call.request.json()
    except ValueError:
        raise ValidationFailed("Unexpected token in JSON body") from None
    if not isinstance(body, dict):
        raise ValidationFailed("body must be a JSON object")
    return body


def _page(call: Call, items: Sequence[T], render: Callable[[T], dict[str, Any]], path: str) -> Response:
    cursor_raw = call.request.arg("cursor")
    cursor = int(cursor_raw) if cursor_raw and cursor_raw.isdigit() else None
    ordered = sorted(items, key=lambda item: item.id)  # type: ignore[attr-defined]
    after = [i for i in ordered if cursor is None or i.id > cursor]  # type: ignore[attr-defined]
    page = after[:LIST_PAGE]
    next_link = f"{call.request.base_url}/{path}?cursor={page[-1].id}" if len(after) > LIST_PAGE else None  # type: ignore[attr-defined]
    return Response(200, {"data": [render(i) for i in page], "nextLink": next_link})


def _bool(call: Call, value: bool) -> Any:
    return ("true" if value else "false") if call.quirk("bool_strings") else value


def contact_document(contact: AlertContact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "friendlyName": contact.friendly_name,
        "type": contact.type,
        "value": contact.value,
        "customValue": "",
        "enableNotificationsFor": contact.notify_for,
        "sslExpirationReminder": contact.ssl_expiration_reminder,
        "httpUsername": None,
        "httpPassword": None,
        "authType": False,
        "mobileProviderId": None,
        "status": contact.status,
        "orgAlertContactId": None,
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
        "customHeaders": integration.extra.get("customHeaders", {}),
    }


def psp_document(call: Call, page: StatusPage) -> dict[str, Any]:
    features = {k: _bool(call, bool(v)) for k, v in (page.custom_settings.get("features") or {}).items()}
    settings = {**page.custom_settings, "features": features} if page.custom_settings else {}
    monitors = getattr(call.backend, "monitors", {})
    count = len(monitors) if page.monitor_ids == [0] else len(page.monitor_ids)
    return {
        "id": page.id,
        "friendlyName": page.friendly_name,
        "customDomain": page.custom_domain,
        "isPasswordSet": bool(page.password),
        "monitorIds": list(page.monitor_ids),
        "tagIds": [],
        "monitorsCount": count,
        "status": page.status,
        "urlKey": page.url_key,
        "homepageLink": page.homepage_link,
        "gaCode": page.ga_code,
        "shareAnalyticsConsent": False,
        "useSmallCookieConsentModal": False,
        "icon": None,
        "noIndex": page.no_index,
        "logo": None,
        "hideUrlLinks": page.hide_url_links,
        "subscription": page.subscription,
        "showCookieBar": False,
        "pinnedAnnouncementId": None,
        "customSettings": settings,
    }


def window_document(window: MaintenanceWindow) -> dict[str, Any]:
    return {
        "id": window.id,
        "userId": 1,
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


class PageResponses:
    # --- personal alert contacts --------------------------------------------------------------
    def list_alert_contacts(self, call: Call) -> Response:
        return _page(call, list(call.backend.contacts.values()), contact_document, "alert-contacts")

    def create_alert_contact(self, call: Call) -> Response:
        return Response(201, contact_document(call.backend.create_alert_contact(_body(call))))

    def get_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(call.backend.get_alert_contact(_id(id, "Alert contact"))))

    def update_alert_contact(self, call: Call, id: str) -> Response:
        return Response(
            200, contact_document(call.backend.update_alert_contact(_id(id, "Alert contact"), _body(call)))
        )

    def delete_alert_contact(self, call: Call, id: str) -> Response:
        return Response(200, contact_document(call.backend.delete_alert_contact(_id(id, "Alert contact"))))

    # --- integrations -------------------------------------------------------------------------
    def list_integrations(self, call: Call) -> Response:
        return _page(call, list(call.backend.integrations.values()), integration_document, "integrations")

    def create_integration(self, call: Call) -> Response:
        body = _body(call)
        integration = call.backend.create_integration(str(body.get("type")), dict(body.get("data") or {}))
        return Response(201, integration_document(integration))

    def get_integration(self, call: Call, id: str) -> Response:
        return Response(200, integration_document(call.backend.get_integration(_id(id, "Integration"))))

    def update_integration(self, call: Call, id: str) -> Response:
        body = _body(call)
        integration = call.backend.update_integration(
            _id(id, "Integration"), body.get("type"), dict(body.get("data") or {})
        )
        return Response(200, integration_document(integration))

    def delete_integration(self, call: Call, id: str) -> Response:
        return Response(200, integration_document(call.backend.delete_integration(_id(id, "Integration"))))

    # --- status pages -------------------------------------------------------------------------
    def list_psps(self, call: Call) -> Response:
        return _page(call, list(call.backend.psps.values()), lambda p: psp_document(call, p), "psps")

    def create_psp(self, call: Call) -> Response:
        return Response(201, psp_document(call, call.backend.create_psp(_body(call))))

    def get_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, call.backend.get_psp(_id(id, "Public status page"))))

    def update_psp(self, call: Call, id: str) -> Response:
        return Response(
            200, psp_document(call, call.backend.update_psp(_id(id, "Public status page"), _body(call)))
        )

    def delete_psp(self, call: Call, id: str) -> Response:
        return Response(200, psp_document(call, call.backend.delete_psp(_id(id, "Public status page"))))

    # --- maintenance windows ------------------------------------------------------------------
    def list_maintenance_windows(self, call: Call) -> Response:
        return _page(call, list(call.backend.windows.values()), window_document, "maintenance-windows")

    def create_maintenance_window(self, call: Call) -> Response:
        return Response(201, window_document(call.backend.create_maintenance_window(_body(call))))

    def get_maintenance_window(self, call: Call, id: str) -> Response:
        return Response(
            200, window_document(call.backend.get_maintenance_window(_id(id, "Maintenance window")))
        )

    def update_maintenance_window(self, call: Call, id: str) -> Response:
        window = call.backend.update_maintenance_window(_id(id, "Maintenance window"), _body(call))
        return Response(200, window_document(window))

    def delete_maintenance_window(self, call: Call, id: str) -> Response:
        call.backend.delete_maintenance_window(_id(id, "Maintenance window"))
        return Response(204, None)

"""Uptime Robot components: who is alerted, what is checked, the public status page, maintenance."""

from __future__ import annotations

from typing import Any

import pulumi

from vigil.components.secrets import resolve
from vigil.monitors.monitor import Monitor, MonitorArgs
from vigil.spec import blocks
from vigil.spec.outputs import resource_name
from vigil.spec.secrets import SecretRef
from vigil.spec.stack import Stack
from vigil.spec.units import whole_seconds

_NOTIFY = {"down-and-up": "UpAndDown", "down": "Down", "up": "Up"}
_SORT = {
    "a-z": "FriendlyNameAsc",
    "z-a": "FriendlyNameDesc",
    "up-down-paused": "StatusUpDownPaused",
    "down-up-paused": "StatusDownUpPaused",
}


class AlertRouting(pulumi.ComponentResource):
    """Every place Uptime Robot alerts go: e-mail contacts and Slack integrations."""

    contact_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, stack: Stack, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:uptimerobot:AlertRouting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.contact_ids = {}
        if stack.email_contacts:
            from vigil.monitors.alert_contact import AlertContact, AlertContactArgs
        if stack.slack_webhooks:
            from vigil.monitors.integration import Integration, IntegrationArgs
        for contact in stack.email_contacts:
            resource = AlertContact(
                resource_name("contact", contact.name),
                AlertContactArgs(
                    name=contact.name, type="email", value=contact.email, notify_on=_NOTIFY[contact.notify_on]
                ),
                pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(aliases=renamed("contact", contact))
                ),
                reference=contact.reference,
            )
            self.contact_ids[contact.name] = resource.id
        for webhook in stack.slack_webhooks:
            integration = Integration(
                resource_name("slack", webhook.name),
                IntegrationArgs(
                    name=webhook.name,
                    type="slack",
                    webhook_url=resolve(webhook.url, f"Slack webhook '{webhook.name}'"),
                    channel=webhook.channel,
                    notify_on=_NOTIFY[webhook.notify_on],
                ),
                pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(aliases=renamed("slack", webhook))
                ),
                reference=webhook.reference,
            )
            self.contact_ids[webhook.name] = integration.id
        self.register_outputs({"contact_ids": self.contact_ids})


def monitor_args(monitor: Any, contact_ids: dict[str, pulumi.Output[str]]) -> MonitorArgs:
    """The provider's inputs for one monitor block (only what the block sets)."""
    contacts = [
        {
            "contact_id": contact_ids[name],
            "threshold": whole_seconds(monitor.alert_after) // 60,
            "recurrence": whole_seconds(monitor.repeat_every) // 60,
        }
        for name in monitor.alert
    ]
    common: dict[str, Any] = {
        "name": monitor.name,
        "type": monitor.monitor_type,
        "interval": whole_seconds(monitor.every),
        "alert_contacts": contacts,
        "tags": list(monitor.tags) or None,
    }
    if isinstance(monitor, blocks.HttpMonitor):
        common.update(
            url=_plain_or_secret(monitor.url, f"monitor '{monitor.name}' URL"),
            timeout=whole_seconds(monitor.timeout),
            http_method=monitor.method,
            success_codes=list(monitor.expect_status),
            headers=_headers(monitor),
            follow_redirects=monitor.follow_redirects,
            check_ssl_errors=monitor.check_ssl_errors,
            ssl_expiration_reminder=monitor.ssl_expiry_reminder,
            domain_expiration_reminder=monitor.domain_expiry_reminder,
        )
    if isinstance(monitor, blocks.KeywordMonitor):
        common.update(
            keyword=monitor.keyword,
            keyword_type="not_exists" if monitor.alert_when == "missing" else "exists",
            keyword_case_sensitive=monitor.case_sensitive,
        )
    if isinstance(monitor, blocks.PingMonitor):
        common.update(url=monitor.host)
    if isinstance(monitor, blocks.PortMonitor):
        common.update(url=monitor.host, port=monitor.port, timeout=whole_seconds(monitor.timeout))
    if isinstance(monitor, blocks.HeartbeatMonitor):
        common.update(grace_period=whole_seconds(monitor.grace))
    return MonitorArgs(**common)


def _plain_or_secret(value: Any, used_for: str) -> Any:
    return resolve(value, used_for) if isinstance(value, SecretRef) else value


def _headers(monitor: blocks.HttpMonitor) -> Any:
    """The headers; a mapping holding a referenced value is one secret as a whole (the provider
    lower-cases the names, and a secret nested under a renamed key would be stored in the clear)."""
    if not monitor.headers:
        return None
    values = {
        name: _plain_or_secret(v, f"monitor '{monitor.name}' header {name}") for name, v in monitor.headers
    }
    if any(isinstance(v, SecretRef) for _, v in monitor.headers):
        return pulumi.Output.secret(pulumi.Output.from_input(values))
    return values


def renamed(kind: str, block: Any) -> list[pulumi.Alias] | None:
    """A block renamed with ``previously="old name"``: the resource's old name as a Pulumi alias, so
    the object is updated in place (same id, its history kept) instead of deleted and created."""
    previously = getattr(block, "previously", None)
    return [pulumi.Alias(name=resource_name(kind, previously))] if previously else None


def holds_secrets(monitor: Any) -> bool:
    """A monitor whose URL or a header is a reference: its settings are stored as a Pulumi secret."""
    if not isinstance(monitor, blocks.HttpMonitor):
        return False
    return isinstance(monitor.url, SecretRef) or any(isinstance(v, SecretRef) for _, v in monitor.headers)


class UptimeMonitors(pulumi.ComponentResource):
    """The stack's Uptime Robot monitors, alerting through ``AlertRouting``."""

    monitor_ids: dict[str, pulumi.Output[str]]
    heartbeat_urls: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, stack: Stack, routing: AlertRouting, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("vigil:uptimerobot:Monitors", name, None, opts)
        self.monitors: dict[str, Monitor] = {}
        self.monitor_ids = {}
        self.heartbeat_urls = {}
        for monitor in stack.monitors:
            # The packed settings carry the referenced URL/headers: the whole output is secret too.
            secret = ["settings"] if holds_secrets(monitor) else None
            resource = Monitor(
                resource_name("monitor", monitor.name),
                monitor_args(monitor, routing.contact_ids),
                pulumi.ResourceOptions(
                    parent=self, additional_secret_outputs=secret, aliases=renamed("monitor", monitor)
                ),
            )
            self.monitors[monitor.name] = resource
            self.monitor_ids[monitor.name] = resource.id
            if isinstance(monitor, blocks.HeartbeatMonitor):
                self.heartbeat_urls[monitor.name] = pulumi.Output.secret(resource.url)
        self.register_outputs({"monitor_ids": self.monitor_ids})


def _selected(selection: Any, monitors: UptimeMonitors, stack: Stack) -> list[pulumi.Output[str]]:
    if selection == "all":
        return [monitors.monitor_ids[m.name] for m in stack.monitors if m.on_status_page]
    return [monitors.monitor_ids[name] for name in selection]


class PublicStatusPage(pulumi.ComponentResource):
    """A public status page (PSP) showing the selected monitors."""

    url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        page: blocks.StatusPage,
        stack: Stack,
        monitors: UptimeMonitors,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("vigil:uptimerobot:StatusPage", name, None, opts)
        from vigil.monitors.status_page import StatusPage, StatusPageArgs

        password = resolve(page.password, f"status page '{page.name}' password") if page.password else None
        self.page = StatusPage(
            f"{name}-page",
            StatusPageArgs(
                name=page.name,
                monitor_ids=_selected(page.monitors, monitors, stack),
                custom_domain=page.domain,
                password=password,
                sort=_SORT[page.sort],
                hide_url_links=page.hide_branding,
                no_index=not page.search_engines,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.url = self.page.url
        self.register_outputs({"url": self.url})


class Maintenance(pulumi.ComponentResource):
    """A maintenance window pausing alerts for the selected monitors."""

    def __init__(
        self,
        name: str,
        window: blocks.MaintenanceWindow,
        stack: Stack,
        monitors: UptimeMonitors,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("vigil:uptimerobot:MaintenanceWindow", name, None, opts)
        from vigil.monitors.maintenance_window import MaintenanceWindow, MaintenanceWindowArgs

        date, _, time_of_day = window.start.rpartition(" ")
        selection = (
            [monitors.monitor_ids[m.name] for m in stack.monitors]
            if window.monitors == "all"
            else [monitors.monitor_ids[n] for n in window.monitors]
        )
        self.window = MaintenanceWindow(
            f"{name}-window",
            MaintenanceWindowArgs(
                name=window.name,
                interval=window.repeat,
                date=date or None,
                time=time_of_day if time_of_day.count(":") == 2 else f"{time_of_day}:00",
                duration=whole_seconds(window.duration) // 60,
                days=list(window.days) or None,
                monitor_ids=selection,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})

"""Turn a validated stack into components, and export what the application needs."""

from __future__ import annotations

import pulumi

from components.uptime import AlertRouting, Maintenance, PublicStatusPage, UptimeMonitors
from spec import outputs
from spec.outputs import resource_name
from spec.stack import Stack


def build_stack(stack: Stack) -> None:
    routing = AlertRouting("alert-routing", stack)
    monitors = UptimeMonitors("uptime", stack, routing)
    pages = {
        page.name: PublicStatusPage(resource_name("status", page.name), page, stack, monitors)
        for page in stack.status_pages
    }
    for window in stack.maintenance_windows:
        Maintenance(resource_name("maintenance", window.name), window, stack, monitors)
    pulumi.export(outputs.MONITOR_IDS, monitors.monitor_ids)
    if monitors.heartbeat_urls:
        pulumi.export(outputs.HEARTBEAT_URLS, monitors.heartbeat_urls)
    if pages:
        pulumi.export(outputs.STATUS_PAGE_URLS, {name: page.url for name, page in pages.items()})

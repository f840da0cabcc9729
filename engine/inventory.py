"""Unmanaged objects: what the accounts hold that no resource of this stack's state manages.

Only the services the stack uses are listed (a stack without Sentry blocks never lists Sentry).
Each lister returns (type, name, id) rows; an object is unmanaged when no state resource of that
type has its id. Listing goes through the same clients (and rate limiters) as the providers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.changes import display_type
from engine.drift import DriftItem
from spec.stack import Stack

Row = tuple[str, str, str]  # (display type, name, id)
Lister = Callable[[], Iterable[Row]]


def _uptimerobot_listers(stack: Stack) -> list[Lister]:
    if not (stack.monitors or stack.contacts or stack.status_pages or stack.maintenance_windows):
        return []
    from core.uptimerobot import UptimeRobotClient

    client = UptimeRobotClient.from_env()
    listers: list[Lister] = [
        lambda: (
            ("uptimerobot:Monitor", str(m.get("friendlyName")), str(m["id"])) for m in client.iter_monitors()
        ),
    ]
    for name, kind, label in (
        ("iter_alert_contacts", "uptimerobot:AlertContact", "friendlyName"),
        ("iter_integrations", "uptimerobot:Integration", "friendlyName"),
        ("iter_status_pages", "uptimerobot:StatusPage", "friendlyName"),
        ("iter_maintenance_windows", "uptimerobot:MaintenanceWindow", "name"),
    ):
        method = getattr(client, name, None)
        if method is not None:
            listers.append(lambda m=method, k=kind, f=label: ((k, str(o.get(f)), str(o["id"])) for o in m()))
    return listers


def _sentry_listers(stack: Stack) -> list[Lister]:
    if not (stack.sentry_projects or stack.sentry_alerts):
        return []
    try:
        from core.sentry import SentryClient
    except ImportError:
        return []
    client = SentryClient.from_env()
    listers: list[Lister] = []
    for name, kind in (
        ("list_projects", "sentry:Project"),
        ("list_workflows", "sentry:Alert"),
        ("list_metric_monitors", "sentry:MetricMonitor"),
    ):
        method = getattr(client, name, None)
        if method is not None:
            listers.append(
                lambda m=method, k=kind: ((k, str(o.get("slug") or o.get("name")), str(o["id"])) for o in m())
            )
    return listers


def managed_ids(before: Mapping[str, Mapping[str, Any]]) -> set[tuple[str, str]]:
    ids = set()
    for resource in before.values():
        ids.add((display_type(str(resource.get("type", ""))), str(resource.get("id", ""))))
    return ids


def unmanaged(stack: Stack, before: Mapping[str, Mapping[str, Any]]) -> list[DriftItem]:
    known = managed_ids(before)
    found: list[DriftItem] = []
    for lister in (*_uptimerobot_listers(stack), *_sentry_listers(stack)):
        for kind, name, object_id in lister():
            if (kind, object_id) not in known:
                found.append(DriftItem("unmanaged", kind, name, object_id))
    return sorted(found, key=lambda item: (item.type, item.name, item.remote_id or ""))

"""Unmanaged objects: what the accounts hold that no resource of this stack's state manages.

Only the services the stack uses are listed (a stack without Sentry blocks never lists Sentry), and
of Sentry's teams and dashboards only when the stack declares some (an organization's other teams are
its own business); client keys are listed for this stack's projects. A Slack workspace's channels are
not listed: almost all of them are people's, not monitoring's.
Each lister returns (type, name, id) rows; an object is unmanaged when no stack of the backend
holds it (this stack's state, or any other stack's, read once into ``engine.ownership``) and no
``ignore_unmanaged`` pattern of the stack names it (objects another tool manages). Listing goes
through the same clients (and rate limiters) as the providers.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from vigil.engine.changes import display_type
from vigil.engine.drift import DriftItem
from vigil.spec.stack import Stack

Row = tuple[str, str, str]  # (display type, name, id)
Lister = Callable[[], Iterable[Row]]


def _rows(kind: str, label: str, objects: Callable[[], Iterable[dict[str, Any]]]) -> Lister:
    def lister() -> Iterable[Row]:
        return ((kind, str(o.get(label)), str(o["id"])) for o in objects())

    return lister


def _uptimerobot_listers(
    stack: Stack, environ: Mapping[str, str] | None, listings: Path | None
) -> list[Lister]:
    if not (stack.monitors or stack.contacts or stack.status_pages or stack.maintenance_windows):
        return []
    from vigil.core import credentials
    from vigil.core.uptimerobot import UptimeRobotClient, read_listing

    client = UptimeRobotClient(credentials.uptimerobot(environ))

    def listing(
        path: str, lister: Callable[[], Iterable[dict[str, Any]]]
    ) -> Callable[[], Iterable[dict[str, Any]]]:
        # Reuse what the refresh listed in the provider process during this run; list only if it did not.
        def read() -> Iterable[dict[str, Any]]:
            found = read_listing(listings, path, client.account) if listings else None
            return found if found is not None else lister()

        return read

    return [
        _rows("uptimerobot:Monitor", "friendlyName", listing("monitors", client.iter_monitors)),
        _rows(
            "uptimerobot:AlertContact", "friendlyName", listing("alert-contacts", client.iter_alert_contacts)
        ),
        _rows("uptimerobot:Integration", "friendlyName", listing("integrations", client.iter_integrations)),
        _rows("uptimerobot:StatusPage", "friendlyName", listing("psps", client.iter_status_pages)),
        _rows(
            "uptimerobot:MaintenanceWindow",
            "name",
            listing("maintenance-windows", client.iter_maintenance_windows),
        ),
    ]


def _sentry_listers(
    stack: Stack, environ: Mapping[str, str] | None, before: Mapping[str, Mapping[str, Any]]
) -> list[Lister]:
    if not (stack.sentry_projects or stack.sentry_alerts or stack.sentry_teams or stack.dashboards):
        return []
    from vigil.alerts.client_key import key_reference
    from vigil.core import credentials
    from vigil.core.fields import is_id
    from vigil.core.sentry import SentryClient

    client = SentryClient(credentials.sentry(environ))
    listers = [
        _rows("sentry:Project", "slug", client.list_projects),
        _rows("sentry:Alert", "name", client.list_workflows),
        _rows("sentry:MetricMonitor", "name", client.list_metric_monitors),
    ]
    if stack.sentry_teams:
        listers.append(_rows("sentry:Team", "slug", client.list_teams))
    if stack.dashboards:  # Sentry's prebuilt dashboards have no numeric id and cannot be managed

        def dashboards() -> list[dict[str, Any]]:
            return [d for d in client.list_dashboards() if is_id(d.get("id"))]

        listers.append(_rows("sentry:Dashboard", "title", dashboards))
    # keys made by hand in this stack's projects (an unmanaged project is reported itself); the id
    # shown is the state's form of a key id, which is a secret
    projects = sorted(
        str(r.get("id")) for r in before.values() if display_type(str(r.get("type", ""))) == "sentry:Project"
    )

    def keys() -> Iterable[Row]:
        for project in projects:
            for key in client.list_keys(project):
                yield ("sentry:ClientKey", f"{key.get('name')}", key_reference(project, str(key["id"])))

    if projects:
        listers.append(keys)
    return listers


def managed_ids(before: Mapping[str, Mapping[str, Any]]) -> set[tuple[str, str]]:
    ids = set()
    for resource in before.values():
        ids.add((display_type(str(resource.get("type", ""))), str(resource.get("id", ""))))
    return ids


def ignored(kind: str, name: str, patterns: Iterable[str]) -> bool:
    """Does an ``ignore_unmanaged`` pattern match? ``legacy-*`` matches any type's name;
    ``Monitor:Marketing *`` only that type's (``uptimerobot:Monitor``); case-insensitive."""
    short = kind.rsplit(":", 1)[-1].lower()
    for pattern in patterns:
        prefix, sep, rest = pattern.partition(":")
        if sep and prefix.strip().lower() == short:
            if fnmatch.fnmatchcase(name.lower(), rest.strip().lower()):
                return True
        elif fnmatch.fnmatchcase(name.lower(), pattern.strip().lower()):
            return True
    return False


def unmanaged(
    stack: Stack,
    before: Mapping[str, Mapping[str, Any]],
    environ: Mapping[str, str] | None = None,
    listings: Path | None = None,
    held: Callable[[str, str], bool] | None = None,
) -> list[DriftItem]:
    """``environ``: the run's variables (credentials), handed down by the command layer;
    ``listings``: the folder the refresh of this run left its Uptime Robot lists in, if any;
    ``held(kind, id)``: does any other stack of the backend own or reference it (then it is
    managed, by that stack: "unmanaged" means no stack of the backend holds it)."""
    known = managed_ids(before)
    found: list[DriftItem] = []
    for lister in (*_uptimerobot_listers(stack, environ, listings), *_sentry_listers(stack, environ, before)):
        for kind, name, object_id in lister():
            if (kind, object_id) in known or (held is not None and held(kind, object_id)):
                continue
            if ignored(kind, name, stack.ignore_unmanaged):
                continue
            found.append(DriftItem("unmanaged", kind, name, object_id))
    return sorted(found, key=lambda item: (item.type, item.name, item.remote_id or ""))

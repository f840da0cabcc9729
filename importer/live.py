"""Every object of the accounts, read once per import (list calls only; a few gets where lists are thin).

Only services with credentials in the run's environment are read: without ``SENTRY_AUTH_TOKEN``
there is no Sentry to import, without ``SLACK_BOT_TOKEN`` no channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Doc = dict[str, Any]


@dataclass
class LiveAccounts:
    monitors: list[Doc] = field(default_factory=list)
    contacts: list[Doc] = field(default_factory=list)
    integrations: list[Doc] = field(default_factory=list)
    status_pages: list[Doc] = field(default_factory=list)
    windows: list[Doc] = field(default_factory=list)
    teams: list[Doc] = field(default_factory=list)
    projects: list[Doc] = field(default_factory=list)
    keys: dict[str, list[Doc]] = field(default_factory=dict)  # project id → its client keys
    metric_monitors: list[Doc] = field(default_factory=list)
    issue_streams: dict[str, str] = field(default_factory=dict)  # detector id → project id
    workflows: list[Doc] = field(default_factory=list)
    dashboards: list[Doc] = field(default_factory=list)  # full documents (widgets included)
    channels: list[Doc] = field(default_factory=list)
    services: tuple[str, ...] = ()  # the services that were read


def read_accounts(environ: Mapping[str, str]) -> LiveAccounts:
    """``environ``: the run's variables (credentials), handed down by the command layer."""
    live = LiveAccounts()
    services: list[str] = []
    if environ.get("UPTIMEROBOT_API_KEY"):
        _read_uptimerobot(live, environ)
        services.append("uptimerobot")
    if environ.get("SENTRY_AUTH_TOKEN") and environ.get("SENTRY_ORG"):
        _read_sentry(live, environ)
        services.append("sentry")
    if environ.get("SLACK_BOT_TOKEN"):
        _read_slack(live, environ)
        services.append("slack")
    live.services = tuple(services)
    return live


def _read_uptimerobot(live: LiveAccounts, environ: Mapping[str, str]) -> None:
    from vigil.core import credentials
    from vigil.core.uptimerobot import UptimeRobotClient

    client = UptimeRobotClient(credentials.uptimerobot(environ))
    live.monitors = list(client.iter_monitors())
    live.contacts = list(client.iter_alert_contacts())
    live.integrations = list(client.iter_integrations())
    live.status_pages = list(client.iter_status_pages())
    live.windows = list(client.iter_maintenance_windows())


def _read_sentry(live: LiveAccounts, environ: Mapping[str, str]) -> None:
    from vigil.core import credentials
    from vigil.core.sentry import SentryClient

    client = SentryClient(credentials.sentry(environ))
    live.teams = client.list_teams()
    live.projects = client.list_projects()
    live.keys = {str(p["id"]): client.list_keys(str(p["id"])) for p in live.projects}
    live.metric_monitors = client.list_metric_monitors()
    live.issue_streams = {
        str(d["id"]): str(d.get("projectId"))
        for d in client.list_detectors(kind="issue_stream")
        if d.get("type") == "issue_stream"
    }
    live.workflows = client.list_workflows()
    live.dashboards = [
        full
        for summary in client.list_dashboards()
        if (full := client.get_dashboard(str(summary["id"]))) is not None
    ]


def _read_slack(live: LiveAccounts, environ: Mapping[str, str]) -> None:
    from vigil.core import credentials
    from vigil.core.slack import SlackClient

    credential = credentials.slack(environ)
    if credential is not None:
        live.channels = SlackClient(credential).channels(include_archived=False)

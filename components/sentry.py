"""Sentry components: the organization's teams and dashboard; each project with its keys and alerts."""

from __future__ import annotations

from typing import Any

import pulumi

from vigil.alerts.alert import Alert, AlertArgs
from vigil.alerts.client_key import ClientKey, ClientKeyArgs
from vigil.alerts.dashboard import Dashboard, DashboardArgs
from vigil.alerts.metric_monitor import MetricMonitor, MetricMonitorArgs
from vigil.alerts.project import Project, ProjectArgs
from vigil.alerts.team import Team, TeamArgs
from vigil.components.uptime import renamed
from vigil.spec import blocks
from vigil.spec.outputs import resource_name
from vigil.spec.stack import Stack
from vigil.spec.units import seconds


def _interval(per: str) -> str:
    """A Sentry frequency interval from a duration: 60 s → '1m'."""
    return {60: "1m", 300: "5m", 900: "15m", 3600: "1h", 86400: "1d", 604800: "1w", 2592000: "30d"}[
        round(seconds(per))
    ]


def _frequency(every: str) -> int:
    minutes = round(seconds(every) / 60)
    return min((0, 5, 10, 30, 60, 180, 720, 1440), key=lambda allowed: abs(allowed - minutes))


class SentryOrganization(pulumi.ComponentResource):
    """The teams projects belong to, and the custom monitoring dashboards."""

    team_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, stack: Stack, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:sentry:Organization", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.team_ids = {}
        self.teams: dict[str, Team] = {}
        for team in stack.sentry_teams:
            resource = Team(
                resource_name("team", team.slug),
                TeamArgs(slug=team.slug, name=team.name),
                child,
                reference=team.reference,
            )
            self.teams[team.slug] = resource
            self.team_ids[team.slug] = resource.id
        self.register_outputs({"team_ids": self.team_ids})

    def dashboards(self, stack: Stack, projects: dict[str, SentryProject]) -> None:
        for dashboard in stack.dashboards:
            widgets = [
                {
                    "title": w.title,
                    "display": w.display,
                    "dataset": w.dataset,
                    "aggregate": w.aggregate,
                    "query": w.query or None,
                }
                for w in dashboard.widgets
            ]
            Dashboard(
                resource_name("dashboard", dashboard.title),
                DashboardArgs(
                    title=dashboard.title,
                    widgets=widgets,
                    period=dashboard.period,
                    project_ids=[p.project.id for p in projects.values()],
                ),
                pulumi.ResourceOptions(parent=self, aliases=renamed("dashboard", dashboard)),
            )


def _actions(targets: tuple[str, ...], team_id: pulumi.Output[str]) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for target in targets:
        if target == "team":
            actions.append({"type": "email", "team_id": team_id})
        elif target.startswith("user:"):  # the provider finds the member's user id by e-mail
            actions.append({"type": "email", "user_email": target.removeprefix("user:").strip()})
        elif target.startswith("#"):
            actions.append({"type": "slack", "channel": target})
    return actions


def _declared(resources: dict[str, Team], key: str) -> list[pulumi.Resource]:
    return [resources[key]] if key in resources else []


class SentryProject(pulumi.ComponentResource):
    """A Sentry project with its DSN keys, error alerts and latency monitors."""

    project_id: pulumi.Output[str]
    dsns: dict[str, pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        project: blocks.SentryProject,
        stack: Stack,
        organization: SentryOrganization,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("vigil:sentry:Project", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        team_id = organization.team_ids[project.team]
        self.project = Project(
            f"{name}-project",
            ProjectArgs(slug=project.slug, platform=project.platform, team=project.team, name=project.name),
            # The team first (when the stack declares it): a project is created inside its team.
            pulumi.ResourceOptions(parent=self, depends_on=_declared(organization.teams, project.team)),
            reference=project.reference,
        )
        self.project_id = self.project.id
        self.dsns = {}
        for key in project.keys:
            client_key = ClientKey(
                f"{name}-key-{key}",
                ClientKeyArgs(project_id=self.project.id, name=key, rate_limit=project.key_rate_limit),
                child,
                reference=project.reference,  # a shared project's keys: its owner's
            )
            self.dsns[key] = client_key.dsn
        for alert in stack.error_alerts:
            if alert.project != project.slug:
                continue
            triggers = [
                t
                for t, on in (("first_seen_event", alert.new_issue), ("regression_event", alert.regression))
                if on
            ]
            Alert(
                resource_name("alert", alert.name),
                AlertArgs(
                    name=alert.name,
                    project_id=self.project.id,
                    triggers=triggers or None,
                    events_above=alert.events_above,
                    interval=_interval(alert.per) if alert.events_above is not None else None,
                    frequency=_frequency(alert.frequency),
                    environment=alert.environment,
                    actions=_actions(alert.notify, team_id),
                ),
                pulumi.ResourceOptions(parent=self, aliases=renamed("alert", alert)),
            )
        for latency in stack.latency_monitors:
            if latency.project != project.slug:
                continue
            monitor = MetricMonitor(
                resource_name("monitor", latency.name),
                MetricMonitorArgs(
                    name=latency.name,
                    project_id=self.project.id,
                    aggregate="p95(span.duration)",
                    threshold=seconds(latency.p95_over) * 1000,
                    time_window=round(seconds(latency.for_)),
                    dataset="spans",
                    query=latency.query,
                    environment=latency.environment,
                    owner_team_id=team_id,
                ),
                pulumi.ResourceOptions(parent=self, aliases=renamed("monitor", latency)),
            )
            Alert(
                resource_name("alert", latency.name),
                AlertArgs(
                    name=f"{latency.name} alert",
                    metric_monitor_id=monitor.id,
                    frequency=30,
                    environment=latency.environment,
                    actions=_actions(latency.notify, team_id),
                ),
                pulumi.ResourceOptions(parent=self, aliases=renamed("alert", latency)),
            )
        self.register_outputs({"project_id": self.project_id, "dsns": self.dsns})

"""The incident runbook, rendered from the same validated stack vigil provisions.

Deterministic (no dates, stable order), so the committed docs/RUNBOOK.md can be checked for
staleness: `vigil runbook --env production --check -o docs/RUNBOOK.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from vigil.spec import blocks
from vigil.spec.stack import Stack
from vigil.spec.units import human_duration, seconds
from vigil.spec.validate import worst_case_detection

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["duration"] = lambda value: human_duration(seconds(value))
    return env


@dataclass(frozen=True)
class MonitorRow:
    name: str
    kind: str
    target: str
    checks: str
    every: str
    detection: str
    severity: str
    alerts: str
    status_page: str


def _contact_route(stack: Stack, name: str) -> str:
    for contact in stack.email_contacts:
        if contact.name == name:
            return f"{name} (e-mail {contact.email})"
    for webhook in stack.slack_webhooks:
        if webhook.name == name:
            return f"{name} (Slack {webhook.channel})"
    return name


def _checks(monitor: Any) -> str:
    if isinstance(monitor, blocks.KeywordMonitor):
        where = "is missing" if monitor.alert_when == "missing" else "appears"
        return f"alerts when `{monitor.keyword}` {where} in the response"
    if isinstance(monitor, blocks.HttpMonitor):
        codes = "/".join(monitor.expect_status)
        return f"{monitor.method} answers {codes} within {human_duration(seconds(monitor.timeout))}"
    if isinstance(monitor, blocks.PingMonitor):
        return "answers ping"
    if isinstance(monitor, blocks.PortMonitor):
        return f"accepts TCP connections on port {monitor.port}"
    if isinstance(monitor, blocks.HeartbeatMonitor):
        return f"is called at least every {human_duration(seconds(monitor.every))} (grace {monitor.grace})"
    return monitor.description


def monitor_rows(stack: Stack) -> list[MonitorRow]:
    pages = stack.status_pages
    rows = []
    for monitor in stack.monitors:
        on_page = any(
            (p.monitors == "all" and monitor.on_status_page)
            or (p.monitors != "all" and monitor.name in p.monitors)
            for p in pages
        )
        rows.append(
            MonitorRow(
                name=monitor.name,
                kind=monitor.monitor_type,
                target=monitor.target,
                checks=_checks(monitor),
                every=human_duration(seconds(monitor.every)),
                detection=human_duration(worst_case_detection(monitor)),
                severity=monitor.severity,
                alerts=", ".join(_contact_route(stack, n) for n in monitor.alert) or "nobody",
                status_page="yes" if on_page else "no",
            )
        )
    return rows


def _notify(targets: tuple[str, ...], stack: Stack, project: str) -> str:
    team = next((p.team for p in stack.sentry_projects if p.slug == project), "team")
    names = []
    for target in targets:
        if target == "team":
            names.append(f"e-mail to team #{team}")
        elif target.startswith("#"):
            names.append(f"Slack {target}")
        elif target.startswith("user:"):
            names.append(f"e-mail to {target[5:]}")
        else:
            names.append(target)
    return ", ".join(names)


def sentry_rows(stack: Stack) -> list[dict[str, str]]:
    rows = []
    for alert in stack.error_alerts:
        triggers = []
        if alert.new_issue:
            triggers.append("a new issue")
        if alert.regression:
            triggers.append("a regression")
        if alert.events_above is not None:
            triggers.append(f"more than {alert.events_above} events in {human_duration(seconds(alert.per))}")
        rows.append(
            {
                "name": alert.name,
                "project": alert.project,
                "kind": "error alert",
                "condition": " or ".join(triggers),
                "window": human_duration(seconds(alert.per)),
                "severity": alert.severity,
                "actions": _notify(alert.notify, stack, alert.project),
                "environment": alert.environment or "all",
            }
        )
    for latency in stack.latency_monitors:
        rows.append(
            {
                "name": latency.name,
                "project": latency.project,
                "kind": "metric monitor",
                "condition": f"p95 transaction duration above {human_duration(seconds(latency.p95_over))}"
                if seconds(latency.p95_over) >= 1
                else f"p95 above {latency.p95_over}",
                "window": human_duration(seconds(latency.for_)),
                "severity": latency.severity,
                "actions": _notify(latency.notify, stack, latency.project),
                "environment": latency.environment or "all",
            }
        )
    return rows


def render_runbook(stack: Stack) -> str:
    severities = sorted(stack.severities, key=lambda s: s.level)
    detectors = {m.name: "monitor" for m in stack.monitors}
    alerts: list[Any] = [*stack.error_alerts, *stack.latency_monitors]
    detectors.update({a.name: "Sentry alert" for a in alerts})
    return (
        templates()
        .get_template("runbook.md.j2")
        .render(
            stack=stack,
            severities=severities,
            used_levels=sorted({m.severity for m in stack.monitors} | {a.severity for a in alerts}),
            sla=stack.sla,
            monitors=monitor_rows(stack),
            sentry=sentry_rows(stack),
            incidents=stack.incidents,
            detectors=detectors,
            on_call=stack.on_call,
            channel=stack.slack_channel,
            status_pages=stack.status_pages,
            links=stack.links,
            releases=stack.release_notifications,
            projects=stack.sentry_projects,
        )
    )

"""validate and the providers agree: every rule a provider's ``check`` enforces has a stack that
breaks it, and that stack fails ``validate`` (offline, at its line) instead of failing in ``preview``.

Each row names the provider, the inputs the components would send for the fixture stack, and the
fixture (tests/fixtures/hostile/envs/<case>.yaml). The provider half calls the provider's real
``check`` (the Pulumi dynamic-provider entry point); the validate half runs the CLI.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.test_hostile_stacks import CASES, errors_of, install
from tests.conftest import ProjectDir

BY_ID = {case.id: case for case in CASES}


def _provider(name: str) -> Any:
    from vigil.alerts.alert import AlertProvider
    from vigil.alerts.client_key import ClientKeyProvider
    from vigil.alerts.dashboard import DashboardProvider
    from vigil.alerts.metric_monitor import MetricMonitorProvider
    from vigil.alerts.project import ProjectProvider
    from vigil.alerts.team import TeamProvider
    from vigil.monitors.alert_contact import AlertContactProvider
    from vigil.monitors.integration import IntegrationProvider
    from vigil.monitors.maintenance_window import MaintenanceWindowProvider
    from vigil.monitors.status_page import StatusPageProvider

    return {
        "alert": AlertProvider,
        "client_key": ClientKeyProvider,
        "dashboard": DashboardProvider,
        "metric_monitor": MetricMonitorProvider,
        "project": ProjectProvider,
        "team": TeamProvider,
        "alert_contact": AlertContactProvider,
        "integration": IntegrationProvider,
        "maintenance_window": MaintenanceWindowProvider,
        "status_page": StatusPageProvider,
    }[name]()


WEBHOOK = "https://hooks.example.com/x"  # stands in for the resolved secret (never a real one)
# (provider, provider field, inputs the components send for the fixture, fixture case)
OTHER_PROVIDERS = [
    ("alert_contact", "value", {"name": "ops", "type": "email", "value": "ops at example.com"}, "email-invalid"),
    ("integration", "name", {"name": "w" * 61, "type": "slack", "webhook_url": WEBHOOK, "channel": "#x"},
     "webhook-name-long"),
    ("status_page", "name", {"name": "p" * 256}, "page-name-long"),
    ("status_page", "custom_domain", {"name": "S", "custom_domain": "https://status.example.com/"},
     "status-domain"),
    ("maintenance_window", "time", {"name": "N", "interval": "daily", "time": "2am", "duration": 60},
     "window-start"),
    ("maintenance_window", "date", {"name": "M", "interval": "once", "time": "02:00:00", "duration": 60},
     "window-once-no-date"),
    ("maintenance_window", "duration", {"name": "N", "interval": "daily", "time": "02:00:00", "duration": 0.5},
     "window-duration"),
    ("maintenance_window", "days", {"name": "N", "interval": "daily", "time": "02:00:00", "duration": 60,
     "days": [1, 2]}, "window-days-daily"),
    ("maintenance_window", "interval", {"name": "N", "interval": "hourly", "time": "02:00:00", "duration": 60},
     "window-repeat-bad"),
    ("team", "slug", {"slug": "Backend Team!"}, "sentry-slug"),
    ("team", "name", {"slug": "ops", "name": "t" * 65}, "team-name-long"),
    ("project", "slug", {"slug": "settings", "platform": "python", "team": "ops"}, "sentry-reserved-slug"),
    ("project", "platform", {"slug": "api", "platform": "pyhton", "team": "ops"}, "sentry-platform"),
    ("project", "name", {"slug": "api", "platform": "python", "team": "ops", "name": "p" * 51},
     "project-name-long"),
    ("client_key", "name", {"project_id": "1", "name": "k" * 65}, "key-name-long"),
    ("client_key", "rate_limit", {"project_id": "1", "name": "default", "rate_limit": "lots"}, "sentry-key-rate"),
    ("alert", "name", {"name": "a" * 257, "project_id": "1", "triggers": ["first_seen_event"],
     "actions": [{"type": "email", "team_id": "1"}]}, "alert-name-long"),
    ("alert", "interval", {"name": "a", "project_id": "1", "events_above": 10, "interval": "2m",
     "actions": [{"type": "email", "team_id": "1"}]}, "sentry-interval"),
    ("alert", "events_above", {"name": "a", "project_id": "1", "events_above": -1, "interval": "1m",
     "actions": [{"type": "email", "team_id": "1"}]}, "alert-events-negative"),
    ("alert", "triggers", {"name": "a", "project_id": "1", "actions": [{"type": "email", "team_id": "1"}]},
     "alert-never-fires"),
    ("metric_monitor", "name", {"name": "m" * 201, "project_id": "1", "aggregate": "p95(span.duration)",
     "dataset": "spans", "threshold": 1000}, "metric-name-long"),
    ("metric_monitor", "time_window", {"name": "m", "project_id": "1", "aggregate": "p95(span.duration)",
     "dataset": "spans", "threshold": 1000, "time_window": 420}, "sentry-window"),
    ("dashboard", "title", {"title": "d" * 256, "widgets": [{"title": "Errors"}]}, "dashboard-title-long"),
    ("dashboard", "widgets", {"title": "Health", "widgets": []}, "dashboard-empty"),
    ("dashboard", "widgets", {"title": "Health", "widgets": [{"title": "Errors"}, {"title": "Errors"}]},
     "widget-title-duplicate"),
    ("dashboard", "widgets", {"title": "Health", "widgets": [{"title": "Errors", "display": "pie"}]},
     "widget-display-bad"),
]  # fmt: skip

# Monitor rules: the inputs come from the components' own mapping of the fixture's monitor.
MONITOR_CASES = [
    ("name", "name-empty"),
    ("interval", "interval-40d"),
    ("url", "url-not-http"),
    ("url", "host-with-scheme"),
    ("keyword", "keyword-missing"),
    ("port", "port-range"),
    ("timeout", "timeout-over-60"),
    ("grace_period", "heartbeat-grace"),
    ("http_method", "method-unknown"),
    ("success_codes", "expect-status-bad"),
]


def _validate_rejects(project: ProjectDir, case_id: str) -> None:
    case = BY_ID[case_id]
    install(project, case)
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 1, result
    assert [f["rule"] for f in errors_of(json.loads(result.stdout))] == [case.rule], result


@pytest.mark.parametrize(
    ("provider", "field", "inputs", "case_id"), OTHER_PROVIDERS, ids=lambda v: str(v)[:30]
)
def test_what_a_provider_rejects_validate_rejects_first(
    provider: str, field: str, inputs: dict[str, Any], case_id: str, project: ProjectDir
) -> None:
    failures = _provider(provider).check({}, inputs).failures
    assert field in [f.property for f in failures], failures  # the provider rejects it…
    _validate_rejects(project, case_id)  # …and validate already did, offline


@pytest.mark.parametrize(("field", "case_id"), MONITOR_CASES, ids=[c for _, c in MONITOR_CASES])
def test_what_the_monitor_provider_rejects_validate_rejects_first(
    field: str, case_id: str, project: ProjectDir
) -> None:
    from vigil.components.uptime import monitor_args
    from vigil.core.provider import props_of
    from vigil.monitors.monitor import MonitorProvider
    from vigil.spec.loader import read_stack

    install(project, BY_ID[case_id])
    [monitor] = read_stack("t", project.root / "stacks").stack.monitors
    args = monitor_args(monitor, {})
    if case_id == "method-unknown":  # the provider sees what the block holds, whatever its type says
        assert args.http_method == "FETCH"
    failures = MonitorProvider().check({}, props_of(args)).failures
    assert field in [f.property for f in failures], failures
    _validate_rejects(project, case_id)

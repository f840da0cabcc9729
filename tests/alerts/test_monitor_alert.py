"""MetricMonitor (detector) and Alert (workflow) providers against the Sentry emulator."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from tests.alerts.conftest import workflow_churn
from tests.alerts.helpers import checked, create, failures
from tests.conftest import SandboxApi, SentryAccount
from vigil.alerts.alert import AlertProvider
from vigil.alerts.metric_monitor import MetricMonitorProvider
from vigil.alerts.project import ProjectProvider
from vigil.alerts.team import TeamProvider
from vigil.core.inputs import unpack
from vigil.core.sentry import SentryClient

pytestmark = pytest.mark.usefixtures("no_retired_calls")


@pytest.fixture
def ids(sentry: SentryAccount) -> dict[str, str]:
    team, _ = create(TeamProvider(), {"slug": "ops", "name": None})
    project, _ = create(
        ProjectProvider(), {"slug": "backend", "team": "ops", "platform": "python", "name": None}
    )
    return {"team": str(team.id), "project": str(project.id)}


def monitor_props(ids: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "name": "checkout p95", "project_id": ids["project"], "aggregate": "p95(span.duration)",
        "threshold": 1000.0, "time_window": 300.0, "dataset": "spans", "query": "is_transaction:true",
        "environment": "production", "priority": "high", "above": True, "resolve_threshold": None,
        "owner_team_id": ids["team"], **extra,
    }  # fmt: skip


def issue_alert(ids: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "name": "backend errors", "project_id": ids["project"], "metric_monitor_id": None,
        "triggers": ["first_seen_event", "regression_event"], "events_above": 10.0, "interval": "1m",
        "frequency": 30.0, "environment": None, "enabled": True, "min_priority": None,
        "actions": [{"type": "slack", "channel": "alerts"}, {"type": "email", "team_id": ids["team"]}],
        **extra,
    }  # fmt: skip


# --- metric monitor ---------------------------------------------------------------------------------
def test_latency_monitor_is_a_span_detector_with_a_resolve_condition(ids: dict[str, str]) -> None:
    result, inputs = create(MetricMonitorProvider(), monitor_props(ids))
    detector = SentryClient.from_env().get_detector(result.id)
    assert detector is not None and detector["type"] == "metric_issue"
    query = detector["dataSources"][0]["queryObj"]["snubaQuery"]
    assert (query["dataset"], query["eventTypes"], query["timeWindow"]) == (
        "events_analytics_platform", ["trace_item_span"], 300,
    )  # fmt: skip
    results = sorted(c["conditionResult"] for c in detector["conditionGroup"]["conditions"])
    assert results == [0, 75]
    assert detector["owner"]["id"] == ids["team"]
    assert MetricMonitorProvider().diff(result.id, result.outs, inputs).changes is False


def test_monitor_update_keeps_condition_ids(ids: dict[str, str]) -> None:
    provider = MetricMonitorProvider()
    result, _ = create(provider, monitor_props(ids))
    before = SentryClient.from_env().get_detector(result.id)["conditionGroup"]  # type: ignore[index]
    news = checked(provider, monitor_props(ids, threshold=1500, time_window=600))
    assert provider.diff(result.id, result.outs, news).changes is True
    outs = unpack(provider.update(result.id, result.outs, news).outs)  # settings are packed
    assert (outs["threshold"], outs["time_window"]) == (1500.0, 600)
    after = SentryClient.from_env().get_detector(result.id)["conditionGroup"]  # type: ignore[index]
    assert after["id"] == before["id"]
    assert sorted(c["id"] for c in after["conditions"]) == sorted(c["id"] for c in before["conditions"])


def test_monitor_project_change_replaces(ids: dict[str, str]) -> None:
    olds = {**monitor_props(ids), "dataset": "events_analytics_platform"}
    diff = MetricMonitorProvider().diff("1", olds, monitor_props(ids, project_id="4599999999"))
    assert diff.replaces == ["project_id"]


def test_monitor_is_checked_offline() -> None:
    reasons = failures(
        MetricMonitorProvider(),
        {"name": "x", "project_id": "1", "aggregate": "p95(span.duration)", "threshold": 1,
         "time_window": 7, "dataset": "transactions"},
    )  # fmt: skip
    assert "is_transaction:true" in reasons["dataset"]
    assert "300" in reasons["time_window"]
    preview = {
        "name": "x",
        "project_id": Unknown(),
        "aggregate": "count()",
        "threshold": 10,
        "dataset": "errors",
    }
    assert failures(MetricMonitorProvider(), preview) == {}


def test_monitor_drift_and_delete(ids: dict[str, str], sentry: SentryAccount) -> None:
    provider = MetricMonitorProvider()
    result, inputs = create(provider, monitor_props(ids))
    detector = SentryClient.from_env().get_detector(result.id)
    assert detector is not None
    detector["name"] = "renamed by hand"
    body = {k: detector[k] for k in ("type", "name", "conditionGroup", "config")}
    sentry.put(f"organizations/{sentry.org}/detectors/{result.id}/", body)
    read = provider.read(result.id, result.outs)
    assert read.outs["name"] == "renamed by hand"
    assert provider.diff(result.id, read.outs, inputs).changes is True
    provider.delete(result.id, read.outs)
    assert provider.read(result.id, read.outs).id == ""


# --- alert (workflow) ---------------------------------------------------------------------------------
def test_issue_alert_listens_to_the_project_issue_stream(ids: dict[str, str]) -> None:
    client = SentryClient.from_env()
    result, inputs = create(AlertProvider(), issue_alert(ids))
    workflow = client.get_workflow(result.id)
    stream = client.project_detector(ids["project"], "issue_stream")
    assert workflow is not None and stream is not None
    assert workflow["detectorIds"] == [stream["id"]]
    # new issue OR regression OR MORE THAN 10 in 1m: triggers are any-of (as Sentry migrates frequency rules)
    triggers = {c["type"]: c for c in workflow["triggers"]["conditions"]}
    assert sorted(triggers) == ["event_frequency_count", "first_seen_event", "regression_event"]
    assert triggers["event_frequency_count"]["comparison"] == {"value": 10, "interval": "1m"}
    assert workflow["actionFilters"][0]["conditions"] == []
    slack = next(a for a in workflow["actionFilters"][0]["actions"] if a["type"] == "slack")
    assert slack["integrationId"] == client.slack_integration_id()
    assert slack["config"]["targetDisplay"] == "#alerts"
    assert AlertProvider().diff(result.id, result.outs, inputs).changes is False


def test_frequency_only_alert_triggers_on_the_spike(ids: dict[str, str]) -> None:
    result, _ = create(AlertProvider(), issue_alert(ids, triggers=None))
    workflow = SentryClient.from_env().get_workflow(result.id)
    assert workflow is not None and workflow["actionFilters"][0]["conditions"] == []
    [condition] = workflow["triggers"]["conditions"]
    assert condition["type"] == "event_frequency_count"
    assert condition["comparison"] == {"value": 10, "interval": "1m"}


def test_workflow_update_keeps_sub_object_ids(
    ids: dict[str, str], sandbox: SandboxApi, sentry: SentryAccount
) -> None:
    provider = AlertProvider()
    result, _ = create(provider, issue_alert(ids))
    before = SentryClient.from_env().get_workflow(result.id)
    news = checked(provider, issue_alert(ids, frequency=60, events_above=20))
    outs = unpack(provider.update(result.id, result.outs, news).outs)  # settings are packed
    assert (outs["frequency"], outs["events_above"]) == (60, 20)
    after = SentryClient.from_env().get_workflow(result.id)
    assert before is not None and after is not None
    assert after["triggers"]["id"] == before["triggers"]["id"]
    assert sorted(c["id"] for c in after["triggers"]["conditions"]) == sorted(
        c["id"] for c in before["triggers"]["conditions"]
    )
    assert after["actionFilters"][0]["id"] == before["actionFilters"][0]["id"]
    assert sorted(a["id"] for a in after["actionFilters"][0]["actions"]) == sorted(
        a["id"] for a in before["actionFilters"][0]["actions"]
    )
    assert workflow_churn(sandbox, sentry)[result.id] == 0


def test_alert_diff_ignores_order_ids_and_channel_spelling(ids: dict[str, str]) -> None:
    provider = AlertProvider()
    result, _ = create(provider, issue_alert(ids))
    reordered = issue_alert(
        ids,
        triggers=["regression_event", "first_seen_event"],
        actions=[{"type": "email", "team_id": int(ids["team"])}, {"type": "slack", "channel": "#Alerts"}],
    )
    assert provider.diff(result.id, result.outs, reordered).changes is False
    fewer = issue_alert(ids, actions=[{"type": "email", "team_id": ids["team"]}])
    assert provider.diff(result.id, result.outs, fewer).changes is True
    dropped = issue_alert(ids, events_above=None, interval=None)
    assert provider.diff(result.id, result.outs, dropped).changes is True


def test_metric_alert_acts_on_the_monitor(ids: dict[str, str]) -> None:
    monitor, _ = create(MetricMonitorProvider(), monitor_props(ids))
    props = {
        "name": "checkout p95 alert", "project_id": None, "metric_monitor_id": monitor.id, "triggers": None,
        "events_above": None, "interval": None, "frequency": 30, "environment": "production", "enabled": True,
        "min_priority": None, "actions": [{"type": "email", "team_id": ids["team"]}],
    }  # fmt: skip
    result, inputs = create(AlertProvider(), props)
    workflow = SentryClient.from_env().get_workflow(result.id)
    assert workflow is not None and workflow["detectorIds"] == [monitor.id]
    conditions = workflow["actionFilters"][0]["conditions"]
    assert {(c["type"], c["comparison"]) for c in conditions} == {
        ("issue_priority_greater_or_equal", 50), ("issue_priority_deescalating", 50),
    }  # fmt: skip
    assert SentryClient.from_env().get_detector(monitor.id)["workflowIds"] == [result.id]  # type: ignore[index]
    assert AlertProvider().diff(result.id, result.outs, inputs).changes is False


def test_alert_create_adopts_the_same_name_on_the_same_project(ids: dict[str, str]) -> None:
    first, inputs = create(AlertProvider(), issue_alert(ids))
    again = AlertProvider().create(inputs)
    assert again.id == first.id
    assert len(SentryClient.from_env().list_workflows()) == 1


def test_alert_is_checked_offline() -> None:
    reasons = failures(
        AlertProvider(),
        {"name": "x", "project_id": "1", "triggers": ["new_issue"], "events_above": 10, "interval": "1hr",
         "frequency": 15, "actions": [{"type": "pagerduty"}]},
    )  # fmt: skip
    assert set(reasons) == {"triggers", "interval", "frequency", "actions"}
    assert "'1h'" not in reasons["interval"] and "1h" in reasons["interval"]
    both = failures(
        AlertProvider(), {"name": "x", "project_id": "1", "metric_monitor_id": "2", "actions": []}
    )
    assert "exactly one" in both["project_id"]
    preview = {"name": "x", "project_id": Unknown(), "triggers": ["first_seen_event"], "frequency": 30,
               "actions": [{"type": "email", "team_id": Unknown()}]}  # fmt: skip
    assert failures(AlertProvider(), preview) == {}
    assert AlertProvider().diff("1", {"project_id": "1"}, preview).changes is True


def test_alert_drift_and_delete(ids: dict[str, str], sentry: SentryAccount) -> None:
    provider = AlertProvider()
    result, inputs = create(provider, issue_alert(ids))
    workflow = SentryClient.from_env().get_workflow(result.id)
    assert workflow is not None
    workflow["config"] = {"frequency": 1440}
    sentry.put(f"organizations/{sentry.org}/workflows/{result.id}/", workflow)
    read = provider.read(result.id, result.outs)
    assert unpack(read.outs)["frequency"] == 1440
    assert provider.diff(result.id, read.outs, inputs).changes is True
    provider.delete(result.id, read.outs)
    assert provider.read(result.id, read.outs).id == ""
    provider.delete(result.id, read.outs)

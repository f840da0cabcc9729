"""Sentry and Slack through the real engine: teams, projects, keys, alerts, monitors, dashboard, channel."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ProjectDir, SandboxApi, SentryAccount, SlackAccount

pytestmark = pytest.mark.engine

STACK_MODULE = """
from vigil.spec import *
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    return Stack(app="s", env=env, sentry_environment="test", blocks=[
        SentryTeam(slug="core"),
        SentryProject(slug="backend", platform=values.get("platform", "python-fastapi"), team="core",
                      traces_sample_rate=0.1),
        ErrorAlert(name="backend errors", project="backend", events_above=values.get("spike", 10), per="1m",
                   notify=("team", "#incidents"), environment="test"),
        LatencyMonitor(name="backend p95", project="backend", p95_over=values.get("p95", "1s"), for_="5m",
                       notify=("team",), environment="test"),
        Dashboard(title="Health", widgets=(Widget(title="Errors", display="big_number"),)),
        SlackChannel(name=values.get("channel", "incidents")),
    ])
"""


@pytest.fixture
def sentry_project(project: ProjectDir) -> ProjectDir:
    (project.root / "stacks" / "s.py").write_text(STACK_MODULE)
    return project


def workflows(account: SentryAccount) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in account.get(f"organizations/{account.org}/workflows/").json()}


def test_up_creates_the_sentry_organization_as_declared(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    sentry_project.write_env("t", "app: s\n")
    result = sentry_project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    [team] = sentry.get(f"organizations/{sentry.org}/teams/").json()
    [project] = sentry.get(f"organizations/{sentry.org}/projects/").json()
    assert (team["slug"], project["slug"], project["platform"]) == ("core", "backend", "python-fastapi")
    keys = sentry.get(f"projects/{sentry.org}/{project['id']}/keys/").json()
    assert [k["name"] for k in keys] == ["Default"]  # the project's own key is adopted, not doubled
    alerts = workflows(sentry)
    assert set(alerts) == {"backend errors", "backend p95 alert"}
    errors = alerts["backend errors"]
    assert errors["environment"] == "test"
    # "a new issue OR more than 10 events in 1 minute": both are triggers (any-of)
    triggers = {c["type"]: c for c in errors["triggers"]["conditions"]}
    assert set(triggers) == {"first_seen_event", "event_frequency_count"}
    assert triggers["event_frequency_count"]["comparison"] == {"value": 10, "interval": "1m"}
    actions = {a["type"]: a for a in errors["actionFilters"][0]["actions"]}
    assert actions["email"]["config"] == {"targetType": "team", "targetIdentifier": team["id"]}
    assert actions["slack"]["config"]["targetDisplay"] == "#incidents"
    [monitor] = sentry.get(f"organizations/{sentry.org}/detectors/", query="type:metric_issue").json()
    snuba = monitor["dataSources"][0]["queryObj"]["snubaQuery"]
    assert (snuba["aggregate"], snuba["timeWindow"], snuba["query"]) == (
        "p95(span.duration)",
        300,
        "is_transaction:true",
    )
    assert alerts["backend p95 alert"]["detectorIds"] == [monitor["id"]]
    [dashboard] = sentry.get(f"organizations/{sentry.org}/dashboards/").json()
    assert dashboard["title"] == "Health"
    channels = {c["name"] for c in slack.call("conversations.list")["channels"]}
    assert "incidents" in channels
    clean = sentry_project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
    assert clean.exit_code == 0, clean


def test_the_dsn_is_secret_everywhere_but_outputs_show_secrets(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    sentry_project.write_env("t", "app: s\n")
    up = sentry_project.vigil("up", "--env", "t", "--yes", "--json")
    assert up.exit_code == 0, up
    [project] = sentry.get(f"organizations/{sentry.org}/projects/").json()
    [key] = sentry.get(f"projects/{sentry.org}/{project['id']}/keys/").json()
    dsn = key["dsn"]["public"]
    masked = sentry_project.vigil("outputs", "--env", "t", "--format", "json")
    assert masked.exit_code == 0, masked
    assert masked.json["outputs"]["SENTRY_DSN_BACKEND"] == "[secret]" and dsn not in masked.stdout
    shown = sentry_project.vigil("outputs", "--env", "t", "--format", "dotenv", "--show-secrets")
    assert f"SENTRY_DSN_BACKEND={dsn}" in shown.stdout
    assert (
        "SENTRY_ENVIRONMENT=test" in shown.stdout and "SENTRY_TRACES_SAMPLE_RATE_BACKEND=0.1" in shown.stdout
    )
    state_files = list((sentry_project.root.parent / "state").rglob("*.json"))
    assert state_files, "the up wrote no state file to search"
    for path in state_files:
        text = path.read_text()
        assert key["public"] not in text and slack.token not in text and sentry.token not in text


def test_updates_in_place_keep_workflow_sub_object_ids(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount, sandbox: SandboxApi
) -> None:
    import requests

    sentry_project.write_env("t", "app: s\n")
    assert sentry_project.vigil("up", "--env", "t", "--yes").exit_code == 0
    before = workflows(sentry)["backend errors"]
    sentry_project.write_env("t", "app: s\nspike: 25\np95: 2s\nchannel: incidents-v2\n")
    preview = sentry_project.vigil("preview", "--env", "t", "--json")
    ops = {c["name"]: (c["op"], [f["field"] for f in c["fields"]]) for c in preview.json["changes"]}
    assert ops["alert-backend-errors"] == ("update", ["events_above"])
    assert ops["monitor-backend-p95"] == ("update", ["threshold"])
    assert ops["slack-channel"][0] == "update"
    assert sentry_project.vigil("up", "--env", "t", "--yes").exit_code == 0
    after = workflows(sentry)["backend errors"]
    assert after["id"] == before["id"]
    frequency = next(c for c in after["triggers"]["conditions"] if c["type"] == "event_frequency_count")
    assert frequency["comparison"]["value"] == 25
    churn = requests.get(
        f"{sandbox.url}/_sandbox/sentry/workflow-churn", params={"account": sentry.token}, timeout=10
    ).json()
    assert churn[after["id"]] == 0  # every sub-object kept its id
    [monitor] = sentry.get(f"organizations/{sentry.org}/detectors/", query="type:metric_issue").json()
    assert monitor["conditionGroup"]["conditions"][0]["comparison"] == 2000.0
    channels = {c["name"] for c in slack.call("conversations.list")["channels"]}
    assert "incidents-v2" in channels and "incidents" not in channels  # renamed in place


def test_invalid_platform_fails_before_any_request(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount, sandbox: SandboxApi
) -> None:
    sentry_project.write_env("t", "app: s\nplatform: python-fastapy\n")
    result = sentry_project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 1
    [finding] = result.json["error"]["details"]
    assert finding["rule"] == "platform" and "python-fastapi" in finding["fix"]
    assert sandbox.requests_made("sentry", sentry.token) == {}


def test_no_retired_endpoint_is_ever_called(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount, sandbox: SandboxApi
) -> None:
    import requests

    sentry_project.write_env("t", "app: s\n")
    assert sentry_project.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert sentry_project.vigil("drift", "--env", "t").exit_code == 0
    assert sentry_project.vigil("destroy", "--env", "t", "--yes").exit_code == 0
    retired = requests.get(
        f"{sandbox.url}/_sandbox/sentry/retired-calls", params={"account": sentry.token}, timeout=10
    ).json()
    assert retired == {"retired_calls": 0}
    assert sentry.get(f"organizations/{sentry.org}/projects/").json() == []


def test_ten_previews_right_after_up_are_clean(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    sentry_project.write_env("t", "app: s\n")
    assert sentry_project.vigil("up", "--env", "t", "--yes").exit_code == 0
    for attempt in range(10):
        result = sentry_project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
        assert result.exit_code == 0, (attempt, result)


def test_drift_reports_sentry_changes_deletions_and_unmanaged_projects(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    import requests

    sentry_project.write_env("t", "app: s\n")
    assert sentry_project.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert sentry_project.vigil("drift", "--env", "t").exit_code == 0
    [team] = sentry.get(f"organizations/{sentry.org}/teams/").json()
    [dashboard] = sentry.get(f"organizations/{sentry.org}/dashboards/").json()
    headers = {"Authorization": f"Bearer {sentry.token}"}
    requests.delete(
        f"{sentry.url}/api/0/organizations/{sentry.org}/dashboards/{dashboard['id']}/",
        headers=headers,
        timeout=10,
    ).raise_for_status()
    assert sentry.put(f"projects/{sentry.org}/backend/", {"platform": "python-django"}).status_code == 200
    made = sentry.post(
        f"teams/{sentry.org}/{team['slug']}/projects/", {"name": "by-hand", "platform": "python"}
    )
    assert made.status_code == 201
    errors = workflows(sentry)["backend errors"]
    edited = sentry.put(
        f"organizations/{sentry.org}/workflows/{errors['id']}/", {**errors, "environment": "staging"}
    )
    assert edited.status_code == 200, edited.text
    result = sentry_project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    changed = {i["type"]: i["fields"] for i in result.json["changed"]}
    assert set(changed) == {"sentry:Project", "sentry:Alert"}
    assert changed["sentry:Project"] == [
        {"field": "platform", "desired": "python-fastapi", "live": "python-django"}
    ]
    assert changed["sentry:Alert"] == [{"field": "environment", "desired": "test", "live": "staging"}]
    assert [i["type"] for i in result.json["missing"]] == ["sentry:Dashboard"]
    unmanaged = sorted((i["type"], i["name"]) for i in result.json["unmanaged"])
    # the hand-made project, and the default alert Sentry created with it
    assert unmanaged == [
        ("sentry:Alert", "Send a notification for high priority issues in by-hand"),
        ("sentry:Project", "by-hand"),
    ]


def test_drift_lists_hand_made_teams_dashboards_and_keys_of_the_stacks_projects(
    sentry_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    sentry_project.write_env("t", "app: s\n")
    assert sentry_project.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert sentry_project.vigil("drift", "--env", "t").exit_code == 0  # its own team, key, dashboard
    assert sentry.post(f"organizations/{sentry.org}/teams/", {"slug": "by-hand"}).status_code == 201
    board = {"title": "Hand-made", "widgets": []}
    assert sentry.post(f"organizations/{sentry.org}/dashboards/", board).status_code == 201
    key = sentry.post(f"projects/{sentry.org}/backend/keys/", {"name": "ci key"})
    assert key.status_code == 201, key.text
    result = sentry_project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    unmanaged = sorted((i["type"], i["name"]) for i in result.json["unmanaged"])
    assert unmanaged == [
        ("sentry:ClientKey", "ci key"),
        ("sentry:Dashboard", "Hand-made"),
        ("sentry:Team", "by-hand"),
    ]
    assert key.json()["id"] not in result.stdout  # a key id is a secret: shown as the state's digest

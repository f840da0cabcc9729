"""The Sentry emulator acts on what it ingests: issues by fingerprint or exception, workflows that fire
on a new issue or more than N events, environment filters, Slack and e-mail actions, and metric
monitors on the p95 of transaction durations. Real HTTP against the session sandbox; each test has
its own organization and Slack workspace."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi


@dataclass
class Org:
    url: str
    token: str
    org: str
    sandbox: str
    slack_token: str

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **params: Any) -> Any:
        response = requests.request(
            method, f"{self.url}/api/0/{path.format(org=self.org)}", json=body, params=params or None,
            headers={"Authorization": f"Bearer {self.token}"}, timeout=10,
        )  # fmt: skip
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def control(self, path: str) -> Any:
        return requests.get(
            f"{self.sandbox}/_sandbox/sentry/{path}", params={"account": self.token}, timeout=10
        ).json()

    def slack_messages(self, count: int = 1) -> list[dict[str, Any]]:
        """The workspace's messages once ``count`` arrived (posts go out after the event is stored)."""
        deadline = time.monotonic() + 20
        while True:
            response = requests.get(
                f"{self.sandbox}/_sandbox/slack/messages", params={"account": self.slack_token}, timeout=10
            )
            messages = list(response.json()["messages"])
            if len(messages) >= count or time.monotonic() > deadline:
                return messages
            time.sleep(0.05)

    def fired(self) -> list[dict[str, Any]]:
        """What the workflows decided to send (recorded when the event is ingested)."""
        return list(self.control("notifications")["notifications"])


@pytest.fixture
def org(sandbox: SandboxApi) -> Org:
    slack = sandbox.account("slack")
    requests.post(f"{slack['url']}/conversations.create", json={"name": "incidents"},
                  headers={"Authorization": f"Bearer {slack['token']}"}, timeout=10)  # fmt: skip
    created = sandbox.account("sentry", slack_token=slack["token"])
    return Org(created["url"], created["token"], created["org"], sandbox.url, slack["token"])


def _project(org: Org) -> tuple[dict[str, Any], str, str]:
    org.ok("POST", "organizations/{org}/teams/", {"slug": "ops"}, status=201)
    project = org.ok("POST", "teams/{org}/ops/projects/", {"name": "Backend", "slug": "backend",
                                                           "default_rules": False}, status=201)  # fmt: skip
    [key] = org.ok("GET", f"projects/{{org}}/{project['id']}/keys/")
    scheme, rest = key["dsn"]["public"].split("://")
    public, host_path = rest.split("@")
    base, project_id = host_path.rsplit("/", 1)
    detectors = org.ok("GET", "organizations/{org}/detectors/", project=project["id"])
    stream = next(d["id"] for d in detectors if d["type"] == "issue_stream")
    return project, f"{scheme}://{base}/api/{project_id}/envelope/?sentry_key={public}", stream


def _send(endpoint: str, kind: str = "event", **payload: Any) -> None:
    event_id = uuid.uuid4().hex
    body = json.dumps({"event_id": event_id, "platform": "python", **payload}).encode()
    envelope = json.dumps({"event_id": event_id}).encode() + b"\n"
    envelope += json.dumps({"type": kind, "length": len(body)}).encode() + b"\n" + body + b"\n"
    assert requests.post(endpoint, data=envelope, timeout=10).status_code == 200


def _error(endpoint: str, kind: str = "ValueError", value: str = "boom", **extra: Any) -> None:
    _send(endpoint, exception={"values": [{"type": kind, "value": value}]}, level="error", **extra)


def _workflow(org: Org, detector: str, triggers: list[dict[str, Any]], actions: list[dict[str, Any]],
              environment: str | None = None) -> dict[str, Any]:  # fmt: skip
    body = {
        "name": "errors", "enabled": True, "environment": environment, "config": {"frequency": 30},
        "detectorIds": [detector], "triggers": {"logicType": "any-short", "conditions": triggers},
        "actionFilters": [{"logicType": "all", "conditions": [], "actions": actions}],
    }  # fmt: skip
    return dict(org.ok("POST", "organizations/{org}/workflows/", body, status=201))


def _slack_action(org: Org) -> dict[str, Any]:
    [slack] = org.ok("GET", "organizations/{org}/integrations/", providerKey="slack")
    return {"type": "slack", "integrationId": slack["id"], "data": {},
            "config": {"targetType": "specific", "targetDisplay": "incidents"}}  # fmt: skip


NEW_ISSUE = {"type": "first_seen_event", "comparison": True, "conditionResult": True}


def test_events_group_by_fingerprint_else_exception_type_and_message(org: Org) -> None:
    _, endpoint, _ = _project(org)
    _error(endpoint, "ValueError", "boom")
    _error(endpoint, "ValueError", "boom")
    _error(endpoint, "KeyError", "boom")
    _error(endpoint, "ValueError", "one", fingerprint=["db-down"])
    _error(endpoint, "TypeError", "two", fingerprint=["db-down"])
    issues = org.control("issues")["issues"]
    assert sorted((i["title"], i["count"]) for i in issues) == [
        ("KeyError: boom", 1), ("ValueError: boom", 2), ("ValueError: one", 2)
    ]  # fmt: skip


def test_a_new_issue_posts_to_slack_once_and_mails_the_team(org: Org) -> None:
    _, endpoint, stream = _project(org)
    team = org.ok("GET", "teams/{org}/ops/")
    email = {
        "type": "email",
        "integrationId": None,
        "config": {"targetType": "team", "targetIdentifier": team["id"]},
        "data": {},  # required, as every action's (Sentry's BaseActionValidator)
    }
    _workflow(org, stream, [NEW_ISSUE], [_slack_action(org), email])
    _error(endpoint, "RuntimeError", "drill")
    _error(endpoint, "RuntimeError", "drill")  # the same issue: not new
    assert sorted(n["channel"] for n in org.fired()) == ["email", "slack"]
    [message] = org.slack_messages()
    assert message["text"].startswith("[backend] RuntimeError: drill")
    [mail] = org.control("outbox")["emails"]
    assert mail["to"] == "team:ops" and mail["subject"] == "[Sentry] RuntimeError: drill"


def test_more_than_n_events_in_the_interval_fires_on_the_event_that_crosses_it(org: Org) -> None:
    _, endpoint, stream = _project(org)
    frequency = {
        "type": "event_frequency_count",
        "comparison": {"value": 3, "interval": "1m"},
        "conditionResult": True,
    }
    _workflow(org, stream, [frequency], [_slack_action(org)])
    for _ in range(3):
        _error(endpoint, "ValueError", "spike")
    assert org.fired() == []  # 3 is not more than 3
    _error(endpoint, "ValueError", "spike")
    assert len(org.slack_messages()) == 1


def test_the_environment_filter_ignores_other_environments(org: Org) -> None:
    _, endpoint, stream = _project(org)
    _workflow(org, stream, [NEW_ISSUE], [_slack_action(org)], environment="production")
    _error(endpoint, "ValueError", "staging only", environment="staging")
    assert org.fired() == []
    _error(endpoint, "ValueError", "in production", environment="production")
    assert [m["text"].split(" (")[0] for m in org.slack_messages()] == ["[backend] ValueError: in production"]


def test_a_metric_monitor_opens_an_issue_when_p95_is_above_its_threshold(org: Org) -> None:
    project, endpoint, _ = _project(org)
    detector = org.ok("POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", {
        "type": "metric_issue", "name": "p95 > 1s",
        "dataSources": [{"dataset": "events_analytics_platform", "eventTypes": ["trace_item_span"],
                         "aggregate": "p95(span.duration)", "query": "is_transaction:true", "queryType": 1,
                         "timeWindow": 300, "environment": "production"}],
        "conditionGroup": {"logicType": "any", "conditions": [
            {"type": "gt", "comparison": 1000, "conditionResult": 75},
            {"type": "lte", "comparison": 1000, "conditionResult": 0}]},
        "config": {"detectionType": "static"},
    }, status=201)  # fmt: skip
    priority = {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True}
    body = {"name": "p95 to Slack", "enabled": True, "config": {"frequency": 30}, "detectorIds": [detector["id"]],
            "triggers": {"logicType": "any-short", "conditions": []},
            "actionFilters": [{"logicType": "any", "conditions": [priority], "actions": [_slack_action(org)]}]}  # fmt: skip
    org.ok("POST", "organizations/{org}/workflows/", body, status=201)
    now = time.time()
    for ms in (200, 300, 250):  # fast: p95 below 1 s
        _send(endpoint, "transaction", transaction="/api", environment="production",
              start_timestamp=now, timestamp=now + ms / 1000)  # fmt: skip
    assert org.fired() == []
    for _ in range(3):  # slow: p95 above
        _send(endpoint, "transaction", transaction="/api", environment="production",
              start_timestamp=now, timestamp=now + 2.5)  # fmt: skip
    issues = [i for i in org.control("issues")["issues"] if i["kind"] == "metric"]
    assert len(issues) == 1 and issues[0]["title"].startswith("p95 > 1s: p95 2500 ms")
    assert len(org.slack_messages()) == 1

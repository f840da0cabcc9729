"""The Sentry emulator's resources over real HTTP: each write is checked by a later read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi


@dataclass
class Sentry:
    """One emulated organization, called as a client of sentry.io would."""

    url: str
    token: str
    org: str

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return requests.request(
            method,
            f"{self.url}/api/0/{path.format(org=self.org)}",
            json=body,
            params=params or None,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
            allow_redirects=False,
        )

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **params: Any) -> Any:
        response = self.call(method, path, body, **params)
        assert response.status_code == status, response.text
        return response.json() if response.content else None


@pytest.fixture
def sentry(sandbox: SandboxApi) -> Sentry:
    """A fresh organization (its own token) for each test; overrides the conftest fixture of that name."""
    created = sandbox.account("sentry")
    return Sentry(created["url"], created["token"], created["org"])


def make_project(sentry: Sentry, slug: str = "backend", **extra: Any) -> dict[str, Any]:
    """A project of team "ops" (created on first use)."""
    if sentry.call("GET", "teams/{org}/ops/").status_code == 404:
        sentry.ok("POST", "organizations/{org}/teams/", {"slug": "ops"}, status=201)
    body = {"name": slug.title(), "slug": slug, "platform": "python-fastapi", **extra}
    return dict(sentry.ok("POST", "teams/{org}/ops/projects/", body, status=201))


METRIC_DETECTOR = {
    "type": "metric_issue",
    "name": "p95 > 1s",
    "dataSources": [
        {
            "dataset": "events_analytics_platform",
            "eventTypes": ["trace_item_span"],
            "aggregate": "p95(span.duration)",
            "query": "is_transaction:true",
            "queryType": 1,
            "timeWindow": 300,
            "environment": "production",
        }
    ],
    "conditionGroup": {
        "logicType": "any",
        "conditions": [
            {"type": "gt", "comparison": 1000, "conditionResult": 75},
            {"type": "lte", "comparison": 1000, "conditionResult": 0},
        ],
    },
    "config": {"detectionType": "static"},
}


# --- credentials and organization --------------------------------------------------------------
def test_account_credentials_name_the_host_root_token_and_org(sandbox: SandboxApi) -> None:
    created = sandbox.account("sentry", org="acme")
    assert set(created) == {"url", "token", "org", "org_id"}
    assert created["url"].endswith("/sentry") and created["org"] == "acme"
    assert created["token"].startswith("sntry_sbx_")
    org = Sentry(created["url"], created["token"], "acme").ok("GET", "organizations/{org}/")
    assert (org["slug"], org["id"]) == ("acme", created["org_id"])


def test_numeric_org_id_works_in_paths(sandbox: SandboxApi) -> None:
    created = sandbox.account("sentry")
    by_id = Sentry(created["url"], created["token"], created["org_id"])
    assert by_id.ok("GET", "organizations/{org}/teams/") == []


# --- teams -------------------------------------------------------------------------------------
def test_team_create_read_update_delete(sentry: Sentry) -> None:
    team = sentry.ok("POST", "organizations/{org}/teams/", {"slug": "backend"}, status=201)
    assert (team["slug"], team["name"]) == ("backend", "backend") and team["id"].isdigit()
    sentry.ok("PUT", f"teams/{{org}}/{team['id']}/", {"slug": "platform"})
    assert sentry.ok("GET", "teams/{org}/platform/")["id"] == team["id"]
    assert [t["slug"] for t in sentry.ok("GET", "organizations/{org}/teams/", detailed=0)] == ["platform"]
    assert sentry.call("DELETE", "teams/{org}/platform/").status_code == 204
    assert sentry.call("GET", f"teams/{{org}}/{team['id']}/").status_code == 404


def test_team_slug_collision_is_409_with_non_field_errors(sentry: Sentry) -> None:
    sentry.ok("POST", "organizations/{org}/teams/", {"slug": "backend"}, status=201)
    response = sentry.call("POST", "organizations/{org}/teams/", {"slug": "backend"})
    assert response.status_code == 409
    assert response.json()["non_field_errors"] == ["A team with this slug already exists."]


def test_team_list_filters_by_slug_query(sentry: Sentry) -> None:
    for slug in ("alpha", "beta"):
        sentry.ok("POST", "organizations/{org}/teams/", {"slug": slug}, status=201)
    found = sentry.ok("GET", "organizations/{org}/teams/", query="slug:beta")
    assert [t["slug"] for t in found] == ["beta"]


# --- projects ----------------------------------------------------------------------------------
def test_project_create_is_team_bound_and_read_back(sentry: Sentry) -> None:
    project = make_project(sentry)
    assert project["slug"] == "backend" and project["platform"] == "python-fastapi"
    read = sentry.ok("GET", f"projects/{{org}}/{project['id']}/")
    assert [t["slug"] for t in read["teams"]] == ["ops"]
    assert read["organization"]["slug"] == sentry.org
    listed = sentry.ok("GET", "organizations/{org}/projects/")
    assert [p["id"] for p in listed] == [project["id"]]


def test_project_explicit_slug_collision_is_409(sentry: Sentry) -> None:
    make_project(sentry)
    response = sentry.call("POST", "teams/{org}/ops/projects/", {"name": "Again", "slug": "backend"})
    assert response.status_code == 409
    assert response.json() == {"detail": "A project with this slug already exists."}


def test_project_generated_slug_is_made_unique(sentry: Sentry) -> None:
    make_project(sentry)
    again = sentry.ok("POST", "teams/{org}/ops/projects/", {"name": "Backend"}, status=201)
    assert again["slug"] != "backend" and again["slug"].startswith("backend")


@pytest.mark.parametrize("platform", ["python", "javascript-angular", "node", "python-fastapi"])
def test_project_accepts_known_platforms(sentry: Sentry, platform: str) -> None:
    project = make_project(sentry, platform=platform)
    assert sentry.ok("GET", f"projects/{{org}}/{project['id']}/")["platform"] == platform


def test_project_rejects_unknown_platform(sentry: Sentry) -> None:
    sentry.ok("POST", "organizations/{org}/teams/", {"slug": "ops"}, status=201)
    response = sentry.call("POST", "teams/{org}/ops/projects/", {"name": "X", "platform": "cobol"})
    assert response.status_code == 400
    assert response.json() == {"platform": ["Invalid platform"]}
    assert sentry.ok("GET", "organizations/{org}/projects/") == []


def test_project_update_and_delete(sentry: Sentry) -> None:
    project = make_project(sentry)
    path = f"projects/{{org}}/{project['id']}/"
    sentry.ok("PUT", path, {"name": "Backend API", "resolveAge": 72, "subjectPrefix": "[api]"})
    read = sentry.ok("GET", path)
    assert (read["name"], read["resolveAge"], read["subjectPrefix"]) == ("Backend API", 72, "[api]")
    assert sentry.call("PUT", path, {"digestsMinDelay": 5}).status_code == 400
    assert sentry.call("DELETE", path).status_code == 204
    assert sentry.call("GET", path).status_code == 404


def test_project_update_to_taken_slug_is_400(sentry: Sentry) -> None:
    make_project(sentry, "backend")
    frontend = make_project(sentry, "frontend")
    response = sentry.call("PUT", f"projects/{{org}}/{frontend['id']}/", {"slug": "backend"})
    assert response.status_code == 400
    assert response.json() == {"slug": ["Another project (Backend) is already using that slug"]}


def test_renamed_project_old_slug_answers_302_resource_moved(sentry: Sentry) -> None:
    project = make_project(sentry, "backend")
    sentry.ok("PUT", "projects/{org}/backend/", {"slug": "api"})
    response = sentry.call("GET", "projects/{org}/backend/keys/")
    assert response.status_code == 302
    detail = response.json()["detail"]
    assert detail["code"] == "resource-moved" and detail["extra"]["slug"] == "api"
    assert response.headers["Location"].endswith(f"/api/0/projects/{sentry.org}/api/keys/")
    assert sentry.ok("GET", "projects/{org}/api/")["id"] == project["id"]


def test_new_project_gets_default_key_detectors_and_workflow(sentry: Sentry) -> None:
    project = make_project(sentry)
    keys = sentry.ok("GET", f"projects/{{org}}/{project['id']}/keys/")
    assert [k["name"] for k in keys] == ["Default"]
    detectors = sentry.ok("GET", "organizations/{org}/detectors/", project=project["id"])
    assert sorted(d["type"] for d in detectors) == ["error", "issue_stream"]
    stream = next(d for d in detectors if d["type"] == "issue_stream")
    workflows = sentry.ok("GET", "organizations/{org}/workflows/")
    assert len(workflows) == 1 and workflows[0]["detectorIds"] == [stream["id"]]


def test_default_rules_false_creates_no_workflow(sentry: Sentry) -> None:
    make_project(sentry, default_rules=False)
    assert sentry.ok("GET", "organizations/{org}/workflows/") == []


# --- client keys -------------------------------------------------------------------------------
def test_key_create_read_update_delete(sentry: Sentry) -> None:
    project = make_project(sentry)
    keys = f"projects/{{org}}/{project['id']}/keys/"
    key = sentry.ok("POST", keys, {"name": "frontend"}, status=201)
    assert key["id"] == key["public"] and key["projectId"] == int(project["id"])
    sentry.ok("PUT", f"{keys}{key['id']}/", {"name": "web", "isActive": False})
    read = sentry.ok("GET", f"{keys}{key['id']}/")
    assert (read["name"], read["isActive"]) == ("web", False)
    assert sentry.call("DELETE", f"{keys}{key['id']}/").status_code == 204
    assert sentry.call("GET", f"{keys}{key['id']}/").status_code == 404


def test_key_dsn_points_back_at_the_emulator(sentry: Sentry) -> None:
    project = make_project(sentry)
    [key] = sentry.ok("GET", f"projects/{{org}}/{project['id']}/keys/")
    host = sentry.url.split("://")[1]  # 127.0.0.1:<port>/sentry
    assert key["dsn"]["public"] == f"http://{key['public']}@{host}/{project['id']}"


def test_key_rate_limit_is_null_without_the_plan_feature(sentry: Sentry) -> None:
    project = make_project(sentry)
    body = {"name": "limited", "rateLimit": {"window": 60, "count": 1000}}
    key = sentry.ok("POST", f"projects/{{org}}/{project['id']}/keys/", body, status=201)
    assert key["rateLimit"] is None


def test_key_rate_limit_sticks_with_the_plan_feature(sandbox: SandboxApi) -> None:
    created = sandbox.account("sentry", features=["organizations:incidents", "projects:rate-limits"])
    sentry = Sentry(created["url"], created["token"], created["org"])
    project = make_project(sentry)
    body = {"name": "limited", "rateLimit": {"window": 60, "count": 1000}}
    key = sentry.ok("POST", f"projects/{{org}}/{project['id']}/keys/", body, status=201)
    read = sentry.ok("GET", f"projects/{{org}}/{project['id']}/keys/{key['id']}/")
    assert read["rateLimit"] == {"window": 60, "count": 1000}


# --- detectors (monitors) ----------------------------------------------------------------------
def test_metric_detector_create_read_update_delete(sentry: Sentry) -> None:
    project = make_project(sentry)
    created = sentry.ok(
        "POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", METRIC_DETECTOR, status=201
    )
    path = f"organizations/{{org}}/detectors/{created['id']}/"
    read = sentry.ok("GET", path)
    conditions = read["conditionGroup"]["conditions"]
    assert all(c["id"] for c in conditions) and read["projectId"] == project["id"]
    assert read["dataSources"][0]["queryObj"]["snubaQuery"]["timeWindow"] == 300
    sentry.ok("PUT", path, {**METRIC_DETECTOR, "name": "p95 > 2s", "conditionGroup": read["conditionGroup"]})
    again = sentry.ok("GET", path)
    assert again["name"] == "p95 > 2s"
    assert [c["id"] for c in again["conditionGroup"]["conditions"]] == [c["id"] for c in conditions]
    assert sentry.call("DELETE", path).status_code == 204
    assert sentry.call("GET", path).status_code == 404


def test_org_scoped_detector_create_takes_project_id(sentry: Sentry) -> None:
    project = make_project(sentry)
    body = {**METRIC_DETECTOR, "projectId": project["id"]}
    created = sentry.ok("POST", "organizations/{org}/detectors/", body, status=201)
    listed = sentry.ok("GET", "organizations/{org}/detectors/", query="type:metric_issue")
    assert [d["id"] for d in listed] == [created["id"]]


def test_metric_detector_without_resolve_condition_is_400(sentry: Sentry) -> None:
    project = make_project(sentry)
    body = {**METRIC_DETECTOR, "conditionGroup": {"logicType": "any", "conditions": [
        {"type": "gt", "comparison": 1000, "conditionResult": 75}]}}  # fmt: skip
    response = sentry.call("POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", body)
    assert response.status_code == 400
    assert "Resolution condition required" in response.json()["conditionGroup"]["conditions"][0]


def test_metric_detector_time_window_is_in_seconds(sentry: Sentry) -> None:
    project = make_project(sentry)
    source = {**METRIC_DETECTOR["dataSources"][0], "timeWindow": 5}  # type: ignore[index]
    body = {**METRIC_DETECTOR, "dataSources": [source]}
    response = sentry.call("POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", body)
    assert response.status_code == 400 and "timeWindow" in response.json()["dataSources"]


def test_metric_detector_needs_the_incidents_feature(sandbox: SandboxApi) -> None:
    created = sandbox.account("sentry", features=[])
    sentry = Sentry(created["url"], created["token"], created["org"])
    project = make_project(sentry)
    response = sentry.call(
        "POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", METRIC_DETECTOR
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["Unable to process request, confirm payment options."]}


def test_uptime_detector_is_created_and_filtered_by_alias(sentry: Sentry) -> None:
    project = make_project(sentry)
    body = {
        "type": "uptime_domain_failure",
        "name": "api health",
        "dataSources": [{"url": "https://api.example.com/health", "method": "GET", "intervalSeconds": 300,
                         "timeoutMs": 5000, "headers": [], "body": None, "traceSampling": False}],
        "config": {"mode": 1, "environment": "production", "downtimeThreshold": 3, "recoveryThreshold": 1},
    }  # fmt: skip
    sentry.ok("POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", body, status=201)
    [found] = sentry.ok("GET", "organizations/{org}/detectors/", query="type:uptime")
    assert found["dataSources"][0]["type"] == "uptime_subscription"
    assert found["dataSources"][0]["queryObj"]["url"] == "https://api.example.com/health"


def test_system_detectors_cannot_be_deleted(sentry: Sentry) -> None:
    project = make_project(sentry)
    [error] = sentry.ok("GET", "organizations/{org}/detectors/", project=project["id"], query="type:error")
    assert sentry.call("DELETE", f"organizations/{{org}}/detectors/{error['id']}/").status_code == 400
    assert sentry.call("GET", f"organizations/{{org}}/detectors/{error['id']}/").status_code == 200


# --- workflows (alerts) ------------------------------------------------------------------------
def _slack_workflow(sentry: Sentry, detector_id: str) -> dict[str, Any]:
    [slack] = sentry.ok("GET", "organizations/{org}/integrations/", providerKey="slack")
    return {
        "name": "p95 to Slack",
        "enabled": True,
        "config": {"frequency": 30},
        "detectorIds": [detector_id],
        "triggers": {"logicType": "any-short", "conditions": []},
        "actionFilters": [
            {
                "logicType": "any",
                "conditions": [
                    {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True}
                ],
                "actions": [
                    {"type": "slack", "integrationId": slack["id"], "data": {},
                     "config": {"targetType": "specific", "targetDisplay": "incidents"}}
                ],
            }
        ],
    }  # fmt: skip


def test_workflow_resolves_slack_channel_and_reads_back(sentry: Sentry) -> None:
    project = make_project(sentry, default_rules=False)
    detector = sentry.ok(
        "POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", METRIC_DETECTOR, status=201
    )
    created = sentry.ok(
        "POST", "organizations/{org}/workflows/", _slack_workflow(sentry, detector["id"]), status=201
    )
    read = sentry.ok("GET", f"organizations/{{org}}/workflows/{created['id']}/")
    action = read["actionFilters"][0]["actions"][0]
    assert action["config"]["targetDisplay"] == "#incidents"
    assert action["config"]["targetIdentifier"] == "C0INCIDENTS"
    assert sentry.ok("GET", f"organizations/{{org}}/detectors/{detector['id']}/")["workflowIds"] == [
        created["id"]
    ]


def test_workflow_put_with_ids_keeps_sub_objects(sentry: Sentry, sandbox: SandboxApi) -> None:
    project = make_project(sentry, default_rules=False)
    detector = sentry.ok(
        "POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", METRIC_DETECTOR, status=201
    )
    created = sentry.ok(
        "POST", "organizations/{org}/workflows/", _slack_workflow(sentry, detector["id"]), status=201
    )
    path = f"organizations/{{org}}/workflows/{created['id']}/"
    updated = sentry.ok("PUT", path, {**created, "name": "renamed"})
    assert updated["actionFilters"][0]["id"] == created["actionFilters"][0]["id"]
    assert updated["actionFilters"][0]["actions"][0]["id"] == created["actionFilters"][0]["actions"][0]["id"]
    churn = requests.get(
        f"{sandbox.url}/_sandbox/sentry/workflow-churn", params={"account": sentry.token}, timeout=10
    )
    assert churn.json()[created["id"]] == 0


def test_workflow_put_without_ids_recreates_sub_objects(sentry: Sentry, sandbox: SandboxApi) -> None:
    project = make_project(sentry, default_rules=False)
    detector = sentry.ok(
        "POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", METRIC_DETECTOR, status=201
    )
    body = _slack_workflow(sentry, detector["id"])
    created = sentry.ok("POST", "organizations/{org}/workflows/", body, status=201)
    updated = sentry.ok("PUT", f"organizations/{{org}}/workflows/{created['id']}/", body)
    assert updated["actionFilters"][0]["id"] != created["actionFilters"][0]["id"]
    churn = requests.get(
        f"{sandbox.url}/_sandbox/sentry/workflow-churn", params={"account": sentry.token}, timeout=10
    )
    assert churn.json()[created["id"]] > 0


def test_workflow_rejects_unknown_channel_and_bad_interval(sentry: Sentry) -> None:
    body = _slack_workflow(sentry, "1")
    body["detectorIds"] = []
    body["actionFilters"][0]["actions"][0]["config"]["targetDisplay"] = "#nowhere"
    response = sentry.call("POST", "organizations/{org}/workflows/", body)
    assert response.status_code == 400 and "actionFilters" in response.json()
    body = _slack_workflow(sentry, "1")
    body["detectorIds"] = []
    body["actionFilters"][0]["conditions"] = [
        {
            "type": "event_frequency_count",
            "comparison": {"value": 10, "interval": "1hr"},
            "conditionResult": True,
        }
    ]
    response = sentry.call("POST", "organizations/{org}/workflows/", body)
    assert response.status_code == 400
    assert "interval" in response.json()["actionFilters"]["conditions"]["comparison"][0]


def test_workflow_delete(sentry: Sentry) -> None:
    make_project(sentry)
    [workflow] = sentry.ok("GET", "organizations/{org}/workflows/")
    assert sentry.call("DELETE", f"organizations/{{org}}/workflows/{workflow['id']}/").status_code == 204
    assert sentry.ok("GET", "organizations/{org}/workflows/") == []


# --- integrations, dashboards ------------------------------------------------------------------
def test_slack_integration_is_installed_and_active(sentry: Sentry) -> None:
    [slack] = sentry.ok("GET", "organizations/{org}/integrations/", providerKey="slack", includeConfig=0)
    assert (slack["provider"]["key"], slack["status"]) == ("slack", "active")
    assert sentry.ok("GET", "organizations/{org}/integrations/", providerKey="pagerduty") == []


def test_dashboard_create_read_update_delete(sentry: Sentry) -> None:
    widget = {"title": "Errors", "displayType": "line", "widgetType": "error-events",
              "queries": [{"name": "", "fields": ["count()"], "aggregates": ["count()"], "conditions": "",
                           "columns": [], "orderby": ""}]}  # fmt: skip
    created = sentry.ok(
        "POST", "organizations/{org}/dashboards/", {"title": "SLA", "widgets": [widget]}, status=201
    )
    path = f"organizations/{{org}}/dashboards/{created['id']}/"
    read = sentry.ok("GET", path)
    widget_id = read["widgets"][0]["id"]
    sentry.ok("PUT", path, {"title": "SLA v2", "widgets": [{**read["widgets"][0], "title": "Errors/min"}]})
    again = sentry.ok("GET", path)
    assert (again["title"], again["widgets"][0]["id"], again["widgets"][0]["title"]) == (
        "SLA v2", widget_id, "Errors/min")  # fmt: skip
    assert [d["title"] for d in sentry.ok("GET", "organizations/{org}/dashboards/")] == ["SLA v2"]
    assert sentry.call("DELETE", path).status_code == 204
    assert sentry.call("GET", path).status_code == 404


def test_dashboard_rejects_unknown_display_type(sentry: Sentry) -> None:
    body = {"title": "Bad", "widgets": [{"title": "x", "displayType": "pie", "queries": [{"fields": []}]}]}
    response = sentry.call("POST", "organizations/{org}/dashboards/", body)
    assert response.status_code == 400 and "displayType" in response.json()["widgets"]

"""The Sentry emulator's wire tables and what its contract run found, over real HTTP; and state files
written before the backend took typed dataclasses still load."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from tests.conftest import SandboxApi
from tests.sandbox.test_sentry_resources import Sentry, make_project
from vigil.sandbox.sentry.models import ClientKey, Dashboard, Detector, Project, Workflow


@pytest.fixture
def sentry(sandbox: SandboxApi) -> Sentry:
    created = sandbox.account("sentry")
    return Sentry(created["url"], created["token"], created["org"])


def _old(cls: Any, state: dict[str, Any]) -> Any:
    """An object pickled with the shape of the previous version (its ``__dict__`` as it was)."""
    obj = object.__new__(cls)
    obj.__dict__.update(state)
    return pickle.loads(pickle.dumps(obj))


def test_an_old_state_files_detector_workflow_and_dashboard_bodies_become_fields() -> None:
    group = {"id": "9", "logicType": "any", "conditions": [{"id": "10", "type": "gt"}]}
    detector = _old(Detector, {
        "id": 1, "project_id": 2, "type": "metric_issue", "name": "p95", "source_ids": [3],
        "created": "c", "updated": "u",
        "body": {"name": "p95", "type": "metric_issue", "enabled": False, "conditionGroup": group,
                 "dataSources": [{"aggregate": "p95(span.duration)"}], "config": {"detectionType": "static"}},
    })  # fmt: skip
    assert (detector.enabled, detector.condition_group, detector.source_ids) == (False, group, [3])
    assert detector.data_sources == [{"aggregate": "p95(span.duration)"}]
    assert detector.description is None and detector.owner is None
    workflow = _old(Workflow, {
        "id": 4, "name": "w", "recreated_subobjects": 2, "created": "c", "updated": "u",
        "body": {"name": "w", "detectorIds": ["1"], "actionFilters": [{"id": "5"}], "environment": "prod",
                 "config": {"frequency": 60}, "triggers": {"logicType": "any-short", "conditions": []}},
    })  # fmt: skip
    assert (workflow.detector_ids, workflow.action_filters, workflow.environment) == (
        ["1"],
        [{"id": "5"}],
        "prod",
    )
    assert (workflow.config, workflow.enabled, workflow.recreated_subobjects) == ({"frequency": 60}, True, 2)
    dashboard = _old(
        Dashboard, {"id": 6, "title": "t", "created": "c", "body": {"title": "t", "widgets": [{"id": "7"}]}}
    )
    assert (dashboard.widgets, dashboard.filters) == ([{"id": "7"}], {})


def test_an_old_state_files_project_settings_and_key_options_become_dataclasses() -> None:
    project = _old(Project, {
        "id": 1, "slug": "p", "name": "P", "platform": None, "team_ids": [], "created": "c", "old_slugs": [],
        "options": {}, "settings": {"verifySSL": True, "scrubIPAddresses": True, "digestsMinDelay": 600},
    })  # fmt: skip
    settings = project.settings
    assert (settings.verify_ssl, settings.scrub_ip_addresses, settings.digests_min_delay) == (True, True, 600)
    assert settings.subject_template == "$shortID - $title"  # a default for what the old dict lacked
    key = _old(ClientKey, {
        "public": "k", "project_id": 1, "name": "n", "secret": "s", "is_active": True, "created": "c",
        "rate_limit": {"window": 60, "count": 5}, "browser_sdk_version": "8.x",
        "loader_options": {"hasReplay": False, "hasPerformance": True, "hasDebug": False},
    })  # fmt: skip
    assert (key.loader_options.has_replay, key.loader_options.has_performance) == (False, True)
    assert (key.rate_limit.window, key.rate_limit.count) == (60, 5)


def test_documents_and_errors_use_the_wire_names(sentry: Sentry) -> None:
    project = make_project(sentry)
    updated = sentry.ok("PUT", "projects/{org}/backend/", {"verifySSL": True, "scrubIPAddresses": True})
    assert (updated["verifySSL"], updated["scrubIPAddresses"], updated["digestsMinDelay"]) == (
        True,
        True,
        300,
    )
    response = sentry.call("PUT", "projects/{org}/backend/", {"digestsMinDelay": 5, "resolveAge": -1})
    assert response.status_code == 400
    assert response.json() == {
        "digestsMinDelay": ["Ensure this value is between 60 and 3600."],
        "resolveAge": ["A valid integer is required."],
    }
    body = {"type": "uptime_domain_failure", "name": "u", "workflowIds": ["77"],
            "dataSources": [{"url": "https://example.com", "intervalSeconds": 60}]}  # fmt: skip
    response = sentry.call("POST", f"organizations/{{org}}/projects/{project['id']}/detectors/", body)
    assert response.status_code == 400
    assert response.json() == {"workflowIds": ["Alert 77 does not exist"]}
    listed = sentry.ok("GET", "organizations/{org}/detectors/", project=project["id"])
    assert [d["type"] for d in listed] == ["error", "issue_stream"]  # the refused one was not kept
    key = sentry.ok("POST", "projects/{org}/backend/keys/", {"name": "k", "dynamicSdkLoaderOptions": {"hasDebug": True}}, status=201)  # fmt: skip
    assert key["dynamicSdkLoaderOptions"] == {"hasReplay": True, "hasPerformance": False, "hasDebug": True}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "projects/{org}/backend/rules/12/"),
        ("PUT", "projects/{org}/backend/rules/"),
        ("DELETE", "organizations/{org}/alert-rules/"),
        ("POST", "projects/{org}/backend/rule-task/abc/"),
    ],
)
def test_retired_routes_answer_405_to_methods_they_never_took(sentry: Sentry, method: str, path: str) -> None:
    make_project(sentry)
    response = sentry.call(method, path, {"name": "x"})
    assert response.status_code == 405, response.text
    assert method not in response.headers["Allow"]
    assert sentry.call("GET", path).status_code == 410  # a method the endpoint took: still retired


def _workflow(**overrides: Any) -> dict[str, Any]:
    action = {"type": "email", "config": {"targetType": "issue_owners"}, "data": {}}
    body = {"name": "w", "triggers": {"logicType": "any-short", "conditions": []},
            "actionFilters": [{"logicType": "all", "conditions": [], "actions": [action]}]}  # fmt: skip
    return {**body, **overrides}


def _sentry_app_workflow(target_display: Any) -> dict[str, Any]:
    """A workflow whose one action notifies a Sentry app, with ``target_display`` as given."""
    config = {"targetType": "sentry_app", "targetIdentifier": "1", "targetDisplay": target_display}
    action = {"type": "sentry_app", "data": {}, "config": config}
    return _workflow(actionFilters=[{"logicType": "all", "conditions": [], "actions": [action]}])


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (_workflow(triggers={"conditions": []}), {"triggers": {"logicType": ["This field is required."]}}),
        (
            _workflow(triggers={"logicType": "any-short", "conditions": [{"type": "first_seen_event"}]}),
            {
                "triggers": {
                    "conditions": {
                        "0": {
                            "comparison": ["This field is required."],
                            "conditionResult": ["This field is required."],
                        }
                    }
                }
            },
        ),
        (
            _workflow(
                actionFilters=[
                    {
                        "logicType": "all",
                        "conditions": [],
                        "actions": [{"type": "webhook", "config": {"targetIdentifier": None}, "data": {}}],
                    }
                ]
            ),
            {"actionFilters": {"actions": {"config": {"targetIdentifier": ["This field is required."]}}}},
        ),
        (
            _workflow(actionFilters=[{"logicType": "all", "conditions": [5], "actions": []}]),
            {"actionFilters": {"0": {"conditions": {"0": ["Expected a dictionary of items."]}}}},
        ),
        (_workflow(config=7), {"config": ["Expected a dictionary of items."]}),
        (
            _workflow(
                actionFilters=[
                    {
                        "logicType": "all",
                        "conditions": [],
                        "actions": [{"type": "email", "config": {"targetType": "issue_owners"}}],
                    }
                ]
            ),
            {"actionFilters": {"actions": {"data": ["This field is required."]}}},
        ),
        (
            _sentry_app_workflow({}),
            {"actionFilters": {"actions": {"config": {"targetDisplay": ["Not a valid string."]}}}},
        ),
        (
            _sentry_app_workflow(None),
            {"actionFilters": {"actions": {"config": {"targetDisplay": ["This field may not be null."]}}}},
        ),
        (
            _workflow(
                actionFilters=[
                    {
                        "logicType": "all",
                        "conditions": [{"type": "tagged_event", "comparison": {}, "conditionResult": "AAA"}],
                        "actions": [],
                    }
                ]
            ),
            {
                "actionFilters": {
                    "conditions": {
                        "conditionResult": ["Must be a valid boolean."],
                        "comparison": {
                            "key": ["This field is required."],
                            "match": ["This field is required."],
                        },
                    }
                }
            },
        ),
        (
            _workflow(actionFilters=[{"conditions": [], "actions": []}]),
            {"actionFilters": {"logicType": ["This field is required."]}},
        ),
    ],
)
def test_workflow_bodies_the_document_refuses_are_400(sentry: Sentry, body: Any, error: Any) -> None:
    response = sentry.call("POST", "organizations/{org}/workflows/", body)
    assert response.status_code == 400, response.text
    assert response.json() == error
    assert sentry.ok("GET", "organizations/{org}/workflows/") == []


def test_an_integration_table_may_not_be_null_and_a_team_name_not_blank(sentry: Sentry) -> None:
    integration = sentry.ok("GET", "organizations/{org}/integrations/")[0]
    response = sentry.call(
        "POST", f"organizations/{{org}}/integrations/{integration['id']}/", {"service_table": None}
    )
    assert (response.status_code, response.json()) == (
        400,
        {"service_table": ["This field may not be null."]},
    )
    make_project(sentry)
    response = sentry.call("PUT", "teams/{org}/ops/", {"name": ""})
    assert (response.status_code, response.json()) == (400, {"name": ["This field may not be blank."]})
    assert sentry.ok("PUT", "teams/{org}/ops/", {"name": "Operations"})["name"] == "Operations"

"""SentryClient: paths and error parsing on Sentry's current API, against the sandbox emulator (and a
scripted transport only for what the emulator cannot produce: 410 on a live path, 429, Link pages)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi, SentryAccount
from tests.core.seams import mount
from vigil.core.errors import AuthError, Conflict, Gone, NotFound, ValidationError
from vigil.core.sentry import RetiredEndpoint, SentryClient, flatten_fields, is_retired, required_scope


def retired_calls(sandbox: SandboxApi, sentry: SentryAccount) -> int:
    response = requests.get(
        f"{sandbox.url}/_sandbox/sentry/retired-calls", params={"account": sentry.token}, timeout=10
    )
    response.raise_for_status()
    return int(response.json()["retired_calls"])


def make_project(client: SentryClient, slug: str = "backend") -> dict[str, Any]:
    if client.get_team("ops") is None:
        client.create_team("ops")
    return client.create_project(
        "ops", {"name": slug, "slug": slug, "platform": "python", "default_rules": False}
    )


# --- pure ------------------------------------------------------------------------------------------
def test_nested_validation_maps_flatten_to_dotted_field_paths() -> None:
    body = {
        "name": ["This field is required."],
        "triggers": {"conditions": {"comparison": ["True is not of type 'object'"]}},
        "actionFilters": [{}, {"actions": {"config": {"targetDisplay": ["This field is required."]}}}],
    }
    assert flatten_fields(body) == {
        "name": ["This field is required."],
        "triggers.conditions.comparison": ["True is not of type 'object'"],
        "actionFilters[1].actions.config.targetDisplay": ["This field is required."],
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/0/projects/acme/backend/rules/",
        "/api/0/projects/acme/backend/rules/12/",
        "/api/0/projects/acme/4500/rule-task/abc/",
        "/api/0/organizations/acme/alert-rules/",
        "/api/0/organizations/acme/alert-rules/7/",
        "/api/0/projects/acme/backend/alert-rules/",
    ],
)
def test_the_retired_alert_paths_are_recognised(path: str) -> None:
    assert is_retired(f"https://sentry.io{path}?per_page=100")


@pytest.mark.parametrize(
    "path",
    [
        "/api/0/organizations/acme/workflows/",
        "/api/0/organizations/acme/detectors/1/",
        "/api/0/projects/a/rulesx/",
    ],
)
def test_the_current_alert_paths_are_not_retired(path: str) -> None:
    assert not is_retired(f"https://sentry.io{path}")


def test_the_scope_a_call_needs_is_named() -> None:
    assert required_scope("POST", "https://s/api/0/organizations/o/teams/") == "team:write"
    assert required_scope("DELETE", "https://s/api/0/projects/o/12/") == "project:admin"
    assert required_scope("PUT", "https://s/api/0/organizations/o/workflows/3/") == "alerts:write"
    assert required_scope("GET", "https://s/api/0/projects/o/12/") == "org:read"


# --- against the emulator ---------------------------------------------------------------------------
def test_the_client_refuses_every_retired_endpoint_before_sending(
    sentry: SentryAccount, sandbox: SandboxApi
) -> None:
    client = SentryClient.from_env()
    project = make_project(client)
    for method, path in (
        ("POST", client.project_path(project["id"], "rules/")),
        ("GET", client.project_path(project["slug"], "rules/1/")),
        ("PUT", client.org_path("alert-rules/1/")),
    ):
        with pytest.raises(RetiredEndpoint, match="workflows"):
            client.request(method, path, json={})
    with pytest.raises(RetiredEndpoint):
        client.list(client.org_path("alert-rules/"))
    assert retired_calls(sandbox, sentry) == 0


def test_invalid_platform_is_a_validation_error_naming_the_field(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    client.create_team("ops")
    with pytest.raises(ValidationError) as caught:
        client.create_project("ops", {"name": "web", "slug": "web", "platform": "cobol"})
    assert caught.value.fields == {"platform": ["Invalid platform"]}
    assert caught.value.status == 400


def test_a_nested_validation_error_keeps_its_field_path(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    project = make_project(client)
    body = {
        "type": "metric_issue",
        "name": "p95",
        "dataSources": [{"dataset": "events", "aggregate": "count()", "timeWindow": 5}],
        "conditionGroup": {
            "logicType": "any",
            "conditions": [
                {"type": "gt", "comparison": 10, "conditionResult": 75},
                {"type": "lte", "comparison": 10, "conditionResult": 0},
            ],
        },
    }
    with pytest.raises(ValidationError) as caught:
        client.create_detector(project["id"], body)
    assert list(caught.value.fields) == ["dataSources.timeWindow"]


def test_a_taken_team_slug_is_a_conflict(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    client.create_team("ops")
    with pytest.raises(Conflict, match="already exists"):
        client.create_team("ops")


def test_a_missing_scope_is_an_auth_error_naming_the_scope(
    sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = sandbox.account("sentry", scopes=["org:read"])
    monkeypatch.setenv("SENTRY_URL", created["url"])
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", created["token"])
    monkeypatch.setenv("SENTRY_ORG", created["org"])
    with pytest.raises(AuthError) as caught:
        SentryClient.from_env().create_team("ops")
    message = str(caught.value)
    assert caught.value.status == 403
    assert "team:write" in message
    assert created["token"] not in message


def test_a_wrong_token_is_an_auth_error_without_the_token(
    sentry: SentryAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntry_sbx_not-a-valid-token")
    with pytest.raises(AuthError) as caught:
        SentryClient.from_env().list_teams()
    assert caught.value.status == 401
    assert "SENTRY_AUTH_TOKEN" in str(caught.value)
    assert "wrongwrong" not in str(caught.value)


def test_unknown_objects_read_as_none(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    assert client.get_team("nobody") is None
    assert client.get_project("4999999999") is None
    assert client.get_workflow("4999999999") is None
    with pytest.raises(NotFound):
        client.request("GET", client.team_path("nobody"))


def test_client_key_lists_follow_every_page(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    project = make_project(client)
    for index in range(11):  # plus the default key: 12 > the 10 per page the endpoint defaults to
        client.create_key(project["id"], {"name": f"key-{index}"})
    keys = client.list_keys(project["id"])
    assert len(keys) == 12
    assert len({k["id"] for k in keys}) == 12


def test_the_active_slack_integration_is_found(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    integration = client.slack_integration_id()
    assert integration == client.list_integrations("slack")[0]["id"]


def test_the_issue_stream_detector_of_a_project_is_found(sentry: SentryAccount) -> None:
    client = SentryClient.from_env()
    project = make_project(client)
    stream = client.project_detector(project["id"], "issue_stream")
    assert stream is not None
    assert stream["type"] == "issue_stream"
    assert stream["projectId"] == project["id"]


# --- what the emulator cannot produce: a scripted transport ---------------------------------------
def _answer(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return (status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode())


def _env(monkeypatch: pytest.MonkeyPatch, base: str = "https://sentry.example") -> str:
    monkeypatch.setenv("SENTRY_URL", base)
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntrys_seamtokenseamtoken")
    monkeypatch.setenv("SENTRY_ORG", "acme")
    return base + "/"


def test_a_410_is_gone_with_the_replacement_and_never_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _env(monkeypatch)
    transport = mount(
        base,
        lambda request: _answer(
            410,
            {"message": "This API no longer exists."},
            {"X-Sentry-Replacement-Endpoint": "/api/0/organizations/{org}/workflows/"},
        ),
    )
    client = SentryClient.from_env()
    with pytest.raises(Gone) as caught:
        client.get_or_none(client.org_path("workflows/1/"))
    assert caught.value.replacement == "/api/0/organizations/{org}/workflows/"
    assert "no longer exists" in str(caught.value)
    assert len(transport.seen) == 1


def test_link_pages_are_followed_while_results_is_true(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _env(monkeypatch)
    url = base + "api/0/organizations/acme/projects/"

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        page = 2 if "cursor=0:100:0" in str(request.url) else 1
        more = "true" if page == 1 else "false"
        link = f'<{url}?cursor=0:100:0>; rel="next"; results="{more}"; cursor="0:100:0"'
        return _answer(200, [{"id": str(page), "slug": f"p{page}"}], {"Link": link})

    transport = mount(base, answer)
    projects = SentryClient.from_env().list_projects()
    assert [p["id"] for p in projects] == ["1", "2"]
    assert "per_page=100" in transport.seen[0].url
    assert len(transport.seen) == 2


def test_a_429_waits_for_the_announced_reset_then_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _env(monkeypatch)
    answers = [
        _answer(429, {"detail": "You are attempting to use this endpoint too frequently."},
                {"X-Sentry-Rate-Limit-Remaining": "0", "X-Sentry-Rate-Limit-Reset": str(time.time() + 0.3)}),
        _answer(200, {"id": "1", "slug": "ops", "name": "ops"}),
    ]  # fmt: skip
    transport = mount(base, lambda request: answers.pop(0))
    started = time.monotonic()
    team = SentryClient.from_env().get_team("ops")
    assert team is not None and team["slug"] == "ops"
    assert len(transport.seen) == 2
    assert time.monotonic() - started >= 0.2


def test_no_active_slack_integration_is_a_clear_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _env(monkeypatch)
    disabled = [{"id": "9", "provider": {"key": "slack"}, "status": "disabled"}]
    mount(base, lambda request: _answer(200, disabled))
    with pytest.raises(NotFound, match="no active Slack integration") as caught:
        SentryClient.from_env().slack_integration_id()
    assert "Settings" in str(caught.value)

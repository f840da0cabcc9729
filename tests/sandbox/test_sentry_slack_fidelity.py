"""Sentry and Slack emulators as the real APIs answer (issue 14, items 10–13 and 15), and the control
plane's reset (issue 11 item 5): each test failed against the emulator before its fix."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi
from tests.sandbox.test_sentry_resources import Sentry, make_project
from tests.sandbox.test_slack_api import Slack, account

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sentry(sandbox: SandboxApi) -> Sentry:
    created = sandbox.account("sentry")
    return Sentry(created["url"], created["token"], created["org"])


# --- 10. the health check ---------------------------------------------------------------------
def test_the_health_check_answers_200_for_a_valid_token(sentry: Sentry, sandbox: SandboxApi) -> None:
    assert sentry.ok("GET", "internal/health/")["problems"] == []
    narrow = sandbox.account("sentry", scopes=["project:read"])  # any valid token will do
    headers = {"Authorization": f"Bearer {narrow['token']}"}
    assert (
        requests.get(f"{sentry.url}/api/0/internal/health/", headers=headers, timeout=10).status_code == 200
    )
    bad = requests.get(
        f"{sentry.url}/api/0/internal/health/", headers={"Authorization": "Bearer x"}, timeout=10
    )
    assert bad.status_code == 401


# --- 11. a project's filter options ------------------------------------------------------------
def test_a_project_carries_the_filter_options_as_strings(sentry: Sentry) -> None:
    project = make_project(sentry)
    options = sentry.ok("GET", f"projects/{{org}}/{project['slug']}/")["options"]
    for key in ("filters:blacklisted_ips", "filters:releases", "filters:error_messages"):
        assert options[key] == "", key
    body = {"options": {"filters:blacklisted_ips": ["10.0.0.1", "10.0.0.2"], "filters:releases": "1.*"}}
    updated = sentry.ok("PUT", f"projects/{{org}}/{project['slug']}/", body)["options"]
    assert updated["filters:blacklisted_ips"] == "10.0.0.1\n10.0.0.2" and updated["filters:releases"] == "1.*"
    assert updated["filters:error_messages"] == ""


# --- 12. role lists carry the fields the document requires -------------------------------------
ORG_ROLE_FIELDS = {"id", "name", "desc", "scopes", "isAllowed", "isRetired", "isGlobal", "minimumTeamRole"}
TEAM_ROLE_FIELDS = {"id", "name", "desc", "scopes", "isAllowed", "isRetired", "isMinimumRoleFor"}


def test_role_lists_carry_every_required_field(sentry: Sentry) -> None:
    project = make_project(sentry)
    for organization in (
        sentry.ok("GET", "organizations/{org}/"),
        sentry.ok("GET", f"projects/{{org}}/{project['slug']}/")["organization"],
    ):
        assert [r["id"] for r in organization["orgRoleList"]] == ["member", "admin", "manager", "owner"]
        assert all(set(role) >= ORG_ROLE_FIELDS for role in organization["orgRoleList"])
        assert all(set(role) >= TEAM_ROLE_FIELDS for role in organization["teamRoleList"])
        owner = organization["orgRoleList"][-1]
        assert "org:admin" in owner["scopes"] and owner["isGlobal"] is True


# --- 13. values that are not strings are 400, never a 500 or a stored repr --------------------
@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "organizations/{org}/teams/", {"slug": "t", "name": ["x"]}, "name"),
        ("POST", "organizations/{org}/teams/", {"slug": 5}, "slug"),
        ("POST", "teams/{org}/ops/projects/", {"name": "P", "platform": ["python"]}, "platform"),
        ("POST", "teams/{org}/ops/projects/", {"name": {"a": 1}}, "name"),
        ("PUT", "projects/{org}/backend/", {"highlightTags": [1, 2.5]}, "highlightTags"),
        ("PUT", "projects/{org}/backend/", {"resolveAge": True}, "resolveAge"),
        ("PUT", "projects/{org}/backend/", {"name": 7}, "name"),
        ("POST", "projects/{org}/backend/keys/", {"name": 3}, "name"),
    ],
)
def test_values_of_the_wrong_type_are_400(
    sentry: Sentry, method: str, path: str, body: Any, field: str
) -> None:
    make_project(sentry)
    before = sentry.ok("GET", "projects/{org}/backend/")
    response = sentry.call(method, path, body)
    assert response.status_code == 400, response.text
    assert field in response.json()
    after = sentry.ok("GET", "projects/{org}/backend/")
    assert (after["name"], after["highlightTags"], after["resolveAge"]) == (
        before["name"], before["highlightTags"], before["resolveAge"]
    )  # fmt: skip


def test_a_bogus_key_status_and_non_ascii_detector_ids_are_400(sentry: Sentry) -> None:
    make_project(sentry)
    response = sentry.call("GET", "projects/{org}/backend/keys/", status="bogus")
    assert response.status_code == 400 and "status" in response.json()
    body = {"name": "w", "detectorIds": ["¹"], "triggers": {"logicType": "any-short", "conditions": []}}
    response = sentry.call("POST", "organizations/{org}/workflows/", body)
    assert response.status_code == 400 and "detectorIds" in response.json()


# --- 15. Slack: conversations.join; GET on a write method ------------------------------------
def test_conversations_join_in_form_and_json(slack: Slack) -> None:
    general = next(c for c in slack.call("conversations.list")["channels"] if c["name"] == "general")
    assert general["is_member"] is False
    form = requests.post(
        f"{slack.url}/conversations.join", data={"token": slack.token, "channel": general["id"]}, timeout=10
    ).json()
    assert form["ok"] is True and form["channel"]["is_member"] is True and "warning" not in form
    again = slack.call("conversations.join", channel=general["id"])
    assert again["ok"] is True and again["warning"] == "already_in_channel"
    assert again["response_metadata"] == {"warnings": ["already_in_channel"]}
    assert slack.call("conversations.join", channel="C0NOPE") == {"ok": False, "error": "channel_not_found"}
    created = slack.call("conversations.create", name="old")["channel"]
    slack.call("conversations.archive", channel=created["id"])
    assert slack.call("conversations.join", channel=created["id"]) == {"ok": False, "error": "is_archived"}


def test_a_get_on_a_write_method_runs_it_with_query_arguments(slack: Slack) -> None:
    response = requests.get(
        f"{slack.url}/conversations.create",
        params={"name": "by-get"},
        headers={"Authorization": f"Bearer {slack.token}"},
        timeout=10,
    ).json()
    assert response["ok"] is True and response["channel"]["name"] == "by-get"
    names = [c["name"] for c in slack.call("conversations.list")["channels"]]
    assert "by-get" in names


# --- the control plane's reset also resets Sentry's and Slack's throttles ---------------------
def test_reset_clears_the_sentry_and_slack_throttle_windows(sandbox: SandboxApi) -> None:
    created = sandbox.account("sentry", rate_limit_per_second=1)
    sentry = Sentry(created["url"], created["token"], created["org"])
    slack = account(sandbox, rate_limit_per_minute=1)
    sandbox.control("clock", speed=0.001)  # the windows stay open while the test runs
    try:
        assert sentry.call("GET", "organizations/{org}/").status_code == 200
        assert sentry.call("GET", "organizations/{org}/").status_code == 429
        assert slack.api("auth.test").status_code == 200
        assert slack.api("auth.test").status_code == 429
        sandbox.control("reset", account=sentry.token, service="sentry")
        sandbox.control("reset", account=slack.token, service="slack")
        assert sentry.call("GET", "organizations/{org}/").status_code == 200
        assert slack.api("auth.test").status_code == 200
    finally:
        sandbox.control("clock", speed=1)


# --- exit code 98 names the port actually taken ---------------------------------------------
def test_a_taken_stand_in_port_is_named(tmp_path: Path) -> None:
    with socket.socket() as free, socket.socket() as busy:
        free.bind(("127.0.0.1", 0))
        api_port = free.getsockname()[1]
        free.close()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        target_port = busy.getsockname()[1]
        ready = tmp_path / "server.json"
        result = subprocess.run(
            [sys.executable, "-m", "vigil.sandbox", "--port", str(api_port), "--target-port", str(target_port),
             "--state", str(tmp_path / "state.pickle"), "--ready-file", str(ready)],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 98
    assert f"port {target_port} on 127.0.0.1 (the stand-in application)" in result.stderr
    assert str(api_port) not in result.stderr
    from vigil.sandbox.control import SandboxPaths, _port_taken

    assert _port_taken(SandboxPaths(tmp_path), api_port) == (target_port, "the stand-in application")


# --- 14. the documented operations the emulator lacked ------------------------------------
def test_members_invite_read_update_and_remove(sandbox: SandboxApi) -> None:
    created = sandbox.account("sentry", scopes=["org:read", "member:admin", "team:write"])
    sentry = Sentry(created["url"], created["token"], created["org"])
    sentry.ok("POST", "organizations/{org}/teams/", {"slug": "ops"}, status=201)
    body = {"email": "new@example.com", "orgRole": "member", "teams": ["ops"]}
    member = sentry.ok("POST", "organizations/{org}/members/", body, status=201)
    assert member["pending"] is True and member["orgRole"] == "member"
    assert sentry.call("POST", "organizations/{org}/members/", body).status_code == 400  # invited already
    assert (
        sentry.call("POST", "organizations/{org}/members/", {"email": "x", "orgRole": "member"}).status_code
        == 400
    )
    roles = {"orgRole": "admin", "teamRoles": [{"teamSlug": "ops", "role": "admin"}]}
    updated = sentry.ok("PUT", f"organizations/{{org}}/members/{member['id']}/", roles)
    assert updated["orgRole"] == "admin" and updated["teamRoles"] == [{"teamSlug": "ops", "role": "admin"}]
    assert [m["email"] for m in sentry.ok("GET", "organizations/{org}/members/")] == [
        "owner@sandbox.invalid", "new@example.com"
    ]  # fmt: skip
    sentry.ok("DELETE", f"organizations/{{org}}/members/{member['id']}/", status=204)
    assert sentry.call("GET", f"organizations/{{org}}/members/{member['id']}/").status_code == 404


def test_spike_protection_sets_the_project_option(sentry: Sentry) -> None:
    project = make_project(sentry)
    path = f"projects/{{org}}/{project['slug']}/"
    sentry.ok("DELETE", "organizations/{org}/spike-protections/", {"projects": ["$all"]})
    assert sentry.ok("GET", path)["options"]["quotas:spike-protection-disabled"] is True
    sentry.ok("POST", "organizations/{org}/spike-protections/", {"projects": [project["slug"]]}, status=201)
    assert sentry.ok("GET", path)["options"]["quotas:spike-protection-disabled"] is False
    assert sentry.call("POST", "organizations/{org}/spike-protections/", {"projects": []}).status_code == 400


def test_ownership_rules_round_trip(sentry: Sentry) -> None:
    project = make_project(sentry)
    path = f"projects/{{org}}/{project['slug']}/ownership"
    assert sentry.ok("GET", path)["raw"] == ""
    body = {"raw": "path:src/* #ops", "fallthrough": False, "autoAssignment": "Auto Assign to Issue Owner",
            "codeownersAutoSync": False}  # fmt: skip
    sentry.ok("PUT", path, body)
    read = sentry.ok("GET", path)
    assert (read["raw"], read["fallthrough"], read["autoAssignment"]) == (
        body["raw"],
        False,
        body["autoAssignment"],
    )
    assert sentry.call("PUT", path, {**body, "raw": "nonsense"}).status_code == 400


def test_integration_update_and_app_installations(sentry: Sentry) -> None:
    [slack] = sentry.ok("GET", "organizations/{org}/integrations/")
    table = {"service_table": [{"service": "api", "integration_key": "k" * 32, "id": 1}]}
    updated = sentry.ok("POST", f"organizations/{{org}}/integrations/{slack['id']}/", table)
    assert updated["configData"]["service_table"] == table["service_table"]
    bad = {"service_table": [{"service": 1}]}
    assert sentry.call("POST", f"organizations/{{org}}/integrations/{slack['id']}/", bad).status_code == 400
    assert sentry.ok("GET", "organizations/{org}/sentry-app-installations/") == []


def test_the_control_plane_refuses_bad_input_with_400(sandbox: SandboxApi) -> None:
    for path, body in (
        ("clock", {"speed": "fast"}),
        ("clock", {"speed": 0}),
        ("quirks", {"quirks": {"nope": 1}}),
    ):
        response = requests.post(
            f"{sandbox.url}/_sandbox/{path}", json={"service": "uptimerobot", **body}, timeout=10
        )
        assert response.status_code == 400, (path, body, response.text)
    assert requests.post(f"{sandbox.url}/_sandbox/reset", json=[1], timeout=10).status_code == 400
    assert requests.get(f"{sandbox.url}/_sandbox/nothing", timeout=10).status_code == 404

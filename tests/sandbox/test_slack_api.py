"""The Slack emulator over real HTTP: Web API conventions, channels, incoming webhooks, rate limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi


@dataclass
class Slack:
    url: str  # the Web API base, counterpart of https://slack.com/api
    token: str
    webhook_url: str
    sandbox: str

    def api(self, method: str, token: str | None = None, **args: Any) -> requests.Response:
        return requests.post(
            f"{self.url}/{method}",
            json=args,
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=10,
        )

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        response = self.api(method, **args)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def messages(self, **params: Any) -> list[dict[str, Any]]:
        response = requests.get(
            f"{self.sandbox}/_sandbox/slack/messages", params={"account": self.token, **params}, timeout=10
        )
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    def control(self, path: str, **payload: Any) -> requests.Response:
        return requests.post(
            f"{self.sandbox}/_sandbox/slack/{path}", json={"account": self.token, **payload}, timeout=10
        )


def account(sandbox: SandboxApi, **options: Any) -> Slack:
    created = sandbox.account("slack", **options)
    return Slack(created["url"], created["token"], created["webhook_url"], sandbox.url)


@pytest.fixture
def slack(sandbox: SandboxApi) -> Slack:
    """A fresh workspace for each test; overrides the conftest fixture of that name."""
    return account(sandbox)


# --- accounts and auth -------------------------------------------------------------------------
def test_credentials_name_the_web_api_base_token_and_webhook(sandbox: SandboxApi) -> None:
    created = sandbox.account("slack")
    assert set(created) == {"url", "token", "webhook_url", "team_id"}
    assert created["url"].endswith("/slack/api")
    assert created["webhook_url"].split("/services/")[1].startswith(created["team_id"] + "/B")
    assert created["token"].startswith("xoxb-sandbox-")
    assert not re.match(r"xox[bp]-[0-9]{6,}", created["token"])  # never looks like a real bot token


def test_auth_test_answers_ok_with_the_team(slack: Slack) -> None:
    result = slack.call("auth.test")
    assert result["ok"] is True and result["team_id"].startswith("T")


def test_wrong_token_is_http_200_invalid_auth(slack: Slack) -> None:
    response = slack.api("auth.test", token="xoxb-sandbox-wrong")
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error": "invalid_auth"}


def test_missing_token_is_not_authed(slack: Slack) -> None:
    response = requests.post(f"{slack.url}/auth.test", timeout=10)
    assert response.json() == {"ok": False, "error": "not_authed"}


def test_form_body_with_token_works(slack: Slack) -> None:
    response = requests.post(
        f"{slack.url}/conversations.create", data={"token": slack.token, "name": "ops"}, timeout=10
    )
    assert response.json()["channel"]["name"] == "ops"


def test_unknown_method_is_unknown_method(slack: Slack) -> None:
    assert slack.call("conversations.nothing") == {"ok": False, "error": "unknown_method"}


# --- channels ----------------------------------------------------------------------------------
def test_create_then_info_and_list(slack: Slack) -> None:
    created = slack.call("conversations.create", name="incidents")["channel"]
    info = slack.call("conversations.info", channel=created["id"])["channel"]
    assert (info["name"], info["is_archived"]) == ("incidents", False)
    listed = slack.call("conversations.list")["channels"]
    assert {c["name"] for c in listed} == {"general", "incidents"}


def test_create_taken_name_is_name_taken(slack: Slack) -> None:
    slack.call("conversations.create", name="incidents")
    assert slack.call("conversations.create", name="incidents") == {"ok": False, "error": "name_taken"}


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("Incidents", "invalid_name_specials"),
        ("two words", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("--", "invalid_name_punctuation"),
    ],
)
def test_create_enforces_channel_name_rules(slack: Slack, name: str, error: str) -> None:
    assert slack.call("conversations.create", name=name) == {"ok": False, "error": error}
    assert [c["name"] for c in slack.call("conversations.list")["channels"]] == ["general"]


def test_rename_keeps_the_id_and_records_the_old_name(slack: Slack) -> None:
    channel = slack.call("conversations.create", name="incidents")["channel"]
    renamed = slack.call("conversations.rename", channel=channel["id"], name="incidents-prod")["channel"]
    assert renamed["id"] == channel["id"]
    info = slack.call("conversations.info", channel=channel["id"])["channel"]
    assert (info["name"], info["previous_names"]) == ("incidents-prod", ["incidents"])


def test_archive_and_unarchive(slack: Slack) -> None:
    channel = slack.call("conversations.create", name="incidents")["channel"]
    assert slack.call("conversations.archive", channel=channel["id"]) == {"ok": True}
    assert slack.call("conversations.info", channel=channel["id"])["channel"]["is_archived"] is True
    assert slack.call("conversations.archive", channel=channel["id"])["error"] == "already_archived"
    assert slack.call("conversations.rename", channel=channel["id"], name="x")["error"] == "is_archived"
    listed = slack.call("conversations.list", exclude_archived=True)["channels"]
    assert [c["name"] for c in listed] == ["general"]
    assert slack.call("conversations.unarchive", channel=channel["id"]) == {"ok": True}
    assert slack.call("conversations.info", channel=channel["id"])["channel"]["is_archived"] is False


def test_general_cannot_be_archived(slack: Slack) -> None:
    [general] = slack.call("conversations.list")["channels"]
    assert slack.call("conversations.archive", channel=general["id"])["error"] == "cant_archive_general"


def test_unknown_channel_is_channel_not_found(slack: Slack) -> None:
    assert slack.call("conversations.info", channel="C0NOPE") == {"ok": False, "error": "channel_not_found"}


def test_list_pages_with_next_cursor(slack: Slack) -> None:
    for index in range(5):
        slack.call("conversations.create", name=f"chan-{index}")
    names: list[str] = []
    cursor = ""
    for _ in range(10):  # bounded: 6 channels, 2 per page → 3 pages
        page = slack.call("conversations.list", limit=2, cursor=cursor)
        names.extend(c["name"] for c in page["channels"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert sorted(names) == sorted(["general", *(f"chan-{i}" for i in range(5))])
    assert len(names) == 6


def test_bad_cursor_is_invalid_cursor(slack: Slack) -> None:
    assert slack.call("conversations.list", cursor="not-a-cursor")["error"] == "invalid_cursor"


def test_post_message_by_channel_name_is_recorded(slack: Slack) -> None:
    channel = slack.call("conversations.create", name="incidents")["channel"]
    posted = slack.call("chat.postMessage", channel="#incidents", text="P1: api down")
    assert posted["ok"] is True and posted["channel"] == channel["id"]
    [message] = slack.messages()
    assert (message["via"], message["channel"], message["text"]) == (
        "chat.postMessage",
        channel["id"],
        "P1: api down",
    )


def test_post_message_without_text_is_no_text(slack: Slack) -> None:
    slack.call("conversations.create", name="incidents")
    assert slack.call("chat.postMessage", channel="#incidents")["error"] == "no_text"


# --- incoming webhooks -------------------------------------------------------------------------
def test_webhook_receives_and_records_the_message(slack: Slack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*drift*"}}]
    response = requests.post(slack.webhook_url, json={"text": "drift found", "blocks": blocks}, timeout=10)
    assert (response.status_code, response.text) == (200, "ok")
    [message] = slack.messages()
    assert (message["via"], message["channel"], message["text"]) == ("webhook", "#incidents", "drift found")
    assert message["blocks"] == blocks


def test_webhook_accepts_a_form_payload(slack: Slack) -> None:
    response = requests.post(slack.webhook_url, data={"payload": '{"text": "from a form"}'}, timeout=10)
    assert response.status_code == 200
    assert [m["text"] for m in slack.messages()] == ["from a form"]


def test_webhook_invalid_payload_is_400(slack: Slack) -> None:
    response = requests.post(
        slack.webhook_url, data=b"not json", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert (response.status_code, response.text) == (400, "invalid_payload")
    empty = requests.post(slack.webhook_url, json={"text": ""}, timeout=10)
    assert (empty.status_code, empty.text) == (400, "no_text")
    assert slack.messages() == []


def test_revoked_webhook_is_404_no_service(slack: Slack) -> None:
    assert slack.control("webhooks/revoke", webhook_url=slack.webhook_url).status_code == 200
    response = requests.post(slack.webhook_url, json={"text": "late"}, timeout=10)
    assert (response.status_code, response.text) == (404, "no_service")
    assert slack.messages() == []


def test_unknown_webhook_is_404_no_service(slack: Slack) -> None:
    unknown = slack.webhook_url.rsplit("/", 1)[0] + "/wrongsecret"
    response = requests.post(unknown, json={"text": "x"}, timeout=10)
    assert (response.status_code, response.text) == (404, "no_service")


def test_extra_webhook_posts_to_its_channel(slack: Slack) -> None:
    created = slack.control("webhooks", channel="#alerts")
    assert created.status_code == 201
    assert requests.post(created.json()["webhook_url"], json={"text": "hi"}, timeout=10).status_code == 200
    assert [(m["channel"], m["text"]) for m in slack.messages(channel="#alerts")] == [("#alerts", "hi")]


def test_webhook_to_an_archived_channel_is_410(slack: Slack) -> None:
    channel = slack.call("conversations.create", name="incidents")["channel"]
    slack.call("conversations.archive", channel=channel["id"])
    response = requests.post(slack.webhook_url, json={"text": "x"}, timeout=10)
    assert (response.status_code, response.text) == (410, "channel_is_archived")


def test_accounts_do_not_see_each_others_messages(sandbox: SandboxApi) -> None:
    first, second = account(sandbox), account(sandbox)
    requests.post(first.webhook_url, json={"text": "first only"}, timeout=10)
    assert [m["text"] for m in first.messages()] == ["first only"]
    assert second.messages() == []


# --- rate limits -------------------------------------------------------------------------------
def test_over_the_tier_limit_is_429_with_retry_after(sandbox: SandboxApi) -> None:
    slack = account(sandbox, rate_limit_per_minute=3)
    responses = [slack.api("conversations.list") for _ in range(5)]
    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    limited = responses[-1]
    assert limited.status_code == 429
    assert limited.json() == {"ok": False, "error": "ratelimited"}
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert slack.api("auth.test").status_code == 200  # limits are per method


def test_webhook_rate_limit_is_429_text(sandbox: SandboxApi) -> None:
    slack = account(sandbox, rate_limit_per_minute=1)
    assert requests.post(slack.webhook_url, json={"text": "1"}, timeout=10).status_code == 200
    limited = requests.post(slack.webhook_url, json={"text": "2"}, timeout=10)
    assert (limited.status_code, limited.text) == (429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1


def test_webhook_secret_never_reaches_the_logs(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    secret = slack.webhook_url.rsplit("/", 1)[1]
    with caplog.at_level("DEBUG"):
        requests.post(slack.webhook_url, json={"text": "ok"}, timeout=10)
        requests.post(slack.webhook_url, data=b"{", headers={"Content-Type": "application/json"}, timeout=10)
        slack.control("webhooks/revoke", webhook_url=slack.webhook_url)
        requests.post(slack.webhook_url, json={"text": "late"}, timeout=10)
    assert len(slack.messages()) == 1
    server_side = [
        r.getMessage() for r in caplog.records if not r.name.startswith("urllib3")
    ]  # not the client
    assert not [line for line in server_side if secret in line]

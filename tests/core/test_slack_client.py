"""SlackClient (Web API) and post_webhook against the Slack emulator; secrets never in messages."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import SandboxApi, SlackAccount
from tests.core.seams import mount
from vigil.core.errors import AuthError, Conflict, NotFound, ValidationError
from vigil.core.slack import SlackClient, normalise_channel_name, post_webhook


def client() -> SlackClient:
    found = SlackClient.from_env()
    assert found is not None
    return found


def test_no_bot_token_means_no_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert SlackClient.from_env() is None


def test_channel_names_are_normalised() -> None:
    assert normalise_channel_name(" #Incidents ") == "incidents"


def test_auth_test_answers_ok(slack: SlackAccount) -> None:
    assert client().auth_test()["ok"] is True


def test_an_ok_false_auth_answer_is_an_auth_error_without_the_token(
    slack: SlackAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-sandbox-notavalidtoken")
    with pytest.raises(AuthError) as caught:
        client().auth_test()
    assert caught.value.code == "invalid_auth"
    assert "notavalidtoken" not in str(caught.value)
    assert "SLACK_BOT_TOKEN" in str(caught.value)


def test_channels_are_created_found_renamed_and_archived(slack: SlackAccount) -> None:
    web = client()
    created = web.create_channel("#Vigil-Test")
    assert created["name"] == "vigil-test"
    assert web.find_channel("vigil-test")["id"] == created["id"]  # type: ignore[index]
    web.rename_channel(created["id"], "vigil-renamed")
    assert web.channel_info(created["id"])["name"] == "vigil-renamed"
    web.archive_channel(created["id"])
    assert web.channel_info(created["id"])["is_archived"] is True


def test_slack_error_codes_map_to_the_core_errors(slack: SlackAccount) -> None:
    web = client()
    with pytest.raises(NotFound):
        web.channel_info("C0NOSUCHCHANNEL")
    web.create_channel("taken")
    with pytest.raises(Conflict) as taken:
        web.create_channel("taken")
    assert taken.value.code == "name_taken"
    with pytest.raises(ValidationError) as invalid:
        web.create_channel("Not A Valid Name!")
    assert invalid.value.code is not None and invalid.value.code.startswith("invalid_name")


def test_a_message_posts_through_the_webhook(slack: SlackAccount) -> None:
    post_webhook(slack.webhook_url, {"text": "vigil test message"})
    assert any(m.get("text") == "vigil test message" for m in slack.messages())


def test_an_unknown_webhook_is_not_found_without_its_url(slack: SlackAccount) -> None:
    url = slack.webhook_url + "gone"
    secret = url.rsplit("/", 1)[1]
    with pytest.raises(NotFound) as caught:
        post_webhook(url, {"text": "x"})
    message = str(caught.value)
    assert "the Slack webhook" in message
    assert secret not in message
    assert "/services/" not in message


def test_a_revoked_webhook_is_not_found(slack: SlackAccount, sandbox: SandboxApi) -> None:
    requests.post(
        f"{sandbox.url}/_sandbox/slack/webhooks/revoke",
        json={"account": slack.token, "webhook_url": slack.webhook_url},
        timeout=10,
    ).raise_for_status()
    with pytest.raises(NotFound, match="does not exist any more") as caught:
        post_webhook(slack.webhook_url, {"text": "x"})
    assert slack.webhook_url.rsplit("/", 1)[1] not in str(caught.value)


def test_a_rate_limited_webhook_is_retried_after_retry_after() -> None:
    base = "https://hooks.slack.example/"
    answers = [(429, {"Retry-After": "0"}, b"rate_limited"), (200, {}, b"ok")]
    transport = mount(base, lambda request: answers.pop(0))
    post_webhook(base + "services/T000/B000/secretsecretsecret", {"text": "x"})
    assert len(transport.seen) == 2

"""Credentials come from the environment when a call is made; a missing one names the fix."""

from __future__ import annotations

import pytest

from vigil.core import credentials
from vigil.core.errors import MissingCredential


def test_missing_uptimerobot_key_names_the_variable_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPTIMEROBOT_API_KEY", raising=False)
    with pytest.raises(MissingCredential) as caught:
        credentials.uptimerobot()
    message = str(caught.value)
    assert "UPTIMEROBOT_API_KEY" in message and "Main API key" in message
    assert "vigil sandbox env" in message
    assert caught.value.variable == "UPTIMEROBOT_API_KEY"


def test_defaults_are_the_real_api_bases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "u1-abc")
    monkeypatch.delenv("UPTIMEROBOT_API_URL", raising=False)
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntrys_x")
    monkeypatch.setenv("SENTRY_ORG", "acme")
    monkeypatch.delenv("SENTRY_URL", raising=False)
    assert credentials.uptimerobot().base_url == "https://api.uptimerobot.com/v3"
    sentry = credentials.sentry()
    assert sentry.base_url == "https://sentry.io" and sentry.get("org") == "acme"


def test_credentials_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "first-key")
    assert credentials.uptimerobot().token == "first-key"
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "rotated-key")
    assert credentials.uptimerobot().token == "rotated-key"


def test_slack_token_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert credentials.slack() is None
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    slack = credentials.slack()
    assert slack is not None and slack.base_url == "https://slack.com/api"


def test_a_credential_never_shows_its_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "visible-if-broken-123")
    assert "visible-if-broken-123" not in repr(credentials.uptimerobot())


def test_a_base_url_without_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "k-123456")
    monkeypatch.setenv("UPTIMEROBOT_API_URL", "api.uptimerobot.com/v3")
    with pytest.raises(MissingCredential, match="UPTIMEROBOT_API_URL"):
        credentials.uptimerobot()

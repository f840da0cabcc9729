"""API credentials, read from the environment at call time (never stored on a provider or in state)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from core.errors import MissingCredential

SANDBOX_HINT = 'for the sandbox, run `eval "$(vigil sandbox env)"`, or use `vigil … --env sandbox`'


@dataclass(frozen=True)
class Credential:
    api: str
    base_url: str
    token: str
    token_variable: str
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        return dict(self.extra)[name]

    def __repr__(self) -> str:  # never show the token
        return f"Credential(api={self.api!r}, base_url={self.base_url!r}, token=***)"


def _require(variable: str, what: str) -> str:
    value = os.environ.get(variable, "").strip()
    if not value:
        raise MissingCredential(f"{variable} is not set: set it to {what}; {SANDBOX_HINT}")
    return value


def uptimerobot() -> Credential:
    return Credential(
        "Uptime Robot",
        os.environ.get("UPTIMEROBOT_API_URL", "https://api.uptimerobot.com/v3").rstrip("/"),
        _require("UPTIMEROBOT_API_KEY", "the account's Main API key"),
        "UPTIMEROBOT_API_KEY",
    )


def sentry() -> Credential:
    token = _require("SENTRY_AUTH_TOKEN", "a Sentry internal-integration token")
    org = _require("SENTRY_ORG", "the Sentry organization slug")
    return Credential(
        "Sentry",
        os.environ.get("SENTRY_URL", "https://sentry.io").rstrip("/"),
        token,
        "SENTRY_AUTH_TOKEN",
        (("org", org),),
    )


def slack() -> Credential | None:
    """The Slack bot token, or None: without it the incidents channel is unmanaged."""
    token = os.environ.get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        return None
    return Credential(
        "Slack",
        os.environ.get("SLACK_API_URL", "https://slack.com/api").rstrip("/"),
        token,
        "SLACK_BOT_TOKEN",
    )

"""API credentials, read from the environment at call time (never stored on a provider or in state).

| variable             | default                         | used for                                  |
|----------------------|---------------------------------|-------------------------------------------|
| UPTIMEROBOT_API_KEY  | (required)                      | the account's Main API key (Bearer)       |
| UPTIMEROBOT_API_URL  | https://api.uptimerobot.com/v3  | the v3 base                               |
| UPTIMEROBOT_HEARTBEAT_URL | https://heartbeat.uptimerobot.com/ | push URL = this + the token |
| SENTRY_AUTH_TOKEN    | (required for Sentry)           | an internal-integration / org auth token  |
| SENTRY_URL           | https://sentry.io               | the host root under which /api/0/ lives   |
| SENTRY_ORG           | (required for Sentry)           | the organization slug                     |
| SLACK_BOT_TOKEN      | (optional)                      | without it the incidents channel is unmanaged |
| SLACK_API_URL        | https://slack.com/api           | the Web API base                          |
| VIGIL_INVENTORY_DIR  | (none)                          | `vigil drift`, Pulumi process only: listings |

The token lives only in the ``Credential`` a client is built from: never in state, URLs or messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vigil.core.errors import MissingCredential

UPTIMEROBOT_DEFAULT_URL = "https://api.uptimerobot.com/v3"
UPTIMEROBOT_HEARTBEAT_DEFAULT = "https://heartbeat.uptimerobot.com/"
SENTRY_DEFAULT_URL = "https://sentry.io"
SLACK_DEFAULT_URL = "https://slack.com/api"
SANDBOX_HINT = 'or run `eval "$(vigil sandbox env)"` for the sandbox'


@dataclass(frozen=True)
class Credential:
    """What one client needs: the API's name, its base URL and the token (never printed)."""

    api: str
    base_url: str
    token: str = field(repr=False)
    token_variable: str
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        return dict(self.extra)[name]

    def __repr__(self) -> str:  # never show the token
        return f"Credential(api={self.api!r}, base_url={self.base_url!r}, token=***)"


def _require(variable: str, what: str, environ: Mapping[str, str] | None = None) -> str:
    value = (os.environ if environ is None else environ).get(variable, "").strip()
    if not value:
        raise MissingCredential(f"{variable} is not set: set it to {what}, {SANDBOX_HINT}", variable)
    return value


def _url(variable: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    value = (os.environ if environ is None else environ).get(variable, "").strip() or default
    if not value.startswith(("http://", "https://")):
        raise MissingCredential(
            f"{variable}={value!r} is not a URL: set it to an http(s) base such as {default}", variable
        )
    return value.rstrip("/")


def uptimerobot(environ: Mapping[str, str] | None = None) -> Credential:
    """From ``environ`` when the caller has its run's variables (the CLI), else this process's."""
    token = _require("UPTIMEROBOT_API_KEY", "the account's Main API key (Integrations & API)", environ)
    return Credential(
        "Uptime Robot",
        _url("UPTIMEROBOT_API_URL", UPTIMEROBOT_DEFAULT_URL, environ),
        token,
        "UPTIMEROBOT_API_KEY",
    )


def uptimerobot_heartbeat_base(environ: Mapping[str, str] | None = None) -> str:
    """Where heartbeat push URLs live (the sandbox serves its own: ``vigil sandbox env``)."""
    return _url("UPTIMEROBOT_HEARTBEAT_URL", UPTIMEROBOT_HEARTBEAT_DEFAULT, environ).rstrip("/") + "/"


def sentry(environ: Mapping[str, str] | None = None) -> Credential:
    token = _require(
        "SENTRY_AUTH_TOKEN",
        "a Sentry internal-integration token with project:admin and alerts:write",
        environ,
    )
    org = _require("SENTRY_ORG", "the Sentry organization slug", environ)
    return Credential(
        "Sentry", _url("SENTRY_URL", SENTRY_DEFAULT_URL, environ), token, "SENTRY_AUTH_TOKEN", (("org", org),)
    )


def slack(environ: Mapping[str, str] | None = None) -> Credential | None:
    """The Slack bot token, or None: without it the incidents channel is unmanaged."""
    token = (os.environ if environ is None else environ).get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        return None
    return Credential("Slack", _url("SLACK_API_URL", SLACK_DEFAULT_URL, environ), token, "SLACK_BOT_TOKEN")


def inventory_dir() -> Path | None:
    """Where this (provider) process leaves the lists it read, when the command asked for them.

    ``vigil drift`` sets it in the environment it gives the Pulumi process (never its own), so its
    unmanaged-object inventory reuses the refresh's listing instead of listing every collection again.
    """
    value = os.environ.get(INVENTORY_VARIABLE, "").strip()
    return Path(value) if value else None


INVENTORY_VARIABLE = "VIGIL_INVENTORY_DIR"

"""Secrets appear in stacks only as references, never as values.

``env_secret("SLACK_WEBHOOK_URL")`` reads an environment variable when the program runs;
``config_secret("slackWebhookUrl")`` reads a Pulumi secret config value of the stack. In YAML write
``{env: NAME}`` or ``{config: key}``. A literal that looks like a secret is an error (see
``looks_like_secret``): it would end up in git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from vigil.spec.where import Location

_SECRET_PATTERNS = [
    re.compile(r"hooks\.slack\.com/services/", re.I),
    re.compile(r"/services/T[A-Z0-9]+/B[A-Z0-9]+/\w{8,}"),
    re.compile(r"^xox[abposr]-"),
    re.compile(r"^sntry[su]_"),
    re.compile(r"^https?://[0-9a-f]{32}@"),  # a Sentry DSN with its key
    re.compile(r"^(u|m|ur)\d{5,}-[0-9a-f]{20,}$"),  # Uptime Robot API keys
]


ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SecretRef:
    env: str | None = None
    config: str | None = None
    where: Location | None = field(default=None, compare=False, repr=False)  # the YAML line

    def __post_init__(self) -> None:
        if (self.env is None) == (self.config is None):
            raise ValueError("a secret reference names exactly one of env= or config=")

    def describe(self) -> str:
        return f"env:{self.env}" if self.env else f"config:{self.config}"

    @classmethod
    def parse(cls, value: Any) -> SecretRef | None:
        """``{env: NAME}`` / ``{config: key}`` from YAML; None when ``value`` is not a reference."""
        if isinstance(value, SecretRef):
            return value
        if isinstance(value, dict) and set(value) in ({"env"}, {"config"}):
            key, name = next(iter(value.items()))
            text = "" if name is None else str(name)
            return cls(env=text) if key == "env" else cls(config=text)
        return None

    def located(self, where: Location | None) -> SecretRef:
        return self if where is None or self.where is not None else replace(self, where=where)

    def problem(self) -> str | None:
        """What is wrong with the reference itself (``{env: ''}``), or None."""
        if self.env is not None and not ENV_NAME.match(self.env):
            return f"{{env: {self.env!r}}} does not name an environment variable"
        if self.config is not None and not self.config.strip():
            return "{config: ''} does not name a config key"
        return None


def env_secret(name: str) -> SecretRef:
    return SecretRef(env=name)


def config_secret(key: str) -> SecretRef:
    return SecretRef(config=key)


def looks_like_secret(value: Any) -> bool:
    return isinstance(value, str) and any(p.search(value) for p in _SECRET_PATTERNS)


# Query parameters and headers that carry credentials (issue 15): a literal one would sit in git and,
# sent as a monitor field, in plain text in the state file.
_SECRET_PARAM = re.compile(
    r"(^|[_-])(token|key|apikey|api_key|secret|password|passwd|pwd|pass|auth|signature|sig|"
    r"credential|credentials|access_token|session)$",
    re.I,
)
_SECRET_HEADER = re.compile(
    r"^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|x-auth-token|"
    r"x-access-token|x-sentry-auth|private-token|x-[a-z0-9-]*(token|key|secret))$",
    re.I,
)
_CREDENTIAL_VALUE = re.compile(r"^\s*(bearer|basic|token|digest|apikey)\s+\S", re.I)


def secret_in_url(url: Any) -> str | None:
    """Why a literal URL holds a credential (user:password@, ?token=…), or None."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.password or (parts.username and "@" in parts.netloc):
        return "the URL carries a user name or password (user:password@host)"
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if value and _SECRET_PARAM.search(name):
            return f"the URL's query parameter '{name}' carries a credential"
    if looks_like_secret(url):
        return "the URL is a secret (a webhook or DSN)"
    return None


def secret_in_header(name: Any, value: Any) -> str | None:
    """Why a literal header value is a credential (Authorization, Bearer …, an API key), or None."""
    if isinstance(value, SecretRef) or value is None:
        return None
    text = str(value)
    if _SECRET_HEADER.match(str(name).strip()) and text.strip():
        return f"the header '{name}' carries a credential"
    if _CREDENTIAL_VALUE.match(text) or looks_like_secret(text):
        return f"the value of header '{name}' is a credential"
    return None

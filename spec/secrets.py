"""Secrets appear in stacks only as references, never as values.

``env_secret("SLACK_WEBHOOK_URL")`` reads an environment variable when the program runs;
``config_secret("slackWebhookUrl")`` reads a Pulumi secret config value of the stack. In YAML write
``{env: NAME}`` or ``{config: key}``. A literal that looks like a secret is an error (see
``looks_like_secret``): it would end up in git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SECRET_PATTERNS = [
    re.compile(r"hooks\.slack\.com/services/", re.I),
    re.compile(r"/services/T[A-Z0-9]+/B[A-Z0-9]+/\w{8,}"),
    re.compile(r"^xox[abposr]-"),
    re.compile(r"^sntry[su]_"),
    re.compile(r"^https?://[0-9a-f]{32}@"),  # a Sentry DSN with its key
    re.compile(r"^(u|m|ur)\d{5,}-[0-9a-f]{20,}$"),  # Uptime Robot API keys
]


@dataclass(frozen=True)
class SecretRef:
    env: str | None = None
    config: str | None = None

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
            return cls(**{key: str(name)})
        return None


def env_secret(name: str) -> SecretRef:
    return SecretRef(env=name)


def config_secret(key: str) -> SecretRef:
    return SecretRef(config=key)


def looks_like_secret(value: Any) -> bool:
    return isinstance(value, str) and any(p.search(value) for p in _SECRET_PATTERNS)

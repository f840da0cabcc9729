"""Masking of secrets wherever text leaves vigil: error messages, logs, CLI output, reports.

Two layers, because patterns alone miss tokens of unknown shape and a registry alone misses secrets
vigil never saw (a webhook URL pasted into an error by an API):
- patterns for the secret shapes vigil handles: Authorization/Bearer values, token-ish query
  parameters, Slack webhook URLs (``/services/T…/B…/<secret>``), DSN keys (``https://<key>@host``),
  Sentry, Slack and Uptime Robot token prefixes;
- a process-wide registry of exact secret values (``register_secret``), for callers that know a
  value is secret (the clients never put a token in a URL or a message in the first place).

Sandbox credentials are not masked: ``vigil sandbox status --json`` prints them on purpose.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

MASK = "***"
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)
_MIN_REGISTERED = 6  # shorter values would mask ordinary words

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # "Authorization: Bearer abc", "Bearer abc", "Basic abc", "token abc" in headers and text
    (re.compile(r"(?i)\b(authorization\s*[:=]\s*)(?:(bearer|basic|token)\s+)?[^\s,;'\"]+"), r"\1\2 ***"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 ***"),
    # Slack incoming webhook: /services/T…/B…/<secret> (hooks.slack.com or the sandbox)
    (re.compile(r"(/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/)[A-Za-z0-9_\-]+"), r"\1" + MASK),
    # DSN and any URL with credentials: scheme://<key>[:<secret>]@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@"), r"\1" + MASK + "@"),
    # query parameters that carry secrets (?api_key=…, &token=…)
    (
        re.compile(
            r"(?i)([?&;](?:api[_-]?key|apikey|token|access[_-]?token|auth[_-]?token|secret|password|"
            r"client[_-]?secret|sentry_key|key|sig|signature)=)([^&\s\"'#]+)"
        ),
        r"\1" + MASK,
    ),
    # JSON fields and form values that are secrets whatever their shape
    (
        re.compile(
            r"(?i)([\"']?(?:password|http_?password|client_?secret|webhookurl|urltonotify|secret)[\"']?"
            r"\s*[=:]\s*[\"']?)([^&\s\"',}]+)"
        ),
        r"\1" + MASK,
    ),
    # well-known token shapes
    (re.compile(r"\bsntry[su]_[A-Za-z0-9_=+/\-]{8,}"), MASK),  # Sentry org/user/system tokens
    (re.compile(r"\bxox[abposr]-\d+-[A-Za-z0-9-]{6,}"), MASK),  # Slack tokens (xoxb-<digits>-…)
    (re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"), MASK),
    (re.compile(r"\b[umr]\d{3,}-[A-Za-z0-9]{16,}\b"), MASK),  # Uptime Robot main/monitor/read-only keys
]

_REGISTERED: set[str] = set()
_REGISTERED_LOCK = threading.Lock()


def register_secret(value: str | None) -> None:
    """Mask this exact value from now on, in this process (tokens, webhook URLs, passwords)."""
    if value and len(value) >= _MIN_REGISTERED:
        with _REGISTERED_LOCK:
            _REGISTERED.add(value)


def redact(text: object) -> str:
    """The text with every secret masked. Accepts any object (its ``str``)."""
    result = str(text)
    with _REGISTERED_LOCK:
        known = sorted(_REGISTERED, key=len, reverse=True)
    for value in known:
        if value in result:
            result = result.replace(value, MASK)
    for pattern, replacement in _PATTERNS:
        result = pattern.sub(replacement, result)
    return result


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy for printing: sensitive headers masked whole, the others redacted."""
    return {
        name: (MASK if name.lower() in SENSITIVE_HEADERS else redact(value))
        for name, value in headers.items()
    }

"""What the monitors providers share: unknown-value checks and normalised comparison."""

from __future__ import annotations

import html
from typing import Any

from pulumi.runtime import rpc

PROVIDER_KEY = "__provider"


def is_unknown(value: Any) -> bool:
    """During preview, inputs computed from other resources arrive as the engine's unknown sentinel."""
    if value == rpc.UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return type(value).__name__ == "Unknown"


def managed(news: dict[str, Any]) -> dict[str, Any]:
    """The inputs the stack sets (None means 'not managed': the live value is kept)."""
    return {k: v for k, v in news.items() if k != PROVIDER_KEY and v is not None}


def unescape(value: Any) -> Any:
    return html.unescape(value) if isinstance(value, str) else value


def as_bool(value: Any) -> Any:
    """Booleans that APIs return as strings ("true"/"false") back to booleans."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def changed_fields(olds: dict[str, Any], news: dict[str, Any], normalise: Any) -> list[str]:
    """Fields the stack sets whose normalised value differs from the last known (state) value."""
    wanted = normalise(managed(news))
    current = normalise({k: olds.get(k) for k in wanted})
    return sorted(k for k in wanted if is_unknown(wanted[k]) or wanted[k] != current.get(k))

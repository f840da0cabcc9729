"""What the monitors providers share: unknown values, managed fields, normalisation helpers.

During preview, inputs computed from other resources arrive as ``pulumi.output.Unknown`` (or, in
raw wire form, the engine's sentinel string). Nothing here formats, serialises or validates such a
value: it is passed through untouched and counts as "may change".
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from core.inputs import is_unknown, known, managed


def unescape(value: Any) -> Any:
    return html.unescape(value) if isinstance(value, str) else value


def as_bool(value: Any) -> Any:
    """Booleans that APIs return as strings ("true"/"false", "1"/"0") back to booleans."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bool(value)
    return value


def as_int(value: Any) -> Any:
    """Pulumi sends every number as a float; APIs sometimes send strings. Whole values → int."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else value
    return value


def is_whole(value: Any) -> bool:
    return isinstance(as_int(value), int) and not isinstance(value, bool)


def id_list(values: Any) -> Any:
    """A list of ids as sorted strings ("123"), whatever the API or the stack wrote."""
    if not isinstance(values, (list, tuple)):
        return values
    return sorted(str(as_int(v)) for v in values)


def normalise_each(fields: dict[str, Any], rules: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """Apply one rule per field, skipping None and unknown values (they pass through untouched)."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        rule = rules.get(key)
        out[key] = value if rule is None or not known(value) else rule(value)
    return out


def changed_fields(
    olds: dict[str, Any], news: dict[str, Any], normalise: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[str]:
    """Fields the stack sets whose normalised value differs from the state's (or is unknown)."""
    wanted = normalise(managed(news))
    current = normalise({k: olds.get(k) for k in wanted})
    return sorted(k for k in wanted if is_unknown(wanted[k]) or wanted[k] != current.get(k))

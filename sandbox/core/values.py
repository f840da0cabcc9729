"""Reading numbers from the wire without surprises: ``str.isdigit`` accepts "¹" and "٣", which
``int()`` then refuses or reads as another number; these helpers take ASCII digits only."""

from __future__ import annotations

import re
from typing import Any, TypeGuard

_WHOLE = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"-?[0-9]+")


def whole(raw: str | None) -> int | None:
    """A non-negative integer written in ASCII digits, else None."""
    if raw is None or not _WHOLE.fullmatch(raw):
        return None
    return int(raw)


def signed(raw: str | None) -> int | None:
    if raw is None or not _SIGNED.fullmatch(raw):
        return None
    return int(raw)


def is_number(value: Any) -> TypeGuard[float]:
    """A JSON number (never a boolean, which Python counts as an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_integral(value: Any) -> TypeGuard[float]:
    return is_number(value) and float(value).is_integer()

"""Units people write: ``"5m"``, ``"30s"``, ``"1h"``, ``"1.5s"``, ``"99.9%"``."""

from __future__ import annotations

import math
import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w)?\s*$")
_FACTORS = {"ms": 0.001, "s": 1, None: 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


MAX_DURATION_S = 365 * 86400  # no duration a stack writes is longer than a year


class UnitError(ValueError):
    pass


def seconds(value: str | int | float) -> float:
    """A duration in seconds; bare numbers are seconds."""
    if isinstance(value, bool):
        raise UnitError(f"{value!r} is not a duration; write e.g. '5m', '30s' or '1h'")
    if isinstance(value, (int, float)):
        total = float(value)
    else:
        found = _DURATION.match(str(value))
        if not found:
            raise UnitError(f"{value!r} is not a duration; write e.g. '5m', '30s', '1h' or '500ms'")
        total = float(found.group(1)) * _FACTORS[found.group(2)]
    # .inf, .nan, 1e26 or "100000000w": no API takes them, and rounding them raises OverflowError.
    if not math.isfinite(total) or not 0 <= total <= MAX_DURATION_S:
        raise UnitError(f"{value!r} is not a usable duration; write e.g. '5m', '30s' or '1h' (at most 365d)")
    return total


def whole_seconds(value: str | int | float) -> int:
    return round(seconds(value))


def milliseconds(value: str | int | float) -> int:
    return round(seconds(value) * 1000)


def percent(value: str | int | float) -> float:
    """A percentage as a number: ``"99%"`` → 99.0, ``0.1`` → 0.1."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().rstrip("%").strip()
    try:
        return float(text)
    except ValueError as error:
        raise UnitError(f"{value!r} is not a percentage; write e.g. '99%' or '0.1%'") from error


def human_duration(total_seconds: float) -> str:
    """Inverse of ``seconds`` for messages: 300 → '5m', 90 → '1m30s'."""
    total = round(total_seconds)
    if total % 604800 == 0 and total >= 604800:
        return f"{total // 604800}w"
    if total % 86400 == 0 and total >= 86400 and total != 86400:
        return f"{total // 86400}d"
    if total % 3600 == 0 and total >= 3600:
        return f"{total // 3600}h"
    if total % 60 == 0 and total >= 60:
        return f"{total // 60}m"
    if total > 60:
        return f"{total // 60}m{total % 60}s"
    return f"{total}s"

"""Facts about the real services that more than one layer checks offline, as data files.

``spec/`` (validation before any API call) and the providers (``alerts/``, just before a write)
check the same lists; neither may import the other (DESIGN: imports follow the flow, and the spec
layer stands on nothing below it), so the lists live here, below both, and each reads them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def sentry_platforms() -> frozenset[str]:
    """Sentry's project platforms (data/sentry-platforms.txt)."""
    text = files(__package__).joinpath("sentry-platforms.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))

"""Every test starts with empty per-process state: no cached lists, limiters or pooled sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.http import reset_sessions
from core.ratelimit import reset_limiters
from core.uptimerobot import forget_snapshots


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    forget_snapshots()
    reset_limiters()
    yield
    forget_snapshots()
    reset_limiters()
    reset_sessions()

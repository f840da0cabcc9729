"""Accounts: one per credential, each with its own backend, settings, faults and counters.

Like moto's BackendDict: a test that creates its own account never meets another test's objects,
so the whole suite can share one sandbox without resets.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Faults:
    """Injected failures, off by default. ``methods``/``operations`` narrow where they apply."""

    latency_ms: int = 0
    error_rate: float = 0.0  # fraction of matching requests answered with ``error_status``
    error_status: int = 500
    drop_rate: float = 0.0  # fraction of matching requests whose connection is closed unanswered
    methods: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    seed: int | None = None

    def applies(self, method: str, operation: str) -> bool:
        if self.methods and method not in self.methods:
            return False
        return not (self.operations and operation not in self.operations)


@dataclass
class Quirks:
    """Documented misbehaviours of the real services, off by default (reference uptimerobot-api.md
    §4.8): set per account through ``POST /_sandbox/quirks``; unknown names are refused."""

    html_escape: bool = False  # names and URLs come back HTML-escaped
    bool_strings: bool = False  # status-page features come back as "true"/"false"
    save_then_500: bool | float = False  # a create is saved and still answered 500 (True or a rate)
    save_then_404: bool | float = False  # a create is saved and answered 404
    read_lag: int = 0  # reads after a write return the old version this many times


@dataclass
class RateWindow:
    """A fixed window that opens with the first counted request (as Uptime Robot's does)."""

    limit: int
    seconds: float
    opened_at: float | None = None
    used: int = 0

    def hit(self, now: float) -> tuple[bool, int, float]:
        """Count one request: (allowed, remaining, seconds until the window resets)."""
        # now < opened_at: measured on an earlier process's clock (a restored window): open anew
        if self.opened_at is None or now < self.opened_at or now - self.opened_at >= self.seconds:
            self.opened_at, self.used = now, 0
        reset_in = max(0.0, self.seconds - (now - self.opened_at))
        if self.used >= self.limit:
            return False, 0, reset_in
        self.used += 1
        return True, self.limit - self.used, reset_in


@dataclass
class Account:
    service: str
    key: str  # the credential that selects this account (API key or token)
    plan: str = "free"
    options: dict[str, Any] = field(default_factory=dict)  # service-specific: org slug, limits…
    faults: Faults = field(default_factory=Faults)
    quirks: Quirks = field(default_factory=Quirks)
    backend: Any = None
    rate: RateWindow | None = None  # one window for the whole account (Uptime Robot)
    windows: dict[str, RateWindow] = field(default_factory=dict)  # per operation (Sentry, Slack)
    requests: Counter[str] = field(default_factory=Counter)  # operation → calls
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("lock")
        state.pop("rng")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()
        self.rng = random.Random(self.faults.seed)


def new_key(prefix: str, nbytes: int = 16) -> str:
    return prefix + secrets.token_hex(nbytes)

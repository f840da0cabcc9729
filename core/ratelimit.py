"""One rate limiter per (API, credential) per process, shared by every thread.

The dynamic-provider process serves 4 gRPC calls at once, so limits are process-wide state kept in
a module-level registry keyed by a hash of the credential — never on a provider object, which
Pulumi pickles into state.

What it obeys:
- Uptime Robot: ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` (seconds remaining on live
  accounts; a value above 1e9 is taken as an epoch) and ``Retry-After`` on a 429;
- Sentry: ``X-Sentry-Rate-Limit-Limit`` / ``-Remaining`` / ``-Reset`` (epoch) and
  ``-ConcurrentLimit``, which caps how many requests run at once (a semaphore sized from the first
  response that announces it).

How it paces proactively (so a 10 req/min free plan never shows the user a 429): it keeps a local
budget of the window — the last announced ``Remaining`` minus the requests sent since — and when
the budget is spent every thread waits until the announced reset instead of sending a request that
is sure to be refused. A 429 that still happens (another client sharing the key) blocks every
thread for ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EPOCH_THRESHOLD = 1e9
MAX_WAIT_S = 120.0  # one wait is capped, as the official Terraform provider caps its delays
RESET_MARGIN_S = 0.1  # Reset is announced in whole seconds: wait a little past it
DEFAULT_429_WAIT_S = 1.0


def seconds_until(value: str | None, now_epoch: float | None = None) -> float | None:
    """A reset/retry header as seconds from now: small values are deltas, large ones epochs."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number >= EPOCH_THRESHOLD:
        return max(0.0, number - (time.time() if now_epoch is None else now_epoch))
    return max(0.0, number)


@dataclass
class Permit:
    """One admitted request; handed back to ``release`` with the response."""

    concurrency: threading.Semaphore | None = None


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    lower = {k.lower(): v for k, v in headers.items()}
    for name in names:
        if name in lower:
            return lower[name]
    return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


class RateLimiter:
    """Thread-safe gate for one credential. ``acquire`` before a request, ``release`` after it."""

    def __init__(self, *, max_wait_s: float = MAX_WAIT_S) -> None:
        self._cond = threading.Condition()
        self.max_wait_s = max_wait_s
        self.limit: int | None = None
        self.remaining: int | None = None  # budget left in the current window (None: unknown)
        self.reset_at: float | None = None  # monotonic time the window resets
        self.blocked_until = 0.0  # monotonic: a 429 said wait until then
        self.in_flight = 0
        self.concurrency_limit: int | None = None
        self._semaphore: threading.Semaphore | None = None
        self.waited_s = 0.0  # total time threads spent waiting here (benchmarks print it)
        self.throttled = 0  # 429s seen

    # --- the gate -----------------------------------------------------------------------------
    def acquire(self) -> Permit:
        with self._cond:
            while True:
                delay = self._delay(time.monotonic())
                if delay <= 0:
                    break
                delay = min(delay, self.max_wait_s)
                started = time.monotonic()
                self._cond.wait(delay)
                self.waited_s += time.monotonic() - started
            if self.remaining is not None:
                self.remaining -= 1
            self.in_flight += 1
            semaphore = self._semaphore
        if semaphore is not None:
            semaphore.acquire()
        return Permit(semaphore)

    def _delay(self, now: float) -> float:
        if now < self.blocked_until:
            return self.blocked_until - now
        if self.reset_at is not None and now >= self.reset_at:
            # The window has passed: a fresh one opens with the next request.
            self.reset_at = None
            self.remaining = None if self.limit is None else self.limit - self.in_flight
        if self.remaining is not None and self.remaining <= 0:
            if self.reset_at is not None:
                return self.reset_at - now
            # Spent, reset unknown: let the answers of the requests in flight tell us more.
            return 0.5 if self.in_flight else 0.0
        return 0.0

    def release(self, permit: Permit, status: int | None, headers: Mapping[str, str] | None) -> float | None:
        """Learn from a response (``status`` None: none came). Returns the wait before retrying a 429."""
        if permit.concurrency is not None:
            permit.concurrency.release()
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            wait = self._observe(status, headers or {})
            self._cond.notify_all()
            return wait

    def _observe(self, status: int | None, headers: Mapping[str, str]) -> float | None:
        now = time.monotonic()
        limit = _int(_header(headers, "x-ratelimit-limit", "x-sentry-rate-limit-limit"))
        remaining = _int(_header(headers, "x-ratelimit-remaining", "x-sentry-rate-limit-remaining"))
        reset = seconds_until(_header(headers, "x-ratelimit-reset", "x-sentry-rate-limit-reset"))
        if limit is not None and limit > 0:
            self.limit = limit
        same_window = self.reset_at is not None and now < self.reset_at
        if remaining is not None:
            # Requests still in flight were sent after this answer was counted, or soon will be.
            estimate = remaining - self.in_flight
            if same_window and self.remaining is not None:
                # Answers arrive out of order: within a window the budget only shrinks.
                estimate = min(estimate, self.remaining)
            self.remaining = estimate
        if reset is not None:
            announced = now + reset + RESET_MARGIN_S
            # Within a window, never wake earlier than an answer already said (rounding jitter).
            self.reset_at = max(self.reset_at, announced) if same_window and self.reset_at else announced
        concurrent = _int(_header(headers, "x-sentry-rate-limit-concurrentlimit"))
        if concurrent is not None and concurrent > 0 and self._semaphore is None:
            self.concurrency_limit = concurrent
            self._semaphore = threading.Semaphore(concurrent)
        if status != 429:
            return None
        self.throttled += 1
        retry_after = seconds_until(_header(headers, "retry-after"))
        if retry_after is not None:
            wait = retry_after
        elif reset is not None:
            wait = reset
        else:
            wait = DEFAULT_429_WAIT_S
        wait = min(max(wait, 0.05), self.max_wait_s)
        self.blocked_until = max(self.blocked_until, now + wait)
        self.remaining = 0
        self.reset_at = max(self.reset_at or 0.0, now + wait)
        return wait

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("a RateLimiter is process state: look it up with limiter_for(), never pickle it")


_REGISTRY: dict[str, RateLimiter] = {}
_REGISTRY_LOCK = threading.Lock()


def credential_key(api: str, base_url: str, token: str) -> str:
    """A stable, non-reversible key for one credential (the token itself is never a key)."""
    return hashlib.sha256(f"{api}\0{base_url.rstrip('/')}\0{token}".encode()).hexdigest()


def limiter_for(api: str, base_url: str, token: str) -> RateLimiter:
    """The process-wide limiter of one credential."""
    key = credential_key(api, base_url, token)
    with _REGISTRY_LOCK:
        limiter = _REGISTRY.get(key)
        if limiter is None:
            limiter = _REGISTRY[key] = RateLimiter()
        return limiter


def reset_limiters() -> None:
    """Forget every limiter (tests; a new process starts empty anyway)."""
    with _REGISTRY_LOCK:
        _REGISTRY.clear()

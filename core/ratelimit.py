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

What it tells the user: a wait of a second or more is announced once per window, with the plan's
limit, the wait and an estimate of the time the requests queued in this process still need
("Uptime Robot free plan: 10 requests/min, waiting 38 s; 41 requests queued, about 4 min left").
The announcement goes to ``announcer`` — by default one line on stderr, which in a provider process
the engine turns into a diagnostic event that vigil's progress display shows live
(engine/operations.py, render/progress.py) and plain ``pulumi up`` prints as it is.
"""

from __future__ import annotations

import hashlib
import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

EPOCH_THRESHOLD = 1e9
MAX_WAIT_S = 120.0  # one wait is capped, as the official Terraform provider caps its delays
RESET_MARGIN_S = 0.1  # Reset is announced in whole seconds: wait a little past it
DEFAULT_429_WAIT_S = 1.0
ANNOUNCE_AFTER_S = 1.0  # shorter waits pass unannounced
ANNOUNCE_PREFIX = "rate limit: "  # how engine/operations.py recognises the line among diagnostics
FREE_PLAN_PER_MINUTE = {"Uptime Robot": 10}  # reference uptimerobot-api.md §2
PER_MINUTE = frozenset({"Uptime Robot"})  # X-RateLimit-Limit counts a minute (a sped-up sandbox's
# window is shorter in real seconds: the estimates use the window as observed)


def _stderr_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


announcer: Callable[[str], None] = _stderr_line  # tests and the CLI process may replace it


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, math.ceil(seconds))} s"
    return f"{math.ceil(seconds / 60)} min"


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

    def __init__(self, *, max_wait_s: float = MAX_WAIT_S, api: str = "") -> None:
        self._cond = threading.Condition()
        self.api = api
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
        self.window_s: float | None = None  # the longest reset announced: the window's length
        self.waiting = 0  # threads in ``acquire`` now
        self._announced_for = 0.0  # the wake-up time last announced

    # --- the gate -----------------------------------------------------------------------------
    def acquire(self) -> Permit:
        with self._cond:
            self.waiting += 1
            try:
                while True:
                    now = time.monotonic()
                    delay = self._delay(now)
                    if delay <= 0:
                        break
                    delay = min(delay, self.max_wait_s)
                    if delay >= ANNOUNCE_AFTER_S and now + delay > self._announced_for + ANNOUNCE_AFTER_S:
                        self._announced_for = now + delay
                        announcer(self.describe_wait(delay))
                    self._cond.wait(delay)
                    self.waited_s += time.monotonic() - now
            finally:
                self.waiting -= 1
            if self.remaining is not None:
                self.remaining -= 1
            self.in_flight += 1
            semaphore = self._semaphore
        if semaphore is not None:
            semaphore.acquire()
        return Permit(semaphore)

    def describe_wait(self, delay: float) -> str:
        """The announcement of one wait: the limit, the wait, what the queued requests still need."""
        limit = self.limit
        if limit and (self.api in PER_MINUTE or (self.window_s and abs(self.window_s - 60) <= 1)):
            plan = f"{limit} requests/min"
        elif limit and self.window_s:
            plan = f"{limit} requests per {_duration(self.window_s)}"
        else:
            plan = "rate limit reached"
        free = FREE_PLAN_PER_MINUTE.get(self.api)
        name = f"{self.api} free plan" if free is not None and limit == free else self.api or "the API"
        text = f"{ANNOUNCE_PREFIX}{name}: {plan}, waiting {_duration(delay)}"
        queued = self.waiting
        if limit and self.window_s and queued > limit:
            left = delay + (math.ceil(queued / limit) - 1) * self.window_s
            text += f"; {queued} requests queued, about {_duration(left)} left"
        return text

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
            self.window_s = max(self.window_s or 0.0, reset)
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
            limiter = _REGISTRY[key] = RateLimiter(api=api)
        return limiter


def reset_limiters() -> None:
    """Forget every limiter (tests; a new process starts empty anyway)."""
    with _REGISTRY_LOCK:
        _REGISTRY.clear()

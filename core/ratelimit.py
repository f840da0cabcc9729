"""One rate limiter per (API, credential) per process, shared by every thread.

The dynamic-provider process serves 4 gRPC calls at once, so limits are process-wide state kept in a
module-level registry — never on a provider object, which Pulumi pickles into state. It obeys:
- Uptime Robot: ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` (seconds remaining on live
  accounts; a value above 1e9 is taken as an epoch) and ``Retry-After`` on 429;
- Sentry: ``X-Sentry-Rate-Limit-Remaining`` / ``-Reset`` (epoch) and ``-ConcurrentLimit``, which
  caps how many requests run at once.
When the window is spent, every thread waits for the reset instead of collecting 429s.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Mapping

_EPOCH_THRESHOLD = 1e9
MAX_WAIT_S = 120.0  # as the official Terraform provider caps its waits


def _seconds_until(reset: str | None) -> float | None:
    if reset is None:
        return None
    try:
        value = float(reset)
    except ValueError:
        return None
    if value > _EPOCH_THRESHOLD:
        return max(0.0, value - time.time())
    return max(0.0, value)


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._concurrency: threading.BoundedSemaphore | None = None
        self._concurrency_limit = 0
        self.waited_s = 0.0  # total time spent waiting (benchmarks print it)

    def acquire(self) -> None:
        while True:
            with self._lock:
                delay = self._blocked_until - time.monotonic()
            if delay <= 0:
                break
            delay = min(delay, MAX_WAIT_S)
            self.waited_s += delay
            time.sleep(delay)
        semaphore = self._concurrency
        if semaphore is not None:
            semaphore.acquire()

    def release(self) -> None:
        semaphore = self._concurrency
        if semaphore is not None:
            with contextlib.suppress(ValueError):  # the semaphore was resized while this request ran
                semaphore.release()

    def block_for(self, seconds: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, time.monotonic() + min(seconds, MAX_WAIT_S))

    def observe(self, status: int, headers: Mapping[str, str]) -> float | None:
        """Learn from a response; returns how long to wait before retrying a 429 (None otherwise)."""
        lower = {k.lower(): v for k, v in headers.items()}
        remaining = lower.get("x-ratelimit-remaining", lower.get("x-sentry-rate-limit-remaining"))
        reset = _seconds_until(lower.get("x-ratelimit-reset", lower.get("x-sentry-rate-limit-reset")))
        if remaining is not None and reset is not None:
            try:
                if int(float(remaining)) <= 0:
                    self.block_for(reset + 0.05)
            except ValueError:
                pass
        concurrent = lower.get("x-sentry-rate-limit-concurrentlimit")
        if concurrent and concurrent.isdigit() and self._concurrency is None:
            limit = max(1, int(concurrent))
            with self._lock:
                if self._concurrency is None:
                    self._concurrency_limit = limit
                    self._concurrency = threading.BoundedSemaphore(limit)
        if status != 429:
            return None
        retry_after = _seconds_until(lower.get("retry-after"))
        wait = retry_after if retry_after is not None else (reset if reset is not None else 1.0)
        wait = max(wait, 0.05)
        self.block_for(wait)
        return wait


_REGISTRY: dict[str, RateLimiter] = {}
_REGISTRY_LOCK = threading.Lock()


def limiter_for(api: str, base_url: str, token: str) -> RateLimiter:
    """The process-wide limiter of one credential (keyed by a hash, never the token itself)."""
    key = hashlib.sha256(f"{api}\0{base_url}\0{token}".encode()).hexdigest()
    with _REGISTRY_LOCK:
        if key not in _REGISTRY:
            _REGISTRY[key] = RateLimiter()
        return _REGISTRY[key]

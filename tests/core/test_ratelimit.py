"""The per-credential rate limiter: shared by threads, obeys the headers, paces before a 429."""

from __future__ import annotations

import threading
import time

import pytest

from vigil.core.ratelimit import RateLimiter, limiter_for, seconds_until


def test_reset_below_1e9_is_seconds_remaining() -> None:
    assert seconds_until("42") == 42.0


def test_reset_above_1e9_is_an_epoch() -> None:
    assert seconds_until("1700000060", now_epoch=1_700_000_000.0) == pytest.approx(60.0)


def test_garbage_reset_is_ignored() -> None:
    assert seconds_until("soon") is None and seconds_until(None) is None


def test_one_limiter_per_credential_shared_by_threads() -> None:
    found: list[RateLimiter] = []

    def lookup() -> None:
        found.append(limiter_for("Uptime Robot", "https://api.example/v3", "key-one"))

    threads = [threading.Thread(target=lookup) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(found) == 8 and all(limiter is found[0] for limiter in found)
    assert limiter_for("Uptime Robot", "https://api.example/v3", "key-two") is not found[0]


def test_spent_window_makes_every_thread_wait_for_the_reset() -> None:
    limiter = RateLimiter()
    limiter.release(limiter.acquire(), 200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0.4"})
    started = time.monotonic()
    waits: list[float] = []

    def call() -> None:
        limiter.acquire()
        waits.append(time.monotonic() - started)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(waits) == 3 and min(waits) >= 0.4


def test_budget_counts_requests_sent_since_the_last_answer() -> None:
    limiter = RateLimiter()
    limiter.release(limiter.acquire(), 200, {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "0.3"})
    started = time.monotonic()
    limiter.acquire()
    limiter.acquire()
    assert limiter.waited_s == 0.0 and limiter.remaining == 0  # two left: no wait
    limiter.acquire()  # the third must wait for the window
    assert time.monotonic() - started >= 0.3 and limiter.waited_s > 0


def test_retry_after_on_429_blocks_and_is_returned() -> None:
    limiter = RateLimiter()
    wait = limiter.release(limiter.acquire(), 429, {"Retry-After": "0.3"})
    assert wait == pytest.approx(0.3)
    started = time.monotonic()
    limiter.acquire()
    assert time.monotonic() - started >= 0.25
    assert limiter.throttled == 1


def test_sentry_concurrent_limit_caps_requests_in_flight() -> None:
    limiter = RateLimiter()
    limiter.release(
        limiter.acquire(),
        200,
        {"X-Sentry-Rate-Limit-ConcurrentLimit": "2", "X-Sentry-Rate-Limit-Remaining": "100"},
    )
    active = peak = 0
    lock = threading.Lock()

    def call() -> None:
        nonlocal active, peak
        permit = limiter.acquire()
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        limiter.release(permit, 200, {})

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert limiter.concurrency_limit == 2 and peak == 2


def test_sentry_epoch_reset_is_obeyed() -> None:
    limiter = RateLimiter()
    reset = str(time.time() + 0.4)  # below 1e9? no: an epoch, as Sentry sends
    limiter.release(
        limiter.acquire(), 200, {"X-Sentry-Rate-Limit-Remaining": "0", "X-Sentry-Rate-Limit-Reset": reset}
    )
    started = time.monotonic()
    limiter.acquire()
    assert time.monotonic() - started >= 0.3


def test_a_limiter_refuses_to_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(RateLimiter())

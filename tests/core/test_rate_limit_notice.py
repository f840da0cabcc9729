"""A wait for the rate limit is announced once, with the plan's limit and what the queue still needs."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from vigil.core import ratelimit
from vigil.core.ratelimit import RateLimiter
from vigil.engine.operations import ProgressEvent
from vigil.render.progress import ProgressView

SPENT = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"}


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    lines: list[str] = []
    monkeypatch.setattr(ratelimit, "announcer", lines.append)
    yield lines


def test_a_spent_free_plan_window_is_announced_once_with_the_wait(heard: list[str]) -> None:
    limiter = RateLimiter(api="Uptime Robot")
    limiter.release(limiter.acquire(), 200, SPENT)
    threads = [threading.Thread(target=lambda: limiter.release(limiter.acquire(), 200, {})) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(heard) == 1, heard
    assert heard[0].startswith("rate limit: Uptime Robot free plan: 10 requests/min, waiting ")


def test_the_announcement_estimates_the_time_the_queue_needs(heard: list[str]) -> None:
    limiter = RateLimiter(api="Uptime Robot")
    limiter.release(limiter.acquire(), 200, {**SPENT, "X-RateLimit-Reset": "60"})
    limiter.waiting = 41  # requests queued behind this one
    text = limiter.describe_wait(38)
    assert text == (
        "rate limit: Uptime Robot free plan: 10 requests/min, waiting 38 s; "
        "41 requests queued, about 5 min left"
    )


def test_the_progress_view_shows_each_resource_in_flight_and_the_wait() -> None:
    view = ProgressView()
    view.apply(ProgressEvent("start", text="up of 't'"))
    assert view.lines()[0].startswith("up of 't': starting the engine")
    view.apply(ProgressEvent("step", urn="u1", op="create", type="uptimerobot:Monitor", name="api"))
    view.apply(ProgressEvent("step", urn="u2", op="refresh", type="uptimerobot:Monitor", name="web"))
    view.apply(ProgressEvent("done", urn="u2"))
    view.apply(ProgressEvent("rate-limit", text="Uptime Robot free plan: 10 requests/min, waiting 38 s"))
    lines = view.lines(now=view.started + 75)
    assert lines[0] == "up of 't': 1 done, 1 in flight, 1m15s"
    assert lines[1].split() == ["creating", "uptimerobot:Monitor", "api", lines[1].split()[-1]]
    assert lines[-1].strip() == "Uptime Robot free plan: 10 requests/min, waiting 38 s"

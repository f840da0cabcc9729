"""The one write policy: retries, adoption by natural key and settling, for every service.

Every loop vigil runs against an API is here, built on tenacity, and every one is bounded:

- ``call`` — one HTTP exchange (``core.http.ApiClient._send``): an idempotent call is repeated on a
  5xx, a timeout or a dropped connection (exponential backoff with jitter, bounded in attempts and
  time); a 429 is repeated for every method (the request was not processed; the rate limiter has
  already waited the announced time), bounded in count; nothing else is repeated;
- ``create_or_adopt`` — before a create, the object is looked up by its natural key and adopted;
  after an AMBIGUOUS failure (timeout, dropped connection, 5xx, a conflict: the write may have
  happened) it is looked up again (a few reads: lists lag behind writes) and adopted; only when
  the lookups show it was not saved is the create repeated — so a retry never duplicates;
- ``write_or_confirm`` — an update or delete after an ambiguous failure: re-read; if the object
  already shows the write, done; otherwise repeat it;
- ``wait_until`` — the bounded wait: read until a condition holds (settle after a write; an object
  made by another resource appearing). Reusable by any caller (the verify probes).

One ``WritePolicy`` per service (``POLICIES``) holds every number. Ownership between stacks is
checked here: ``create_or_adopt``'s ``adoptable`` hook refuses an object another stack owns (the
provider passes ``core.ownership``'s check), before any write. A batched settle will plug in
(``settle`` is one function the provider calls per write; a batch can replace it).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
)

from core.errors import ClientError, Conflict, ServerError, TransportError

T = TypeVar("T")
Doc = dict[str, Any]


@dataclass(frozen=True)
class WritePolicy:
    """The numbers of one service's policy (every loop bounded by them)."""

    service: str
    call_attempts: int = 6  # idempotent calls on 5xx/transport (0.2^6: a 20 % fault rate gets through)
    call_budget_s: float = 60.0  # total time for those retries
    backoff_s: float = 0.25
    backoff_cap_s: float = 8.0
    throttled_retries: int = 8  # 429s obeyed (as the official Terraform provider)
    write_attempts: int = 8  # non-idempotent writes, each repeat after a lookup showed it unsaved
    adopt_reads: int = 2  # lookups by natural key after an ambiguous failure
    adopt_delay_s: float = 0.5
    settle_reads: int = 8  # reads until the API shows a write
    settle_delay_s: float = 0.1  # doubling, capped
    settle_cap_s: float = 1.0
    appear_reads: int = 10  # reads until an object another resource creates exists (about 13 s)
    appear_cap_s: float = 2.0


POLICIES: dict[str, WritePolicy] = {
    "Uptime Robot": WritePolicy("Uptime Robot", settle_reads=10),
    "Sentry": WritePolicy("Sentry", adopt_reads=3, adopt_delay_s=0.2),
    "Slack": WritePolicy("Slack", adopt_reads=3, adopt_delay_s=0.2),
    # An incoming-webhook post is not idempotent (a 5xx may still have posted): only 429s repeat.
    "Slack webhook": WritePolicy("Slack webhook", call_attempts=1, throttled_retries=3),
}
DEFAULT = WritePolicy("API")


def policy_for(service: str) -> WritePolicy:
    return POLICIES.get(service, DEFAULT)


def is_ambiguous(error: BaseException) -> bool:
    """A failure after which the write may have happened (or was raced by another writer)."""
    return isinstance(error, (TransportError, ServerError, Conflict))


# --- the bounded wait ----------------------------------------------------------------------------------
def wait_until(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    reads: int,
    delay_s: float = 0.1,
    cap_s: float = 1.0,
) -> T:
    """Call ``fetch`` until ``done(result)``, at most ``reads`` times (delay doubling up to ``cap_s``).

    Returns the last result either way: the caller decides what an unsettled result means.
    """
    retrying = Retrying(
        stop=stop_after_attempt(max(1, reads)),
        wait=wait_exponential(multiplier=delay_s, max=cap_s),
        retry=retry_if_result(lambda result: not done(result)),
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )
    return retrying(fetch)  # type: ignore[no-any-return]


def settle(policy: WritePolicy, fetch: Callable[[], Doc | None], ready: Callable[[Doc], bool]) -> Doc | None:
    """Re-read after a write until ``ready`` (or the object is gone): the last document read."""
    return wait_until(
        fetch,
        lambda doc: doc is None or ready(doc),
        reads=policy.settle_reads,
        delay_s=policy.settle_delay_s,
        cap_s=policy.settle_cap_s,
    )


def appear(policy: WritePolicy, fetch: Callable[[], Doc | None]) -> Doc | None:
    """Read until the object exists (another resource is creating it), bounded; None if it never does."""
    return wait_until(
        fetch,
        lambda doc: doc is not None,
        reads=policy.appear_reads,
        delay_s=policy.settle_delay_s,
        cap_s=policy.appear_cap_s,
    )


# --- one HTTP exchange ------------------------------------------------------------------------------------
class Throttled(Exception):
    """A 429: the request was not processed (raised and caught inside ``call`` only)."""

    def __init__(self, response: Any) -> None:
        super().__init__("429")
        self.response = response


class Transient(Exception):
    """A 5xx, timeout or dropped connection of an idempotent call (inside ``call`` only)."""

    def __init__(self, outcome: Any) -> None:
        super().__init__("transient")
        self.outcome = outcome


def call(
    policy: WritePolicy,
    exchange: Callable[[], T],
    *,
    throttle_wait: Callable[[Any], float] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``exchange`` under the policy. It raises ``Throttled`` or ``Transient`` to ask for a
    repeat; when the repeats are used up the last one's ``response``/``outcome`` is returned or raised.
    A 429 is repeated at once (the shared rate limiter has waited) unless ``throttle_wait`` says
    how long to wait from the response (calls that bypass the limiter).
    """
    counts = {"throttled": 0, "transient": 0}
    started = time.monotonic()

    def stop(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Throttled):
            counts["throttled"] += 1
            return counts["throttled"] > policy.throttled_retries
        counts["transient"] += 1
        within = time.monotonic() - started < policy.call_budget_s
        return counts["transient"] >= policy.call_attempts or not within

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Throttled):
            return throttle_wait(error.response) if throttle_wait else 0.0
        delay = min(policy.backoff_s * 2 ** (counts["transient"] - 1), policy.backoff_cap_s)
        return delay * random.uniform(0.75, 1.25)  # backoff by transient attempts only, jittered

    def give_up(state: RetryCallState) -> Any:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Throttled):
            return error.response
        if isinstance(error, Transient):
            if isinstance(error.outcome, BaseException):
                raise error.outcome
            return error.outcome
        raise error if error else RuntimeError("no outcome")

    retrying = Retrying(
        retry=retry_if_exception_type((Throttled, Transient)),
        stop=stop,
        wait=wait,
        sleep=sleep,
        retry_error_callback=give_up,
    )
    return retrying(exchange)


# --- writes ------------------------------------------------------------------------------------------------
def create_or_adopt(
    policy: WritePolicy,
    *,
    find: Callable[[bool], Doc | None],
    create: Callable[[], Doc],
    adopt: Callable[[Doc], Doc],
    ambiguous: Callable[[BaseException], bool] = is_ambiguous,
    adoptable: Callable[[Doc], None] | None = None,
) -> Doc:
    """Adopt the object with this natural key, else create it; never create twice.

    ``find(fresh)`` looks the object up (``fresh``: bypass any cache, after a failure); ``adopt``
    brings a found object to the stack's fields. A create that fails ambiguously is followed by up
    to ``adopt_reads`` fresh lookups; only if none finds it is the create repeated. ``adoptable``
    (the ownership check) raises for a found object this stack may not adopt, before any write.
    """
    existing = find(False)
    if existing is not None:
        return _adopt_owned(existing, adopt, adoptable)

    def attempt() -> Doc:
        try:
            return create()
        except ClientError as error:
            if not ambiguous(error):
                raise
            found = wait_until(
                lambda: find(True),
                lambda doc: doc is not None,
                reads=policy.adopt_reads,
                delay_s=policy.adopt_delay_s,
                cap_s=policy.adopt_delay_s,
            )
            if found is not None:
                return _adopt_owned(found, adopt, adoptable)
            raise _NotSaved(error) from error

    return _repeat_unsaved(policy, attempt)


def _adopt_owned(found: Doc, adopt: Callable[[Doc], Doc], adoptable: Callable[[Doc], None] | None) -> Doc:
    """Adoption, after the ownership check: an object another stack owns is refused, never written."""
    if adoptable is not None:
        adoptable(found)
    return adopt(found)


def write_or_confirm(
    policy: WritePolicy,
    *,
    write: Callable[[], T],
    confirm: Callable[[], T | None],
    ambiguous: Callable[[BaseException], bool] = is_ambiguous,
) -> T:
    """Run ``write``; after an ambiguous failure ``confirm()`` re-reads and returns a result when the
    write shows already (None when it does not): only then is the write repeated, bounded."""

    def attempt() -> T:
        try:
            return write()
        except ClientError as error:
            if not ambiguous(error):
                raise
            confirmed = confirm()
            if confirmed is not None:
                return confirmed
            raise _NotSaved(error) from error

    return _repeat_unsaved(policy, attempt)


class _NotSaved(Exception):
    def __init__(self, error: ClientError) -> None:
        super().__init__(str(error))
        self.error = error


def _repeat_unsaved(policy: WritePolicy, attempt: Callable[[], T]) -> T:
    def give_up(state: RetryCallState) -> Any:
        error = state.outcome.exception() if state.outcome else None
        raise error.error if isinstance(error, _NotSaved) else error  # type: ignore[misc]

    retrying = Retrying(
        stop=stop_after_attempt(policy.write_attempts) | stop_after_delay(policy.call_budget_s * 2),
        retry=retry_if_exception(lambda e: isinstance(e, _NotSaved)),
        wait=wait_exponential(multiplier=policy.backoff_s / 2, max=policy.backoff_cap_s / 4),
        retry_error_callback=give_up,
    )
    return retrying(attempt)


__all__ = [
    "POLICIES",
    "Throttled",
    "Transient",
    "WritePolicy",
    "appear",
    "call",
    "create_or_adopt",
    "is_ambiguous",
    "policy_for",
    "settle",
    "wait_until",
    "write_or_confirm",
]

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
  made by another resource appearing). Reusable by any caller (the verify probes);
- ``SettleBatch`` — the settle of many writes by one shared list read (``settle_batch``): see below.

One ``WritePolicy`` per service (``POLICIES``) holds every number. Ownership between stacks is
checked here: ``create_or_adopt``'s ``adoptable`` hook refuses an object another stack owns (the
provider passes ``core.ownership``'s check), before any write.

**Batched settle** (``SettleBatch``, one per collection and credential per process). The engine calls
the dynamic provider once per resource, each call in its own gRPC thread; a create must not return
before the API shows its write. A write is done inside ``batch.writing()``; its settle then joins the
batch with ``batch.confirm(id, ready, read_many)`` and waits. One of the waiting threads (the leader,
the only one the batch's events wake) reads for all of them when the batch is due —
``read_many(ids)`` is one list read (one page confirms up to 200 monitors: new objects have the
highest ids, so the read starts at the cursor just below them) — and hands every waiter the
document the list showed. The batch is due when no write of the collection is
in flight or expected any more (``expect``: the engine checked a resource whose write has not started)
and nothing happened for ``settle_quiet_s``, when it holds ``size`` waiters (a page), when an
expected write did not start for ``settle_idle_s`` with none in flight (a cancelled or failed run),
when writes in flight made no progress for ``settle_busy_s`` (longer than any rate-limit wait: on a
free plan writes wait up to a minute for the next window), or after ``settle_wait_s`` at most.
A waiter the list does not show yet (read lag), or shows unsettled, gets None and falls back to
the per-object ``settle`` (bounded GETs). Writes of a whole ``up`` share a few list reads only if
enough resources are in flight at once: vigil runs the engine with 256 steps at once and the
provider with ``size`` threads (engine/operations.py, engine/dynamic_host.py).
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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

from vigil.core.errors import ClientError, Conflict, ServerError, TransportError

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
    settle_quiet_s: float = 0.25  # batched settle: no write started or ended for this long → list
    settle_idle_s: float = 10.0  # …or, none in flight, an expected write did not start for this long
    settle_busy_s: float = 150.0  # …or writes in flight made no progress for this long (> a 429 wait)
    settle_wait_s: float = 900.0  # …or a waiter waited this long (free plan: 150 writes at 10/min)


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


# --- the batched settle ---------------------------------------------------------------------------------
ReadMany = Callable[[list[int]], dict[int, Doc]]


@dataclass
class _Waiter:
    key: int
    ready: Callable[[Doc], bool]
    joined: float
    done: bool = False
    doc: Doc | None = None
    woken: threading.Event = field(default_factory=threading.Event, repr=False)


@dataclass
class SettleBatch:
    """Settles the writes of one collection (one credential, one process) with shared list reads.

    One waiter at a time leads: it alone wakes on the batch's events (a write starts or ends, a
    waiter joins) to decide when the batch is due, reads, and hands the documents out. Every other
    waiter sleeps on its own event until its read is done or the lead passes to it. (Waking all of
    them on every event cost O(waiters²) per batch: 8 s of CPU for 500 creates, measured.)"""

    policy: WritePolicy
    size: int = 200  # waiters one list read confirms (a page)
    reads: int = 0  # list reads made (tests and benchmarks count them)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _wake: threading.Condition = field(init=False, repr=False)  # the leader waits here
    _writers: int = 0
    _expected: int = 0  # resources checked whose write has not started (it is coming)
    _waiting: list[_Waiter] = field(default_factory=list)  # in the order they joined
    _last_event: float = field(default_factory=time.monotonic)
    _leader: _Waiter | None = None

    def __post_init__(self) -> None:
        self._wake = threading.Condition(self._lock)

    def _event(self) -> None:
        """Something the leader's decision depends on changed (call with the lock held)."""
        self._last_event = time.monotonic()
        self._wake.notify()

    def expect(self, count: int = 1) -> None:
        """A write is coming (the engine checked a resource; ``-1``: its diff found nothing to do).

        The engine checks every resource as the program registers it, well before the steps run
        (their begin and end each save the whole state): counting them keeps the batch open while
        writes are still to come, however slowly the steps follow."""
        with self._lock:
            self._expected = max(0, self._expected + count)
            self._event()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Around one write: while any is in flight the batch waits for it (its settle will join)."""
        with self._lock:
            self._writers += 1
            self._expected = max(0, self._expected - 1)
            self._last_event = time.monotonic()
        try:
            yield
        finally:
            with self._lock:
                self._writers -= 1
                self._event()

    def _due_in(self, now: float) -> float:
        if not self._waiting:
            return float("inf")
        if len(self._waiting) >= self.size:
            return 0.0
        hard = self._waiting[0].joined + self.policy.settle_wait_s - now  # the longest waiter
        if self._writers == 0:
            # nothing in flight: a short quiet if nothing is expected either, else a bound on an
            # expected write that never comes (a cancelled or failed run)
            wait = self.policy.settle_quiet_s if self._expected == 0 else self.policy.settle_idle_s
        else:  # writes in flight end within their own policy (a free plan's window is 60 s)
            wait = self.policy.settle_busy_s
        return min(self._last_event + wait - now, hard)

    def confirm(self, key: int, ready: Callable[[Doc], bool], read_many: ReadMany) -> Doc | None:
        """Wait for the list read that shows object ``key``: its document when ``ready`` holds,
        else None (not listed yet, or not settled: the caller falls back to ``settle``)."""
        waiter = _Waiter(key, ready, time.monotonic())
        with self._lock:
            self._waiting.append(waiter)
            self._event()
        # Bounded: the leader reads at the latest ``settle_wait_s`` after the first waiter joined.
        while True:
            with self._lock:
                if waiter.done:
                    return waiter.doc
                if self._leader is None:
                    self._leader = waiter
                leading = self._leader is waiter
            if leading:
                self._lead(waiter, read_many)
            else:
                waiter.woken.wait(timeout=1.0)  # set when its read is done or the lead passes to it
                waiter.woken.clear()

    def _lead(self, leader: _Waiter, read_many: ReadMany) -> None:
        """Read batches as they fall due until the leader's own read is done; then pass the lead on."""
        with self._lock:
            try:
                while not leader.done:
                    delay = self._due_in(time.monotonic())
                    if delay > 0:
                        self._wake.wait(timeout=min(delay, 1.0))
                        continue
                    batch, self._waiting = self._waiting[: self.size], self._waiting[self.size :]
                    self._lock.release()
                    try:
                        docs = _read_quietly(read_many, sorted({w.key for w in batch}))
                        for member in batch:
                            doc = docs.get(member.key)
                            member.doc = doc if doc is not None and member.ready(doc) else None
                    finally:
                        self._lock.acquire()
                        self.reads += 1
                        for member in batch:
                            member.done = True
                            member.woken.set()
                        self._last_event = time.monotonic()
            finally:
                self._leader = None
                if self._waiting:
                    self._waiting[0].woken.set()  # the longest waiter leads next


def _read_quietly(read_many: ReadMany, keys: list[int]) -> dict[int, Doc]:
    """A failed list read confirms nothing: every waiter falls back to its own bounded reads."""
    try:
        return read_many(keys)
    except ClientError:
        return {}


_BATCHES: dict[str, SettleBatch] = {}
_BATCHES_LOCK = threading.Lock()


def settle_batch(key: str, policy: WritePolicy, *, size: int = 200) -> SettleBatch:
    """The process-wide batch of one collection of one credential (``key`` names both, no secret)."""
    with _BATCHES_LOCK:
        batch = _BATCHES.get(key)
        if batch is None:
            batch = _BATCHES[key] = SettleBatch(policy, size=size)
        return batch


def forget_batches() -> None:
    """Drop every batch (tests; a new provider process starts empty anyway)."""
    with _BATCHES_LOCK:
        _BATCHES.clear()


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
    "SettleBatch",
    "Throttled",
    "Transient",
    "WritePolicy",
    "appear",
    "call",
    "create_or_adopt",
    "forget_batches",
    "is_ambiguous",
    "policy_for",
    "settle",
    "settle_batch",
    "wait_until",
    "write_or_confirm",
]

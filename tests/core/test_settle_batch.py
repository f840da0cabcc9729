"""The settle batch: when one shared read confirms the writes, and what a waiter gets."""

from __future__ import annotations

import threading
import time
from typing import Any

from vigil.core.policy import SettleBatch, WritePolicy

POLICY = WritePolicy("test", settle_quiet_s=0.05, settle_idle_s=0.2, settle_busy_s=30.0)


class Lister:
    """What a list read shows: the ids asked for, except those not listed yet (read lag)."""

    def __init__(self, lagging: set[int] | None = None) -> None:
        self.reads: list[list[int]] = []
        self.lagging = lagging or set()

    def __call__(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        self.reads.append(ids)
        return {i: {"id": i, "name": f"n{i}"} for i in ids if i not in self.lagging}


def settle_after(batch: SettleBatch, key: int, lister: Lister, hold_s: float, out: dict[int, Any]) -> None:
    with batch.writing():
        time.sleep(hold_s)  # the write in flight (a POST waiting for the next rate-limit window)
    out[key] = batch.confirm(key, lambda doc: doc["name"] == f"n{key}", lister)


def test_a_write_still_in_flight_keeps_the_batch_open_past_the_idle_bound() -> None:
    batch, lister = SettleBatch(POLICY, size=10), Lister()
    out: dict[int, Any] = {}
    slow = threading.Thread(target=settle_after, args=(batch, 2, lister, 1.0, out))
    slow.start()
    time.sleep(0.05)
    settle_after(batch, 1, lister, 0.0, out)
    slow.join(timeout=30)
    assert lister.reads == [[1, 2]]  # one read for both, although the first waited 1 s (> idle 0.2 s)
    assert out == {1: {"id": 1, "name": "n1"}, 2: {"id": 2, "name": "n2"}}


def test_an_expected_write_that_never_starts_holds_the_batch_only_for_the_idle_bound() -> None:
    batch, lister = SettleBatch(POLICY, size=10), Lister()
    out: dict[int, Any] = {}
    batch.expect(2)  # two resources checked; only one is written (the run was cancelled)
    settle_after(batch, 7, lister, 0.0, out)
    assert lister.reads == [[7]] and out[7] == {"id": 7, "name": "n7"}
    assert batch.reads == 1


def test_a_write_the_list_does_not_show_yet_gets_none_to_fall_back_on() -> None:
    batch, lister = SettleBatch(POLICY, size=10), Lister(lagging={4})
    out: dict[int, Any] = {}
    threads = [threading.Thread(target=settle_after, args=(batch, k, lister, 0.0, out)) for k in (3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert out[3] == {"id": 3, "name": "n3"} and out[4] is None
    assert len(lister.reads) == 1


def test_a_full_page_of_waiters_is_read_at_once() -> None:
    batch, lister = SettleBatch(POLICY, size=3), Lister()
    out: dict[int, Any] = {}
    batch.expect(10)  # more are coming: only the page size triggers the read
    threads = [threading.Thread(target=settle_after, args=(batch, k, lister, 0.0, out)) for k in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [sorted(r) for r in lister.reads] == [[1, 2, 3]]


class CountingBatch(SettleBatch):
    """Counts how often a waiter re-decides whether the batch is due (each is a thread woken)."""

    decisions = 0

    def _due_in(self, now: float) -> float:
        self.decisions += 1
        return super()._due_in(now)


def test_only_the_leading_waiter_wakes_on_the_batch_events() -> None:
    """200 writes ending one by one are 400 events; waking every waiter on each (the first version)
    made ~40,000 decisions and 8 s of CPU for a 500-monitor `up`. One leader decides instead."""
    batch, lister = CountingBatch(POLICY, size=200), Lister()
    out: dict[int, Any] = {}
    batch.expect(200)
    threads = [
        threading.Thread(target=settle_after, args=(batch, k, lister, 0.001 * (k % 50), out))
        for k in range(200)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(out) == 200 and all(doc == {"id": k, "name": f"n{k}"} for k, doc in out.items())
    assert [len(r) for r in lister.reads] == [200]
    assert batch.decisions < 1_000, batch.decisions


def test_the_lead_passes_on_when_the_leader_is_confirmed() -> None:
    """A page-sized batch leaves later waiters behind: one of them leads their read."""
    batch, lister = SettleBatch(POLICY, size=2), Lister()
    out: dict[int, Any] = {}
    threads = [threading.Thread(target=settle_after, args=(batch, k, lister, 0.0, out)) for k in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(out) == [0, 1, 2, 3, 4] and all(out[k] == {"id": k, "name": f"n{k}"} for k in out)
    assert sorted(k for read in lister.reads for k in read) == [0, 1, 2, 3, 4]
    assert all(len(read) <= 2 for read in lister.reads) and batch.reads == len(lister.reads)

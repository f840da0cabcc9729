"""The drill history (engine/drill_history.py): kept in the state backend, bounded, oldest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from vigil.engine import drill_history
from vigil.engine.backend import open_store
from vigil.engine.drill_history import DrillHistory, DrillResult

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def result(minutes: int, *, passed: bool = True, notify_s: float | None = 95.0) -> DrillResult:
    return DrillResult(
        started_at=START + timedelta(minutes=minutes),
        kind="uptimerobot",
        name="API",
        severity="P0",
        channel="slack",
        detect_s=61.5,
        notify_s=notify_s,
        target_s=300.0,
        passed=passed,
        detail="" if passed else "the alert never arrived",
    )


def test_results_round_trip_through_the_backend_and_filter_by_time(tmp_path: Path) -> None:
    history = DrillHistory.in_store(open_store(tmp_path.as_uri(), {}), "conductor", "sandbox")
    assert history.load() == []
    history.append([result(0), result(10, passed=False, notify_s=None)])
    again = DrillHistory.in_store(open_store(tmp_path.as_uri(), {}), "conductor", "sandbox")
    assert again.load() == [result(0), result(10, passed=False, notify_s=None)]
    assert again.load(since=START + timedelta(minutes=5)) == [result(10, passed=False, notify_s=None)]
    assert (tmp_path / ".vigil-drills" / "conductor" / "sandbox.json").is_file()


def test_history_keeps_only_the_newest_results(tmp_path: Path) -> None:
    history = DrillHistory.in_store(open_store(tmp_path.as_uri(), {}), "conductor", "dev")
    history.append(result(minute) for minute in range(drill_history.KEEP + 5))
    kept = history.load()
    assert len(kept) == drill_history.KEEP
    assert kept[0] == result(5)
    assert kept[-1] == result(drill_history.KEEP + 4)


def test_a_damaged_document_reads_as_no_history_and_is_replaced(tmp_path: Path) -> None:
    store = open_store(tmp_path.as_uri(), {})
    store.write(".vigil-drills/conductor/dev.json", b"{not json")
    history = DrillHistory.in_store(store, "conductor", "dev")
    assert history.load() == []
    history.append([result(1)])
    assert history.load() == [result(1)]

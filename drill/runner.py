"""One drill, start to finish: take the drill lock, make things fail, wait for the results, and
always clean up — after a pass, a failure, an error or Ctrl-C alike (the ``finally`` below).

Results reach ``on_result`` as they become final (the live table), and the finished ones are kept
in the drill history beside the state (engine/drill_history.py), also when the drill was
interrupted, so the SLA report shows measured detection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vigil.drill.interrupts import InterruptLatch, interrupt_latch
from vigil.drill.lock import DrillLock
from vigil.drill.plan import AlertCase, MonitorCase
from vigil.drill.sentry import AlertOutcome, SentryDrill
from vigil.drill.uptime import Outcome, UptimeDrill
from vigil.drill.world import SandboxClock, WallClock
from vigil.engine.drill_history import DrillHistory, DrillResult

REAL_POLL_S = 5.0  # real accounts: one look every 5 s
SANDBOX_POLL_REAL_S = 0.1  # the sandbox: ten looks a real second


@dataclass
class DrillReport:
    env: str
    results: list[DrillResult] = field(default_factory=list)
    cleanup_problems: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results) and not self.cleanup_problems

    def as_dict(self) -> dict[str, object]:
        return {
            "env": self.env,
            "passed": self.passed,
            "interrupted": self.interrupted,
            "results": [r.to_json() for r in self.results],
            "incidents": self.incidents,
            "cleanup_problems": self.cleanup_problems,
        }


def _monitor_result(started: datetime, outcome: Outcome) -> DrillResult:
    case = outcome.case
    return DrillResult(
        started,
        "uptimerobot",
        case.name,
        case.severity,
        outcome.channel,
        outcome.detect_s,
        outcome.notify_s,
        case.target_s,
        outcome.passed,
        outcome.detail,
    )


def _alert_result(started: datetime, outcome: AlertOutcome) -> DrillResult:
    alert = outcome.case.alert
    return DrillResult(
        started,
        "sentry",
        alert.name,
        alert.severity,
        outcome.channel,
        outcome.detect_s,
        outcome.notify_s,
        outcome.case.target_s,
        outcome.passed,
        outcome.detail,
    )


def run_drill(
    env: str,
    clock: WallClock | SandboxClock,
    lock: DrillLock,
    history: DrillHistory | None,
    uptime: UptimeDrill | None,
    monitor_cases: list[MonitorCase],
    sentry: SentryDrill | None,
    alert_cases: list[AlertCase],
    on_result: Callable[[DrillResult], None] = lambda _: None,
    on_started: Callable[[], None] = lambda: None,
) -> DrillReport:
    report = DrillReport(env)
    started = datetime.now(UTC)

    def emit(outcome: Outcome | AlertOutcome) -> None:
        result = (
            _monitor_result(started, outcome)
            if isinstance(outcome, Outcome)
            else _alert_result(started, outcome)
        )
        report.results.append(result)
        on_result(result)

    lock.acquire(env)
    with interrupt_latch() as latch:
        try:
            _drive(clock, latch, uptime, monitor_cases, sentry, alert_cases, emit, on_started)
        except KeyboardInterrupt:
            report.interrupted = True
            raise
        finally:
            try:
                if uptime is not None:
                    report.incidents = uptime.incidents()
                    # the monitors come back up before the drill ends: their incidents close
                    wait = max((c.worst_s for c in monitor_cases), default=0.0) * 2 + 60
                    report.cleanup_problems = uptime.cleanup(wait_up_s=0.0 if report.interrupted else wait)
            finally:
                lock.release()
                if history is not None and report.results:
                    history.append(report.results)
    return report


def _drive(
    clock: WallClock | SandboxClock,
    latch: InterruptLatch,
    uptime: UptimeDrill | None,
    monitor_cases: list[MonitorCase],
    sentry: SentryDrill | None,
    alert_cases: list[AlertCase],
    emit: Callable[[Outcome | AlertOutcome], None],
    on_started: Callable[[], None],
) -> None:
    """Make things fail and wait for every result. ``latch.check()`` between steps raises for a
    Ctrl-C whose exception Python swallowed (drill/interrupts.py)."""
    if uptime is not None:
        for outcome in uptime.start(monitor_cases):
            emit(outcome)
    if sentry is not None:
        for alert_outcome in sentry.start(alert_cases):
            emit(alert_outcome)
    latch.check()
    on_started()
    poll_service_s = REAL_POLL_S if isinstance(clock, WallClock) else SANDBOX_POLL_REAL_S * clock.speed
    while (uptime is not None and uptime.pending) or (sentry is not None and sentry.pending):
        if uptime is not None and uptime.pending:
            for outcome in uptime.poll():
                emit(outcome)
        if sentry is not None and sentry.pending:
            for alert_outcome in sentry.poll():
                emit(alert_outcome)
        latch.check()
        clock.sleep(poll_service_s)
        latch.check()

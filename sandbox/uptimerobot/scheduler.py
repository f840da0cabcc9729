"""The Uptime Robot emulator's monitoring loop: every active monitor checked at its interval on the
sandbox clock, its status history fed, its alerts delivered.

One scheduler thread decides what is due (a scan of each account's monitors every ``TICK_S`` real
seconds: cheap next to a check) and hands checks and deliveries to a bounded pool of workers; a
monitor never has two checks in flight. A failed check is confirmed by a second one
``CONFIRM_S`` sandbox seconds later before the monitor is reported DOWN (as Uptime Robot confirms
before alerting), so the worst-case time to detect is interval + confirmation. The history
(history.py) is the only record: incidents, uptime ratios, response times and which alerts are due
all come from it. ``stop()`` ends the loop and waits for the workers, so the scheduler stops with the
server that started it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from vigil.sandbox.core.accounts import Account
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.uptimerobot import alerting, checks
from vigil.sandbox.uptimerobot.history import DOWN, Check
from vigil.sandbox.uptimerobot.models import Monitor, UptimeRobotBackend

log = logging.getLogger("vigil.sandbox.scheduler")

TICK_S = 0.05  # real seconds between two scans
CONFIRM_S = 30.0  # sandbox seconds between a failed check and the one that confirms it
WORKERS = 16
MAX_IN_FLIGHT = 1000  # checks and deliveries queued at once; past it a due check waits (and is late)
LATENESS_SAMPLES = 20_000
DELIVERIES_KEPT = 10_000  # per account: the newest


@dataclass
class _Slot:
    due: float  # sandbox-clock UNIX seconds of the next check
    first_failure: Check | None = None  # a failed check waiting for its confirmation


def heartbeats_of(backend: UptimeRobotBackend) -> dict[int, float]:
    """monitor id → when its heartbeat URL was last called (sandbox-clock UNIX seconds)."""
    beats: dict[int, float] = backend.__dict__.setdefault("heartbeats", {})
    return beats


class MonitorScheduler:
    def __init__(self, accounts: dict[tuple[str, str], Account], clock: Clock, backend_of: Any) -> None:
        self._accounts = accounts
        self._clock = clock
        self._backend_of = backend_of  # Account → its backend (created on first use)
        self._slots: dict[tuple[str, int], _Slot] = {}
        self._in_flight: set[tuple[str, int]] = set()
        self._alerting: set[tuple[str, int]] = set()  # monitors whose incident may still owe alerts
        self._guard = threading.Lock()  # the scheduler's own tables (never held with an account's lock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending = 0
        self.lateness: deque[float] = deque(maxlen=LATENESS_SAMPLES)
        self.checks_done = 0
        self.deliveries_done = 0
        self.started_at = 0.0

    # --- lifecycle ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self.started_at = self._clock.epoch()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="vigil-ur-check")
        self._thread = threading.Thread(target=self._loop, name="vigil-ur-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def stats(self) -> dict[str, Any]:
        samples = sorted(self.lateness)
        p95 = samples[int(0.95 * (len(samples) - 1))] if samples else None
        return {
            "running": self.running,
            "checks": self.checks_done,
            "deliveries": self.deliveries_done,
            "in_flight": self._pending,
            "lateness_samples": len(samples),
            "lateness_p95_s": None if p95 is None else round(p95, 3),
            "lateness_max_s": round(samples[-1], 3) if samples else None,
        }

    def reset_stats(self) -> None:
        self.lateness.clear()
        self.checks_done = self.deliveries_done = 0

    # --- the loop -----------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.wait(TICK_S):
            try:
                self.tick()
            except Exception:  # a bug must not stop monitoring: log it and go on
                log.exception("uptimerobot scheduler: tick failed")

    def tick(self) -> None:
        now = self._clock.epoch()
        for account in [a for a in list(self._accounts.values()) if a.service == "uptimerobot"]:
            if account.backend is None:
                continue
            self._scan(account, now)

    def _scan(self, account: Account, now: float) -> None:
        due: list[tuple[int, checks.Target, _Slot]] = []
        alerting: list[int] = []
        with account.lock:
            backend: UptimeRobotBackend = self._backend_of(account)
            beats = heartbeats_of(backend)
            present = set()
            for monitor in list(backend.monitors.values()):
                key = (account.key, monitor.id)
                present.add(key)
                history = backend.history.get(monitor.id)
                down = bool(history and history.checks and history.checks[-1].status == DOWN)
                if down or key in self._alerting:
                    alerting.append(monitor.id)
                if monitor.status == "PAUSED":
                    self._slots.pop(key, None)
                    continue
                slot = self._slots.get(key)
                if slot is None:
                    slot = self._slots[key] = _Slot(max(monitor.created_at, self.started_at))
                if now >= slot.due and key not in self._in_flight:
                    due.append((monitor.id, self._target(monitor, beats.get(monitor.id)), slot))
            for key in [k for k in self._slots if k[0] == account.key and k not in present]:
                self._slots.pop(key, None)
        for monitor_id, target, slot in due:
            if self._pending >= MAX_IN_FLIGHT:
                break
            key = (account.key, monitor_id)
            self.lateness.append(max(0.0, now - slot.due))
            self._in_flight.add(key)
            self._submit(self._check, account, monitor_id, target, slot)
        if alerting:
            self._alerts(account, alerting, now)

    def _submit(self, function: Any, *args: Any) -> None:
        if self._pool is None or self._stop.is_set():
            return
        with self._guard:
            self._pending += 1
        try:
            self._pool.submit(self._run, function, *args)
        except RuntimeError:  # the pool shut down between the check and the submit
            with self._guard:
                self._pending -= 1

    def _run(self, function: Any, *args: Any) -> None:
        try:
            function(*args)
        except Exception:
            log.exception("uptimerobot scheduler: a worker failed")
        finally:
            with self._guard:
                self._pending -= 1

    def _target(self, monitor: Monitor, last_heartbeat: float | None) -> checks.Target:
        # A request takes real time whatever the clock's speed: the timeout is in real seconds (at most
        # 10, so a hung target holds a worker briefly); scaled, a busy machine would see outages.
        timeout = min(float(monitor.timeout or 30), 10.0)
        return checks.Target(
            monitor.type,
            monitor.url,
            timeout,
            monitor.http_method_type or ("GET" if monitor.type == "KEYWORD" else "HEAD"),
            tuple(monitor.success_http_response_codes),
            monitor.keyword_type,
            monitor.keyword_case_type,
            monitor.keyword_value,
            monitor.port,
            monitor.interval,
            monitor.grace_period,
            last_heartbeat,
            monitor.created_at,
        )

    # --- one check ------------------------------------------------------------------------------
    def _check(self, account: Account, monitor_id: int, target: checks.Target, slot: _Slot) -> None:
        key = (account.key, monitor_id)
        try:
            observed = checks.check(target, self._clock.epoch())
            self.checks_done += 1
            with account.lock:
                backend: UptimeRobotBackend = self._backend_of(account)
                monitor = backend.monitors.get(monitor_id)
                if monitor is None or monitor.status == "PAUSED":
                    return
                slot.due = self._next_due(slot.due, monitor.interval)
                if observed is None:
                    return  # not a local target: never checked
                if observed.status == DOWN and monitor.status != DOWN and slot.first_failure is None:
                    slot.first_failure = observed  # confirm before reporting DOWN
                    slot.due = observed.at + CONFIRM_S
                    return
                slot.first_failure = None
                backend.record_check(monitor_id, observed)
                if observed.status == DOWN:
                    self._alerting.add(key)
        finally:
            self._in_flight.discard(key)

    def _next_due(self, due: float, interval: int) -> float:
        following = due + max(int(interval), 1)
        now = self._clock.epoch()
        return following if following > now - interval else now  # far behind: start again from now

    # --- alerts -------------------------------------------------------------------------------
    def _alerts(self, account: Account, monitor_ids: list[int], now: float) -> None:
        outgoing: list[alerting.Outgoing] = []
        with account.lock:
            backend: UptimeRobotBackend = self._backend_of(account)
            sent = alerting.delivered_keys(backend)
            for monitor_id in monitor_ids:
                key = (account.key, monitor_id)
                monitor = backend.monitors.get(monitor_id)
                incident = backend.last_incident(monitor_id) if monitor is not None else None
                if monitor is None or incident is None:
                    self._alerting.discard(key)
                    continue
                for alert in backend.sent_alerts(incident, now):
                    # alerts of incidents from before this scheduler ran were never due to anyone
                    if alert.at > now or alert.at < self.started_at - 1:
                        continue
                    mark = (incident.id, alert.contact_id, alert.kind, alert.at)
                    if mark in sent:
                        continue
                    sent.add(mark)
                    prepared = alerting.prepare(
                        backend, monitor, incident.id, alert.contact_id, alert.kind, now, alert.at
                    )
                    if prepared is not None:
                        outgoing.append(prepared)
                if incident.resolved is not None:
                    self._alerting.discard(key)
                else:
                    self._alerting.add(key)
        for item in outgoing:
            self._submit(self._deliver, account, item)

    def _deliver(self, account: Account, item: alerting.Outgoing) -> None:
        delivery = alerting.send(item)
        self.deliveries_done += 1
        with account.lock:
            log = alerting.deliveries_of(self._backend_of(account))
            log.append(delivery)
            del log[: max(0, len(log) - DELIVERIES_KEPT)]


def heartbeat(backend: UptimeRobotBackend, token: str, now: float) -> Monitor | None:
    """A job called its heartbeat URL: the monitor with that token, or None."""
    for monitor in backend.monitors.values():
        if monitor.type == "HEARTBEAT" and monitor.url == token:
            heartbeats_of(backend)[monitor.id] = now
            return monitor
    return None

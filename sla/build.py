"""One report from the stack's targets, the live accounts and the drill history."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from vigil.core.sentry import SentryClient
from vigil.core.uptimerobot import UptimeRobotClient
from vigil.engine.drill_history import DrillResult
from vigil.sla.detection import detection_rows
from vigil.sla.errors import SentryReader, read_projects
from vigil.sla.report import SlaReport
from vigil.sla.targets import WINDOWS, Targets
from vigil.sla.uptime import CallCounter, UptimeReader, read_monitors


def build_report(
    *,
    app: str,
    env: str,
    window: str,
    targets: Targets,
    uptimerobot: Callable[[], UptimeRobotClient] | None,
    sentry: Callable[[], SentryClient] | None,
    drills: Callable[[datetime], list[DrillResult]],
    monitor_ids: Mapping[str, str] | None = None,
) -> SlaReport:
    """``uptimerobot``/``sentry``: client factories, None when the stack has nothing there.
    ``drills(since)``: the drill history of the environment from ``since``. ``monitor_ids``: the
    state's monitor ids by name (which account objects are the stack's)."""
    window_s = WINDOWS[window]
    calls = CallCounter()
    notes: list[str] = []
    monitors: list = []
    start = end = None
    if uptimerobot is not None and targets.monitors:
        reader = UptimeReader(uptimerobot(), calls)
        monitors, start, end, found = read_monitors(reader, targets.monitors, window_s, monitor_ids)
        notes += found
    projects: list = []
    if sentry is not None and targets.projects:
        sentry_reader = SentryReader(sentry(), calls)
        if end is None:  # no monitors: Sentry's clock sets the window
            sentry_reader.projects()
            end = sentry_reader.now or time.time()
            start = end - window_s
        assert start is not None
        projects, found = read_projects(
            sentry_reader, targets.projects, start, end, targets.sentry_environment
        )
        notes += found
    if end is None or start is None:
        end = time.time()
        start = end - window_s
    since = datetime.fromtimestamp(start, UTC)
    detection = detection_rows(targets, [r for r in drills(since) if r.started_at.timestamp() <= end])
    if not any(row.drills for row in detection):
        notes.append(
            f"no `vigil drill` ran in the last {window}: the measured MTTD is missing "
            "(run `vigil drill --env ENV` to measure detection)"
        )
    return SlaReport(
        env=env,
        app=app,
        window=window,
        start=start,
        end=end,
        monitors=monitors,
        detection=detection,
        projects=projects,
        notes=notes,
        calls=dict(sorted(calls.counts.items())),
    )

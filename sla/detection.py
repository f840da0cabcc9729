"""Detection per severity: the MTTD `vigil drill` measured in the window beside the worst case the
configuration allows (interval + confirmation wait, spec/validate.py ``worst_case_detection``).

A drill result is one alert path (a monitor and one channel); the detection time belongs to the
drill of the monitor, so the paths of one drill count once.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil.engine.drill_history import DrillResult
from vigil.sla import figures
from vigil.sla.report import Check, DetectionSla
from vigil.sla.targets import Targets


def detection_rows(targets: Targets, results: Iterable[DrillResult]) -> list[DetectionSla]:
    drills: dict[tuple[str, str, str], DrillResult] = {}
    for result in results:
        drills.setdefault((result.started_at.isoformat(), result.kind, result.name), result)
    levels = sorted({m.severity for m in targets.monitors} | {d.severity for d in drills.values()})
    rows = []
    for level in levels:
        monitors = [m for m in targets.monitors if m.severity == level]
        mine = [d for d in drills.values() if d.severity == level]
        detected = [d.detect_s for d in mine if d.detect_s is not None]
        row = DetectionSla(
            severity=level,
            monitors=len(monitors),
            worst_case_s=max((m.worst_detection_s for m in monitors), default=None),
            drills=len(mine),
            missed=len(mine) - len(detected),
            mttd_s=None if not detected else round(figures.mean(detected) or 0.0, 1),
            slowest_s=max(detected, default=None),
        )
        target = targets.mttd_for(level)
        if target is not None:
            row.checks.append(Check("mttd", row.mttd_s, target, "s", "at_most"))
            if mine:
                row.checks.append(Check("missed_drills", float(row.missed), 0.0, "count", "at_most"))
        rows.append(row)
    return rows

"""The SLA targets a stack declares, per monitor, severity and Sentry project.

The same reading as the runbook (render/runbook.py, templates/runbook.md.j2): ``SlaTargets`` gives
uptime (>), error rate (<) and MTTD (<). Uptime and MTTD are the targets of the severities that page
people, P0 and P1 (spec/validate.py's ``HUMAN_SEVERITIES``, as its ``sla_detection`` reads MTTD): a
P2/P3 monitor's uptime is reported beside no target. Each ``Severity`` gives its MTTR ("resolve
within"), and P0's is the tighter of that and ``SlaTargets.mttr_p0``. A latency monitor's
``p95_over`` is its project's p95 target; the error rate applies to every project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigil.spec.stack import Stack
from vigil.spec.units import percent, seconds
from vigil.spec.validate import HUMAN_SEVERITIES, worst_case_detection

WINDOWS = {"24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400, "90d": 90 * 86400}


@dataclass(frozen=True)
class MonitorTarget:
    name: str
    kind: str  # http, keyword, ping, port, heartbeat
    url: str | None  # the plain URL (None: a secret or a heartbeat) — the natural key with name and type
    severity: str
    interval_s: float
    worst_detection_s: float  # interval + confirmation (+ grace)
    uptime_pct: float | None
    mttr_s: float | None


@dataclass(frozen=True)
class ProjectTarget:
    slug: str
    error_rate_pct: float | None
    p95_ms: float | None  # the tightest latency monitor on the project (None: it has none)
    latency_monitor: str | None
    sample_rate: float  # traces_sample_rate: transactions / rate estimates the requests


@dataclass(frozen=True)
class Targets:
    uptime_pct: float | None
    error_rate_pct: float | None
    mttd_s: float | None
    mttr_s: dict[str, float]  # severity level → resolve within
    monitors: tuple[MonitorTarget, ...]
    projects: tuple[ProjectTarget, ...]
    sentry_environment: str | None

    def mttd_for(self, severity: str) -> float | None:
        return self.mttd_s if severity in HUMAN_SEVERITIES else None


def _monitor_url(monitor: Any) -> str | None:
    if monitor.monitor_type == "heartbeat":
        return None
    value = getattr(monitor, "url", None) or getattr(monitor, "host", None)
    return value if isinstance(value, str) and value else None


def targets_of(stack: Stack) -> Targets:
    sla = stack.sla
    uptime = percent(sla.uptime) if sla else None
    error_rate = percent(sla.error_rate) if sla else None
    mttd = seconds(sla.mttd) if sla else None
    mttr = {s.level: seconds(s.mttr) for s in stack.severities}
    if sla is not None:
        mttr["P0"] = min(mttr.get("P0", float("inf")), seconds(sla.mttr_p0))
    monitors = tuple(
        MonitorTarget(
            name=m.name,
            kind=m.monitor_type,
            url=_monitor_url(m),
            severity=m.severity,
            interval_s=seconds(m.every),
            worst_detection_s=worst_case_detection(m),
            uptime_pct=uptime if m.severity in HUMAN_SEVERITIES else None,
            mttr_s=mttr.get(m.severity),
        )
        for m in stack.monitors
    )
    projects = []
    for project in stack.sentry_projects:
        latency = sorted(
            (seconds(lm.p95_over) * 1000.0, lm.name)
            for lm in stack.latency_monitors
            if lm.project == project.slug
        )
        projects.append(
            ProjectTarget(
                slug=project.slug,
                error_rate_pct=error_rate,
                p95_ms=latency[0][0] if latency else None,
                latency_monitor=latency[0][1] if latency else None,
                sample_rate=project.traces_sample_rate or 1.0,
            )
        )
    return Targets(uptime, error_rate, mttd, mttr, monitors, tuple(projects), stack.sentry_environment)

"""What `vigil sla` found: per monitor, per severity's detection, per Sentry project, and the verdict.

One ``Check`` per target: the measured value, the target, and whether it was met (None: nothing
measured in the window, which is reported but breaches nothing). ``SlaReport.as_dict`` is the
``--json`` document; the Markdown, HTML, terminal and Slack renderers read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

MET, BREACHED, NO_DATA = "met", "breached", "no data"


@dataclass(frozen=True)
class Check:
    """One target: ``at_least`` (uptime) or ``at_most`` (error rate, MTTR, MTTD, p95)."""

    name: str  # "uptime", "mttr", "mttd", "error_rate", "p95"
    measured: float | None
    target: float
    unit: Literal["%", "s", "ms", "count"]
    bound: Literal["at_least", "at_most"]

    @property
    def met(self) -> bool | None:
        if self.measured is None:
            return None
        return self.measured >= self.target if self.bound == "at_least" else self.measured <= self.target

    @property
    def state(self) -> str:
        return NO_DATA if self.met is None else MET if self.met else BREACHED

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "measured": self.measured,
            "target": self.target,
            "unit": self.unit,
            "bound": self.bound,
            "state": self.state,
        }


def _checks(checks: list[Check]) -> list[dict[str, Any]]:
    return [c.as_dict() for c in checks]


@dataclass(frozen=True)
class IncidentSpan:
    started: float  # UNIX seconds
    ended: float | None  # None: still open
    duration_s: float

    def as_dict(self) -> dict[str, Any]:
        return {"started": iso(self.started), "ended": iso(self.ended), "duration_s": self.duration_s}


@dataclass
class MonitorSla:
    name: str
    kind: str
    severity: str
    interval_s: float
    found: bool  # the live account holds it
    uptime_pct: float | None = None
    downtime_s: float | None = None
    incidents: list[IncidentSpan] = field(default_factory=list)
    open_now: bool = False
    mttr_s: float | None = None
    avg_ms: float | None = None
    p95_ms: float | None = None
    checks: list[Check] = field(default_factory=list)
    response_series: list[tuple[float, float]] = field(default_factory=list, repr=False)  # HTML only

    @property
    def downtime_min(self) -> float | None:
        """Minutes, to the hundredth: the one value every output shows."""
        return None if self.downtime_s is None else round(self.downtime_s / 60.0, 2)

    @property
    def longest_s(self) -> float | None:
        return max((i.duration_s for i in self.incidents), default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "severity": self.severity,
            "interval_s": self.interval_s,
            "found": self.found,
            "uptime_pct": self.uptime_pct,
            "downtime_min": self.downtime_min,
            "incidents": {
                "count": len(self.incidents),
                "longest_s": self.longest_s,
                "open_now": self.open_now,
                "list": [i.as_dict() for i in self.incidents],
            },
            "mttr_s": self.mttr_s,
            "avg_response_ms": self.avg_ms,
            "p95_response_ms": self.p95_ms,
            "checks": _checks(self.checks),
        }


@dataclass
class DetectionSla:
    """Per severity: how fast drills saw failures beside the worst case the configuration allows."""

    severity: str
    monitors: int
    worst_case_s: float | None  # the slowest monitor's interval + confirmation
    drills: int = 0
    missed: int = 0  # drills whose failure was never detected
    mttd_s: float | None = None  # mean of the detected drills' detection times
    slowest_s: float | None = None
    checks: list[Check] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "monitors": self.monitors,
            "worst_case_s": self.worst_case_s,
            "drills": self.drills,
            "missed": self.missed,
            "mttd_s": self.mttd_s,
            "slowest_s": self.slowest_s,
            "checks": _checks(self.checks),
        }


@dataclass
class ProjectSla:
    slug: str
    found: bool
    errors: int | None = None
    transactions: int | None = None
    sample_rate: float = 1.0
    error_rate_pct: float | None = None
    p95_ms: float | None = None
    latency_monitor: str | None = None
    issues_opened: int | None = None  # None: the API did not answer the issues search
    checks: list[Check] = field(default_factory=list)
    rate_series: list[tuple[float, float | None]] = field(default_factory=list, repr=False)  # HTML only
    p95_series: list[tuple[float, float | None]] = field(default_factory=list, repr=False)  # HTML only

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "found": self.found,
            "errors": self.errors,
            "transactions": self.transactions,
            "traces_sample_rate": self.sample_rate,
            "error_rate_pct": self.error_rate_pct,
            "p95_transaction_ms": self.p95_ms,
            "latency_monitor": self.latency_monitor,
            "issues_opened": self.issues_opened,
            "checks": _checks(self.checks),
        }


@dataclass
class SlaReport:
    env: str
    app: str
    window: str
    start: float
    end: float
    monitors: list[MonitorSla] = field(default_factory=list)
    detection: list[DetectionSla] = field(default_factory=list)
    projects: list[ProjectSla] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be measured, and why
    calls: dict[str, int] = field(default_factory=dict)  # API calls made, by service

    def all_checks(self) -> list[tuple[str, Check]]:
        found: list[tuple[str, Check]] = []
        for monitor in self.monitors:
            found += [(f"monitor '{monitor.name}'", c) for c in monitor.checks]
        for row in self.detection:
            found += [(f"detection {row.severity}", c) for c in row.checks]
        for project in self.projects:
            found += [(f"project '{project.slug}'", c) for c in project.checks]
        return found

    @property
    def breaches(self) -> list[str]:
        return [f"{where} {check.name}" for where, check in self.all_checks() if check.met is False]

    @property
    def met(self) -> bool:
        return not self.breaches

    def as_dict(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "app": self.app,
            "window": self.window,
            "start": iso(self.start),
            "end": iso(self.end),
            "verdict": "met" if self.met else "breached",
            "breaches": self.breaches,
            "monitors": [m.as_dict() for m in self.monitors],
            "detection": [d.as_dict() for d in self.detection],
            "projects": [p.as_dict() for p in self.projects],
            "notes": list(self.notes),
            "calls": dict(self.calls),
        }


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""What a monitor went through: its status history, and the incidents, alerts and statistics computed
from it. No HTTP here.

A monitor's history is a list of ``Check`` records on the sandbox clock (UNIX seconds). Today the
control plane appends them (``POST /_sandbox/uptimerobot/monitor-status``) and pause/start append
theirs; a scheduler that really checks monitors appends the same records. Nothing here is stored
twice: incidents, sent alerts, uptime and response-time statistics are computed from the history on
every read, and only what users add to an incident (comments) is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

UP, DOWN, PAUSED, STARTED = "UP", "DOWN", "PAUSED", "STARTED"
STATUSES = (UP, DOWN, PAUSED, STARTED)
REGIONS = ("na", "eu", "as", "oc")
# the live cause codes of the v2 API's logs (reference §3.3): 0 unknown, 333333 timeout, 99 keyword…
DEFAULT_CAUSE = 0


@dataclass
class Check:
    """One observation of a monitor."""

    at: float
    status: str  # UP, DOWN, PAUSED or STARTED
    response_ms: int | None = None
    region: str = "na"
    reason: str = ""
    cause: int = DEFAULT_CAUSE
    http_code: int | None = None


@dataclass
class Comment:
    id: int
    content: str
    publish: bool
    created: float
    updated: float | None = None


@dataclass
class Incident:
    """An outage: from the check that found the monitor down to the one that found it up again."""

    id: str
    monitor_id: int
    started: float
    resolved: float | None
    reason: str
    cause: int
    checks: list[Check]

    def duration(self, now: float) -> float:
        return (self.resolved if self.resolved is not None else now) - self.started

    def overlap(self, start: float, end: float, now: float) -> float:
        stop = self.resolved if self.resolved is not None else now
        return max(0.0, min(stop, end) - max(self.started, start))


@dataclass
class SentAlert:
    at: float
    contact_id: int
    kind: str  # "DOWN" or "UP"


@dataclass
class MonitorHistory:
    checks: list[Check] = field(default_factory=list)

    def record(self, check: Check) -> None:
        self.checks.append(check)
        self.checks.sort(key=lambda c: c.at)

    def incidents(self, monitor_id: int) -> list[Incident]:
        """One incident per run of DOWN checks, closed by the next UP, PAUSED or STARTED."""
        found: list[Incident] = []
        current: Incident | None = None
        for check in self.checks:
            if check.status == DOWN:
                if current is None:
                    current = Incident(
                        f"{monitor_id}{len(found) + 1:04d}",
                        monitor_id,
                        check.at,
                        None,
                        check.reason or "Down",
                        check.cause,
                        [],
                    )
                    found.append(current)
                current.checks.append(check)
            elif current is not None:
                current.resolved = check.at
                current.checks.append(check)
                current = None
        return found

    def response_times(self, start: float, end: float, region: str | None = None) -> list[Check]:
        return [
            c
            for c in self.checks
            if start <= c.at <= end and c.response_ms is not None and (region in (None, "all", c.region))
        ]


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso(raw: str) -> float | None:
    """An ISO 8601 date-time (``Z`` or an offset), or None when it is not one."""
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def downtime(incidents: list[Incident], start: float, end: float, now: float) -> float:
    return sum(incident.overlap(start, end, now) for incident in incidents)


def downtime_union(incidents: list[Incident], start: float, end: float, now: float) -> float:
    """Time within the window when at least one monitor was down."""
    spans = sorted(
        (max(i.started, start), min(i.resolved if i.resolved is not None else now, end)) for i in incidents
    )
    total, reach = 0.0, start
    for low, high in spans:
        low = max(low, reach)
        if high > low:
            total += high - low
            reach = high
    return total


def uptime_percent(incidents: list[Incident], start: float, end: float, now: float) -> float:
    span = max(end - start, 0.0)
    if span == 0:
        return 100.0
    return round(100.0 * (span - downtime(incidents, start, end, now)) / span, 4)


def mtbf(incidents: list[Incident], start: float, end: float, now: float) -> float | None:
    """Mean time between failures: the up time of the window per incident in it (None without one)."""
    inside = [i for i in incidents if i.overlap(start, end, now) > 0 or start <= i.started <= end]
    if not inside:
        return None
    return round((max(end - start, 0.0) - downtime(inside, start, end, now)) / len(inside), 3)


def summary(checks: list[Check]) -> dict[str, float | None]:
    times = [c.response_ms for c in checks if c.response_ms is not None]
    if not times:
        return {"min": None, "max": None, "avg": None}
    return {"min": min(times), "max": max(times), "avg": round(sum(times) / len(times), 3)}

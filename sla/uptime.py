"""Uptime Robot's side of the report, read in batches (reference/uptimerobot-v3-openapi.json).

Calls for N monitors, whatever the window:
- ``GET /monitors?limit=200``: ceil(N/200) pages (the list returns many monitors at once);
- ``GET /incidents?started_after=…&started_before=…``: every monitor's incidents of the window,
  one page per 50 incidents (the API's page size), not one call per monitor;
- per monitor, the two statistics the API only answers per monitor:
  ``GET /monitors/{id}/stats/uptime`` (uptime %, downtime seconds over ``from``/``to``) and
  ``GET /monitors/{id}/stats/response-time?includeTimeSeries=true`` (average, and the points the
  p95 is computed from). The account-wide ``/monitors/uptime-stats`` has no per-monitor figures.

"Now" is the API's own clock (the ``Date`` header of the first answer), so the window is the
account's last 24 h even when this machine's clock is off. Every call goes through core/'s client:
one rate limiter per key, ``X-RateLimit-*`` and ``Retry-After`` obeyed, idempotent GETs retried.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from vigil.core.uptimerobot import PAGE_SIZE, UptimeRobotClient, same_monitor
from vigil.sla import figures
from vigil.sla.report import Check, IncidentSpan, MonitorSla
from vigil.sla.targets import MonitorTarget

WORKERS = 4  # parallel statistics reads; the shared limiter keeps them under the plan's rate


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(raw: Any) -> float | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def server_time(date_header: str | None) -> float | None:
    if not date_header:
        return None
    try:
        return parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError):
        return None


@dataclass
class CallCounter:
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1


@dataclass
class UptimeReader:
    client: UptimeRobotClient
    calls: CallCounter = field(default_factory=CallCounter)
    now: float | None = None  # the API's clock, from the first answer

    def _get(self, name: str, path: str, params: dict[str, Any]) -> Any:
        self.calls.add(f"uptimerobot {name}")
        response = self.client.request("GET", path, params=params)
        if self.now is None:
            self.now = server_time(response.header("Date"))
        return response.data

    def monitors(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        for _ in range(10_000):
            page = self._get("list_monitors", "monitors", params) or {}
            items = [doc for doc in page.get("data") or [] if isinstance(doc, dict)]
            found += items
            if not page.get("nextLink") or not items:
                break
            params = {"limit": PAGE_SIZE, "cursor": items[-1]["id"]}
        return found

    def incidents(self, start: float, end: float) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"started_after": iso(start), "started_before": iso(end)}
        for _ in range(10_000):
            page = self._get("list_incidents", "incidents", params) or {}
            items = [doc for doc in page.get("data") or [] if isinstance(doc, dict)]
            found += items
            if not page.get("nextLink") or not items:
                break
            params = {**params, "cursor": str(items[-1]["id"])}
        return found

    def statistics(self, monitor_id: int, start: float, end: float) -> tuple[dict[str, Any], dict[str, Any]]:
        window = {"from": iso(start), "to": iso(end)}
        uptime = self._get("get_monitor_uptime_stats", f"monitors/{monitor_id}/stats/uptime", window) or {}
        response = self._get(
            "get_monitor_response_times",
            f"monitors/{monitor_id}/stats/response-time",
            {**window, "includeTimeSeries": "true"},
        )
        return uptime, response or {}


def _spans(incidents: Iterable[dict[str, Any]], now: float) -> list[IncidentSpan]:
    spans = []
    for doc in incidents:
        started = parse_time(doc.get("startedAt"))
        if started is None:
            continue
        ended = parse_time(doc.get("resolvedAt"))
        if ended is None and str(doc.get("status", "")).lower() == "resolved":
            ended = started + float(doc.get("duration") or 0)
        duration = (ended if ended is not None else now) - started
        spans.append(IncidentSpan(started, ended, round(max(duration, 0.0), 1)))
    return sorted(spans, key=lambda s: s.started)


def monitor_sla(
    target: MonitorTarget,
    doc: dict[str, Any] | None,
    incidents: list[dict[str, Any]],
    stats: tuple[dict[str, Any], dict[str, Any]] | None,
    now: float,
) -> MonitorSla:
    row = MonitorSla(target.name, target.kind, target.severity, target.interval_s, found=doc is not None)
    if doc is None or stats is None:
        return row
    uptime, response = stats
    row.incidents = _spans(incidents, now)
    row.open_now = any(span.ended is None for span in row.incidents) or str(doc.get("status")) == "DOWN"
    if isinstance(uptime.get("uptime"), int | float):
        row.uptime_pct = round(float(uptime["uptime"]), 4)  # a percentage (reference §4.8.8)
    if isinstance(uptime.get("total_downtime_seconds"), int | float):
        row.downtime_s = float(uptime["total_downtime_seconds"])
    row.mttr_s = figures.mttr(row.incidents)
    points = [
        (t, float(p["value"]))
        for p in response.get("time_series") or []
        if isinstance(p, dict) and isinstance(p.get("value"), int | float)
        for t in [parse_time(p.get("timestamp"))]
        if t is not None
    ]
    row.response_series = points
    summary = response.get("summary") or {}
    average = summary.get("avg") if isinstance(summary, dict) else None
    row.avg_ms = (
        round(float(average), 1) if isinstance(average, int | float) else figures.mean([v for _, v in points])
    )
    row.p95_ms = figures.p95([v for _, v in points])
    if target.uptime_pct is not None:
        row.checks.append(Check("uptime", row.uptime_pct, target.uptime_pct, "%", "at_least"))
    if target.mttr_s is not None:
        row.checks.append(Check("mttr", row.mttr_s, target.mttr_s, "s", "at_most"))
    return row


def read_monitors(
    reader: UptimeReader,
    targets: tuple[MonitorTarget, ...],
    window_s: float,
    state_ids: Mapping[str, str] | None = None,
) -> tuple[list[MonitorSla], float, float, list[str]]:
    """(rows, window start, window end, notes): the stack's monitors as the account measured them.

    ``state_ids`` (monitor name → id, the state's ``uptimerobot_monitor_ids``) says which object is
    the stack's, even renamed or edited in the dashboard; a monitor the state does not hold yet is
    matched by type, name and URL."""
    live = reader.monitors()
    by_id = {str(d.get("id")): d for d in live}
    now = reader.now or time.time()
    start = now - window_s
    notes: list[str] = []
    matched: dict[str, dict[str, Any]] = {}
    for target in targets:
        state_id = (state_ids or {}).get(target.name)
        if state_id is not None:
            if str(state_id) in by_id:
                matched[target.name] = by_id[str(state_id)]
            else:
                notes.append(
                    f"monitor '{target.name}' (id {state_id} in the state) is gone from the Uptime Robot "
                    "account: run `vigil up` (its figures are missing from this report)"
                )
            continue
        candidates = [d for d in live if same_monitor(d, target.kind, target.name, target.url)]
        doc = candidates[0] if candidates else None
        if len(candidates) > 1:
            notes.append(
                f"{len(candidates)} monitors in the account match '{target.name}' (type, name, URL): "
                f"the report reads the first (id {doc['id'] if doc else '?'}); rename the others"
            )
        if doc is None:
            notes.append(
                f"monitor '{target.name}' is not in the Uptime Robot account: "
                "run `vigil up` (its figures are missing from this report)"
            )
        else:
            matched[target.name] = doc
    by_monitor: dict[int, list[dict[str, Any]]] = {}
    if matched:
        for incident in reader.incidents(start, now):
            monitor = incident.get("monitor") or {}
            if isinstance(monitor, dict) and isinstance(monitor.get("id"), int):
                by_monitor.setdefault(monitor["id"], []).append(incident)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        stats = dict(
            zip(
                matched,
                pool.map(lambda doc: reader.statistics(int(doc["id"]), start, now), matched.values()),
                strict=True,
            )
        )
    rows = [
        monitor_sla(
            target,
            matched.get(target.name),
            by_monitor.get(int(matched[target.name]["id"]), []) if target.name in matched else [],
            stats.get(target.name),
            now,
        )
        for target in targets
    ]
    return rows, start, now, notes

"""Sentry's side of the report: error events, transactions, p95 and new issues per project.

Calls per run: the projects list (one page per 100), then per project of the stack:
- ``GET /organizations/{org}/stats_v2/?field=sum(quantity)&groupBy=category&category=error&
  category=transaction&outcome=accepted&project=ID&start&end&interval`` — the accepted error events
  and transactions, totals and series (the error-rate chart);
- ``GET /organizations/{org}/events/?field=p95(transaction.duration)&query=event.type:transaction``
  — the window's p95 (one aggregate row; a p95 cannot be rebuilt from per-bucket p95s);
- ``GET /organizations/{org}/events-stats/?yAxis=count()&yAxis=p95(transaction.duration)`` — p95
  per bucket (none where the bucket had no transaction), for the chart;
- ``GET /organizations/{org}/issues/?query=firstSeen:>=START`` — issues opened in the window
  (pages of 100 by ``Link``). An API that does not answer it leaves the figure out, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.core.errors import ApiError, NotFound
from vigil.core.sentry import SentryClient
from vigil.sla import figures
from vigil.sla.report import Check, ProjectSla
from vigil.sla.targets import ProjectTarget
from vigil.sla.uptime import CallCounter, iso, parse_time, server_time

INTERVALS = ((86400, "1h"), (7 * 86400, "6h"), (30 * 86400, "1d"), (90 * 86400, "1d"))


def interval_for(window_s: float) -> str:
    """Chart buckets: 24 for a day, 28 for a week, 30 or 90 for the long windows."""
    return next((label for limit, label in INTERVALS if window_s <= limit), "1d")


@dataclass
class SentryReader:
    client: SentryClient
    calls: CallCounter = field(default_factory=CallCounter)
    now: float | None = None
    _projects: dict[str, dict[str, Any]] | None = None

    def _get(self, name: str, path: str, params: dict[str, Any]) -> Any:
        self.calls.add(f"sentry {name}")
        response = self.client.request("GET", path, params=params)
        if self.now is None:
            self.now = server_time(response.header("Date"))
        return response.data

    def projects(self) -> dict[str, dict[str, Any]]:
        """The organization's projects by slug, listed once per run (Link pages of 100)."""
        if self._projects is None:
            self.calls.add("sentry list_projects")
            response = self.client.request("GET", self.client.org_path("projects/"), params={"per_page": 100})
            if self.now is None:
                self.now = server_time(response.header("Date"))
            found = list(response.data or []) if isinstance(response.data, list) else []
            following = response.link("next")
            if following and following.get("results") == "true":
                found += self.client.paginate_links(following["url"])
            self._projects = {str(p.get("slug")): p for p in found if isinstance(p, dict)}
        return self._projects

    def counts(self, project_id: str, start: float, end: float, interval: str) -> dict[str, Any]:
        params = {
            "field": "sum(quantity)",
            "groupBy": ["category"],
            "category": ["error", "transaction"],
            "outcome": "accepted",
            "project": project_id,
            "start": iso(start),
            "end": iso(end),
            "interval": interval,
        }
        return self._get("stats_v2", self.client.org_path("stats_v2/"), params) or {}

    def p95(self, project_id: str, start: float, end: float, environment: str | None) -> float | None:
        params: dict[str, Any] = {
            "field": "p95(transaction.duration)",
            "query": "event.type:transaction",
            "project": project_id,
            "start": iso(start),
            "end": iso(end),
        }
        if environment:
            params["environment"] = environment
        document = self._get("events", self.client.org_path("events/"), params) or {}
        rows = document.get("data") if isinstance(document, dict) else None
        value = rows[0].get("p95(transaction.duration)") if rows and isinstance(rows[0], dict) else None
        return round(float(value), 1) if isinstance(value, int | float) else None

    def p95_series(
        self, project_id: str, start: float, end: float, interval: str, environment: str | None
    ) -> list[tuple[float, float | None]]:
        """p95 per bucket; None where the bucket had no transaction (events-stats answers 0 there)."""
        params: dict[str, Any] = {
            "yAxis": ["count()", "p95(transaction.duration)"],
            "query": "event.type:transaction",
            "project": project_id,
            "start": iso(start),
            "end": iso(end),
            "interval": interval,
        }
        if environment:
            params["environment"] = environment
        document = self._get("events_stats", self.client.org_path("events-stats/"), params) or {}

        def values(axis: str) -> list[tuple[float, float]]:
            found = []
            for entry in (document.get(axis) or {}).get("data") or []:
                if isinstance(entry, list) and len(entry) == 2 and entry[1] and isinstance(entry[1][0], dict):
                    value = entry[1][0].get("count")
                    if isinstance(value, int | float):
                        found.append((float(entry[0]), float(value)))
            return found

        counts = dict(values("count()"))
        return [(t, v if counts.get(t) else None) for t, v in values("p95(transaction.duration)")]

    def issues_opened(self, project_id: str, start: float, end: float) -> int:
        params = {
            "project": project_id,
            "query": f"firstSeen:>={iso(start)}",
            "start": iso(start),
            "end": iso(end),
            "per_page": 100,
        }
        self.calls.add("sentry list_issues")
        return sum(1 for _ in self.client.paginate_links(self.client.org_path("issues/"), params))


def _totals(document: dict[str, Any]) -> tuple[dict[str, int], list[float], dict[str, list[int]]]:
    totals: dict[str, int] = {"error": 0, "transaction": 0}
    series: dict[str, list[int]] = {}
    for group in document.get("groups") or []:
        category = str((group.get("by") or {}).get("category"))
        if category in totals:
            totals[category] += int((group.get("totals") or {}).get("sum(quantity)") or 0)
            series[category] = [int(v or 0) for v in (group.get("series") or {}).get("sum(quantity)") or []]
    intervals = [t for t in (parse_time(i) for i in document.get("intervals") or []) if t is not None]
    return totals, intervals, series


def read_projects(
    reader: SentryReader,
    targets: tuple[ProjectTarget, ...],
    start: float,
    end: float,
    environment: str | None,
) -> tuple[list[ProjectSla], list[str]]:
    notes: list[str] = []
    if not targets:
        return [], notes
    live = reader.projects()
    interval = interval_for(end - start)
    rows = []
    issues_missing = False
    for target in targets:
        project = live.get(target.slug)
        row = ProjectSla(target.slug, found=project is not None, sample_rate=target.sample_rate)
        row.latency_monitor = target.latency_monitor
        rows.append(row)
        if project is None:
            notes.append(f"Sentry project '{target.slug}' is not in the organization: run `vigil up`")
            continue
        project_id = str(project.get("id"))
        totals, intervals, series = _totals(reader.counts(project_id, start, end, interval))
        row.errors, row.transactions = totals["error"], totals["transaction"]
        row.error_rate_pct = figures.error_rate_pct(row.errors, row.transactions, target.sample_rate)
        errors_by, transactions_by = series.get("error", []), series.get("transaction", [])
        row.rate_series = [
            (
                moment,
                figures.error_rate_pct(
                    errors_by[i] if i < len(errors_by) else 0,
                    transactions_by[i] if i < len(transactions_by) else 0,
                    target.sample_rate,
                ),
            )
            for i, moment in enumerate(intervals)
        ]
        row.p95_ms = reader.p95(project_id, start, end, environment)
        row.p95_series = reader.p95_series(project_id, start, end, interval, environment)
        if not issues_missing:
            try:
                row.issues_opened = reader.issues_opened(project_id, start, end)
            except NotFound:
                issues_missing = True
                notes.append("Sentry did not answer the issues search (404): issues opened are left out")
            except ApiError as error:
                issues_missing = True
                notes.append(f"Sentry's issues search failed ({error.status}): issues opened are left out")
        if target.error_rate_pct is not None:
            row.checks.append(Check("error_rate", row.error_rate_pct, target.error_rate_pct, "%", "at_most"))
        if target.p95_ms is not None:
            row.checks.append(Check("p95", row.p95_ms, target.p95_ms, "ms", "at_most"))
    return rows, notes

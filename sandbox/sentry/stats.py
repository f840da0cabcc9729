"""Sentry's usage and time-series reads, computed from the ingested events on every call.

Two operations, as Sentry documents them (docs.sentry.io/api/organizations/
retrieve-event-counts-for-an-organization-v2 and the Discover ``events-stats`` endpoint):

- ``GET /api/0/organizations/{org}/stats_v2/`` — counts by ``groupBy`` (category, outcome, reason,
  project), ``field`` ``sum(quantity)`` or ``sum(times_seen)``, over ``statsPeriod`` or
  ``start``/``end`` in ``interval`` buckets aligned to the interval; filters ``project``,
  ``category``, ``outcome``, ``reason``. Grouped by project, a group carries totals only (the
  documented limitation). Everything the emulator stored was accepted: outcome ``accepted``.
- ``GET /api/0/organizations/{org}/events-stats/`` — one series per ``yAxis`` (``count()``,
  ``p50/p75/p95/p99/avg/max(transaction.duration)`` in milliseconds), ``data`` as
  ``[[bucket_start, [{"count": value}]], …]``; several ``yAxis`` give one such document per axis.
- ``GET /api/0/organizations/{org}/issues/`` — the issues the ingested events were grouped into
  (sandbox/sentry/alerting.py), as docs.sentry.io/api/events/list-an-organizations-issues documents
  it (the endpoint is not in the reference OpenAPI file): ``project``, ``environment``,
  ``statsPeriod`` or ``start``/``end`` (default 14 days: issues seen in the range), ``query`` with
  ``is:unresolved`` by default (an empty query: every issue) and ``firstSeen:>=DATE`` style terms,
  newest first, Link pagination.

The stored event shape is not changed: an event's time is its payload ``timestamp`` (what the SDK
sent, epoch seconds or ISO 8601), else when it was received; a transaction's duration is
``timestamp - start_timestamp``. "Now" is the sandbox clock.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from vigil.sandbox.core.http import Response
from vigil.sandbox.core.service import Call
from vigil.sandbox.sentry import alerting
from vigil.sandbox.sentry.errors import Invalid, NotFound
from vigil.sandbox.sentry.models import Event, SentryBackend

CATEGORIES = ("error", "transaction", "attachment", "profile", "replay", "monitor", "span", "default")
OUTCOMES = (
    "accepted",
    "filtered",
    "rate_limited",
    "invalid",
    "abuse",
    "client_discard",
    "cardinality_limited",
)
GROUP_BY = ("outcome", "category", "reason", "project")
FIELDS = ("sum(quantity)", "sum(times_seen)")
MAX_BUCKETS = 10_000
LATEST = 253402300799  # 9999-12-31T23:59:59Z
_PERIOD = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_AXIS = re.compile(r"^(count|p50|p75|p95|p99|avg|max|min)\((transaction\.duration)?\)$")


def _period(raw: str, name: str) -> int:
    found = _PERIOD.match(raw.strip())
    if not found or int(found.group(1)) == 0:
        raise Invalid({"detail": [f"Invalid {name}: {raw!r}; use <number><unit> with s, m, h, d or w"]})
    return int(found.group(1)) * _UNITS[found.group(2)]


def _moment(raw: str, name: str) -> float:
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid({"detail": [f"{name} must be an ISO 8601 date-time"]}) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_time(event: Event) -> float:
    """When the event happened: the SDK's ``timestamp`` (epoch or ISO), else when it arrived."""
    raw = event.payload.get("timestamp")
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        return float(raw)
    if isinstance(raw, str):
        try:
            return _moment(raw, "timestamp")
        except Invalid:
            pass
    return event.received


def duration_ms(event: Event) -> float | None:
    """A transaction's duration in milliseconds, or None when its timestamps are unusable."""
    if event.kind != "transaction":
        return None
    start = event.payload.get("start_timestamp")
    if isinstance(start, str):
        try:
            begin = _moment(start, "start_timestamp")
        except Invalid:
            return None
    elif isinstance(start, int | float) and not isinstance(start, bool):
        begin = float(start)
    else:
        return None
    return max(0.0, (event_time(event) - begin) * 1000.0)


def category_of(event: Event) -> str:
    """The data category Sentry counts an event item under."""
    if event.kind == "transaction":
        return "transaction"
    if event.kind == "check_in":
        return "monitor"
    return "error" if event.kind == "event" else "default"


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (ClickHouse ``quantileExact``-like, inclusive)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _aggregate(function: str, durations: list[float], count: int) -> float:
    if function == "count":
        return float(count)
    if not durations:
        return 0.0
    if function == "avg":
        return sum(durations) / len(durations)
    if function == "max":
        return max(durations)
    if function == "min":
        return min(durations)
    return quantile(durations, int(function[1:]) / 100.0)


class _Range:
    """Aligned buckets between start and end (``interval`` seconds each)."""

    def __init__(
        self, call: Call, default_interval: int, *, buckets: bool = True, default_period: int = 86400
    ) -> None:
        request = call.request
        now = call.service.clock.epoch()
        period, start_raw, end_raw = request.arg("statsPeriod"), request.arg("start"), request.arg("end")
        if period and (start_raw or end_raw):
            raise Invalid({"detail": ["statsPeriod and start/end cannot be combined"]})
        if period:
            self.end = now
            self.start = now - _period(period, "statsPeriod")
        elif start_raw and end_raw:
            self.start, self.end = _moment(start_raw, "start"), _moment(end_raw, "end")
        elif start_raw or end_raw:
            raise Invalid({"detail": ["start and end are both required"]})
        else:
            self.end, self.start = now, now - default_period
        if self.end <= self.start:
            raise Invalid({"detail": ["start must be before end"]})
        if self.start < 0 or self.end > LATEST:
            raise Invalid({"detail": ["the range must lie between 1970 and 9999"]})
        raw_interval = request.arg("interval")
        self.interval = _period(raw_interval, "interval") if raw_interval else default_interval
        if not buckets:  # a table: one row over the whole range
            self.interval = max(math.ceil(self.end - self.start), 1)
        self.first = math.floor(self.start / self.interval) * self.interval
        count = math.ceil((self.end - self.first) / self.interval)
        if count > MAX_BUCKETS:
            raise Invalid(
                {"detail": [f"Your interval and date range would create too many results ({count})"]}
            )
        self.buckets = [self.first + i * self.interval for i in range(max(count, 1))]

    def contains(self, moment: float) -> bool:
        return self.start <= moment < self.end

    def index(self, moment: float) -> int:
        return min(int((moment - self.first) // self.interval), len(self.buckets) - 1)


def _backend(call: Call, org: str) -> SentryBackend:
    backend: SentryBackend = call.backend
    if org not in (backend.org_slug, str(backend.org_id)):
        raise NotFound()
    return backend


def _projects(call: Call, backend: SentryBackend) -> set[int] | None:
    """The ``project`` filter as ids (None: every project); ``-1`` means all, as in Sentry."""
    raw = call.request.args("project")
    if not raw or "-1" in raw:
        return None
    chosen: set[int] = set()
    for value in raw:
        if not value.isdigit() or int(value) not in backend.projects:
            raise Invalid({"detail": [f"Invalid project: {value!r} (a project id this token can see)"]})
        chosen.add(int(value))
    return chosen


def _choices(call: Call, name: str, allowed: Iterable[str]) -> list[str]:
    values = [v for raw in call.request.args(name) for v in raw.split(",") if v]
    known = tuple(allowed)
    for value in values:
        if value not in known:
            raise Invalid({name: [f'"{value}" is not a valid choice; use one of {", ".join(known)}']})
    return values


class StatsResponses:
    """Mixed into the Sentry responses object; routes.py names these methods."""

    def get_stats_v2(self, call: Call, org: str) -> Response:
        backend = _backend(call, org)
        field = call.request.arg("field")
        if field not in FIELDS:
            raise Invalid({"field": [f"field must be one of {', '.join(FIELDS)}"]})
        group_by = _choices(call, "groupBy", GROUP_BY)
        if not group_by:
            raise Invalid({"groupBy": ["This field is required."]})
        window = _Range(call, 3600)
        projects = _projects(call, backend)
        categories = _choices(call, "category", CATEGORIES)
        outcomes = _choices(call, "outcome", OUTCOMES)
        reasons = call.request.args("reason")
        totals: dict[tuple[tuple[str, str], ...], list[int]] = {}
        for event in backend.events:
            moment = event_time(event)
            if not window.contains(moment) or (projects is not None and event.project_id not in projects):
                continue
            dimensions = {
                "outcome": "accepted",
                "category": category_of(event),
                "reason": "none",
                "project": str(event.project_id),
            }
            if (categories and dimensions["category"] not in categories) or (
                outcomes and "accepted" not in outcomes
            ):
                continue
            if reasons and "none" not in reasons:
                continue
            key = tuple((name, dimensions[name]) for name in group_by)
            series = totals.setdefault(key, [0] * len(window.buckets))
            series[window.index(moment)] += 1
        groups: list[dict[str, Any]] = []
        for key in sorted(totals):
            series = totals[key]
            group: dict[str, Any] = {
                "by": {name: (int(value) if name == "project" else value) for name, value in key},
                "totals": {field: sum(series)},
            }
            if "project" not in group_by:  # by project: totals only (Sentry's documented limit)
                group["series"] = {field: series}
            groups.append(group)
        return Response(
            200,
            {
                "start": _iso(window.first),
                "end": _iso(window.buckets[-1] + window.interval),
                "intervals": [_iso(b) for b in window.buckets],
                "groups": groups,
            },
        )

    def get_events_stats(self, call: Call, org: str) -> Response:
        backend = _backend(call, org)
        axes = call.request.args("yAxis") or ["count()"]
        parsed: list[tuple[str, str]] = []
        for axis in axes:
            found = _AXIS.match(axis.strip())
            if not found or (found.group(1) != "count" and not found.group(2)):
                raise Invalid(
                    {"detail": [f"Invalid yAxis {axis!r}: use count() or p95(transaction.duration)"]}
                )
            parsed.append((axis.strip(), found.group(1)))
        window = _Range(call, 3600)
        projects = _projects(call, backend)
        environments = call.request.args("environment")
        keep = _query_filter(call.request.arg("query") or "")
        per_bucket: list[list[Event]] = [[] for _ in window.buckets]
        for event in backend.events:
            moment = event_time(event)
            if not window.contains(moment) or (projects is not None and event.project_id not in projects):
                continue
            if environments and event.payload.get("environment") not in environments:
                continue
            if keep(event):
                per_bucket[window.index(moment)].append(event)

        def series(function: str, order: int) -> dict[str, Any]:
            data = []
            for start, events in zip(window.buckets, per_bucket, strict=True):
                durations = [d for d in (duration_ms(e) for e in events) if d is not None]
                value = _aggregate(function, durations, len(events))
                data.append([int(start), [{"count": round(value, 3)}]])
            return {
                "data": data,
                "start": int(window.first),
                "end": int(window.buckets[-1] + window.interval),
                "isMetricsData": False,
                "order": order,
            }

        if len(parsed) == 1:  # one axis: the series itself; several: one document per axis
            document = series(parsed[0][1], 0)
            document.pop("order")
            return Response(200, document)
        return Response(200, {axis: series(function, i) for i, (axis, function) in enumerate(parsed)})

    def list_organization_events(self, call: Call, org: str) -> Response:
        """Discover's table (``GET /organizations/{org}/events/``) for aggregate fields only: one row
        of ``count()`` / ``p95(transaction.duration)`` … over the range (what a window's p95 needs)."""
        backend = _backend(call, org)
        fields = call.request.args("field")
        if not fields:
            raise Invalid({"detail": ["No columns selected"]})
        parsed = []
        for name in fields:
            found = _AXIS.match(name.strip())
            if not found or (found.group(1) != "count" and not found.group(2)):
                raise Invalid(
                    {
                        "detail": [
                            f"Invalid field {name!r}: this emulator answers aggregates "
                            "such as count() and p95(transaction.duration) only"
                        ]
                    }
                )
            parsed.append((name.strip(), found.group(1)))
        window = _Range(call, 3600, buckets=False)
        projects = _projects(call, backend)
        environments = call.request.args("environment")
        keep = _query_filter(call.request.arg("query") or "")
        events = [
            e for e in backend.events
            if window.contains(event_time(e))
            and (projects is None or e.project_id in projects)
            and (not environments or e.payload.get("environment") in environments)
            and keep(e)
        ]  # fmt: skip
        durations = [d for d in (duration_ms(e) for e in events) if d is not None]
        row = {
            name: round(_aggregate(function, durations, len(events)), 3)
            if durations or function == "count"
            else None
            for name, function in parsed
        }  # an aggregate of no transactions is null, as Discover answers
        meta = {"fields": {name: "integer" if f == "count" else "duration" for name, f in parsed},
                "units": {name: None if f == "count" else "millisecond" for name, f in parsed}}  # fmt: skip
        return Response(200, {"data": [row], "meta": meta})

    def list_organization_issues(self, call: Call, org: str) -> Response:
        backend = _backend(call, org)
        from vigil.sandbox.sentry.responses import paginate  # responses.py mixes this class in

        window = _Range(call, 3600, buckets=False, default_period=14 * 86400)  # Sentry's issues default
        projects = _projects(call, backend)
        environments = call.request.args("environment")
        raw_query = call.request.arg("query")
        keep = _issue_filter("is:unresolved" if raw_query is None else raw_query)
        issues = [
            issue for issue in alerting.state_of(backend).issues.values()
            if (projects is None or issue.project_id in projects)
            and (not environments or set(environments) & set(issue.environments))
            and issue.first_seen < window.end and issue.last_seen >= window.start
            and keep(issue)
        ]  # fmt: skip
        issues.sort(key=lambda issue: (issue.last_seen, issue.id), reverse=True)
        page, headers = paginate(call, [_issue_document(backend, issue) for issue in issues], default=25)
        return Response(200, page, headers=headers)


def _issue_document(backend: SentryBackend, issue: alerting.Issue) -> dict[str, Any]:
    project = backend.projects.get(issue.project_id)
    slug = project.slug if project else str(issue.project_id)
    return {
        "id": str(issue.id),
        "shortId": f"{slug.upper()}-{issue.id}",
        "title": issue.title,
        "culprit": "",
        "level": "error",
        "status": issue.status,
        "type": "error" if issue.kind == "error" else "metric_issue",
        "count": str(len(issue.seen)),
        "userCount": 0,
        "firstSeen": _iso(issue.first_seen),
        "lastSeen": _iso(issue.last_seen),
        "project": {"id": str(issue.project_id), "slug": slug, "name": project.name if project else slug},
    }


_SEEN = re.compile(r"^(firstSeen|lastSeen):(>=|<=|>|<)(.+)$")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


def _issue_filter(query: str) -> Callable[[alerting.Issue], bool]:
    """Issue search terms this emulator understands: is:unresolved|resolved, firstSeen/lastSeen with
    >=, <=, >, < and an ISO date-time, environment:NAME (anything else is refused, never ignored)."""
    statuses: set[str] = set()
    bounds: list[tuple[str, Callable[[float, float], bool], float]] = []  # attribute, compare, moment
    environments: set[str] = set()
    for term in query.split():
        key, _, value = term.partition(":")
        seen = _SEEN.match(term)
        if key == "is" and value in ("unresolved", "resolved"):
            statuses.add(value)
        elif seen:
            attribute = "first_seen" if seen.group(1) == "firstSeen" else "last_seen"
            bounds.append((attribute, _COMPARE[seen.group(2)], _moment(seen.group(3), seen.group(1))))
        elif key == "environment" and value:
            environments.add(value)
        else:
            raise Invalid(
                {
                    "detail": [
                        f"Invalid query term {term!r} (this emulator: is:…, firstSeen:>=…, environment:…)"
                    ]
                }
            )

    def keep(issue: alerting.Issue) -> bool:
        if statuses and issue.status not in statuses:
            return False
        if environments and not environments & set(issue.environments):
            return False
        return all(compare(float(getattr(issue, attribute)), moment) for attribute, compare, moment in bounds)

    return keep


def _query_filter(query: str) -> Callable[[Event], bool]:
    """The search terms this emulator understands: event.type:transaction|error|default,
    is_transaction:true|false, environment:NAME (anything else is refused, never ignored)."""
    wanted: dict[str, str] = {}
    for term in query.split():
        key, _, value = term.partition(":")
        if key == "event.type" and value in ("transaction", "error", "default"):
            wanted["category"] = "error" if value == "default" else value
        elif key == "is_transaction" and value in ("true", "false", "1", "0"):
            wanted["transaction"] = "yes" if value in ("true", "1") else "no"
        elif key == "environment" and value:
            wanted["environment"] = value
        else:
            raise Invalid(
                {"detail": [f"Invalid query term {term!r} (this emulator: event.type:…, is_transaction:…)"]}
            )

    def keep(event: Event) -> bool:
        if "category" in wanted and category_of(event) != wanted["category"]:
            return False
        if "transaction" in wanted and (event.kind == "transaction") != (wanted["transaction"] == "yes"):
            return False
        return "environment" not in wanted or event.payload.get("environment") == wanted["environment"]

    return keep

"""A Sentry metric monitor: a detector of type ``metric_issue`` (reference/sentry-api.md §5b).

It decides when a metric becomes an issue; who is told lives in an ``Alert`` (a workflow) that
lists this monitor's id. Shapes:

- latency: ``aggregate="p95(span.duration)"``, ``query="is_transaction:true"`` on the spans
  dataset (``events_analytics_platform``, event type ``trace_item_span``, query type 1) — Sentry
  refuses new transaction-based monitors;
- error counts: ``aggregate="count()"`` on ``events`` (event types ``error``, ``default``).

``dataset`` also takes the short names ``spans`` and ``errors``. ``time_window`` is in SECONDS
(the retired alert-rules API used minutes). The condition group always holds a resolve condition
(Sentry requires one): above the threshold → issue at ``priority``; at or below
``resolve_threshold`` (default: the threshold) → resolved. Updates send back the ids of the
condition group and its conditions, so Sentry keeps them. ``project_id`` replaces (a detector does
not move between projects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.alerts.base import SentryProvider, as_dict, as_id, as_int, as_number, is_id, known
from vigil.core.fields import Doc, Field, Table, lower, strip
from vigil.core.provider import DynamicResource, Provider
from vigil.core.sentry import SentryClient

WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)  # seconds
# dataset → (event types, query type)
DATASETS: dict[str, tuple[list[str], int]] = {
    "events_analytics_platform": (["trace_item_span"], 1),
    "events": (["error", "default"], 0),
}
DATASET_ALIASES = {"spans": "events_analytics_platform", "errors": "events", "error": "events"}
PRIORITIES = {"high": 75, "medium": 50, "low": 25}
AGGREGATE = re.compile(r"^[a-z_0-9]+\([^()]*\)$")
NAME_MAX = 200


@dataclass(frozen=True)
class MetricMonitorArgs:
    name: pulumi.Input[str]
    project_id: pulumi.Input[str]
    aggregate: pulumi.Input[str]  # "p95(span.duration)", "count()"
    threshold: pulumi.Input[float]  # milliseconds for durations, events for counts
    time_window: pulumi.Input[int] = 300  # seconds
    dataset: pulumi.Input[str] = "spans"  # spans (events_analytics_platform) | errors (events)
    query: pulumi.Input[str] | None = None  # "is_transaction:true"
    environment: pulumi.Input[str] | None = None
    priority: pulumi.Input[str] = "high"  # the issue's priority: high, medium, low
    above: pulumi.Input[bool] = True  # an issue when the value goes above (False: below) the threshold
    resolve_threshold: pulumi.Input[float] | None = None  # None: the threshold
    owner_team_id: pulumi.Input[str] | None = None


def _dataset(value: Any) -> Any:
    text = str(value).strip().lower()
    return DATASET_ALIASES.get(text, text)


def _conditions(fields: dict[str, Any]) -> list[dict[str, Any]]:
    threshold = float(fields["threshold"])
    resolve = float(fields["resolve_threshold"]) if fields.get("resolve_threshold") is not None else threshold
    above = fields.get("above", True) is not False
    return [
        {"type": "gt" if above else "lt", "comparison": threshold,
         "conditionResult": PRIORITIES[fields.get("priority") or "high"]},
        {"type": "lte" if above else "gte", "comparison": resolve, "conditionResult": 0},
    ]  # fmt: skip


def build_body(fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The detector request; with ``current``, the ids Sentry gave the condition group and its
    conditions are sent back (matched by role: the issue condition and the resolve condition)."""
    dataset = fields.get("dataset") or "events_analytics_platform"
    event_types, query_type = DATASETS[dataset]
    conditions = _conditions(fields)
    group: dict[str, Any] = {"logicType": "any", "conditions": conditions}
    if current:
        old = current.get("conditionGroup") or {}
        if old.get("id"):
            group["id"] = old["id"]
        olds = [c for c in old.get("conditions") or [] if isinstance(c, dict) and c.get("id")]
        for condition in conditions:
            resolving = condition["conditionResult"] == 0
            match = next((c for c in olds if (as_int(c.get("conditionResult")) == 0) == resolving), None)
            if match is not None:
                condition["id"] = match["id"]
                olds.remove(match)
    source: dict[str, Any] = {
        "dataset": dataset,
        "eventTypes": event_types,
        "aggregate": fields["aggregate"],
        "query": fields.get("query") or "",
        "queryType": query_type,
        "timeWindow": int(fields.get("time_window") or 300),
        "environment": fields.get("environment"),
    }
    for key in ("environment", "query"):
        if current is not None and fields.get(key) is None:  # not managed: keep the live value
            source[key] = _source(current).get(key)
    body: dict[str, Any] = {
        "type": "metric_issue",
        "name": fields["name"],
        "enabled": True,
        "dataSources": [source],
        "conditionGroup": group,
        "config": {"detectionType": "static"},
    }
    if fields.get("owner_team_id") is not None:
        body["owner"] = f"team:{fields['owner_team_id']}"
    elif current is not None and isinstance(current.get("owner"), dict):
        owner = current["owner"]
        body["owner"] = f"{owner.get('type')}:{owner.get('id')}"
    return body


def _source(doc: dict[str, Any]) -> dict[str, Any]:
    sources = doc.get("dataSources") or [{}]
    first = sources[0] if isinstance(sources[0], dict) else {}
    return dict(((first.get("queryObj") or {}).get("snubaQuery")) or first)


TABLE = Table(
    (
        Field("name", "name", "str", norm=strip, length=NAME_MAX, required=True),
        Field("project_id", "projectId", "str", norm=as_id, replaces=True),
        Field("aggregate", "dataSources.aggregate", "str", norm=strip),
        Field("threshold", "conditionGroup.conditions.comparison", "number", norm=as_number),
        Field("time_window", "dataSources.timeWindow", "int", norm=as_int),
        Field("dataset", "dataSources.dataset", "str", norm=_dataset),
        Field("query", "dataSources.query", "str", norm=strip),
        Field("environment", "dataSources.environment", "str", norm=strip),
        Field("priority", "conditionGroup.conditions.conditionResult", "str", norm=lower),
        Field("above", "conditionGroup.conditions.type", "bool", norm=bool),
        Field("resolve_threshold", "conditionGroup.conditions", "number", norm=as_number),
        Field("owner_team_id", "owner", "str", norm=as_id),
    )
)


class MetricMonitorProvider(SentryProvider):
    kind: ClassVar[str] = "metric monitor"
    id_output: ClassVar[str] = "monitor_id"
    table: ClassVar[Table] = TABLE
    # A stack holds many: the settings are packed under one property, like a monitor's (DESIGN.md).
    top_level: ClassVar[tuple[str, ...] | None] = ("name", "project_id")

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        project = fields.get("project_id")
        if project is None or (known(project) and not is_id(project)):
            problems.append(
                ("project_id", f"{project!r}: pass the project's numeric id (Project.project_id)")
            )
        aggregate = fields.get("aggregate")
        if aggregate is None or (known(aggregate) and not AGGREGATE.match(str(aggregate).strip())):
            problems.append(
                ("aggregate", f"{aggregate!r}: write a function, e.g. 'p95(span.duration)' or 'count()'")
            )
        dataset = fields.get("dataset", "spans")
        if known(dataset) and _dataset(dataset) not in DATASETS:
            reason = (
                "Sentry no longer creates transaction-based monitors: use dataset 'spans' with the "
                "query 'is_transaction:true'"
                if _dataset(dataset) == "transactions"
                else f"{dataset!r}: use 'spans' (events_analytics_platform) or 'errors' (events)"
            )
            problems.append(("dataset", reason))
        elif (
            known(dataset)
            and known(aggregate)
            and "span." in str(aggregate)
            and _dataset(dataset) != ("events_analytics_platform")
        ):
            problems.append(("dataset", f"{aggregate} is a span measure: use dataset 'spans'"))
        window = fields.get("time_window", 300)
        if known(window) and as_int(window) not in WINDOWS:
            problems.append(("time_window", f"{window!r} seconds: use one of {', '.join(map(str, WINDOWS))}"))
        for key in ("threshold", "resolve_threshold"):
            value = fields.get(key)
            if (key == "threshold" and value is None) or (
                known(value) and (isinstance(value, bool) or not isinstance(as_number(value), float))
            ):
                problems.append((key, f"{value!r}: write a number (milliseconds for durations)"))
        priority = fields.get("priority", "high")
        if known(priority) and str(priority).strip().lower() not in PRIORITIES:
            problems.append(("priority", f"{priority!r}: use one of {', '.join(PRIORITIES)}"))
        owner = fields.get("owner_team_id")
        if known(owner) and not is_id(owner):
            problems.append(("owner_team_id", f"{owner!r}: pass the team's numeric id (Team.team_id)"))
        return problems

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        source = _source(doc)
        conditions = [
            c for c in (doc.get("conditionGroup") or {}).get("conditions") or [] if isinstance(c, dict)
        ]
        issue = next((c for c in conditions if as_int(c.get("conditionResult")) in PRIORITIES.values()), {})
        resolve = next((c for c in conditions if as_int(c.get("conditionResult")) == 0), {})
        priority = next((k for k, v in PRIORITIES.items() if v == as_int(issue.get("conditionResult"))), None)
        threshold = as_number(issue.get("comparison"))
        resolve_at = as_number(resolve.get("comparison"))
        owner = as_dict(doc.get("owner"))
        wanted_resolve = props.get("resolve_threshold")
        return self.normalise(
            {
                "name": doc.get("name"),
                "project_id": doc.get("projectId"),
                "aggregate": source.get("aggregate"),
                "threshold": threshold,
                "time_window": source.get("timeWindow"),
                "dataset": source.get("dataset"),
                "query": source.get("query") or "",
                "environment": source.get("environment"),
                "priority": priority,
                "above": issue.get("type") in ("gt", "gte") if issue else None,
                # the default (None) means "the threshold": keep it None while that holds
                "resolve_threshold": None
                if wanted_resolve is None and resolve_at == threshold
                else resolve_at,
                "owner_team_id": owner.get("id") if owner.get("type") == "team" else None,
            }
        )

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"workflow_ids": [str(w) for w in doc.get("workflowIds") or []]}

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_detector(id_)

    def find(self, client: SentryClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        found = client.list_detectors(fields["project_id"], "metric_issue")
        return next(
            (d for d in found if d.get("name") == fields["name"] and d.get("type") == "metric_issue"), None
        )

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return client.create_detector(fields["project_id"], build_body(fields, None))

    def update_remote(
        self, client: SentryClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        return client.update_detector(id_, build_body(fields, current))

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_detector(id_)


class MetricMonitor(DynamicResource, module="sentry", name="MetricMonitor"):
    monitor_id: pulumi.Output[str]
    workflow_ids: pulumi.Output[list[str]]

    provider_type: ClassVar[type[Provider]] = MetricMonitorProvider
    output_names: ClassVar[tuple[str, ...]] = ("monitor_id", "workflow_ids")

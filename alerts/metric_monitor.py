"""A Sentry metric monitor (a detector of type ``metric_issue``), e.g. p95 latency over 5 minutes.

Latency uses the spans dataset (``events_analytics_platform``, ``trace_item_span``) with
``is_transaction:true``, as Sentry requires since transaction-based alerts were retired; error counts
use ``events``. ``time_window`` is in seconds (the legacy API used minutes). A resolve condition is
always sent (Sentry requires one). Updates send back the condition ids read, so nothing is recreated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from alerts.base import SentryProvider
from core.sentry import SentryClient
from monitors.fields import is_unknown
from monitors.resource import props_of

WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)
DATASETS = {
    "spans": ("events_analytics_platform", ["trace_item_span"], 1),
    "errors": ("events", ["error", "default"], 0),
}
PRIORITY = {"high": 75, "medium": 50}


@dataclass(frozen=True)
class MetricMonitorArgs:
    name: pulumi.Input[str]
    project_id: pulumi.Input[str]
    aggregate: pulumi.Input[str]  # "p95(span.duration)", "count()"
    threshold: pulumi.Input[float]  # above this (ms for durations)
    time_window: pulumi.Input[int] = 300  # seconds
    dataset: pulumi.Input[str] = "spans"  # spans | errors
    query: pulumi.Input[str] | None = None  # "is_transaction:true"
    environment: pulumi.Input[str] | None = None
    priority: pulumi.Input[str] = "high"
    owner_team_id: pulumi.Input[str] | None = None


class MetricMonitorProvider(SentryProvider):
    kind: ClassVar[str] = "metric monitor"
    id_output: ClassVar[str] = "monitor_id"
    replace_on: ClassVar[tuple[str, ...]] = ("project_id",)

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        for key in ("threshold",):
            if out.get(key) is not None and not is_unknown(out[key]):
                out[key] = float(out[key])
        if out.get("time_window") is not None and not is_unknown(out["time_window"]):
            out["time_window"] = int(out["time_window"])
        if out.get("query") == "":
            out["query"] = None
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        window = fields.get("time_window", 300)
        if not is_unknown(window) and int(window) not in WINDOWS:
            problems.append(("time_window", f"{window} s is not one of Sentry's windows {WINDOWS}"))
        if fields.get("dataset", "spans") not in DATASETS:
            problems.append(("dataset", f"use one of {', '.join(DATASETS)}"))
        if fields.get("priority", "high") not in PRIORITY:
            problems.append(("priority", "use high or medium"))
        threshold = fields.get("threshold")
        if not is_unknown(threshold) and (not isinstance(threshold, (int, float)) or threshold < 0):
            problems.append(("threshold", "a non-negative number (milliseconds for durations)"))
        return problems

    def _body(self, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        dataset, event_types, query_type = DATASETS[fields.get("dataset", "spans")]
        threshold = float(fields["threshold"])
        conditions = [
            {
                "type": "gt",
                "comparison": threshold,
                "conditionResult": PRIORITY[fields.get("priority", "high")],
            },
            {"type": "lte", "comparison": threshold, "conditionResult": 0},
        ]
        group: dict[str, Any] = {"logicType": "any", "conditions": conditions}
        if current:  # send back the ids Sentry gave the condition group and its conditions
            old = current.get("conditionGroup") or {}
            if old.get("id"):
                group["id"] = old["id"]
            by_type = {c.get("type"): c.get("id") for c in old.get("conditions") or []}
            for condition in conditions:
                if by_type.get(condition["type"]):
                    condition["id"] = by_type[condition["type"]]
        body: dict[str, Any] = {
            "type": "metric_issue",
            "name": fields["name"],
            "enabled": True,
            "dataSources": [
                {
                    "dataset": dataset,
                    "eventTypes": event_types,
                    "aggregate": fields["aggregate"],
                    "query": fields.get("query") or "",
                    "queryType": query_type,
                    "timeWindow": int(fields.get("time_window", 300)),
                    "environment": fields.get("environment"),
                }
            ],
            "conditionGroup": group,
            "config": {"detectionType": "static"},
        }
        if fields.get("owner_team_id"):
            body["owner"] = f"team:{fields['owner_team_id']}"
        return body

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.org_path(f"detectors/{id_}/"))

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        found = client.list(
            client.org_path("detectors/"), project=fields["project_id"], query="type:metric_issue"
        )
        return next((d for d in found if d.get("name") == fields["name"]), None)

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        path = client.org_path(f"projects/{fields['project_id']}/detectors/")
        return dict(client.request("POST", path, json=self._body(fields, None)).data)

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        if current and self.normalise(self.from_wire(current, fields)) == self.normalise(
            {**self.from_wire(current, fields), **fields}
        ):
            return current
        path = client.org_path(f"detectors/{id_}/")
        return dict(client.request("PUT", path, json=self._body(fields, current)).data)

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.request("DELETE", client.org_path(f"detectors/{id_}/"))

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        source = ((doc.get("dataSources") or [{}])[0].get("queryObj") or {}).get("snubaQuery") or {}
        conditions = (doc.get("conditionGroup") or {}).get("conditions") or []
        trigger = next((c for c in conditions if c.get("conditionResult") in (50, 75)), {})
        dataset = next((k for k, v in DATASETS.items() if v[0] == source.get("dataset")), None)
        owner = doc.get("owner") or {}
        return self.normalise(
            {
                "name": doc.get("name"),
                "project_id": str(doc.get("projectId")),
                "aggregate": source.get("aggregate"),
                "threshold": trigger.get("comparison"),
                "time_window": source.get("timeWindow"),
                "dataset": dataset,
                "query": source.get("query") or None,
                "environment": source.get("environment"),
                "priority": "high" if trigger.get("conditionResult") == 75 else "medium",
                "owner_team_id": str(owner["id"]) if owner.get("type") == "team" else None,
            }
        )


class MetricMonitor(Resource, module="sentry", name="MetricMonitor"):
    monitor_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: MetricMonitorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(MetricMonitorProvider(), resource_name, props_of(args, "monitor_id"), opts)

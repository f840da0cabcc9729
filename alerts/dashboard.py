"""A Sentry custom dashboard (``/organizations/{org}/dashboards/``): the plan's monitoring dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from alerts.base import SentryProvider
from core.sentry import SentryClient
from monitors.resource import props_of

DISPLAYS = ("line", "area", "bar", "table", "big_number")
WIDGET_TYPES = {"error-events": "error-events", "spans": "spans", "transaction-like": "transaction-like"}


@dataclass(frozen=True)
class DashboardArgs:
    title: pulumi.Input[str]
    widgets: pulumi.Input[list[dict[str, Any]]]  # {title, display, dataset, aggregate, query}
    period: pulumi.Input[str] = "24h"
    project_ids: pulumi.Input[list[str]] | None = None


class DashboardProvider(SentryProvider):
    kind: ClassVar[str] = "dashboard"
    id_output: ClassVar[str] = "dashboard_id"
    label_field: ClassVar[str] = "title"

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if out.get("widgets") is not None:
            out["widgets"] = [
                {k: str(v) for k, v in w.items() if v not in (None, "")} for w in out["widgets"]
            ]
        if out.get("project_ids") is not None:
            out["project_ids"] = sorted(str(p) for p in out["project_ids"])
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        for widget in fields.get("widgets") or []:
            if widget.get("display", "line") not in DISPLAYS:
                problems.append(
                    ("widgets", f"widget '{widget.get('title')}': display one of {', '.join(DISPLAYS)}")
                )
            if widget.get("dataset", "error-events") not in WIDGET_TYPES:
                problems.append(
                    ("widgets", f"widget '{widget.get('title')}': dataset one of {', '.join(WIDGET_TYPES)}")
                )
        return problems

    def _body(self, fields: dict[str, Any]) -> dict[str, Any]:
        widgets = []
        for index, widget in enumerate(fields["widgets"]):
            widgets.append(
                {
                    "title": widget["title"],
                    "displayType": widget.get("display", "line"),
                    "widgetType": WIDGET_TYPES[widget.get("dataset", "error-events")],
                    "interval": "5m",
                    "queries": [
                        {
                            "name": "",
                            "fields": [widget.get("aggregate", "count()")],
                            "aggregates": [widget.get("aggregate", "count()")],
                            "columns": [],
                            "conditions": widget.get("query", ""),
                            "orderby": "",
                        }
                    ],
                    "layout": {"x": (index % 2) * 3, "y": (index // 2) * 2, "w": 3, "h": 2, "minH": 2},
                }
            )
        body: dict[str, Any] = {
            "title": fields["title"],
            "widgets": widgets,
            "period": fields.get("period", "24h"),
        }
        if fields.get("project_ids") is not None:
            body["projects"] = [int(p) for p in fields["project_ids"]]
        return body

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.org_path(f"dashboards/{id_}/"))

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        found = next(
            (d for d in client.list(client.org_path("dashboards/")) if d.get("title") == fields["title"]),
            None,
        )
        return client.get_or_none(client.org_path(f"dashboards/{found['id']}/")) if found else None

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return dict(client.request("POST", client.org_path("dashboards/"), json=self._body(fields)).data)

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        return dict(
            client.request("PUT", client.org_path(f"dashboards/{id_}/"), json=self._body(fields)).data
        )

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.request("DELETE", client.org_path(f"dashboards/{id_}/"))

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        widgets = []
        for widget in doc.get("widgets") or []:
            query = (widget.get("queries") or [{}])[0]
            dataset = widget.get("widgetType", "error-events")
            widgets.append(
                {
                    "title": widget.get("title"),
                    "display": widget.get("displayType"),
                    "dataset": dataset,
                    "aggregate": (query.get("aggregates") or ["count()"])[0],
                    "query": query.get("conditions") or None,
                }
            )
        fields = {"title": doc.get("title"), "widgets": widgets, "period": doc.get("period", "24h")}
        if props.get("project_ids") is not None:
            fields["project_ids"] = [str(p) for p in doc.get("projects") or []]
        return self.normalise(fields)


class Dashboard(Resource, module="sentry", name="Dashboard"):
    dashboard_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: DashboardArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(DashboardProvider(), resource_name, props_of(args, "dashboard_id"), opts)

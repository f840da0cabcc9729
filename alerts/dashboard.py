"""A Sentry custom dashboard (``/organizations/{org}/dashboards/``): the plan's monitoring view.

Natural key: the title (Sentry refuses two dashboards with one title, so a create adopts the one
that exists). Widgets keep their order (it is their layout: two per row). Updates send back the
ids of the widgets and queries read (matched by widget title), so Sentry keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.alerts.base import SentryProvider, as_id, is_id, is_unknown, known
from vigil.core.fields import Doc, Field, Table, lower, strip
from vigil.core.provider import DynamicResource, Provider
from vigil.core.sentry import SentryClient

DISPLAYS = ("line", "area", "stacked_area", "bar", "table", "big_number", "top_n")
DATASETS = ("error-events", "spans", "transaction-like", "issue", "logs")
PERIOD = re.compile(r"^\d+[mhdw]$")
AGGREGATE = re.compile(r"^[a-z_0-9]+\([^()]*\)$")
TITLE_MAX = 255
WIDGET_DEFAULTS = {"display": "line", "dataset": "error-events", "aggregate": "count()", "query": ""}


@dataclass(frozen=True)
class DashboardArgs:
    title: pulumi.Input[str]
    widgets: pulumi.Input[list[dict[str, Any]]]  # {title, display, dataset, aggregate, query}
    period: pulumi.Input[str] = "24h"
    project_ids: pulumi.Input[list[pulumi.Input[str]]] | None = (
        None  # None: not managed (all projects on create)
    )


def normalise_widget(widget: Any) -> Any:
    if not isinstance(widget, dict) or is_unknown(widget):
        return widget
    out = {
        k: widget.get(k) if widget.get(k) is not None else default for k, default in WIDGET_DEFAULTS.items()
    }
    out["title"] = str(widget.get("title") or "").strip()
    out["query"] = str(out["query"]).strip()
    return {k: out[k] for k in ("title", *WIDGET_DEFAULTS)}


def _layout(index: int) -> dict[str, int]:
    return {"x": (index % 2) * 3, "y": (index // 2) * 2, "w": 3, "h": 2, "minH": 2}


def build_body(fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    old_widgets = {
        str(w.get("title")): w for w in (current or {}).get("widgets") or [] if isinstance(w, dict)
    }
    widgets = []
    for index, widget in enumerate(fields["widgets"]):
        query: dict[str, Any] = {
            "name": "",
            "fields": [widget["aggregate"]],
            "aggregates": [widget["aggregate"]],
            "columns": [],
            "fieldAliases": [],
            "conditions": widget["query"],
            "orderby": "",
        }
        wire: dict[str, Any] = {
            "title": widget["title"],
            "displayType": widget["display"],
            "widgetType": widget["dataset"],
            "interval": "5m",
            "queries": [query],
            "layout": _layout(index),
        }
        old = old_widgets.pop(widget["title"], None)
        if old is not None:
            if old.get("id"):
                wire["id"] = old["id"]
            old_queries = [q for q in old.get("queries") or [] if isinstance(q, dict)]
            if old_queries and old_queries[0].get("id"):
                query["id"] = old_queries[0]["id"]
        widgets.append(wire)
    body: dict[str, Any] = {
        "title": fields["title"],
        "widgets": widgets,
        "period": fields.get("period", "24h"),
    }
    if fields.get("project_ids") is not None:
        body["projects"] = [int(p) for p in fields["project_ids"]]
    elif current is not None:
        body["projects"] = list(current.get("projects") or [])
    return body


def _widgets(value: Any) -> Any:
    return [normalise_widget(w) for w in value] if isinstance(value, (list, tuple)) else value


def _project_ids(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and not is_unknown(value):
        return sorted({as_id(p) for p in value}, key=str)
    return value


TABLE = Table(
    (
        Field("title", "title", "str", norm=strip, length=TITLE_MAX, required=True),
        Field("widgets", "widgets", "list", norm=_widgets),
        Field("period", "period", "str", norm=lower),
        Field("project_ids", "projects", "list", norm=_project_ids),
    )
)


class DashboardProvider(SentryProvider):
    kind: ClassVar[str] = "dashboard"
    natural_key: ClassVar[tuple[str, ...] | None] = ("title",)  # what find() looks it up by
    id_output: ClassVar[str] = "dashboard_id"
    table: ClassVar[Table] = TABLE
    label_field: ClassVar[str] = "title"

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        period = fields.get("period", "24h")
        if known(period) and not PERIOD.match(str(period).strip().lower()):
            problems.append(("period", f"{period!r}: write e.g. '24h', '7d' or '30m'"))
        widgets = fields.get("widgets")
        if widgets is None or (known(widgets) and (not isinstance(widgets, (list, tuple)) or not widgets)):
            problems.append(("widgets", "a dashboard needs at least one widget {title, aggregate, …}"))
        elif isinstance(widgets, (list, tuple)):
            titles: set[str] = set()
            for index, widget in enumerate(widgets):
                problems.extend(_widget_problems(index, widget, titles))
        projects = fields.get("project_ids")
        if isinstance(projects, (list, tuple)):
            bad = [p for p in projects if known(p) and not is_id(p)]
            if bad:
                problems.append(("project_ids", f"{bad[0]!r} is not a numeric project id"))
        return problems

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        widgets = []
        for widget in doc.get("widgets") or []:
            if not isinstance(widget, dict):
                continue
            queries = [q for q in widget.get("queries") or [] if isinstance(q, dict)] or [{}]
            aggregates = queries[0].get("aggregates") or queries[0].get("fields") or ["count()"]
            widgets.append(
                {
                    "title": widget.get("title"),
                    "display": widget.get("displayType"),
                    "dataset": widget.get("widgetType") or "error-events",
                    "aggregate": aggregates[0],
                    "query": queries[0].get("conditions") or "",
                }
            )
        return self.normalise(
            {
                "title": doc.get("title"),
                "widgets": widgets,
                "period": doc.get("period") or "24h",
                "project_ids": [str(p) for p in doc.get("projects") or []],
            }
        )

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_dashboard(id_)

    def find(self, client: SentryClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        summary = next((d for d in client.list_dashboards() if d.get("title") == fields["title"]), None)
        return client.get_dashboard(str(summary["id"])) if summary else None

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return client.create_dashboard(build_body(fields, None))

    def update_remote(
        self, client: SentryClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        return client.update_dashboard(id_, build_body(fields, current))

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_dashboard(id_)


def _widget_problems(index: int, widget: Any, titles: set[str]) -> list[tuple[str, str]]:
    where = f"widget {index + 1}"
    if not isinstance(widget, dict):
        return [("widgets", f"{where}: a dict {{title, display, dataset, aggregate, query}}")]
    problems: list[tuple[str, str]] = []
    title = widget.get("title")
    if known(title):
        if not str(title).strip():
            problems.append(("widgets", f"{where}: needs a title"))
        elif str(title).strip() in titles:
            problems.append(("widgets", f"{where}: the title {title!r} is used twice; titles must be unique"))
        titles.add(str(title).strip())
    checks = (("display", DISPLAYS), ("dataset", DATASETS))
    for key, allowed in checks:
        value = widget.get(key)
        if known(value) and value not in allowed:
            problems.append(("widgets", f"{where}: {key} {value!r}: use one of {', '.join(allowed)}"))
    aggregate = widget.get("aggregate")
    if known(aggregate) and not AGGREGATE.match(str(aggregate).strip()):
        problems.append(
            ("widgets", f"{where}: aggregate {aggregate!r}: write e.g. 'count()' or 'p95(span.duration)'")
        )
    return problems


class Dashboard(DynamicResource, module="sentry", name="Dashboard"):
    dashboard_id: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = DashboardProvider
    output_names: ClassVar[tuple[str, ...]] = ("dashboard_id",)

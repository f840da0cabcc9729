"""A Sentry alert (a workflow of the new monitors-and-alerts API, ``/organizations/{org}/workflows/``).

An issue alert listens to its project's ``issue_stream`` detector (looked up by project id):
triggers on a new issue and/or a regression, or on more than N events in an interval (Sentry's
``event_frequency_count`` means *more than* N). A metric alert listens to a metric monitor and acts
on high-priority issues. Actions: e-mail to a team, and Slack to a channel through the
organization's installed Slack integration (looked up at call time, never hard-coded). Updates send
back the ids of the triggers, filters, conditions and actions read, so Sentry keeps them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from alerts.base import SentryProvider
from core.sentry import SentryClient
from monitors.fields import is_unknown
from monitors.resource import props_of

FREQUENCIES = (0, 5, 10, 30, 60, 180, 720, 1440)
INTERVALS = ("1m", "5m", "15m", "1h", "1d", "1w", "30d")
TRIGGERS = ("first_seen_event", "regression_event", "reappeared_event")


@dataclass(frozen=True)
class AlertArgs:
    name: pulumi.Input[str]
    actions: pulumi.Input[
        list[dict[str, Any]]
    ]  # {"type": "email", "team_id": …} / {"type": "slack", "channel": "#x"}
    project_id: pulumi.Input[str] | None = None  # issue alert: the project's issue stream
    metric_monitor_id: pulumi.Input[str] | None = None  # metric alert: the monitor it acts on
    triggers: pulumi.Input[list[str]] | None = None  # first_seen_event, regression_event
    events_above: pulumi.Input[int] | None = None
    interval: pulumi.Input[str] | None = None  # 1m, 5m, …
    frequency: pulumi.Input[int] = 30  # minutes between notifications for one issue
    environment: pulumi.Input[str] | None = None
    enabled: pulumi.Input[bool] = True


def _action_key(action: dict[str, Any]) -> tuple[str, str]:
    return (str(action.get("type")), str(action.get("team_id") or action.get("channel", "")).lstrip("#"))


class AlertProvider(SentryProvider):
    kind: ClassVar[str] = "alert"
    id_output: ClassVar[str] = "alert_id"

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if out.get("triggers") is not None:
            out["triggers"] = sorted(out["triggers"])
        if out.get("actions") is not None and not is_unknown(out["actions"]):
            out["actions"] = sorted(
                (
                    {
                        k: (str(v).lstrip("#") if k == "channel" else str(v))
                        for k, v in a.items()
                        if v is not None
                    }
                    for a in out["actions"]
                ),
                key=lambda a: _action_key(a),
            )
        for key in ("frequency", "events_above"):
            if out.get(key) is not None and not is_unknown(out[key]):
                out[key] = int(out[key])
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        if fields.get("frequency", 30) not in FREQUENCIES:
            problems.append(("frequency", f"minutes between notifications: one of {FREQUENCIES}"))
        if fields.get("interval") is not None and fields["interval"] not in INTERVALS:
            problems.append(("interval", f"use one of {', '.join(INTERVALS)} (Sentry rejects '1hr', '5min')"))
        if fields.get("events_above") is not None and fields.get("interval") is None:
            problems.append(("interval", "events_above needs the interval it counts over, e.g. '1m'"))
        for trigger in fields.get("triggers") or []:
            if trigger not in TRIGGERS:
                problems.append(("triggers", f"'{trigger}' is not one of {', '.join(TRIGGERS)}"))
        if (fields.get("project_id") is None) == (fields.get("metric_monitor_id") is None):
            problems.append(
                ("project_id", "set exactly one of project_id (issue alert) or metric_monitor_id")
            )
        actions = fields.get("actions")
        if not is_unknown(actions):
            if not actions:
                problems.append(("actions", "an alert needs at least one action (e-mail or Slack)"))
            for action in actions or []:
                if action.get("type") not in ("email", "slack"):
                    problems.append(("actions", f"action type {action.get('type')!r}: use email or slack"))
                elif action["type"] == "slack" and not str(action.get("channel") or "").startswith("#"):
                    problems.append(("actions", "a Slack action names its channel, e.g. '#incidents'"))
        return problems

    def _body(
        self, client: SentryClient, fields: dict[str, Any], current: dict[str, Any] | None
    ) -> dict[str, Any]:
        if fields.get("metric_monitor_id"):
            detector_ids = [str(fields["metric_monitor_id"])]
            triggers: list[dict[str, Any]] = []
            conditions = [
                {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True}
            ]
        else:
            stream = client.project_detector(str(fields["project_id"]), "issue_stream")
            detector_ids = [str(stream["id"])] if stream else []
            triggers = [
                {"type": t, "comparison": True, "conditionResult": True} for t in fields.get("triggers") or []
            ]
            conditions = []
            if fields.get("events_above") is not None:
                frequency = {
                    "type": "event_frequency_count",
                    "conditionResult": True,
                    "comparison": {"value": int(fields["events_above"]), "interval": fields["interval"]},
                }
                if triggers:
                    triggers.append(frequency)  # "new issue OR more than N events": triggers are any-of
                else:
                    conditions.append(frequency)
        actions = []
        slack_id = None
        for action in fields["actions"]:
            if action["type"] == "email":
                actions.append(
                    {
                        "type": "email",
                        "config": {"targetType": "team", "targetIdentifier": str(action["team_id"])},
                        "data": {"fallthroughType": "ActiveMembers"},
                    }
                )
            else:
                slack_id = slack_id or client.slack_integration_id()
                actions.append(
                    {
                        "type": "slack",
                        "integrationId": slack_id,
                        "config": {"targetType": "specific", "targetDisplay": action["channel"]},
                        "data": {"tags": "environment,level", "notes": ""},
                    }
                )
        body: dict[str, Any] = {
            "name": fields["name"],
            "enabled": bool(fields.get("enabled", True)),
            "environment": fields.get("environment"),
            "config": {"frequency": int(fields.get("frequency", 30))},
            "detectorIds": detector_ids,
            "triggers": {"logicType": "any-short", "conditions": triggers},
            "actionFilters": [{"logicType": "all", "conditions": conditions, "actions": actions}],
        }
        if current:
            _keep_ids(body, current)
        return body

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.org_path(f"workflows/{id_}/"))

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        found = client.list(client.org_path("workflows/"), query=fields["name"])
        return next((w for w in found if w.get("name") == fields["name"]), None)

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return dict(
            client.request("POST", client.org_path("workflows/"), json=self._body(client, fields, None)).data
        )

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        if current and self.normalise(self.from_wire(current, fields)) == self.normalise(
            {**self.from_wire(current, fields), **fields}
        ):
            return current
        body = self._body(client, fields, current)
        return dict(client.request("PUT", client.org_path(f"workflows/{id_}/"), json=body).data)

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.request("DELETE", client.org_path(f"workflows/{id_}/"))

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        triggers = (doc.get("triggers") or {}).get("conditions") or []
        filters = doc.get("actionFilters") or [{}]
        conditions = [*triggers, *(filters[0].get("conditions") or [])]
        frequency = next((c for c in conditions if c.get("type") == "event_frequency_count"), None)
        actions = []
        for action in filters[0].get("actions") or []:
            if action.get("type") == "email":
                actions.append(
                    {"type": "email", "team_id": str((action.get("config") or {}).get("targetIdentifier"))}
                )
            elif action.get("type") == "slack":
                actions.append(
                    {"type": "slack", "channel": (action.get("config") or {}).get("targetDisplay")}
                )
        fields = {
            "name": doc.get("name"),
            "enabled": doc.get("enabled"),
            "environment": doc.get("environment"),
            "frequency": (doc.get("config") or {}).get("frequency"),
            "actions": actions,
            "triggers": sorted(c["type"] for c in triggers if c.get("type") in TRIGGERS),
            "events_above": frequency["comparison"]["value"] if frequency else None,
            "interval": frequency["comparison"]["interval"] if frequency else None,
        }
        if props.get("metric_monitor_id") is not None:
            fields["metric_monitor_id"] = next(iter(doc.get("detectorIds") or []), None)
        else:
            fields["project_id"] = props.get("project_id")
        return self.normalise(fields)


def _keep_ids(body: dict[str, Any], current: dict[str, Any]) -> None:
    """Copy the server ids of what is unchanged into ``body`` (Sentry deletes sub-objects sent without)."""
    old_triggers = current.get("triggers") or {}
    if old_triggers.get("id"):
        body["triggers"]["id"] = old_triggers["id"]
    _match_ids(body["triggers"]["conditions"], old_triggers.get("conditions") or [], lambda c: c.get("type"))
    old_filters = current.get("actionFilters") or []
    for index, action_filter in enumerate(body["actionFilters"]):
        if index >= len(old_filters):
            break
        old = old_filters[index]
        if old.get("id"):
            action_filter["id"] = old["id"]
        _match_ids(action_filter["conditions"], old.get("conditions") or [], lambda c: c.get("type"))
        _match_ids(
            action_filter["actions"],
            old.get("actions") or [],
            lambda a: (
                a.get("type"),
                str(
                    (a.get("config") or {}).get("targetDisplay")
                    or (a.get("config") or {}).get("targetIdentifier")
                ).lstrip("#"),
            ),
        )


def _match_ids(new: list[dict[str, Any]], old: list[dict[str, Any]], key: Any) -> None:
    available = {key(item): item.get("id") for item in copy.deepcopy(old) if item.get("id")}
    for item in new:
        found = available.pop(key(item), None)
        if found:
            item["id"] = found


class Alert(Resource, module="sentry", name="Alert"):
    alert_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: AlertArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(AlertProvider(), resource_name, props_of(args, "alert_id"), opts)

"""A Sentry alert: a workflow of the current monitors-and-alerts API (``/organizations/{org}/workflows/``).

Two kinds, by what the workflow listens to (its ``detectorIds``):

- **issue alert** (``project_id``): the project's ``issue_stream`` detector, looked up at call time.
  ``triggers`` (any of ``first_seen_event``, ``regression_event``, ``reappeared_event``) start it;
  ``events_above`` N per ``interval`` is Sentry's ``event_frequency_count`` (it means MORE THAN N),
  written as the action filter's condition. So triggers AND frequency read "a new issue that gets
  more than N events in the interval"; with no triggers the filter is checked on every event of the
  project ("more than N events in the interval": the spike alert). Sentry's migration of legacy
  frequency rules writes the frequency as a trigger instead; reading accepts either place;
- **metric alert** (``metric_monitor_id``): acts on the issues a ``MetricMonitor`` opens, at or
  above ``min_priority`` (default medium, so a high-priority monitor notifies too), with Sentry's
  migrated shape: no triggers, one action filter ``issue_priority_greater_or_equal`` OR
  ``issue_priority_deescalating``.

Actions (``actions``, a list of dicts): ``{"type": "email", "team_id": …}``, ``{"type": "email",
"user_id": …}`` (numeric ids), ``{"type": "email", "user_email": "ana@example.com"}`` (a member of the
organization, whose user id ``check`` looks up: the state and every comparison hold the id, so a
member who changes address is not drift) and ``{"type": "slack", "channel": "#alerts"}`` through the
organization's installed Slack integration, whose id is looked up at call time (never stored in a
stack). Channel names are normalised ("alerts", "#Alerts" → "#alerts") since Sentry rewrites them.

Updates send back the ids of the sub-objects read (trigger group, conditions, action filter,
actions), so Sentry keeps them instead of deleting and re-creating them. ``diff`` ignores server
ids and order. ``frequency`` is the minutes between two notifications for one issue.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, DiffResult

from vigil.alerts.base import (
    SentryProvider,
    as_dict,
    as_id,
    as_int,
    is_id,
    known,
)
from vigil.core.errors import ClientError, NotFound
from vigil.core.fields import Doc, Field, Table, lower, strip
from vigil.core.provider import DynamicResource, Provider
from vigil.core.sentry import SentryClient
from vigil.core.slack import normalise_channel_name

FREQUENCIES = (0, 5, 10, 30, 60, 180, 720, 1440)
INTERVALS = ("1m", "5m", "15m", "1h", "1d", "1w", "30d")
TRIGGERS = ("first_seen_event", "regression_event", "reappeared_event", "issue_resolved_trigger")
PRIORITIES = {"high": 75, "medium": 50, "low": 25}
FREQUENCY_CONDITION = "event_frequency_count"
PRIORITY_CONDITIONS = ("issue_priority_greater_or_equal", "issue_priority_deescalating")
SLACK_TAGS = "environment,level"
NAME_MAX = 256
# Absent from the stack, these still define an issue alert: None means "none", not "not managed".
DEFINITION = ("triggers", "events_above", "interval")


@dataclass(frozen=True)
class AlertArgs:
    name: pulumi.Input[str]
    actions: pulumi.Input[list[dict[str, Any]]]
    project_id: pulumi.Input[str] | None = None  # issue alert: the project's issue stream
    metric_monitor_id: pulumi.Input[str] | None = None  # metric alert: the monitor it acts on
    triggers: pulumi.Input[list[str]] | None = None  # first_seen_event, regression_event, …
    events_above: pulumi.Input[int] | None = None  # more than N events …
    interval: pulumi.Input[str] | None = None  # … in 1m, 5m, 15m, 1h, 1d, 1w or 30d
    frequency: pulumi.Input[int] = 30  # minutes between notifications for one issue
    environment: pulumi.Input[str] | None = None  # None: all environments (not managed after create)
    enabled: pulumi.Input[bool] = True
    min_priority: pulumi.Input[str] | None = None  # metric alerts: high, medium (default), low


# --- actions ----------------------------------------------------------------------------------------
def normalise_action(action: Any) -> Any:
    """{"type": "email", "team_id": "12"} / {"type": "slack", "channel": "#alerts"}; unknowns kept."""
    if not isinstance(action, dict):
        return action
    out: dict[str, Any] = {}
    kind = action.get("type")
    out["type"] = str(kind).strip().lower() if known(kind) else kind
    for key in ("team_id", "user_id"):
        if action.get(key) is not None:
            out[key] = as_id(action[key])
    email = action.get("user_email")
    if email is not None:
        out["user_email"] = str(email).strip().lower() if known(email) else email
    channel = action.get("channel")
    if channel is not None:
        out["channel"] = "#" + normalise_channel_name(channel) if known(channel) else channel
    return out


def action_key(action: dict[str, Any]) -> tuple[str, str]:
    """The identity of an action (what it notifies), for ordering and for matching server ids."""
    user = action.get("user_id") or action.get("user_email")
    target = action.get("team_id") or user or action.get("channel") or ""
    prefix = "team:" if action.get("team_id") else "user:" if user else ""
    return (str(action.get("type")), prefix + str(target))


def actions_from_wire(actions: list[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for action in actions:
        if not isinstance(action, dict):
            continue
        config = action.get("config") or {}
        kind = action.get("type")
        if kind == "email" and config.get("targetType") in ("team", "user"):
            found.append(
                {"type": "email", f"{config['targetType']}_id": as_id(config.get("targetIdentifier"))}
            )
        elif kind == "slack":
            found.append(
                {"type": "slack", "channel": "#" + normalise_channel_name(config.get("targetDisplay") or "")}
            )
        else:  # anything else (issue owners, PagerDuty…) shows as drift, by type
            found.append({"type": str(kind), "target": str(config.get("targetType") or "")})
    return sorted(found, key=action_key)


def action_to_wire(action: dict[str, Any], slack_id: Callable[[], str]) -> dict[str, Any]:
    if action["type"] == "email":
        target = "team" if action.get("team_id") is not None else "user"
        return {
            "type": "email",
            "integrationId": None,
            "config": {"targetType": target, "targetIdentifier": str(action[f"{target}_id"])},
            "data": {},
        }
    return {
        "type": "slack",
        "integrationId": slack_id(),
        "config": {"targetType": "specific", "targetDisplay": action["channel"]},
        "data": {"tags": SLACK_TAGS},
    }


def _wire_action_key(action: dict[str, Any]) -> tuple[str, str]:
    read = actions_from_wire([action])
    return action_key(read[0]) if read else ("", "")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UnknownMember(Exception):
    """A ``user_email`` target that is no (accepted) member of the organization."""


def member_user_ids(members: list[dict[str, Any]]) -> dict[str, str]:
    """E-mail (lower case) → user id of the members who can be notified: an invitation not yet
    accepted has no user to send to."""
    found: dict[str, str] = {}
    for member in members:
        user = member.get("user")
        email = member.get("email")
        if member.get("pending") or not isinstance(user, dict) or not user.get("id") or not email:
            continue
        found[str(email).strip().lower()] = str(user["id"])
    return found


def resolve_user_emails(actions: list[Any], users: Callable[[], dict[str, str]], org: str) -> list[Any]:
    """``user_email`` targets replaced by ``user_id``; ``users`` is called only when one is present."""
    if not any(isinstance(a, dict) and known(a.get("user_email")) and a.get("user_email") for a in actions):
        return actions
    by_email = users()
    resolved: list[Any] = []
    for action in actions:
        email = action.get("user_email") if isinstance(action, dict) else None
        if not email or not known(email):
            resolved.append(action)
            continue
        user_id = by_email.get(str(email).strip().lower())
        if user_id is None:
            raise UnknownMember(
                f"user {email!r} is not a member of the Sentry organization '{org}' (or has not accepted "
                "the invitation): invite them in Sentry, or notify the team or a #channel instead"
            )
        resolved.append({k: v for k, v in action.items() if k != "user_email"} | {"user_id": user_id})
    return resolved


# --- the workflow body --------------------------------------------------------------------------------
def _condition(kind: str, comparison: Any, result: Any = True) -> dict[str, Any]:
    return {"type": kind, "comparison": comparison, "conditionResult": result}


def build_body(
    fields: dict[str, Any],
    detector_ids: list[str],
    slack_id: Callable[[], str],
    current: dict[str, Any] | None,
) -> dict[str, Any]:
    """The workflow request. With ``current`` (the workflow read), sub-objects keep their ids."""
    triggers: list[dict[str, Any]] = []
    conditions: list[dict[str, Any]] = []
    logic = "all"
    if fields.get("metric_monitor_id") is not None:
        priority = PRIORITIES[fields.get("min_priority") or "medium"]
        conditions = [_condition(kind, priority) for kind in PRIORITY_CONDITIONS]
        logic = "any"
    else:
        triggers = [_condition(t, True) for t in fields.get("triggers") or []]
        if fields.get("events_above") is not None:
            frequency = _condition(
                FREQUENCY_CONDITION, {"value": int(fields["events_above"]), "interval": fields["interval"]}
            )
            # A trigger, not a filter: "a new issue OR more than N events" (triggers are any-of). As a
            # filter it would AND with "new issue" and never fire; Sentry's own migration of frequency
            # rules writes them as triggers too (reference/sentry-api.md §4b).
            triggers.append(frequency)
    actions = [action_to_wire(a, slack_id) for a in fields["actions"]]
    environment = fields.get("environment")
    if environment is None and current is not None:  # not managed: keep the live one
        environment = current.get("environment")
    body: dict[str, Any] = {
        "name": fields["name"],
        "enabled": bool(fields.get("enabled", True)),
        "environment": environment,
        "config": {"frequency": int(fields.get("frequency", 30))},
        "detectorIds": detector_ids,
        "triggers": {"logicType": "any-short", "conditions": triggers},
        "actionFilters": [{"logicType": logic, "conditions": conditions, "actions": actions}],
    }
    if current is not None:
        keep_ids(body, current)
    return body


def keep_ids(body: dict[str, Any], current: dict[str, Any]) -> None:
    """Copy the server ids of the sub-objects read into ``body``: Sentry updates the sub-objects
    sent with an id, creates those without one and DELETES the ones left out."""
    old_triggers = as_dict(current.get("triggers"))
    if old_triggers.get("id"):
        body["triggers"]["id"] = old_triggers["id"]
    _match_ids(body["triggers"]["conditions"], old_triggers.get("conditions") or [], _condition_key)
    old_filters = [f for f in current.get("actionFilters") or [] if isinstance(f, dict)]
    if old_filters:
        new, old = body["actionFilters"][0], old_filters[0]
        if old.get("id"):
            new["id"] = old["id"]
        _match_ids(new["conditions"], old.get("conditions") or [], _condition_key)
        _match_ids(new["actions"], old.get("actions") or [], _wire_action_key)


def _condition_key(condition: dict[str, Any]) -> Any:
    return condition.get("type")


def _match_ids(new: list[dict[str, Any]], old: list[Any], key: Callable[[dict[str, Any]], Any]) -> None:
    available: dict[Any, list[Any]] = {}
    for item in old:
        if isinstance(item, dict) and item.get("id"):
            available.setdefault(key(item), []).append(item["id"])
    for item in new:
        ids = available.get(key(item))
        if ids:
            item["id"] = ids.pop(0)


# --- the table -----------------------------------------------------------------------------------------
def _triggers(value: Any) -> Any:
    return sorted({str(t).strip().lower() for t in value}) if isinstance(value, (list, tuple)) else value


def _actions(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    return sorted((normalise_action(a) for a in value), key=action_key)


TABLE = Table(
    (
        Field("name", "name", "str", norm=strip, length=NAME_MAX, required=True),
        Field("actions", "actionFilters.actions", "list", norm=_actions),
        Field("project_id", "detectorIds", "str", norm=as_id),
        Field("metric_monitor_id", "detectorIds", "str", norm=as_id),
        Field("triggers", "triggers", "list", norm=_triggers),
        Field("events_above", "actionFilters.conditions.comparison.value", "int", norm=as_int),
        Field("interval", "actionFilters.conditions.comparison.interval", "str", norm=lower),
        Field("frequency", "config.frequency", "int", norm=as_int),
        Field("environment", "environment", "str", norm=strip),
        Field("enabled", "enabled", "bool", norm=bool),
        Field("min_priority", "actionFilters.conditions", "str", norm=lower),
    )
)


# --- the provider --------------------------------------------------------------------------------------
class AlertProvider(SentryProvider):
    kind: ClassVar[str] = "alert"
    id_output: ClassVar[str] = "alert_id"
    table: ClassVar[Table] = TABLE
    # A stack holds many: the settings are packed under one property, like a monitor's (DESIGN.md).
    top_level: ClassVar[tuple[str, ...] | None] = ("name",)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The table's checks, then ``user_email`` targets turned into the member's user id (one
        members list per provider process): the state holds what Sentry holds, and an address
        that is no member fails the preview, naming it, before anything is written."""
        result = super().check(olds, news)
        if result.failures:
            return result
        inputs = self.flat(result.inputs)
        actions = inputs.get("actions")
        if not known(actions) or not isinstance(actions, list):
            return result  # still unknown in a preview: create resolves them (_body)
        try:
            client = self.client()
            resolved = resolve_user_emails(actions, lambda: _members_of(client), str(client.org))
        except UnknownMember as unknown:
            return CheckResult(result.inputs, [CheckFailure("actions", f"{self.label(inputs)}: {unknown}")])
        except ClientError:
            return result  # the create reports the API's answer, with the write policy's retries
        if resolved is actions:
            return result
        inputs["actions"] = _actions(resolved)
        return CheckResult(self.shaped(inputs), [])

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        issue, metric = fields.get("project_id"), fields.get("metric_monitor_id")
        if (issue is None) == (metric is None):
            problems.append(
                ("project_id", "set exactly one of project_id (an issue alert on the project's issues) "
                 "or metric_monitor_id (an alert on a metric monitor)")
            )  # fmt: skip
        for key, value in (("project_id", issue), ("metric_monitor_id", metric)):
            if known(value) and not is_id(value):
                problems.append((key, f"{value!r} is not a numeric id: pass the resource's id output"))
        frequency = fields.get("frequency", 30)
        if known(frequency) and as_int(frequency) not in FREQUENCIES:
            problems.append(
                ("frequency", f"{frequency!r} minutes: use one of {', '.join(map(str, FREQUENCIES))}")
            )
        problems.extend(self._validate_conditions(fields, metric is not None))
        problems.extend(_validate_actions(fields.get("actions")))
        priority = fields.get("min_priority")
        if known(priority) and str(priority).strip().lower() not in PRIORITIES:
            problems.append(("min_priority", f"{priority!r}: use one of {', '.join(PRIORITIES)}"))
        return problems

    def _validate_conditions(self, fields: dict[str, Any], metric: bool) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        triggers = fields.get("triggers")
        if known(triggers):
            if not isinstance(triggers, (list, tuple)):
                problems.append(("triggers", f"a list of {', '.join(TRIGGERS)}"))
            else:
                for trigger in triggers:
                    if known(trigger) and str(trigger).strip().lower() not in TRIGGERS:
                        problems.append(("triggers", f"{trigger!r} is not one of {', '.join(TRIGGERS)}"))
        above, interval = fields.get("events_above"), fields.get("interval")
        if known(above) and (
            isinstance(above, bool) or not isinstance(as_int(above), int) or as_int(above) < 0
        ):
            problems.append(
                ("events_above", f"{above!r}: a whole number ≥ 0 (the alert fires on MORE than it)")
            )
        if known(interval) and str(interval).strip().lower() not in INTERVALS:
            problems.append(
                (
                    "interval",
                    f"{interval!r}: use one of {', '.join(INTERVALS)} (Sentry rejects '1hr', '5min')",
                )
            )
        if above is not None and interval is None:
            problems.append(("interval", "events_above needs the interval it counts over, e.g. '1m'"))
        if interval is not None and above is None:
            problems.append(("events_above", "interval is only used with events_above: set both or neither"))
        if metric and (triggers or above is not None):
            problems.append(
                ("triggers", "a metric alert acts on its monitor's issues: remove triggers and events_above")
            )
        if not metric and not triggers and above is None:
            problems.append(
                ("triggers", "nothing would start this alert: set triggers (e.g. ['first_seen_event']) "
                 "and/or events_above with interval")
            )  # fmt: skip
        return problems

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        group = as_dict(doc.get("triggers"))
        trigger_conditions = [c for c in group.get("conditions") or [] if isinstance(c, dict)]
        filters = [f for f in doc.get("actionFilters") or [] if isinstance(f, dict)]
        filter_conditions = [c for f in filters for c in f.get("conditions") or [] if isinstance(c, dict)]
        frequency = next(
            (c for c in [*trigger_conditions, *filter_conditions] if c.get("type") == FREQUENCY_CONDITION),
            None,
        )
        comparison = frequency.get("comparison") if frequency else None
        comparison = comparison if isinstance(comparison, dict) else {}
        detector_ids = [str(d) for d in doc.get("detectorIds") or []]
        fields: dict[str, Any] = {
            "name": doc.get("name"),
            "enabled": doc.get("enabled"),
            "environment": doc.get("environment"),
            "frequency": (doc.get("config") or {}).get("frequency"),
            "triggers": [c.get("type") for c in trigger_conditions if c.get("type") != FREQUENCY_CONDITION],
            "events_above": comparison.get("value"),
            "interval": comparison.get("interval"),
            "actions": actions_from_wire([a for f in filters for a in f.get("actions") or []]),
            "project_id": None,
            "metric_monitor_id": None,
            "min_priority": None,
        }
        stored = props.get("detector_ids")
        linked = stored is None or (isinstance(stored, list) and set(map(str, stored)) <= set(detector_ids))
        if props.get("metric_monitor_id") is not None:
            wanted = as_id(props["metric_monitor_id"])
            fields["metric_monitor_id"] = wanted if wanted in detector_ids else next(iter(detector_ids), None)
            priority = next(
                (c.get("comparison") for c in filter_conditions if c.get("type") == PRIORITY_CONDITIONS[0]),
                None,
            )
            fields["min_priority"] = next((k for k, v in PRIORITIES.items() if v == as_int(priority)), None)
        elif linked and detector_ids:
            fields["project_id"] = props.get("project_id")
        return self.normalise(fields)

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"detector_ids": [str(d) for d in doc.get("detectorIds") or []]}

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        olds, news = self.flat(olds), self.flat(news)
        if news.get("metric_monitor_id") is None:
            gone = [k for k in DEFINITION if news.get(k) is None and olds.get(k) not in (None, [])]
            if gone:
                return DiffResult(changes=True, replaces=result.replaces, stables=[],
                                  delete_before_replace=result.delete_before_replace)  # fmt: skip
        return result

    # --- remote -------------------------------------------------------------------------------------
    def _detector_ids(self, client: SentryClient, fields: dict[str, Any]) -> list[str]:
        if fields.get("metric_monitor_id") is not None:
            return [str(fields["metric_monitor_id"])]
        project = str(fields["project_id"])
        stream = client.project_detector(project, "issue_stream")
        if stream is None:
            raise NotFound(
                "Sentry",
                "GET",
                client.url(client.org_path("detectors/")),
                404,
                f"project {project} has no issue-stream monitor (Sentry makes one with every project)",
                hint="check that project_id is a project of SENTRY_ORG and that it still exists",
            )
        return [str(stream["id"])]

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_workflow(id_)

    def find(self, client: SentryClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        detectors = set(self._detector_ids(client, fields))
        project = fields.get("project_id")
        found = client.list_workflows(project=project, query=fields["name"])
        return next(
            (
                w
                for w in found
                if w.get("name") == fields["name"]
                and detectors <= {str(d) for d in w.get("detectorIds") or []}
            ),
            None,
        )

    def _body(
        self, client: SentryClient, fields: dict[str, Any], current: dict[str, Any] | None
    ) -> dict[str, Any]:
        slack: list[str] = []

        def slack_id() -> str:  # looked up once per body, only when a Slack action needs it
            if not slack:
                slack.append(client.slack_integration_id())
            return slack[0]

        # a preview left the targets unresolved (unknown inputs); UnknownMember names the address
        actions = resolve_user_emails(list(fields["actions"]), lambda: _members_of(client), str(client.org))
        return build_body(
            {**fields, "actions": actions}, self._detector_ids(client, fields), slack_id, current
        )

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return client.create_workflow(self._body(client, fields, None))

    def update_remote(
        self, client: SentryClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        return client.update_workflow(id_, self._body(client, fields, current))

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_workflow(id_)


_MEMBERS: dict[tuple[str, str], dict[str, str]] = {}  # (API base, org) → e-mail → user id
_MEMBERS_LOCK = threading.Lock()


def _members_of(client: SentryClient) -> dict[str, str]:
    """The organization's notifiable members, listed once per provider process (one engine run)."""
    key = (str(client.base_url), str(client.org))
    with _MEMBERS_LOCK:
        if key not in _MEMBERS:
            _MEMBERS[key] = member_user_ids(client.list_members())
        return _MEMBERS[key]


def _validate_actions(actions: Any) -> list[tuple[str, str]]:
    if not known(actions):
        return [] if actions is not None else [("actions", "an alert needs at least one action")]
    if not isinstance(actions, (list, tuple)) or not actions:
        return [("actions", "an alert needs at least one action, e.g. {'type': 'email', 'team_id': …}")]
    problems: list[tuple[str, str]] = []
    for index, action in enumerate(actions):
        where = f"action {index + 1}"
        if not isinstance(action, dict):
            problems.append(("actions", f"{where}: a dict such as {{'type': 'slack', 'channel': '#alerts'}}"))
            continue
        kind = action.get("type")
        if not known(kind):
            continue
        if kind == "email":
            targets = [k for k in ("team_id", "user_id", "user_email") if action.get(k) is not None]
            if len(targets) != 1:
                problems.append(
                    (
                        "actions",
                        f"{where}: an e-mail action names exactly one of team_id, user_id or user_email",
                    )
                )
            elif targets[0] == "user_email":
                email = action["user_email"]
                if known(email) and not _EMAIL.match(str(email).strip()):
                    problems.append(("actions", f"{where}: user_email {email!r} is not an e-mail address"))
            elif known(action[targets[0]]) and not is_id(action[targets[0]]):
                problems.append(
                    ("actions", f"{where}: {targets[0]} {action[targets[0]]!r} is not a numeric id")
                )
        elif kind == "slack":
            channel = action.get("channel")
            if channel is None or (known(channel) and not normalise_channel_name(str(channel))):
                problems.append(("actions", f"{where}: a Slack action names its channel, e.g. '#alerts'"))
        else:
            problems.append(("actions", f"{where}: type {kind!r}: use 'email' or 'slack'"))
    return problems


class Alert(DynamicResource, module="sentry", name="Alert"):
    alert_id: pulumi.Output[str]
    detector_ids: pulumi.Output[list[str]]

    provider_type: ClassVar[type[Provider]] = AlertProvider
    output_names: ClassVar[tuple[str, ...]] = ("alert_id", "detector_ids")

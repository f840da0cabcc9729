"""What Sentry's serializers reject before any state is read (reference/sentry-api.md §1–§7): the
wire-level checks of every request body, keyed by the JSON keys the client sent. Errors come back as
one DRF map, nested the way Sentry nests them. What needs the state (a slug taken, an unknown team)
is the backend's (models.py)."""

from __future__ import annotations

import re
from typing import Any

from vigil.sandbox.core.values import whole
from vigil.sandbox.sentry.errors import Invalid

DETECTOR_TYPES = (
    "metric_issue",
    "error",
    "issue_stream",
    "uptime_domain_failure",
    "monitor_check_in_failure",
)
DETECTOR_ALIASES = {
    "metric": "metric_issue",
    "uptime": "uptime_domain_failure",
    "cron": "monitor_check_in_failure",
}
TIME_WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)  # seconds, not minutes
DATASETS = ("events", "transactions", "generic_metrics", "events_analytics_platform", "metrics", "sessions")
LOGIC_TYPES = ("any", "any-short", "all", "none")
METRIC_CONDITIONS = ("gt", "gte", "lt", "lte", "eq", "ne", "anomaly_detection")
PRIORITIES = (0, 25, 50, 75)  # 0 resolves; 75 high, 50 medium, 25 low
DETECTION_TYPES = ("static", "percent", "dynamic")
UPTIME_METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS")
UPTIME_INTERVALS = (60, 300, 600, 1200, 1800, 3600)
FREQUENCIES = (0, 5, 10, 30, 60, 180, 720, 1440)  # minutes between notifications for one issue
INTERVALS = ("1m", "5m", "15m", "1h", "1d", "1w", "30d")
ACTION_TYPES = (
    "email", "slack", "msteams", "discord", "pagerduty", "opsgenie", "jira", "jira_server", "github",
    "github_enterprise", "vsts", "sentry_app", "webhook", "plugin",
)  # fmt: skip
EMAIL_TARGETS = ("issue_owners", "team", "user")
DISPLAY_TYPES = ("line", "area", "stacked_area", "bar", "table", "big_number", "top_n", "details")
WIDGET_TYPES = ("error-events", "transaction-like", "spans", "issue", "metrics", "logs", "discover")
REQUIRED = ["This field is required."]
NOT_A_STRING = ["Not a valid string."]
NOT_AN_INTEGER = ["A valid integer is required."]
NOT_A_LIST = ['Expected a list of items but got type "{}".']
NOT_NULL = ["This field may not be null."]
NOT_A_BOOLEAN = ["Must be a valid boolean."]
BROWSER_SDK_VERSIONS = ("latest", "7.x", "8.x", "9.x", "10.x")
ORG_ROLE_IDS = ("member", "admin", "manager", "owner", "billing")
TEAM_ROLE_IDS = ("contributor", "admin")
AUTO_ASSIGNMENTS = (
    "Auto Assign to Issue Owner",
    "Auto Assign to Suspect Commits",
    "Turn off Auto-Assignment",
)
PROJECT_STRINGS = (
    "name", "slug", "platform", "subjectPrefix", "subjectTemplate", "fingerprintingRules",
    "groupingEnhancements", "securityToken", "securityTokenHeader", "defaultEnvironment", "debugFilesRole",
)  # fmt: skip
PROJECT_STRING_LISTS = ("highlightTags", "sensitiveFields", "safeFields", "allowedDomains")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# an ownership rule: `path:`, `module:`, `url:`, `tags.<key>:` or `codeowners:` matcher, then owners
_OWNERSHIP_RULE = re.compile(
    r"^(path|module|url|codeowners|tags\.[\w.-]+):\S+(\s+(#[\w-]+|[^@\s]+@[^@\s]+))+$"
)


def string_errors(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """DRF's CharField: a value that is not a string is refused, never stored as its repr."""
    return {
        name: NOT_A_STRING for name in names if data.get(name) is not None and not isinstance(data[name], str)
    }


def string_list_errors(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """DRF's ListField(child=CharField): the index of each item that is not a string."""
    errors: dict[str, Any] = {}
    for name in names:
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            errors[name] = [NOT_A_LIST[0].format(type(value).__name__)]
            continue
        bad = {str(i): NOT_A_STRING for i, item in enumerate(value) if not isinstance(item, str)}
        if bad:
            errors[name] = bad
    return errors


def integer(value: Any) -> bool:
    """DRF's IntegerField takes whole numbers (and their strings); a boolean is not one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


NOT_A_DICT = ["Expected a dictionary of items."]
# The nesting of the documents kept as sent: {} an object, [x] a list of x (null allowed for both).
DETECTOR_SHAPE: dict[str, Any] = {"config": {}, "conditionGroup": {"conditions": [{}]}, "dataSources": [{}]}
WORKFLOW_SHAPE: dict[str, Any] = {
    "config": {},
    "triggers": {"conditions": [{}]},
    "actionFilters": [{"conditions": [{}], "actions": [{"config": {}, "data": {}}]}],
}
DASHBOARD_SHAPE: dict[str, Any] = {"widgets": [{"queries": [{}], "layout": {}}], "filters": {}}


def shape_errors(node: Any, shape: Any) -> Any:
    """Where ``node`` breaks ``shape`` (a DRF-style nested map, None when it fits): a 400 naming the
    field, never a handler reading ``.get`` of a number."""
    if node is None:
        return None
    if isinstance(shape, list):
        if not isinstance(node, list):
            return [NOT_A_LIST[0].format(type(node).__name__)]
        found = {str(i): e for i, item in enumerate(node) if (e := _item_errors(item, shape[0])) is not None}
        return found or None
    if not isinstance(node, dict):
        return NOT_A_DICT
    found = {key: e for key, inner in shape.items() if (e := shape_errors(node.get(key), inner)) is not None}
    return found or None


def _item_errors(item: Any, shape: Any) -> Any:
    if item is None:
        return ["This field may not be null."]
    return shape_errors(item, shape)


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise Invalid(errors)


def check_team(body: dict[str, Any]) -> None:
    _raise(string_errors(body, "slug", "name"))


def check_team_update(body: dict[str, Any]) -> None:
    errors = string_errors(body, "slug", "name")
    for name in ("slug", "name"):
        if body.get(name) == "":
            errors[name] = ["This field may not be blank."]
        elif name in body and body[name] is None:
            errors[name] = NOT_NULL
    if isinstance(body.get("name"), str) and len(body["name"]) > 64:
        errors["name"] = ["Ensure this field has no more than 64 characters."]
    _raise(errors)


def check_new_project(body: dict[str, Any]) -> None:
    errors = string_errors(body, "name", "slug", "platform")
    for name in ("slug", "platform"):
        if name in body and body[name] is None:
            errors[name] = NOT_NULL
    if "default_rules" in body and not isinstance(body["default_rules"], bool):
        errors["default_rules"] = NOT_A_BOOLEAN
    _raise(errors)


def check_project_update(body: dict[str, Any]) -> None:
    errors = string_errors(body, *PROJECT_STRINGS)
    errors.update(string_list_errors(body, *PROJECT_STRING_LISTS))
    if body.get("options") is not None and not isinstance(body["options"], dict):
        errors["options"] = [
            'Expected a dictionary of items but got type "{}".'.format(type(body["options"]).__name__)
        ]
    _raise(errors)


def check_new_key_name(body: dict[str, Any]) -> None:
    name = body.get("name")
    errors = string_errors(body, "name")
    if name == "":  # a create body's name may not be blank (DRF)
        errors["name"] = ["This field may not be blank."]
    if name is None:  # the document: name is required
        errors["name"] = NOT_NULL if "name" in body else REQUIRED
    _raise(errors)


def check_rate_limit(body: dict[str, Any]) -> None:
    value = body.get("rateLimit")
    if value is not None and not (
        isinstance(value, dict)
        and all(integer(value.get(k)) and 0 <= value[k] <= 2**63 - 1 for k in ("window", "count"))
    ):
        raise Invalid({"rateLimit": {"window": ["A valid integer is required."]}})


def check_key(body: dict[str, Any]) -> None:
    """The fields a client key's create and update share (the name too, on an update)."""
    errors = string_errors(body, "name", "browserSdkVersion")
    for name in ("browserSdkVersion", "dynamicSdkLoaderOptions", "name"):
        if name in body and body[name] is None:
            errors[name] = NOT_NULL
    if body.get("isActive") is not None and not isinstance(body["isActive"], bool):
        errors["isActive"] = NOT_A_BOOLEAN
    loader = body.get("dynamicSdkLoaderOptions")
    if loader is not None and not isinstance(loader, dict):
        errors["dynamicSdkLoaderOptions"] = ["Expected a dictionary of items."]
    elif isinstance(loader, dict) and not all(isinstance(v, bool) for v in loader.values()):
        errors["dynamicSdkLoaderOptions"] = NOT_A_BOOLEAN
    _raise(errors)
    version = body.get("browserSdkVersion")
    if version is not None and version not in BROWSER_SDK_VERSIONS:
        raise Invalid({"browserSdkVersion": [f'"{version}" is not a valid choice.']})


def check_key_status(status: str | None) -> None:
    if status not in (None, "active", "inactive"):
        raise Invalid({"status": [f'"{status}" is not a valid choice.']})


def check_invite(body: dict[str, Any]) -> None:
    errors = string_errors(body, "email", "orgRole")
    errors.update(string_list_errors(body, "teams"))
    email, role = body.get("email"), body.get("orgRole")
    if "email" not in errors and not (isinstance(email, str) and _EMAIL.match(email)):
        errors["email"] = ["Enter a valid email address."]
    if role is None:
        errors["orgRole"] = REQUIRED
    elif "orgRole" not in errors and role not in ORG_ROLE_IDS:
        errors["orgRole"] = ["Invalid role"]
    _raise(errors)


def check_member_update(body: dict[str, Any]) -> None:
    errors = string_errors(body, "orgRole")
    role = body.get("orgRole")
    if role is not None and "orgRole" not in errors and role not in ORG_ROLE_IDS:
        errors["orgRole"] = ["Invalid role"]
    team_roles = body.get("teamRoles")
    if team_roles is not None and (
        not isinstance(team_roles, list)
        or not all(isinstance(t, dict) and isinstance(t.get("teamSlug"), str) for t in team_roles)
    ):
        errors["teamRoles"] = ["Each team role needs a teamSlug."]
    elif team_roles:
        bad = [t.get("role") for t in team_roles if t.get("role") not in (None, *TEAM_ROLE_IDS)]
        if bad:
            errors["teamRoles"] = [f"Invalid team-role {bad[0]!r}"]
    _raise(errors)


def check_spike_protection(body: dict[str, Any]) -> None:
    projects = body.get("projects")
    if not isinstance(projects, list) or not projects:
        raise Invalid({"projects": REQUIRED})
    _raise(string_list_errors(body, "projects"))


def check_ownership(body: dict[str, Any]) -> None:
    errors = string_errors(body, "raw", "autoAssignment")
    for flag in ("fallthrough", "codeownersAutoSync"):
        if body.get(flag) is not None and not isinstance(body[flag], bool):
            errors[flag] = NOT_A_BOOLEAN
    assignment = body.get("autoAssignment")
    if "autoAssignment" not in errors and assignment is not None and assignment not in AUTO_ASSIGNMENTS:
        errors["autoAssignment"] = [f'"{assignment}" is not a valid choice.']
    raw = body.get("raw")
    if "raw" not in errors and isinstance(raw, str):
        bad = [line for line in raw.splitlines() if line.strip() and not _OWNERSHIP_RULE.match(line.strip())]
        if bad:
            errors["raw"] = [f"Parse error: invalid rule {bad[0]!r}"]
    _raise(errors)


def check_integration(body: dict[str, Any]) -> None:
    """The document's config bodies: Opsgenie's team_table or PagerDuty's service_table, one of them,
    each row with its strings and an id (a string for Opsgenie, a number for PagerDuty)."""
    errors: dict[str, Any] = {}
    tables = (("service_table", ("service", "integration_key")), ("team_table", ("team", "integration_key")))
    if not any(table in body for table, _ in tables):
        raise Invalid({"non_field_errors": ["A service_table or a team_table is required."]})
    for table, fields in tables:
        if table not in body:
            continue
        rows = body[table]
        if rows is None:  # DRF's ListField without allow_null
            errors[table] = NOT_NULL
            continue
        identifier = (lambda v: isinstance(v, str)) if table == "team_table" else integer
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and all(isinstance(r.get(f), str) for f in fields) and identifier(r.get("id"))
            for r in rows
        ):
            errors[table] = [f"Each row needs the strings {', '.join(fields)} and an id."]
    _raise(errors)


def check_workflow_ids(body: dict[str, Any]) -> None:
    ids = body.get("workflowIds")
    if ids is not None and not isinstance(ids, list):
        raise Invalid({"workflowIds": [NOT_A_LIST[0].format(type(ids).__name__)]})


def check_detector(body: dict[str, Any], has_incidents: bool) -> None:
    _raise(shape_errors(body, DETECTOR_SHAPE) or {})
    kind = body.get("type")
    errors: dict[str, Any] = {}
    if kind not in DETECTOR_TYPES:
        errors["type"] = [f"Unknown detector type '{kind}'. Must be one of: {', '.join(DETECTOR_TYPES)}"]
    if not body.get("name"):
        errors["name"] = REQUIRED
    elif len(str(body["name"])) > 200:
        errors["name"] = ["Ensure this field has no more than 200 characters."]
    owner = body.get("owner")
    if owner not in (None, "") and not (isinstance(owner, str) and owner.split(":")[0] in ("team", "user")):
        errors["owner"] = [
            "Could not parse actor. Format should be `type:id` where type is `team` or `user`."
        ]
    if kind == "metric_issue":
        if not has_incidents:
            raise Invalid({"detail": ["Unable to process request, confirm payment options."]})
        errors.update(_metric_errors(body))
    elif kind == "uptime_domain_failure":
        errors.update(_uptime_errors(body))
    elif kind == "monitor_check_in_failure":
        sources = body.get("dataSources") or []
        if (
            len(sources) != 1
            or not isinstance(sources[0], dict)
            or not isinstance(sources[0].get("config"), dict)
        ):
            errors["dataSources"] = ["Exactly one data source with a schedule config is required."]
    if errors:
        raise Invalid(errors)


def _metric_errors(body: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    sources = body.get("dataSources") or []
    if len(sources) != 1 or not isinstance(sources[0], dict):
        errors["dataSources"] = ["Exactly one data source is required."]
    else:
        source = sources[0]
        source_errors: dict[str, Any] = {}
        if not source.get("aggregate"):
            source_errors["aggregate"] = REQUIRED
        if source.get("dataset", "events") not in DATASETS:
            source_errors["dataset"] = [f"Invalid dataset: {source.get('dataset')}"]
        if source.get("timeWindow") not in TIME_WINDOWS:
            source_errors["timeWindow"] = [
                f"Invalid time window: {source.get('timeWindow')} (seconds; one of "
                + ", ".join(map(str, TIME_WINDOWS))
                + ")"
            ]
        if source_errors:
            errors["dataSources"] = source_errors
    group = body.get("conditionGroup")
    if not isinstance(group, dict):
        errors["conditionGroup"] = REQUIRED
        return errors
    found: dict[str, Any] = {}
    if group.get("logicType", "any") not in LOGIC_TYPES:
        found["logicType"] = [f'"{group.get("logicType")}" is not a valid choice.']
    conditions = group.get("conditions") or []
    bad = [c for c in conditions if not isinstance(c, dict) or c.get("type") not in METRIC_CONDITIONS]
    if bad:
        found["conditions"] = {"type": [f"Invalid condition type: {bad[0]!r}"]}
    elif any(c.get("conditionResult") not in PRIORITIES for c in conditions):
        found["conditions"] = {"conditionResult": ["Must be a priority: 0, 25, 50 or 75."]}
    config = body.get("config") or {}
    detection = config.get("detectionType", "static")
    if detection not in DETECTION_TYPES:
        errors["config"] = {"detectionType": [f'"{detection}" is not a valid choice.']}
    elif detection == "percent" and not config.get("comparisonDelta"):
        errors["config"] = {"comparisonDelta": ["comparisonDelta is required for percent detection."]}
    if detection != "dynamic" and not found and not any(c.get("conditionResult") == 0 for c in conditions):
        found["conditions"] = ["Resolution condition required for metric issue detector."]
    if not found and not any(c.get("conditionResult") in (25, 50, 75) for c in conditions):
        found["conditions"] = ["At least one condition with a priority is required."]
    if found:
        errors["conditionGroup"] = found
    return errors


def _uptime_errors(body: dict[str, Any]) -> dict[str, Any]:
    sources = body.get("dataSources") or []
    if len(sources) != 1 or not isinstance(sources[0], dict):
        return {"dataSources": ["Exactly one data source is required."]}
    source, found = sources[0], {}
    if not str(source.get("url", "")).startswith(("http://", "https://")):
        found["url"] = ["Enter a valid URL."]
    if source.get("method", "GET") not in UPTIME_METHODS:
        found["method"] = [f'"{source.get("method")}" is not a valid choice.']
    if source.get("intervalSeconds") not in UPTIME_INTERVALS:
        found["intervalSeconds"] = [f'"{source.get("intervalSeconds")}" is not a valid choice.']
    timeout = source.get("timeoutMs", 5000)
    if not isinstance(timeout, int) or not 1000 <= timeout <= 60000:
        found["timeoutMs"] = ["Ensure this value is between 1000 and 60000."]
    return {"dataSources": found} if found else {}


def check_workflow(
    body: dict[str, Any], detectors: set[int], slack_id: str, channels: dict[str, str]
) -> None:
    _raise(shape_errors(body, WORKFLOW_SHAPE) or {})
    errors: dict[str, Any] = {}
    if not body.get("name"):
        errors["name"] = REQUIRED
    frequency = (body.get("config") or {}).get("frequency", 30)
    if frequency not in FREQUENCIES:
        errors["config"] = {"frequency": [f'"{frequency}" is not a valid choice.']}
    triggers = body.get("triggers") or {}
    if not isinstance(triggers, dict):
        errors["triggers"] = ["Expected a dictionary of items."]
        triggers = {}
    elif triggers and not isinstance(triggers.get("conditions"), list):
        errors["triggers"] = {"conditions": REQUIRED}  # a trigger group always lists its conditions
    if triggers and "logicType" not in triggers:
        # the document; and BaseDataConditionGroupValidator's logic_type is required=True
        # (getsentry/sentry workflow_engine/endpoints/validators/base/data_condition_group.py)
        errors["triggers"] = {"logicType": REQUIRED}
    elif triggers and triggers.get("logicType") != "any-short":
        errors["triggers"] = {"logicType": [f'"{triggers.get("logicType")}" is not a valid choice.']}
    elif triggers and (found := _trigger_condition_errors(triggers.get("conditions") or [])):
        errors["triggers"] = {"conditions": found}
    detector_ids = body.get("detectorIds") or []
    if not isinstance(detector_ids, list):
        errors["detectorIds"] = [NOT_A_LIST[0].format(type(detector_ids).__name__)]
        detector_ids = []
    for detector_id in detector_ids:
        number = whole(str(detector_id)) if isinstance(detector_id, (str, int)) else None
        if number is None or number not in detectors:
            errors["detectorIds"] = [f"Monitor {detector_id} does not exist"]
    for action_filter in body.get("actionFilters") or []:
        found = _filter_errors(action_filter, slack_id, channels)
        if found:
            errors["actionFilters"] = found
            break
    if errors:
        raise Invalid(errors)


def _trigger_condition_errors(conditions: list[dict[str, Any]]) -> dict[str, Any]:
    """A trigger condition names its type, its comparison (a flag or an object) and a boolean result
    (sentry-api.yaml OrganizationWorkflow_Trigger_Condition)."""
    for index, condition in enumerate(conditions):
        found: dict[str, Any] = {}
        if not isinstance(condition.get("type"), str):
            found["type"] = REQUIRED if condition.get("type") is None else NOT_A_STRING
        if not isinstance(condition.get("comparison"), (bool, dict)):
            found["comparison"] = REQUIRED if condition.get("comparison") is None else NOT_A_DICT
        if not isinstance(condition.get("conditionResult"), bool):
            found["conditionResult"] = REQUIRED if condition.get("conditionResult") is None else NOT_A_BOOLEAN
        if found:
            return {str(index): found}
    return {}


# What an action's config must name, by action type (sentry-api.yaml
# OrganizationWorkflow_ActionFilter_Action_*): Slack's targetIdentifier is Sentry's to resolve from
# targetDisplay, an e-mail's targetType is checked against its choices below.
ACTION_CONFIG = {
    "webhook": ("targetIdentifier",),
    "sentry_app": ("targetType", "targetIdentifier"),
    **{
        kind: ("targetType", "targetIdentifier", "targetDisplay")
        for kind in ("pagerduty", "discord", "msteams", "opsgenie")
    },
    **{kind: ("targetType",) for kind in ("vsts", "jira", "jira_server", "github", "github_enterprise")},
}
FALLTHROUGH_TYPES = ("AllMembers", "ActiveMembers", "NoOne")  # an e-mail to the issue owners' fallback
INTEGRATION_ACTIONS = (
    "pagerduty", "discord", "msteams", "opsgenie", "vsts", "jira", "jira_server", "github",
    "github_enterprise",
)  # fmt: skip


# An action's targetType by action type, its data's string fields and the additionalFields a ticket
# action's data names (sentry-api.yaml OrganizationWorkflow_ActionFilter_Action_*).
TARGET_TYPES = {
    "email": EMAIL_TARGETS,
    "sentry_app": ("sentry_app",),
    **{kind: ("specific",) for kind in ("slack", *INTEGRATION_ACTIONS)},
}
DATA_STRINGS = ("tags", "notes", "priority")
TICKET_FIELDS = {
    "vsts": ("project", "work_item_type"),
    "jira": ("project", "issuetype"),
    "jira_server": ("project", "issuetype"),
    "github": ("repo", "labels", "assignee", "integration"),
}


def _data_errors(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {
        k: NOT_A_STRING for k in DATA_STRINGS if data.get(k) is not None and not isinstance(data[k], str)
    }
    if kind in TICKET_FIELDS:
        extra = data.get("additionalFields")
        if not isinstance(extra, dict):
            found["additionalFields"] = REQUIRED if extra is None else NOT_A_DICT
        else:
            inner = {f: REQUIRED for f in TICKET_FIELDS[kind] if extra.get(f) is None}
            inner |= {
                f: NOT_A_STRING for f in TICKET_FIELDS[kind]
                if f not in inner and f != "labels" and not isinstance(extra[f], str)
            }  # fmt: skip
            if (
                "labels" not in inner
                and kind == "github"
                and not (
                    isinstance(extra["labels"], list) and all(isinstance(v, str) for v in extra["labels"])
                )
            ):
                inner["labels"] = string_list_errors(extra, "labels").get("labels") or NOT_A_STRING
            if inner:
                found["additionalFields"] = inner
    if kind == "sentry_app" and data.get("settings") is not None:
        settings = data["settings"]
        if not isinstance(settings, list) or not all(
            isinstance(i, dict) and isinstance(i.get("name"), str) and isinstance(i.get("value"), str)
            for i in settings
        ):
            found["settings"] = ["Each setting needs the strings name and value."]
    return found


def _action_errors(kind: str, action: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    absent = {k: REQUIRED for k in ("config", "data") if action.get(k) is None}
    # the document, and getsentry/sentry workflow_engine/endpoints/validators/base/action.py
    # (BaseActionValidator: data and config are JSONFields without required=False)
    if absent:
        return {"actions": absent}
    fallthrough = (action.get("data") or {}).get("fallthroughType")
    if (
        kind == "email"
        and "fallthroughType" in (action.get("data") or {})
        and fallthrough not in FALLTHROUGH_TYPES
    ):
        return {"actions": {"data": {"fallthroughType": [f'"{fallthrough}" is not a valid choice.']}}}
    missing = {k: REQUIRED for k in ACTION_CONFIG.get(kind, ()) if config.get(k) is None}
    wrong = {  # every action's target fields are strings where given (the document's config objects)
        k: NOT_NULL if config[k] is None else NOT_A_STRING
        for k in ("targetType", "targetDisplay")
        if k in config and not isinstance(config[k], str)
    } | {
        k: NOT_A_STRING
        for k in ACTION_CONFIG.get(kind, ())
        if k not in missing and not isinstance(config[k], str)
    }
    if missing or wrong:
        return {"actions": {"config": {**missing, **wrong}}}
    target_type = config.get("targetType")
    if (
        kind != "email"
        and kind in TARGET_TYPES
        and target_type is not None
        and target_type not in TARGET_TYPES[kind]
    ):
        return {"actions": {"config": {"targetType": [f'"{target_type}" is not a valid choice.']}}}
    if (
        kind in INTEGRATION_ACTIONS
        and action.get("integrationId") is not None
        and not (isinstance(action["integrationId"], str) or integer(action["integrationId"]))
    ):
        return {"actions": {"integrationId": NOT_A_STRING}}
    found = _data_errors(kind, action.get("data") or {})
    if found:
        return {"actions": {"data": found}}
    if kind in INTEGRATION_ACTIONS and action.get("integrationId") is None:
        return {"actions": {"integrationId": REQUIRED}}
    return {}


# The action-filter conditions the document knows, with the type of their comparison
# (sentry-api.yaml OrganizationWorkflow_ActionFilter_Condition_*): an object unless named here.
FILTER_CONDITIONS = (
    "age_comparison", "assigned_to", "issue_category", "issue_occurrences", "issue_priority_deescalating",
    "issue_priority_greater_or_equal", "event_unique_user_frequency_count", "event_frequency_count",
    "event_frequency_percent", "percent_sessions_count", "percent_sessions_percent", "event_attribute",
    "tagged_event", "latest_release", "latest_adopted_release", "level", "issue_type",
)  # fmt: skip
_COMPARISONS: dict[str, Any] = {
    "issue_priority_deescalating": integer,
    "issue_priority_greater_or_equal": integer,
    "latest_release": lambda v: isinstance(v, bool),
}


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _is_filter_list(value: Any) -> bool:
    """A frequency condition's filters: objects whose key, attribute, match and value are strings."""
    return isinstance(value, list) and all(
        isinstance(item, dict) and all(isinstance(v, str) for k, v in item.items() if k in _FILTER_KEYS)
        for item in value
    )


_FILTER_KEYS = ("key", "attribute", "match", "value")


# An object comparison's fields by condition type: (the required ones, each field's check or choices)
# (sentry-api.yaml OrganizationWorkflow_ActionFilter_Condition_*.comparison).
_I, _S, _B, _L = integer, _is_str, _is_bool, _is_list
_FREQUENCY = {"value": _I, "filters": _is_filter_list, "interval": _S, "comparisonInterval": _S}
COMPARISON_FIELDS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "age_comparison": (
        ("time", "value", "comparisonType"),
        {"time": ("minute", "hour", "day", "week"), "value": _I, "comparisonType": ("older", "newer")},
    ),
    "assigned_to": (("targetType", "targetIdentifier"), {"targetType": ("NoOne", "Member", "Team")}),
    "issue_category": (("value",), {"value": _I, "include": _B}),
    "issue_occurrences": (("value",), {"value": _I}),
    "event_unique_user_frequency_count": (("value", "filters", "interval"), _FREQUENCY),
    "event_frequency_count": (("value", "interval"), _FREQUENCY),
    "event_frequency_percent": (("value", "interval", "comparisonInterval"), _FREQUENCY),
    "percent_sessions_count": (("value", "interval"), _FREQUENCY),
    "percent_sessions_percent": (("value", "interval", "comparisonInterval"), _FREQUENCY),
    "event_attribute": (("attribute", "match"), {"attribute": _S, "match": _S, "value": _S}),
    "tagged_event": (("key", "match"), {"key": _S, "match": _S, "value": _S}),
    "latest_adopted_release": (
        ("environment", "ageComparison", "releaseAgeType"),
        {"environment": _S, "ageComparison": _S, "releaseAgeType": _S},
    ),
    "level": (("match", "level"), {"match": _S, "level": _I}),
    "issue_type": (("value", "include"), {"value": _S, "include": _B}),
}


def _comparison_errors(kind: str, comparison: dict[str, Any]) -> dict[str, Any]:
    required, checks = COMPARISON_FIELDS.get(kind, ((), {}))
    found: dict[str, Any] = {name: REQUIRED for name in required if comparison.get(name) is None}
    for name, check in checks.items():
        value = comparison.get(name)
        if name in found or value is None:
            continue
        if isinstance(check, tuple) and value not in check:
            found[name] = [f'"{value}" is not a valid choice.']
        elif not isinstance(check, tuple) and not check(value):
            found[name] = ["Not a valid value."]
    return found


def _filter_condition_errors(condition: dict[str, Any]) -> dict[str, Any]:
    kind = condition.get("type")
    if kind not in FILTER_CONDITIONS:
        return {"type": [f'"{kind}" is not a valid choice.']}
    found: dict[str, Any] = {}
    if not _COMPARISONS.get(str(kind), lambda v: isinstance(v, dict))(condition.get("comparison")):
        found["comparison"] = REQUIRED if condition.get("comparison") is None else ["Not a valid comparison."]
    if not isinstance(condition.get("conditionResult"), bool):
        found["conditionResult"] = REQUIRED if condition.get("conditionResult") is None else NOT_A_BOOLEAN
    if "comparison" not in found and isinstance(condition.get("comparison"), dict):
        inner = _comparison_errors(str(kind), condition["comparison"])
        if inner:
            found["comparison"] = inner
    return found


def _filter_errors(action_filter: dict[str, Any], slack_id: str, channels: dict[str, str]) -> dict[str, Any]:
    missing = {k: REQUIRED for k in ("logicType", "conditions", "actions") if action_filter.get(k) is None}
    if missing:  # the document: an action filter names its logic, conditions and actions
        return missing
    if action_filter.get("logicType", "all") not in LOGIC_TYPES:
        return {"logicType": [f'"{action_filter.get("logicType")}" is not a valid choice.']}
    for condition in action_filter.get("conditions") or []:
        comparison = condition.get("comparison")
        if condition.get("type") in ("event_frequency_count", "event_unique_user_frequency_count") and (
            not isinstance(comparison, dict) or comparison.get("interval") not in INTERVALS
        ):
            return {"conditions": {"comparison": ["interval must be one of " + ", ".join(INTERVALS)]}}
    for condition in action_filter.get("conditions") or []:
        found = _filter_condition_errors(condition)
        if found:
            return {"conditions": found}
    for action in action_filter.get("actions") or []:
        kind = action.get("type")
        config = action.get("config") or {}
        if kind not in ACTION_TYPES:
            return {"actions": {"type": [f'"{kind}" is not a valid choice.']}}
        target = config.get("targetIdentifier") if isinstance(config, dict) else None
        if target is not None and not isinstance(target, str):  # the document: a string
            return {"actions": {"config": {"targetIdentifier": NOT_A_STRING}}}
        if kind == "plugin":
            return {"actions": ["Plugin actions can no longer be created."]}
        found = _action_errors(str(kind), action, config if isinstance(config, dict) else {})
        if found:
            return found
        if kind == "email" and config.get("targetType") not in EMAIL_TARGETS:
            return {
                "actions": {
                    "config": {"targetType": [f'"{config.get("targetType")}" is not a valid choice.']}
                }
            }
        if kind == "slack":
            if str(action.get("integrationId")) != slack_id:
                return {"actions": {"integrationId": ["Integration not found for this organization."]}}
            if not config.get("targetDisplay"):
                return {"actions": {"config": {"targetDisplay": REQUIRED}}}
            if str(config["targetDisplay"]).lstrip("#") not in channels:
                return {"actions": {"all": [f"Could not find channel {config['targetDisplay']}."]}}
    return {}


def check_dashboard(body: dict[str, Any]) -> None:
    _raise(shape_errors(body, DASHBOARD_SHAPE) or {})
    errors: dict[str, Any] = {}
    if not body.get("title"):
        errors["title"] = REQUIRED
    elif len(str(body["title"])) > 255:
        errors["title"] = ["Ensure this field has no more than 255 characters."]
    for widget in body.get("widgets") or []:
        found: dict[str, Any] = {}
        if widget.get("displayType") not in DISPLAY_TYPES:
            found["displayType"] = [f'"{widget.get("displayType")}" is not a valid choice.']
        if widget.get("widgetType", "error-events") not in WIDGET_TYPES:
            found["widgetType"] = [f'"{widget.get("widgetType")}" is not a valid choice.']
        if not widget.get("queries"):
            found["queries"] = REQUIRED
        if found:
            errors["widgets"] = found
            break
    if errors:
        raise Invalid(errors)

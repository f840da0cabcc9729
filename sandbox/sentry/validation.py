"""What Sentry's detector, workflow and dashboard validators reject (reference/sentry-api.md §4b, §5b,
§6, §7). Errors come back as one DRF map, nested the way Sentry nests them."""

from __future__ import annotations

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


def check_detector(body: dict[str, Any], has_incidents: bool) -> None:
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
        if len(sources) != 1 or not isinstance(sources[0].get("config"), dict):
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
    if triggers and triggers.get("logicType", "any-short") != "any-short":
        errors["triggers"] = {"logicType": [f'"{triggers.get("logicType")}" is not a valid choice.']}
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


def _filter_errors(action_filter: dict[str, Any], slack_id: str, channels: dict[str, str]) -> dict[str, Any]:
    if action_filter.get("logicType", "all") not in LOGIC_TYPES:
        return {"logicType": [f'"{action_filter.get("logicType")}" is not a valid choice.']}
    for condition in action_filter.get("conditions") or []:
        comparison = condition.get("comparison")
        if condition.get("type") in ("event_frequency_count", "event_unique_user_frequency_count") and (
            not isinstance(comparison, dict) or comparison.get("interval") not in INTERVALS
        ):
            return {"conditions": {"comparison": ["interval must be one of " + ", ".join(INTERVALS)]}}
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

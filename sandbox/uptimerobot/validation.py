"""What the v3 validators reject (reference/uptimerobot-api.md §4.3–§4.7, the OpenAPI request DTOs).

Like NestJS's class-validator, every check adds one message to a list; a request fails with all of
them at once (a 400 whose ``message`` is that list, no code).
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from vigil.sandbox.core.values import whole

MONITOR_TYPES = ("HTTP", "KEYWORD", "PING", "PORT", "HEARTBEAT", "DNS", "API", "UDP", "VISUAL_COMPARISON")
HTTP_METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY")
AUTH_TYPES = ("NONE", "HTTP_BASIC", "DIGEST", "BEARER")
POST_VALUE_TYPES = ("KEY_VALUE", "RAW_JSON")
KEYWORD_TYPES = ("ALERT_EXISTS", "ALERT_NOT_EXISTS")
KEYWORD_CASES = {"CaseSensitive": 0, "CaseInsensitive": 1}
MONITOR_STATUSES = ("PAUSED", "STARTED", "UP", "LOOKS_DOWN", "DOWN")
URL_TYPES = ("HTTP", "KEYWORD", "API", "VISUAL_COMPARISON")  # need http(s)://
REGIONS = ("na", "eu", "as", "oc")
VIEWPORTS = ("desktop", "mobile")
TIMEOUT_TYPES = ("HTTP", "KEYWORD", "PING", "PORT", "API", "UDP")
MAX_INTERVAL = 2678400
_CUSTOM_FIELD_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# class-validator's message for each type the document declares (IsString, IsNumber, IsBoolean…).
TYPE_MESSAGES = {
    "string": "{} must be a string",
    "number": "{} must be a number conforming to the specified constraints",
    "boolean": "{} must be a boolean value",
    "object": "{} must be an object",
    "array": "{} must be an array",
    "any": "{} should not be empty",  # a value the field's own check reads (enums of mixed types)
}
_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "number": is_number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "any": lambda v: True,
}


def typed(problems: list[str], data: dict[str, Any], types: dict[str, str], *, nulls: bool = True) -> None:
    """One message per field whose value is not the declared type.

    ``types`` maps a wire name to ``string``, ``number``, ``boolean``, ``object``, ``array``, an
    array of one of them (``string[]``) or an object of strings (``string{}``). ``nulls``: a null is
    "not given" (class-validator's IsOptional); when False a null is the wrong type too.
    """
    for name, kind in types.items():
        if name not in data:
            continue
        value = data[name]
        base = kind.rstrip("[]{}")
        container = "array" if kind.endswith("[]") else "object" if kind.endswith("{}") else None
        if value is None:
            if not nulls:
                problems.append(TYPE_MESSAGES[container or base].format(name))
            continue
        if container is None:
            if not _CHECKS[base](value):
                problems.append(TYPE_MESSAGES[base].format(name))
            continue
        if not _CHECKS[container](value):
            problems.append(TYPE_MESSAGES[container].format(name))
            continue
        items = value if isinstance(value, list) else list(value.values())
        if not all(_CHECKS[base](item) for item in items):
            problems.append("each value in " + TYPE_MESSAGES[base].format(name))


def unique(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


# UpdateMonitorDto's declared types (every Create*MonitorDto uses the same names and types).
MONITOR_FIELD_TYPES = {
    "friendlyName": "string",
    "url": "string",
    "type": "string",
    "port": "number",
    "keywordValue": "string",
    "interval": "number",
    "timeout": "number",
    "gracePeriod": "number",
    "httpUsername": "string",
    "httpPassword": "string",
    "httpMethodType": "string",
    "authType": "string",
    "postValueType": "string",
    "assignedAlertContacts": "array",
    "customHttpHeaders": "string{}",
    "successHttpResponseCodes": "string[]",
    "checkSSLErrors": "boolean",
    "tagNames": "string[]",
    "maintenanceWindowsIds": "number[]",
    "domainExpirationReminder": "boolean",
    "sslExpirationReminder": "boolean",
    "followRedirections": "boolean",
    "responseTimeThreshold": "number",
    "regionalData": "string",
    "regionData": "object",
    "groupId": "number",
    "customFields": "object",
    "config": "object",
}


def list_of(data: dict[str, Any], name: str) -> list[Any]:
    """The list a field holds, or [] (its type is reported separately)."""
    value = data.get(name)
    return value if isinstance(value, list) else []


def one_of(name: str, values: tuple[str, ...] | list[str]) -> str:
    return f"{name} must be one of the following values: " + ", ".join(str(v) for v in values)


def number_in(problems: list[str], data: dict[str, Any], name: str, low: float, high: float) -> None:
    if name not in data or data[name] is None:
        return
    value = data[name]
    if not is_number(value):
        problems.append(f"{name} must be a number conforming to the specified constraints")
    elif value < low:
        problems.append(f"{name} must not be less than {low:g}")
    elif value > high:
        problems.append(f"{name} must not be greater than {high:g}")


def max_length(problems: list[str], data: dict[str, Any], name: str, limit: int) -> None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        problems.append(f"{name} must be a string")
    elif value is not None and len(value) > limit:
        problems.append(f"{name} must be shorter than or equal to {limit} characters")


def monitor_problems(data: dict[str, Any], kind: str, *, creating: bool, min_interval: int) -> list[str]:
    """Every message the monitor DTO validator gives (``CreateXMonitorDto`` / ``UpdateMonitorDto``)."""
    problems: list[str] = []
    typed(problems, data, MONITOR_FIELD_TYPES)
    if creating and not data.get("friendlyName"):
        problems.append("friendlyName should not be empty")
    max_length(problems, data, "friendlyName", 250)
    if creating and data.get("interval") is None:
        problems.append("interval should not be empty")
    number_in(problems, data, "interval", 30 if creating else 15, MAX_INTERVAL)
    interval = data.get("interval")
    if is_number(interval) and (30 if creating else 15) <= interval < min_interval:
        problems.append(f"interval must not be less than {min_interval} on your plan")
    number_in(problems, data, "timeout", 0, 60)
    number_in(problems, data, "gracePeriod", 0, 86400)
    number_in(problems, data, "responseTimeThreshold", 0, 60000)
    number_in(problems, data, "groupId", 0, 2**31 - 1)
    _url_problems(problems, data, kind, creating)
    if kind == "KEYWORD" and creating:
        if data.get("keywordType") not in KEYWORD_TYPES:
            problems.append(one_of("keywordType", KEYWORD_TYPES))
        if data.get("keywordCaseType") not in (*KEYWORD_CASES, 0, 1):
            problems.append(one_of("keywordCaseType", list(KEYWORD_CASES)))
        if not data.get("keywordValue"):
            problems.append("keywordValue should not be empty")
    elif "keywordType" in data and data["keywordType"] not in KEYWORD_TYPES:
        problems.append(one_of("keywordType", KEYWORD_TYPES))
    if not creating and "keywordCaseType" in data and data["keywordCaseType"] not in (0, 1):
        problems.append("keywordCaseType must be one of the following values: 0, 1")
    max_length(problems, data, "keywordValue", 500)
    if kind in ("PORT", "UDP") and (creating or "port" in data):
        if data.get("port") is None:
            problems.append("port should not be empty")
        number_in(problems, data, "port", 1, 65535)
    if kind == "DNS" and creating and not isinstance(data.get("config"), dict):
        problems.append("config should not be empty")
    config = data.get("config")
    if kind == "VISUAL_COMPARISON" and (
        creating or (isinstance(config, dict) and "visualComparison" in config)
    ):  # an update may leave the comparison as it is
        problems.extend(_visual_problems(config))
    if data.get("regionalData") is not None and data["regionalData"] not in REGIONS:
        problems.append(one_of("regionalData", REGIONS))
    _enum(problems, data, "httpMethodType", HTTP_METHODS, upper=True)
    _enum(problems, data, "authType", AUTH_TYPES)
    _enum(problems, data, "postValueType", POST_VALUE_TYPES)
    max_length(problems, data, "httpUsername", 255)
    max_length(problems, data, "httpPassword", 255)
    _map_problems(problems, data)
    for name in ("tagNames", "maintenanceWindowsIds", "successHttpResponseCodes", "assignedAlertContacts"):
        if data.get(name) is not None and not isinstance(data[name], list):
            problems.append(f"{name} must be an array")
    windows = data.get("maintenanceWindowsIds")
    if isinstance(windows, list) and not all(is_number(w) for w in windows):
        problems.append(
            "each value in maintenanceWindowsIds must be a number conforming to the specified constraints"
        )
    if any(tag == "" for tag in list_of(data, "tagNames")):  # a tag has a name (TagDto: minLength 1)
        problems.append("each value in tagNames should not be empty")
    for index, contact in enumerate(list_of(data, "assignedAlertContacts")):
        problems.extend(_contact_setting_problems(index, contact))
    return unique(problems)


def _url_problems(problems: list[str], data: dict[str, Any], kind: str, creating: bool) -> None:
    if kind == "HEARTBEAT" or (not creating and "url" not in data):
        return
    url = data.get("url")
    if not url:
        problems.append("url should not be empty")
        return
    max_length(problems, data, "url", 10000)
    if kind in URL_TYPES:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append("url must be a URL address")


def _enum(
    problems: list[str], data: dict[str, Any], name: str, values: tuple[str, ...], upper: bool = False
) -> None:
    value = data.get(name)
    if value is None:
        return
    candidate = str(value).upper() if upper else value
    if candidate not in values:
        problems.append(one_of(name, values))


def _map_problems(problems: list[str], data: dict[str, Any]) -> None:
    for name in ("customHttpHeaders", "customFields", "config"):
        if data.get(name) is not None and not isinstance(data[name], dict):
            problems.append(f"{name} must be an object")
    headers = data.get("customHttpHeaders")
    if isinstance(headers, dict) and len(str(headers)) > 3000:
        problems.append("customHttpHeaders must be shorter than or equal to 3000 characters")
    fields = data.get("customFields")
    if isinstance(fields, dict):
        if len(fields) > 20:
            problems.append("customFields must contain no more than 20 keys")
        for key, value in fields.items():
            if not _CUSTOM_FIELD_KEY.fullmatch(str(key)):
                problems.append(f"customFields key {key} must match /^[A-Za-z0-9_-]{{1,64}}$/")
            if not isinstance(value, str):
                problems.append(f"customFields.{key} must be a string")
            elif len(value) > 255:
                problems.append(f"customFields.{key} must be shorter than or equal to 255 characters")


def _contact_setting_problems(index: int, contact: Any) -> list[str]:
    where = f"assignedAlertContacts.{index}"
    if not isinstance(contact, dict):
        return [f"{where} must be an object"]
    problems: list[str] = []
    contact_id = contact.get("alertContactId")
    # a number, or its ASCII digits: clients send "123" (reference §4.3, TF-OFF), never "¹²³"
    if not is_number(contact_id) and not (isinstance(contact_id, str) and whole(contact_id) is not None):
        problems.append(f"{where}.alertContactId must be a number conforming to the specified constraints")
    for name in ("threshold", "recurrence"):
        value = contact.get(name)
        if not is_number(value) or value < 0:
            problems.append(f"{where}.{name} must not be less than 0")
    return problems


def _visual_problems(config: Any) -> list[str]:
    """CreateVisualComparisonMonitorDto: config.visualComparison {sensitivityThreshold, viewport}."""
    if not isinstance(config, dict):
        return ["config should not be empty"]
    fields = config.get("visualComparison")
    if not isinstance(fields, dict):
        return ["config.visualComparison should not be empty"]
    problems: list[str] = []
    if not is_number(fields.get("sensitivityThreshold")):
        problems.append(TYPE_MESSAGES["number"].format("config.visualComparison.sensitivityThreshold"))
    if fields.get("viewport") not in VIEWPORTS:
        problems.append(one_of("config.visualComparison.viewport", VIEWPORTS))
    area = fields.get("areaCoordinates")
    if area is not None and not isinstance(area, dict):
        problems.append(TYPE_MESSAGES["object"].format("config.visualComparison.areaCoordinates"))
    return problems


def duration_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    number_in(problems, data, "duration", 1, float("inf"))
    return problems

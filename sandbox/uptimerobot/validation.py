"""What the v3 validators reject (reference/uptimerobot-api.md §4.3–§4.7, the OpenAPI request DTOs).

Like NestJS's class-validator, every check adds one message to a list; a request fails with all of
them at once (a 400 whose ``message`` is that list, no code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from vigil.sandbox.core.values import is_integral, whole
from vigil.sandbox.uptimerobot.errors import ValidationFailed
from vigil.sandbox.uptimerobot.models import Upload

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


NULLABLE = ("keywordValue", "httpMethodType", "config")


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
    # a null is the wrong type, but where the DTOs say nullable, and config (null clears it)
    given = {k: v for k, v in data.items() if v is not None or k not in NULLABLE}
    typed(problems, given, MONITOR_FIELD_TYPES, nulls=False)
    if (creating and not data.get("friendlyName")) or data.get("friendlyName") == "":
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
    else:  # kept on the monitor, and read back within MonitorDto's 0–65535
        number_in(problems, data, "port", 0, 65535)
    post = data.get("postValueData")
    if post is not None and (isinstance(post, bool) or not isinstance(post, (str, int, float, dict, list))):
        problems.append("postValueData must be a string, a number, an object or an array")
    if kind == "DNS" and creating and not isinstance(data.get("config"), dict):
        problems.append("config should not be empty")
    config = data.get("config")
    if kind == "VISUAL_COMPARISON" and (
        creating or (isinstance(config, dict) and "visualComparison" in config)
    ):  # an update may leave the comparison as it is
        problems.extend(_visual_problems(config))
    if isinstance(config, dict):
        problems.extend(config_problems(config))
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


_CONFIG_KEYS = ("dnsRecords", "apiAssertions", "sslExpirationPeriodDays", "udp", "ipVersion",
                "applicationErrorRetries", "visualComparison")  # fmt: skip
DNS_RECORDS = ("CNAME", "MX", "NS", "A", "AAAA", "TXT", "SRV", "PTR", "SOA", "SPF", "DNSKEY", "DS", "NSEC",
               "NSEC3")  # fmt: skip
ASSERTION_COMPARISONS = (
    "equals", "not_equals", "contains", "not_contains", "greater_than", "less_than", "is_null", "is_not_null",
    "is_string", "is_number", "is_boolean", "is_array", "is_object", "is_empty", "is_not_empty",
    "length_equals", "length_not_equals", "length_greater_than", "length_less_than", "exists", "not_exists",
)  # fmt: skip


def _whole_in(value: Any, low: int, high: int) -> bool:
    return is_integral(value) and low <= value <= high


def config_problems(config: dict[str, Any]) -> list[str]:
    """The config keys MonitorDto types (its ``config``), as the monitor config DTOs check them: what
    is stored is read back, so it must be what the document says a monitor's config holds. A null
    removes a key (the merge), other keys are kept as sent."""
    problems: list[str] = []
    given = {k: v for k, v in config.items() if k in _CONFIG_KEYS and v is not None}
    days = given.get("sslExpirationPeriodDays")
    if days is not None:
        if not isinstance(days, list):
            problems.append("config.sslExpirationPeriodDays must be an array")
        elif len(days) > 10:
            problems.append("config.sslExpirationPeriodDays must contain no more than 10 elements")
        elif not all(_whole_in(d, 0, 365) for d in days):
            problems.append("each value in config.sslExpirationPeriodDays must be an integer from 0 to 365")
    if "ipVersion" in given and given["ipVersion"] not in ("ipv4Only", "ipv6Only"):
        problems.append(one_of("config.ipVersion", ("ipv4Only", "ipv6Only")))
    if "applicationErrorRetries" in given and not _whole_in(given["applicationErrorRetries"], 0, 3):
        problems.append("config.applicationErrorRetries must be an integer from 0 to 3")
    udp = given.get("udp")
    if udp is not None:
        if not isinstance(udp, dict) or not is_number(udp.get("packetLossThreshold")):
            problems.append(TYPE_MESSAGES["number"].format("config.udp.packetLossThreshold"))
        elif udp.get("payload") is not None and not isinstance(udp["payload"], str):
            problems.append(TYPE_MESSAGES["string"].format("config.udp.payload"))
    records = given.get("dnsRecords")
    if records is not None:
        if not isinstance(records, dict):
            problems.append(TYPE_MESSAGES["object"].format("config.dnsRecords"))
        else:
            for name in DNS_RECORDS:
                value = records.get(name)
                if value is not None and not (
                    isinstance(value, list) and all(isinstance(v, str) for v in value)
                ):
                    problems.append(
                        "each value in " + TYPE_MESSAGES["string"].format(f"config.dnsRecords.{name}")
                    )
    if "apiAssertions" in given:
        problems.extend(_assertion_problems(given["apiAssertions"]))
    visual = given.get("visualComparison")
    if visual is not None:
        problems.extend(_visual_problems(config))
    return problems


def _assertion_problems(value: Any) -> list[str]:
    """ApiAssertionsDto: {logic: AND|OR, checks: [{property, comparison, target?, id?, index?}]}, or {}."""
    where = "config.apiAssertions"
    if not isinstance(value, dict):
        return [TYPE_MESSAGES["object"].format(where)]
    if not value:
        return []
    problems: list[str] = []
    if value.get("logic") not in ("AND", "OR"):
        problems.append(one_of(f"{where}.logic", ("AND", "OR")))
    checks = value.get("checks")
    if not isinstance(checks, list):
        return [*problems, TYPE_MESSAGES["array"].format(f"{where}.checks")]
    for index, check in enumerate(checks):
        at = f"{where}.checks.{index}"
        if not isinstance(check, dict):
            problems.append(TYPE_MESSAGES["object"].format(at))
            continue
        if not isinstance(check.get("property"), str):
            problems.append(TYPE_MESSAGES["string"].format(f"{at}.property"))
        if check.get("comparison") not in ASSERTION_COMPARISONS:
            problems.append(one_of(f"{at}.comparison", ASSERTION_COMPARISONS))
        ident = check.get("id")
        if ident is not None and not (
            (isinstance(ident, str) and len(ident) <= 128) or _whole_in(ident, -(2**53 - 1), 2**53 - 1)
        ):
            problems.append(f"{at}.id must be a string of at most 128 characters or an integer")
        if check.get("index") is not None and not _whole_in(check["index"], 0, 2**53 - 1):
            problems.append(f"{at}.index must be a non-negative integer")
    return problems


def _visual_problems(config: Any) -> list[str]:
    """CreateVisualComparisonMonitorDto: config.visualComparison {sensitivityThreshold, viewport}."""
    if not isinstance(config, dict):
        return ["config should not be empty"]
    fields = config.get("visualComparison")
    if not isinstance(fields, dict):
        return ["config.visualComparison should not be empty"]
    problems: list[str] = []
    if not _whole_in(fields.get("sensitivityThreshold"), 0, 100):
        problems.append("config.visualComparison.sensitivityThreshold must be an integer from 0 to 100")
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


def raise_if(problems: list[str]) -> None:
    if problems:
        raise ValidationFailed(*unique(problems))


def check_monitor(
    data: dict[str, Any], kind: str, *, creating: bool, min_interval: int, free_plan: bool
) -> None:
    """A monitor write: the DTO's messages, and on the free plan no threshold nor recurrence."""
    problems = monitor_problems(data, kind, creating=creating, min_interval=min_interval)
    if free_plan:
        for contact in list_of(data, "assignedAlertContacts"):
            if isinstance(contact, dict) and (contact.get("threshold") or contact.get("recurrence")):
                problems.append("threshold and recurrence must be 0 on the free plan")
                break
    raise_if(problems)


def monitor_type(value: Any) -> str:
    kind = str(value if value is not None else "").upper()
    if kind not in MONITOR_TYPES:
        raise ValidationFailed(one_of("type", MONITOR_TYPES))
    return kind


def check_bulk_selection(data: dict[str, Any]) -> None:
    problems: list[str] = []
    typed(problems, data, {"groupId": "number", "tagId": "number"}, nulls=False)
    number_in(problems, data, "groupId", 0, float("inf"))
    number_in(problems, data, "tagId", 1, float("inf"))
    raise_if(problems)


def check_bulk_update(changes: dict[str, Any]) -> None:
    problems: list[str] = []
    typed(problems, changes, MONITOR_FIELD_TYPES)
    if "interval" in changes:
        number_in(problems, changes, "interval", 15, 2678400)
    number_in(problems, changes, "timeout", 0, 60)
    number_in(problems, changes, "gracePeriod", 0, 86400)
    number_in(problems, changes, "responseTimeThreshold", 0, 60000)
    raise_if(problems)


def ids(value: Any, name: str) -> list[int]:
    """An array of ids (JSON numbers, as the document declares: never strings). A number that is no
    whole non-negative id names nothing: it is kept as -1, so the lookup that follows refuses it."""
    if not isinstance(value, list):
        raise ValidationFailed(TYPE_MESSAGES["array"].format(name))
    if not all(is_number(v) for v in value):
        raise ValidationFailed(
            f"each value in {name} must be a number conforming to the specified constraints"
        )
    return [int(v) if is_integral(v) and v >= 0 else -1 for v in value]


# --- alert contacts and integrations ----------------------------------------------------------
CONTACT_TYPES = ("Email", "ProSms", "Voice", "MobileAppIOS", "MobileAppAndroid", "MobileAppOld", "MobileApp")
INTEGRATION_TYPES = (
    "Slack", "Telegram", "MSTeams", "Webhook", "Zapier", "PagerDuty", "GoogleChat", "Discord", "Splunk",
    "PushBullet", "Pushover", "Mattermost",
)  # fmt: skip
# The document spells it "Pagerduty" (CreatePagerdutyIntegrationDto); clients send "PagerDuty".
TYPE_ALIASES = {"Pagerduty": "PagerDuty"}
NOTIFY = ("UpAndDown", "Down", "Up", "None")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTACT_CREATE_TYPES = {
    "type": "string",
    "friendlyName": "string",
    "value": "string",
    "deviceName": "string",
    "oneSignalSubscriptionId": "string",
    "oneSignalUserId": "string",
    "deviceFingerprint": "string",
    "pushToken": "string",
    "platform": "string",
    "config": "object",
}
PLATFORMS = ("ios", "android")
_CONTACT_UPDATE_TYPES = {
    "friendlyName": "string",
    "enableNotificationsFor": "any",
    "sslExpirationReminder": "boolean",
    "isActive": "boolean",
}


def notify(value: Any, numeric: bool) -> str:
    """``enableNotificationsFor``: numeric on contacts, a string enum on integrations.

    Contacts validate with class-validator's ``IsEnum`` over a numeric TypeScript enum, whose object
    holds both the numbers and the member names: 0–3 and ``UpAndDown``… pass, although the message
    lists only the numbers (Uptime Robot's own Terraform provider sends the names).
    """
    if numeric and is_integral(value) and int(value) in range(4):
        return NOTIFY[int(value)]
    if isinstance(value, str) and value in NOTIFY:
        return value
    raise ValidationFailed(
        one_of("enableNotificationsFor", ["0", "1", "2", "3"] if numeric else list(NOTIFY))
    )


def check_contact_create(data: dict[str, Any]) -> None:
    problems: list[str] = []
    typed(problems, data, _CONTACT_CREATE_TYPES)
    if data.get("type") not in CONTACT_TYPES:
        problems.append(one_of("type", CONTACT_TYPES))
    if isinstance(data.get("platform"), str) and data["platform"] not in PLATFORMS:
        problems.append(one_of("platform", PLATFORMS))
    config = data.get("config")
    if isinstance(config, dict):  # AlertContactConfigDto: the Android push channels
        typed(problems, config, {"android_push_up_channel": "string", "android_push_down_channel": "string"})
    raise_if(problems)
    if data.get("type") == "Email" and not _EMAIL.match(str(data.get("value") or "")):
        raise ValidationFailed("value must be an email")


def check_contact_update(data: dict[str, Any]) -> None:
    unknown = set(data) - set(_CONTACT_UPDATE_TYPES)
    if unknown:
        raise ValidationFailed(*(f"property {name} should not exist" for name in sorted(unknown)))
    problems: list[str] = []
    typed(problems, data, _CONTACT_UPDATE_TYPES, nulls=False)  # isActive: null is not "paused"
    if data.get("friendlyName") == "":  # a name may be changed, never emptied
        problems.append("friendlyName should not be empty")
    raise_if(problems)


_COMMON_INTEGRATION_TYPES = {
    "friendlyName": "string",
    "enableNotificationsFor": "string",
    "sslExpirationReminder": "boolean",
}


@dataclass(frozen=True)
class IntegrationShape:
    """One integration type's ``data`` (the document's Create…IntegrationDto / Base…IntegrationDto).

    ``address`` is the field holding what is notified (read back as ``value``, a secret),
    ``custom_field`` the one read back as ``customValue``; ``fields`` the others with their types,
    kept as sent.
    """

    address: str | None
    custom_field: str | None = None
    required: tuple[str, ...] = ()
    url: bool = True  # the address must be an http(s) URL
    fields: dict[str, str] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_length: dict[str, int] = field(default_factory=dict)

    def types(self) -> dict[str, str]:
        types = {**_COMMON_INTEGRATION_TYPES, **self.fields}
        for name in (self.address, self.custom_field):
            if name:
                types[name] = "string"
        return types

    def problems(self, data: dict[str, Any], *, creating: bool) -> list[str]:
        problems: list[str] = []
        types = self.types()
        nullable = {"customHeaders"}  # the document's only nullable data field
        typed(
            problems, {k: v for k, v in data.items() if not (k in nullable and v is None)}, types, nulls=False
        )
        if creating:
            problems.extend(f"{name} should not be empty" for name in self.required if name not in data)
        elif data.get("friendlyName") == "":  # a name may be changed, never emptied
            problems.append("friendlyName should not be empty")
        max_length(problems, data, "friendlyName", 60)
        for name in (self.address, "userKey", "accessToken"):
            if name and name in types:
                max_length(problems, data, name, 1500)
        for name in (self.custom_field, "customMessage"):
            if name and name in types:
                max_length(problems, data, name, 5000)
        address = data.get(self.address) if self.address else None
        if self.url and isinstance(address, str) and not address.startswith(("http://", "https://")):
            problems.append(f"{self.address} must be a URL address")
        for name, allowed in self.enums.items():
            if data.get(name) is not None and data[name] not in allowed:
                problems.append(one_of(name, allowed))
        for name, low in self.min_length.items():
            if isinstance(data.get(name), str) and len(data[name]) < low:
                problems.append(f"{name} must be longer than or equal to {low} characters")
        notify_for = data.get("enableNotificationsFor")
        if notify_for is not None and notify_for not in NOTIFY:
            problems.append(one_of("enableNotificationsFor", NOTIFY))
        return unique(problems)

    def value(self, data: dict[str, Any]) -> str:
        name = self.address or self.custom_field  # Telegram: the chat id is all there is
        return str(data.get(name) or "") if name else ""

    def custom(self, data: dict[str, Any]) -> str:
        return str(data.get(self.custom_field) or "") if self.custom_field else ""

    def extra(self, data: dict[str, Any]) -> dict[str, Any]:
        return {name: data[name] for name in self.fields if data.get(name) is not None}


_WEBHOOK_FIELDS = {
    "sendAsQueryString": "boolean",
    "sendAsJSON": "boolean",
    "sendAsPostParameters": "boolean",
    "customHeaders": "object",
}
INTEGRATION_SHAPES: dict[str, IntegrationShape] = {
    "Slack": IntegrationShape("webhookURL", "customValue", ("webhookURL", "customValue")),
    # Telegram's DTO has only the common fields; the chat id arrives in customValue (reference §4.5)
    "Telegram": IntegrationShape(None, "customValue"),
    "MSTeams": IntegrationShape("webhookURL", None, ("webhookURL",)),
    "Webhook": IntegrationShape(
        "urlToNotify", "postValue", ("urlToNotify", "postValue"), fields=_WEBHOOK_FIELDS
    ),
    "Zapier": IntegrationShape("hookURL", None, ("hookURL",)),
    "PagerDuty": IntegrationShape(
        "integrationKey",
        None,
        ("integrationKey",),
        url=False,
        fields={"location": "string", "autoResolve": "boolean"},
        enums={"location": ("us", "eu")},
        min_length={"integrationKey": 32},
    ),
    "GoogleChat": IntegrationShape(
        "roomURL", None, ("roomURL", "customMessage"), fields={"customMessage": "string"}
    ),
    "Discord": IntegrationShape("webhookURL", "customValue", ("webhookURL", "customValue")),
    "Splunk": IntegrationShape("urlToNotify", None, ("urlToNotify",)),
    "PushBullet": IntegrationShape("accessToken", None, ("accessToken",), url=False),
    "Pushover": IntegrationShape(
        "userKey",
        None,
        ("userKey",),
        url=False,
        fields={"priority": "string"},
        enums={"priority": ("Lowest", "Low", "Normal", "High", "Emergency")},
        min_length={"userKey": 1},  # CreatePushoverBaseIntegrationDto: a required, non-empty key
    ),
    "Mattermost": IntegrationShape("webhookURL", "customValue", ("webhookURL", "customValue")),
}


def integration_type(kind: Any) -> str:
    """The canonical integration type (``Pagerduty`` is ``PagerDuty``), or the 400 naming ``type``."""
    canonical = TYPE_ALIASES.get(kind, kind) if isinstance(kind, str) else None
    if canonical not in INTEGRATION_SHAPES:
        raise ValidationFailed(one_of("type", INTEGRATION_TYPES))
    return str(canonical)


# --- status pages -----------------------------------------------------------------------------
_GA_CODE = re.compile(r"G-[A-Z0-9]{10}")
_COLOR = re.compile(r"^#?([0-9A-F]{3}|[0-9A-F]{4}|[0-9A-F]{6}|[0-9A-F]{8})$")
ID_MAX = 2**31 - 1  # ids in arrays: 32-bit (the PSP DTOs' maximum)
PSP_SORTS = ("FriendlyNameAsc", "FriendlyNameDesc", "StatusUpDownPaused", "StatusDownUpPaused")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(/\S*)?$")
PSP_TYPES = {
    "monitorIds": "number[]",
    "tagIds": "number[]",
    "autoAddMonitors": "boolean",
    "friendlyName": "string",
    "password": "string",
    "customDomain": "string",
    "hideUrlLinks": "boolean",
    "noIndex": "boolean",
    "gaCode": "string",
    "status": "string",
    "subscription": "boolean",
    "shareAnalyticsConsent": "boolean",
    "homepageLink": "string",
    "showCookieBar": "boolean",
    "useSmallCookieConsentModal": "boolean",
    "pinnedAnnouncementId": "number",
    "customSettings": "object",
}


def check_psp(data: dict[str, Any], *, creating: bool) -> None:
    if creating and not data.get("friendlyName"):
        raise ValidationFailed("friendlyName should not be empty")
    problems: list[str] = []
    typed(problems, data, PSP_TYPES, nulls=False)  # no property of the PSP DTOs is nullable
    for name, low in (("monitorIds", 0), ("tagIds", 1)):
        value = data.get(name)
        if isinstance(value, list) and all(is_number(v) for v in value):
            if any(v < low for v in value):
                problems.append(f"each value in {name} must not be less than {low}")
            if any(v > ID_MAX for v in value):
                problems.append(f"each value in {name} must not be greater than {ID_MAX}")
    if "friendlyName" in data and not data["friendlyName"]:
        problems.append("friendlyName should not be empty")
    for name in ("friendlyName", "customDomain", "password", "homepageLink"):
        max_length(problems, data, name, 255)
    for name in ("logo", "icon"):  # a file (multipart), or in JSON the stored image's name
        if name in data and not isinstance(data[name], (str, Upload)):  # not nullable either
            problems.append(f"{name} must be a file")
    ga_code = data.get("gaCode")
    if isinstance(ga_code, str) and not _GA_CODE.search(ga_code):  # the DTO's pattern, unanchored
        problems.append(f"gaCode must match {_GA_CODE.pattern} regular expression")
    link = data.get("homepageLink")
    if isinstance(link, str) and not _URL.match(link):  # IsUrl: "" is no URL either
        problems.append("homepageLink must be a URL address")
    sort = data.get("sort")
    if "sort" in data and not (is_integral(sort) and int(sort) in range(1, 5)) and sort not in PSP_SORTS:
        problems.append(one_of("sort", PSP_SORTS))
    settings = data.get("customSettings")
    if isinstance(settings, dict):
        for section in ("font", "page", "colors", "features"):
            if settings.get(section) is not None and not isinstance(settings[section], dict):
                problems.append(TYPE_MESSAGES["object"].format(f"customSettings.{section}"))
        features = settings.get("features")
        if isinstance(features, dict):
            for name, value in features.items():
                if not isinstance(value, bool):
                    problems.append(TYPE_MESSAGES["boolean"].format(f"customSettings.features.{name}"))
    if "status" in data and str(data["status"]).upper() not in ("ENABLED", "PAUSED"):
        problems.append("status must be one of 0, 1")  # the validator's own words (reference §4.6)
    page_settings = (settings if isinstance(settings, dict) else {}).get("page")
    page_settings = page_settings if isinstance(page_settings, dict) else {}
    for key, allowed in (
        ("layout", ("logo_on_left", "logo_on_center")),
        ("theme", ("light", "dark")),
        ("density", ("normal", "compact")),
    ):
        if key in page_settings and page_settings[key] not in allowed:
            problems.append(one_of(f"customSettings.page.{key}", allowed))
    sections: dict[str, Any] = settings if isinstance(settings, dict) else {}
    colors: dict[str, Any] = sections["colors"] if isinstance(sections.get("colors"), dict) else {}
    for key in ("main", "text", "link"):  # ColorsCustomSettingsDto: hex, upper case, # optional
        value = colors.get(key)
        if key in colors and not (isinstance(value, str) and _COLOR.fullmatch(value)):
            problems.append(f"customSettings.colors.{key} must match {_COLOR.pattern} regular expression")
    font: dict[str, Any] = sections["font"] if isinstance(sections.get("font"), dict) else {}
    if "family" in font and not isinstance(font["family"], str):
        problems.append(TYPE_MESSAGES["string"].format("customSettings.font.family"))
    raise_if(problems)


def psp_sort(value: Any) -> str:
    """The API stores the sort as 1–4 and takes those as well as the names (reference §4.6;
    Uptime Robot's own provider sends 1 and 4 in its acceptance tests against the live API)."""
    return PSP_SORTS[int(value) - 1] if is_integral(value) else str(value)


# --- maintenance windows ----------------------------------------------------------------------
MW_INTERVALS = ("once", "daily", "weekly", "monthly")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_MW_TYPES = {
    "name": "string",
    "autoAddMonitors": "boolean",
    "interval": "string",
    "date": "string",
    "time": "string",
    "duration": "number",
    "days": "number[]",
    "monitorIds": "number[]",
    "status": "string",
}


def _real_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def check_window(data: dict[str, Any], *, creating: bool) -> None:
    if creating:
        # date is required by the spec but the live validator accepts a create without it (GS)
        missing = [k for k in ("name", "interval", "time", "duration") if data.get(k) in (None, "")]
        if missing:
            raise ValidationFailed(*(f"{k} should not be empty" for k in missing))
    problems = duration_problems(data)
    typed(problems, data, _MW_TYPES, nulls=False)  # no property of the window DTOs is nullable
    max_length(problems, data, "name", 255)
    if "interval" in data and data["interval"] not in MW_INTERVALS:
        problems.append(one_of("interval", MW_INTERVALS))
    if data.get("date") is not None and not _real_date(data["date"]):
        problems.append("date must be in YYYY-MM-DD format")
    if "time" in data and not _TIME.match(str(data["time"])):
        problems.append("time must be in HH:mm:ss format")
    if "status" in data and data["status"] not in ("active", "paused"):
        problems.append(one_of("status", ("active", "paused")))
    raise_if(problems)


def window_days(value: Any) -> list[int]:
    """The days as sent, whole numbers only: the backend drops the ones the interval has not (GS)."""
    return [int(d) for d in value or [] if is_integral(d) and abs(d) < 100]


# --- announcements, comments, storm protection, monitor groups --------------------------------
ANNOUNCEMENT_STATUSES = ("Offline", "Pending", "Published", "Archived")
ANNOUNCEMENT_TYPES = ("Info", "Maintenance", "Issue")


def check_announcement(data: dict[str, Any], parse_time: Any) -> None:
    problems: list[str] = []
    types = {
        "title": "string",
        "content": "string",
        "status": "string",
        "type": "string",
        "startDate": "string",
    }
    typed(problems, data, types, nulls=False)  # none of them is nullable (endDate is)
    max_length(problems, data, "title", 255)
    max_length(problems, data, "content", 2000)
    for name, allowed in (("status", ANNOUNCEMENT_STATUSES), ("type", ANNOUNCEMENT_TYPES)):
        if isinstance(data.get(name), str) and data[name] not in allowed:
            problems.append(one_of(name, allowed))
    for name in ("startDate", "endDate"):
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or parse_time(value) is None):
            problems.append(f"{name} must be a valid ISO 8601 date string")
    raise_if(problems)


def check_comment(data: dict[str, Any]) -> None:
    problems: list[str] = []
    typed(problems, data, {"content": "string", "publishOnStatusPage": "boolean"}, nulls=False)
    if not isinstance(data.get("content"), str):
        problems.append("content should not be empty")
    max_length(problems, data, "content", 10000)
    raise_if(problems)


STORM_THRESHOLD_TYPES = ("count", "percentage")


def check_storm(data: dict[str, Any]) -> None:
    problems: list[str] = []
    types = {"isEnabled": "boolean", "thresholdType": "string", "thresholdValue": "number",
             "windowMinutes": "number", "config": "object"}  # fmt: skip
    typed(problems, data, types, nulls=False)
    number_in(problems, data, "thresholdValue", 1, 1_000_000)
    number_in(problems, data, "windowMinutes", 1, 15)
    if isinstance(data.get("thresholdType"), str) and data["thresholdType"] not in STORM_THRESHOLD_TYPES:
        problems.append(one_of("thresholdType", STORM_THRESHOLD_TYPES))
    config = data.get("config")
    if isinstance(config, dict):
        typed(problems, config, {"groupPooling": "boolean"}, nulls=False)
    raise_if(problems)


def check_group(data: dict[str, Any], *, creating: bool) -> None:
    if creating and not data.get("name"):
        raise ValidationFailed("name should not be empty")
    problems: list[str] = []
    typed(problems, data, {"name": "string", "monitorIds": "number[]", "groupIds": "number[]"})
    if "name" in data and not data["name"]:
        problems.append("name should not be empty")
    max_length(problems, data, "name", 255)
    raise_if(problems)

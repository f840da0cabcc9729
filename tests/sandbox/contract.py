"""The official API documents, where to find them, the faults they have, and a schemathesis run of
an emulator against them.

The documents live outside the repository (``<repo>/../shared/reference/``, else the directory in
``$VIGIL_REFERENCE_DIR``). Each has faults of its own; every one is handled here in a patched copy
made at test time or in a per-operation setting, each with the reason, never by turning a check off
for the whole run:

* ``DOCUMENT_FAULTS`` lists them (the contract tests print it), ``patch_uptimerobot`` /
  ``patch_sentry`` apply them, ``operation_settings`` writes the per-operation exceptions into the
  schemathesis configuration file.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
UPTIMEROBOT_DOCUMENT = "uptimerobot-v3-openapi.json"
SENTRY_DOCUMENT = "sentry-api.yaml"
METHODS = ("get", "put", "post", "patch", "delete")
MISSING = (
    "{name} is not available: put the reference documents in <repo>/../shared/reference/ or set "
    "VIGIL_REFERENCE_DIR (.ci/run requires them, so CI never skips this)"
)


def reference_dir() -> Path | None:
    """``<repo>/../shared/reference`` when it exists, else ``$VIGIL_REFERENCE_DIR``, else None."""
    beside = ROOT.parent / "shared" / "reference"
    if beside.is_dir():
        return beside
    configured = os.environ.get("VIGIL_REFERENCE_DIR")
    if configured and Path(configured).is_dir():
        return Path(configured)
    return None


def load(name: str) -> dict[str, Any] | None:
    directory = reference_dir()
    if directory is None or not (directory / name).is_file():
        return None
    text = (directory / name).read_text()
    return dict(json.loads(text) if name.endswith(".json") else yaml.safe_load(text))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


# --- document faults ----------------------------------------------------------------------------
DOCUMENT_FAULTS: dict[str, list[str]] = {
    "uptimerobot": [
        "55 operations document only their success code, although every v3 operation answers 400 "
        "(a list of validation messages), 401 (bad key), 403 (plan or foreign resource), 404 and 429 "
        "(reference §2, §4.1): the patched copy adds those the operation lacks, with the error body",
        "six regex patterns carry JavaScript /…/ delimiters (cursor ×2, gaCode ×2, maintenance window "
        "time ×2): the patched copy drops the delimiters",
        "PSP customSettings.features are typed as the strings 'true'/'false' in responses; live "
        "accounts return booleans or those strings (reference §4.6): the patched copy accepts both",
        "PageCustomSettingsDto offers title-case layout/theme/density values the live API refuses "
        "(reference §4.6, lower case only): the patched copy lists the lower-case values",
        "GET /monitors' limit is documented without bounds; the API takes 1–200 (reference §4.1); its "
        "status is a comma list of PAUSED, STARTED, UP, LOOKS_DOWN, DOWN (reference §4.2)",
        "a monitor's customFields is any object; the API takes at most 20 keys matching "
        "^[A-Za-z0-9_-]{1,64}$ with values of at most 255 characters (reference §4.3)",
        "a monitor's tagNames may hold empty strings, though a tag always has a name (minLength 1 "
        "in the tag documents): the patched copy asks for names",
        "an alert contact's threshold and recurrence (minutes) have no documented minimum; the "
        "validator says 'must not be less than 0'",
        "a monitor's interval has its bounds in prose only (30 s on this test's plan – 2678400 s)",
        "ids and cursors (path and query) are typed number, but the API parses them as integers "
        "(NestJS ParseIntPipe: '7000004.0' is a 400): the patched copy types them integer",
        "CreatePersonalAlertContactDto types value as any string; an Email contact's value must be an "
        "e-mail address (the API's 'value must be an email'): positive data of that operation may "
        "be answered 400",
        "ids and URLs and dates the API validates are plain strings in the document: the patched "
        "copy adds what the validators check — required names non-empty (IsNotEmpty), http(s) URLs "
        "for URL fields (IsUrl), YYYY-MM-DD maintenance window dates, ISO date-times for the "
        "incident and statistics filters",
        "MaintenanceWindowDto says a name has at least 3 characters, which no request DTO requires: "
        "the patched copy drops that minLength",
        "UpdatePersonalAlertContactDto allows any property, the API refuses all but its four "
        "(reference §4.5, 'property X should not exist'): the patched copy forbids the others",
        "(the API's own routing, not a fault of the document) a literal path below /monitors/ "
        "(uptime-stats, storm-protection) is /monitors/{id} to the methods it does not take, so "
        "those answer 400 from the id pipe, not 405: the unsupported-method check is off for those "
        "three operations only",
        "dates are typed oneOf [{}, {type: string}], which no string satisfies (it matches both "
        "branches): the patched copy types them string",
        "the integration create/update bodies are oneOf branches that overlap (Telegram's data is a "
        "subset of every other type's): a valid body matches several branches; the patched copy "
        "makes it anyOf, and `type` decides",
        "a monitor's config.apiAssertions is oneOf [the assertions object, an object with no declared "
        "properties]: every assertions object matches both branches, so no monitor with assertions "
        "could be valid; the patched copy makes it anyOf",
        "a multipart PSP form cannot tell one monitorIds (or tagIds) field from a one-element array "
        "(the document: repeat the field for more): the multipart copy of the PSP schemas also takes "
        "a single id",
    ],
    "sentry": [
        "most operations document no 400 (every DRF serializer answers one), no 401 (every operation "
        "takes a token) and no 404 for their path's objects: the patched copy adds them",
        "the /rules/ operations were retired in 2026 and answer 410 to the methods they took (reference "
        "sentry-api.md §4a), 405 to others: the patched copy documents the 410",
        "cursor is typed as any string; Sentry's cursors are <value>:<offset>:<is_prev>, anything else "
        "is 'Invalid cursor parameter.': the patched copy gives the pattern",
        "required strings may be blank in the document, DRF refuses blank strings; a team name has "
        "at most 64 characters; spike protection needs at least one project: the patched copy says so",
        "OrganizationIntegration must be oneOf Opsgenie or PagerDuty, which a Slack integration never "
        "is; the workflow's triggers and actionFilters are oneOf [X, {}], which nothing satisfies (any "
        "X also matches {}): the patched copy drops those oneOfs",
        "a client key's browserSdkVersion is any string in the request, one of the choices the "
        "response lists (latest, 7.x…10.x) in fact, and its rate limit's window and count are never "
        "negative (null: no limit); a project's slug is Sentry's slug pattern: the patched copy says so",
        "ProjectMonitor.conditionGroup is not nullable, but the system detectors have none",
        "the workflow's sub-object ids are typed integer, though Sentry writes ids as strings; an "
        "e-mail action to the issue owners has a null targetIdentifier: the patched copy allows both",
        "PUT …/ownership documents a ProjectRule as its response; it answers the ProjectOwnership",
        "creating a team or project whose slug is taken answers 409 (reference sentry-api.md), which "
        "the document omits: the patched copy adds it",
        "PUT /teams/{org}/{team}/ (update a team), POST /organizations/{org}/detectors/ (a monitor "
        "for the project its body names) and GET …/rules/ (the retired rule list) exist but the "
        "document omits them: the patched copy declares them, so every other method is a 405",
    ],
}

# Operations whose schema-valid requests the API may still refuse with 400, because a rule relates
# two values or names another object, which a schema cannot say. Only positive_data_acceptance
# learns of it, only for these operations; every other check runs as usual on them.
UPTIMEROBOT_RELATIONS = {
    "AlertContactsController_create": "an Email contact's value must be an e-mail address",
    "IntegrationsController_update": "a PATCH must repeat the integration's own type (reference §4.5)",
    "MonitorGroupsController_create": "monitorIds and groupIds must name existing monitors and groups",
    "MonitorGroupsController_delete": "monitorsNewGroupId must name another existing group",
    "MonitorsController_getUptimeStats": "a CUSTOM time frame needs start ≤ end",
    "MonitorsController_update": "the url must suit the monitor's type (an http(s) URL for HTTP, KEYWORD, "
    "API…); customFields keys must match ^[A-Za-z0-9_-]{1,64}$ (patched as propertyNames, which "
    "schemathesis does not generate by)",
    "MonitorsController_create": "customFields keys must match ^[A-Za-z0-9_-]{1,64}$ (as on update)",
    "BulkMonitorsController_bulkUpdate": "customFields keys must match ^[A-Za-z0-9_-]{1,64}$ (as on update)",
    "IncidentsController_list": "monitor_id ≥ 1; stateful links may fill it from a groupId of 0",
    "PspController_create": "logo and icon must be JPG or PNG images of at most 150 KB (reference §4.6)",
    "PspController_update": "logo and icon must be JPG or PNG images of at most 150 KB (reference §4.6)",
    "MonitorsController_getMonitorUptimeStats": "from must not be after to",
    "MonitorsController_getMonitorResponseTimeStats": "from must not be after to",
    "MonitorsController_getMonitorResponseTimeStatsByRegion": "from must not be after to",
}


SENTRY_RELATIONS = {
    "createOrganizationMember": "an e-mail already invited (the owner's) is a 400",
    "createProjectMonitor": "DRF's cross-field rules (a metric detector needs a resolution condition…)",
    "createOrganizationWorkflow": "detectorIds must name existing detectors, Slack targets existing channels",
    "updateOrganizationWorkflow": "detectorIds must name existing detectors, Slack targets existing channels",
    "updateProjectMonitor": "DRF's cross-field rules, as on create",
    "createOrganizationTeam": "a slug already taken is a 409, a name longer than 64 characters a 400",
    "createOrganizationTeamProject": "platform must be one of Sentry's platform ids (any string in the document)",
    "updateOrganizationProject": "bounds the document omits: slug pattern, name ≤ 200, digests 60–3600 s",
    "createOrganizationMonitor": "projectId must name a project; the body is a project monitor's",
    "updateOrganizationTeam": "a slug already taken is a 400",
    "updateProjectOwnership": "autoAssignment is one of three phrases, raw must parse as ownership rules",
    "updateOrganizationMember": "team roles must be contributor or admin, of existing teams",
    "deleteProjectMonitor": "the system-created detectors (error, issue_stream) cannot be deleted",
}


def sentry_settings() -> list[dict[str, Any]]:
    retired = [
        {
            "include-operation-id": operation_id,
            "checks.positive_data_acceptance.expected-statuses": ["410"],
            "checks.negative_data_rejection.expected-statuses": ["410"],
        }
        for operation_id in RETIRED_SENTRY
    ]
    return relation_settings(SENTRY_RELATIONS) + retired


# A literal path below /monitors/ is /monitors/{id} to the methods it does not take: the API
# (NestJS) routes PATCH /monitors/uptime-stats to the monitor update, whose id pipe answers 400,
# not 405. The unsupported-method check is told so for these operations only.
UPTIMEROBOT_LITERALS = (
    "MonitorsController_getUptimeStats",
    "StormProtectionController_get",
    "StormProtectionController_update",
)


def uptimerobot_settings() -> list[dict[str, Any]]:
    # The check's own switch is not enough: the coverage phase still sends the undeclared methods and
    # judges them (schemathesis issue #3322); its list of unexpected methods must be empty too.
    literals = [
        {
            "include-operation-id": o,
            "checks.unsupported_method.enabled": False,
            "phases.coverage.unexpected-methods": [],
        }
        for o in UPTIMEROBOT_LITERALS
    ]
    return relation_settings(UPTIMEROBOT_RELATIONS) + literals


def relation_settings(relations: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "include-operation-id": operation_id,
            "checks.positive_data_acceptance.expected-statuses": ["2xx", "400", "401", "403", "404", "409"],
        }
        for operation_id in relations
    ]


_ERROR_BODY = {
    "type": "object",
    "properties": {
        "message": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "code": {"type": "string"},
        "statusCode": {"type": "number"},
        "error": {"type": "string"},
    },
    "required": ["message", "statusCode"],
}
_UR_ERRORS = {
    "400": "Validation failed: a list of messages",
    "401": "Missing or invalid API key (003-005)",
    "403": "Plan lacks the feature (000-003) or the resource is another account's (000-006)",
    "404": "Not found (000-004)",
    "429": "ThrottlerException: Too Many Requests",
}


_STATUSES = "PAUSED|STARTED|UP|LOOKS_DOWN|DOWN"
_DATE_QUERY = {"started_after", "started_before", "from", "to"}
_URL_FIELDS = {"url", "webhookURL", "urlToNotify", "hookURL", "roomURL", "homepageLink"}
_HOST_URLS = {
    "CreatePingMonitorDto",
    "CreatePortMonitorDto",
    "CreateDnsMonitorDto",
    "CreateUdpMonitorDto",
    "CreateHeartbeatMonitorDto",
    "UpdateMonitorDto",
}  # fmt: skip  (hosts, or any type's url)
_INTEGER_QUERY = {
    "cursor",
    "limit",
    "groupId",
    "monitorsNewGroupId",
    "monitor_id",
    "logLimit",
    "start",
    "end",
}


def _strip_delimiters(node: Any) -> None:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if (
            isinstance(pattern, str)
            and len(pattern) > 2
            and pattern.startswith("/")
            and pattern.endswith("/")
        ):
            node["pattern"] = pattern[1:-1]
        for value in node.values():
            _strip_delimiters(value)
    elif isinstance(node, list):
        for value in node:
            _strip_delimiters(value)


def _satisfiable_one_ofs(node: Any) -> None:
    """``oneOf: [{}, {type: string}]`` can never hold for a string (it matches both branches)."""
    if isinstance(node, dict):
        branches = node.get("oneOf")
        if isinstance(branches, list) and len(branches) == 2 and {} in branches:
            other = next(b for b in branches if b != {})
            del node["oneOf"]
            node.update(other)
        for value in node.values():
            _satisfiable_one_ofs(value)
    elif isinstance(node, list):
        for value in node:
            _satisfiable_one_ofs(value)


def _drop_min_length(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("minLength") == 3:
            del node["minLength"]
        for value in node.values():
            _drop_min_length(value)
    elif isinstance(node, list):
        for value in node:
            _drop_min_length(value)


def _boolean_strings(node: Any) -> None:
    """A response property typed as the strings "true"/"false" also takes the booleans."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if isinstance(value, dict) and value.get("enum") == ["true", "false"]:
                node[key] = {
                    "anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}],
                    "nullable": bool(value.get("nullable")),
                }
            else:
                _boolean_strings(value)
    elif isinstance(node, list):
        for value in node:
            _boolean_strings(value)


def patch_uptimerobot(document: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(document)
    _strip_delimiters(patched)
    _satisfiable_one_ofs(patched)
    for method, _, op in operations(patched):
        responses = op.setdefault("responses", {})
        for status, description in _UR_ERRORS.items():
            if status in responses:
                continue
            content: dict[str, Any]
            if status == "429":
                content = {"text/plain": {"schema": {"type": "string"}}}
            else:
                content = {"application/json": {"schema": _ERROR_BODY}}
            responses[status] = {"description": description, "content": content}
        if method == "POST" and op.get("operationId") == "IntegrationsController_create":
            responses.setdefault("409", {"description": "Integration already exists"})
        if op.get("operationId") in ("IntegrationsController_create", "IntegrationsController_update"):
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            schema["anyOf"] = schema.pop("oneOf")  # the branches overlap: only `type` tells them apart
    schemas = patched["components"]["schemas"]
    _boolean_strings(patched)
    page = schemas["PageCustomSettingsDto"]["properties"]
    page["layout"]["enum"] = ["logo_on_left", "logo_on_center"]
    page["theme"]["enum"] = ["light", "dark"]
    page["density"]["enum"] = ["normal", "compact"]
    for parameter in patched["paths"]["/monitors"]["get"]["parameters"]:
        if parameter["name"] == "limit":
            parameter["schema"].update({"minimum": 1, "maximum": 200})
        if parameter["name"] == "status":  # a comma list of statuses (reference §4.2)
            parameter["schema"]["pattern"] = f"^({_STATUSES})(,({_STATUSES}))*$"
    for _, _, op in operations(patched):
        for parameter in op.get("parameters", []):
            schema = parameter.get("schema", {})
            integral = parameter["in"] == "path" or parameter["name"] in _INTEGER_QUERY
            if integral and schema.get("type") == "number":
                schema["type"] = "integer"
            if parameter["name"] == "cursor" and schema.get("type") == "string" and "pattern" not in schema:
                schema["type"] = "integer"  # maintenance windows: an id like every other cursor
            if parameter["name"] in _DATE_QUERY:
                schema["format"] = "date-time"
    for name, schema in schemas.items():
        properties = schema.get("properties", {})
        if name.startswith("Create"):
            for required in schema.get("required", []):
                prop = properties.get(required, {})
                if prop.get("type") == "string" and "enum" not in prop:
                    prop.setdefault("minLength", 1)
        if name.startswith("Update"):  # a name may be changed, never emptied
            for field_name in ("name", "friendlyName"):
                if properties.get(field_name, {}).get("type") == "string":
                    properties[field_name].setdefault("minLength", 1)
        # Not MonitorDto (the response): its ``url`` is a host for ping and port monitors ("m").
        for field_name, prop in properties.items():
            if (
                field_name in _URL_FIELDS
                and prop.get("type") == "string"
                and name not in _HOST_URLS
                and name != "MonitorDto"
            ):
                prop["pattern"] = r"^https?://[A-Za-z0-9.-]+(/\S*)?$"
    for name in ("CreateMaintenanceWindowDto", "UpdateMaintenanceWindowDto"):
        schemas[name]["properties"]["date"]["pattern"] = (
            r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
        )
    # MaintenanceWindowDto (a response) says names have ≥ 3 characters, which no request DTO asks
    # for: a window named "w" is created, and read back as it was named
    for name, schema in schemas.items():
        if name.startswith("MaintenanceWindow"):
            _drop_min_length(schema)
    # the interval's bounds are in the description only; 30 s is this test account's plan floor
    for name, schema in schemas.items():
        interval = schema.get("properties", {}).get("interval")
        if (name.startswith("Create") and name.endswith("MonitorDto")) or name == "UpdateMonitorDto":
            interval.update({"minimum": 30, "maximum": 2678400})
    schemas["UpdatePersonalAlertContactDto"]["additionalProperties"] = False
    for name, schema in schemas.items():  # custom field keys: ^[A-Za-z0-9_-]{1,64}$, at most 20
        custom = schema.get("properties", {}).get("customFields")
        if custom and custom.get("type") == "object" and not name.startswith("MonitorDto"):
            custom.update({"propertyNames": {"pattern": r"^[A-Za-z0-9_-]{1,64}$"}, "maxProperties": 20})
            custom["additionalProperties"] = {"type": "string", "maxLength": 255}
    for schema in schemas.values():  # a tag is named: the tag documents say minLength 1
        tags = schema.get("properties", {}).get("tagNames")
        if tags and tags.get("type") == "array":
            tags.setdefault("items", {})["minLength"] = 1
    for name in ("threshold", "recurrence"):  # minutes: the validator's "must not be less than 0"
        schemas["AlertContactSettings"]["properties"][name]["minimum"] = 0
    _any_of_assertions(patched)
    _form_ids(patched)
    return patched


def _form_ids(document: dict[str, Any]) -> None:
    """The PSP forms: ``monitorIds=0`` is the array [0] (a form has no other way to send one)."""
    for path, method in (("/psps", "post"), ("/psps/{id}", "patch")):
        content = document["paths"][path][method]["requestBody"]["content"]
        form = copy.deepcopy(_resolve(document, content["multipart/form-data"]["schema"]))
        for name in ("monitorIds", "tagIds"):
            array = form["properties"][name]
            form["properties"][name] = {"anyOf": [array, array["items"]]}
        content["multipart/form-data"]["schema"] = form


def _any_of_assertions(node: Any) -> None:
    """``apiAssertions: oneOf [assertions, {type: object}]``: an assertions object matches both."""
    if isinstance(node, dict):
        assertions = node.get("apiAssertions")
        if isinstance(assertions, dict) and "oneOf" in assertions:
            assertions["anyOf"] = assertions.pop("oneOf")
        for value in node.values():
            _any_of_assertions(value)
    elif isinstance(node, list):
        for value in node:
            _any_of_assertions(value)


RETIRED_SENTRY = (
    "listProjectRules", "createProjectRule", "getProjectRule", "updateProjectRule", "deleteProjectRule",
)  # fmt: skip
_SENTRY_SLUG = r"^(?![0-9]+$)[a-z0-9_-]{1,50}$"


def _sentry_omitted_operations(document: dict[str, Any]) -> None:
    """Operations Sentry has and the document leaves out, so that an undeclared method is a 405 and
    these are not: the legacy rule list (retired with the rest of /rules/), a team's update and the
    organization-level detector create (the body names the project)."""
    paths = document["paths"]
    rules = paths["/0/projects/{organization_id_or_slug}/{project_id_or_slug}/rules/"]
    rules["get"] = {
        "operationId": "listProjectRules",
        "summary": "List a project's rules (retired)",
        "responses": {"200": {"description": "OK (before the retirement)"}},
    }
    team = paths["/0/teams/{organization_id_or_slug}/{team_id_or_slug}/"]
    team["put"] = {
        "operationId": "updateOrganizationTeam",
        "summary": "Update a Team",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "slug": {"type": "string", "pattern": _SENTRY_SLUG},
                            "name": {"type": "string", "minLength": 1, "maxLength": 64},
                        },
                    }
                }
            },
        },
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Team"}}},
            }
        },
    }
    detectors = paths["/0/organizations/{organization_id_or_slug}/detectors/"]
    detectors["post"] = {
        "operationId": "createOrganizationMonitor",
        "summary": "Create a Monitor for a project named in the body",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", "required": ["projectId"]}}},
        },
        "responses": {
            "201": {
                "description": "Created",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProjectMonitor"}}},
            }
        },
    }


def patch_sentry(document: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(document)
    _sentry_omitted_operations(patched)
    _satisfiable_one_ofs(patched)
    schemas = patched["components"]["schemas"]
    for _, path, op in operations(patched):
        responses = op.setdefault("responses", {})
        if op.get("operationId") in ("createOrganizationTeam", "createOrganizationTeamProject"):
            responses.setdefault("409", {"description": "A team or project with this slug already exists"})
        takes_input = op.get("requestBody") or op.get("parameters") or "{" in path
        if "400" not in responses and takes_input:
            responses["400"] = {"description": "Validation failed: a map of field → messages"}
        if "401" not in responses:
            responses["401"] = {"description": "Invalid token (every operation takes a bearer token)"}
        if "404" not in responses and "{" in path:
            responses["404"] = {"description": "The requested resource does not exist"}
        if op.get("operationId") in RETIRED_SENTRY:
            responses["410"] = {"description": "Retired in 2026 (reference sentry-api.md §4a)"}
        for parameter in op.get("parameters", []):
            if "$ref" not in parameter and parameter.get("name") == "cursor":
                parameter.setdefault("schema", {})["pattern"] = r"^[0-9]+:[0-9]+:[01]$"
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        body = _resolve(patched, body)
        for name in body.get("required", []):
            prop = _resolve(patched, body.get("properties", {}).get(name, {}))
            if prop.get("type") == "string":
                prop.setdefault("minLength", 1)  # DRF's CharField refuses blank strings
            if prop.get("type") == "array" and name == "projects":
                prop.setdefault("minItems", 1)
        if op.get("operationId") in ("createProjectClientKey", "updateProjectClientKey"):
            body["properties"]["browserSdkVersion"]["enum"] = ["latest", "7.x", "8.x", "9.x", "10.x"]
            body["properties"]["rateLimit"]["nullable"] = True  # null: no rate limit
            for bound in body["properties"]["rateLimit"]["properties"].values():
                bound["minimum"] = 0  # a window and a count are never negative
        if op.get("operationId") == "createOrganizationTeamProject" and "slug" in body.get("properties", {}):
            body["properties"]["slug"]["pattern"] = r"^(?![0-9]+$)[a-z0-9_-]{1,50}$"  # Sentry's slugs
            body["properties"]["name"]["maxLength"] = 50
        if op.get("operationId") == "createOrganizationTeam":
            body["properties"]["name"]["maxLength"] = 64  # Sentry's team name limit
        if op.get("operationId") == "updateProjectOwnership":
            content = responses["200"].setdefault("content", {}).setdefault("application/json", {})
            content["schema"] = {"$ref": "#/components/schemas/ProjectOwnership"}
    for parameter in patched["components"].get("parameters", {}).values():
        if parameter.get("name") == "cursor":
            parameter.setdefault("schema", {})["pattern"] = r"^[0-9]+:[0-9]+:[01]$"
    # Sentry writes every id as a string; the workflow's sub-object ids are typed integer
    for name, schema in schemas.items():
        if name.startswith("OrganizationWorkflow"):
            identifier = schema.get("properties", {}).get("id")
            if identifier and identifier.get("type") == "integer":
                schema["properties"]["id"] = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    # an e-mail action to the issue owners names no target
    email = schemas["OrganizationWorkflow_ActionFilter_Action_Email"]["properties"]["config"]["properties"]
    email["targetIdentifier"]["nullable"] = True
    # an organization's integration is one of many providers, not only Opsgenie or PagerDuty
    schemas["OrganizationIntegration"].pop("oneOf", None)
    # the system-made detectors (error, issue_stream) have no condition group
    schemas["ProjectMonitor"]["properties"]["conditionGroup"] = {
        "allOf": [{"$ref": "#/components/schemas/ProjectMonitor_ConditionGroup"}],
        "nullable": True,
    }
    return patched


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


# --- running schemathesis ------------------------------------------------------------------------
@dataclass
class Operation:
    name: str
    failures: Counter[str] = field(default_factory=Counter)  # check code (ST101…) → count
    errors: int = 0  # schemathesis' own runtime errors (a flaky generator), not the API's
    messages: list[str] = field(default_factory=list)


@dataclass
class Run:
    cases: int
    operations: dict[str, Operation]
    output: str
    modes: Counter[str] = field(default_factory=Counter)  # recorded cases by generation mode

    @property
    def failed(self) -> dict[str, Operation]:
        return {name: op for name, op in self.operations.items() if op.failures}


def _toml(value: Any) -> str:
    return json.dumps(value)


def write_config(
    path: Path, settings: list[dict[str, Any]], parameters: dict[str, str] | None = None
) -> None:
    """A schemathesis.toml: fixed parameter values (the account's own org, project and team), then
    per-operation sections (the exceptions each document fault needs)."""
    lines: list[str] = []
    if parameters:
        lines.append("[parameters]")
        lines.extend(f"{_toml(name)} = {_toml(value)}" for name, value in parameters.items())
        lines.append("")
    for section in settings:
        lines.append("[[operations]]")
        for key, value in section.items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    path.write_text("\n".join(lines))


def run(
    document: dict[str, Any],
    base_url: str,
    headers: dict[str, str],
    workdir: Path,
    *,
    max_examples: int,
    max_time: int,
    settings: list[dict[str, Any]] | None = None,
    parameters: dict[str, str] | None = None,
    seed: int = 14,
    phases: str = "examples,coverage,fuzzing",
) -> Run:
    """``st run`` with every check and, by default, the phases examples, coverage and fuzzing.

    The stateful phase is the caller's choice (``phases``): with a fixed seed it still differs from run
    to run (which links it follows depends on timing). For Uptime Robot it is on again: its earlier
    findings (an integration body with undeclared properties accepted; ``GET /monitors`` with
    ``limit`` and ``customField`` together answered 200) did not come back, green 3 runs of 3 at 30 s
    and once at 120 s, the number of cases varying with the machine's speed as in every phase. For
    Sentry it stays off."""
    workdir.mkdir(parents=True, exist_ok=True)
    schema = workdir / "openapi.json"
    schema.write_text(json.dumps(document))
    config = workdir / "schemathesis.toml"
    write_config(config, settings or [], parameters)
    junit = workdir / "junit.xml"
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(schema),
        "--url", base_url, "--checks", "all", "--max-examples", str(max_examples),
        "--max-time", str(max_time), "--workers", "2", "--seed", str(seed), "--no-color",
        "--generation-deterministic", "--phases", phases,
        "--suppress-health-check", "all", "--report", "junit,ndjson", "--report-junit-path", str(junit),
        "--report-ndjson-path", str(workdir / "events.ndjson"),
        "--output-truncate", "false", "--output-sanitize", "false",
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    # cwd: schemathesis keeps a cache directory (.schemathesis/) where it runs; not in the repository
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=max_time + 120, check=False, cwd=workdir
    )
    output = done.stdout + done.stderr
    generated = re.search(r"(\d+) generated", output)
    found: dict[str, Operation] = {}
    if junit.exists():
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            name = case.get("name", "?")
            operation = found.setdefault(name, Operation(name))
            for failure in case.iter("failure"):
                operation.failures[failure.get("message") or "failure"] += 1
                operation.messages.append((failure.text or "")[:2000])
            for error in case.iter("error"):
                operation.errors += 1
                operation.messages.append((error.text or "")[:2000])
    return Run(int(generated.group(1)) if generated else 0, found, output, _modes(workdir / "events.ndjson"))


def _modes(events: Path) -> Counter[str]:
    """How many of the recorded cases were positive and how many negative (wrong types, missing
    required fields, values out of bounds…)."""
    modes: Counter[str] = Counter()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            generation = node.get("generation")
            if isinstance(generation, dict) and isinstance(generation.get("mode"), str):
                modes[generation["mode"]] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if events.exists():
        for line in events.read_text().splitlines():
            event = json.loads(line)
            if "ScenarioFinished" in event:
                walk(event)
    return modes


def summary(result: Run) -> str:
    modes = ", ".join(f"{n} {mode}" for mode, n in sorted(result.modes.items()))
    lines = [f"{result.cases} cases over {len(result.operations)} operations (recorded: {modes})"]
    for name, op in sorted(result.operations.items()):
        if op.failures or op.errors:
            found = [f"{code}×{n}" for code, n in sorted(op.failures.items())]
            found += [f"schemathesis error×{op.errors}"] if op.errors else []
            lines.append(f"  {name}: " + ", ".join(found))
    return "\n".join(lines)

"""The emulator against the official OpenAPI document (uptimerobot-v3-openapi.json in the reference
directory, see tests/sandbox/contract.py): every route exists there with the same method, and every
GET answers what its schema requires (the schemathesis run is test_contract.py)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from tests.conftest import SandboxApi
from tests.sandbox import contract
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, http_monitor, new_account
from vigil.sandbox.uptimerobot.routes import ROUTES

TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@cache
def spec() -> dict[str, Any]:
    document = contract.load(contract.UPTIMEROBOT_DOCUMENT)
    if document is None:
        pytest.skip(contract.MISSING.format(name=contract.UPTIMEROBOT_DOCUMENT))
    return document


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec()["components"]["schemas"][name]
    return schema


def problems(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """What ``value`` lacks against ``schema``: required keys, types, enums (a small JSON Schema subset)."""
    schema = resolve(schema)
    if value is None:
        return [] if schema.get("nullable") or not schema else [f"{where}: null where the schema allows none"]
    for branch in schema.get("allOf", []):
        failed = problems(value, branch, where)
        if failed:
            return failed
    if "oneOf" in schema or "anyOf" in schema:
        branches: list[dict[str, Any]] = schema.get("oneOf") or schema.get("anyOf") or []
        results = [problems(value, branch, where) for branch in branches]
        if all(results):
            return [f"{where}: matches no oneOf branch ({results[0][0]})"]
    kind = schema.get("type")
    if kind in TYPES and (
        not isinstance(value, TYPES[kind]) or (kind != "boolean" and isinstance(value, bool))
    ):
        return [f"{where}: {type(value).__name__} where the schema says {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    found: list[str] = []
    if isinstance(value, dict):
        found += [
            f"{where}.{key}: required, missing" for key in schema.get("required", []) if key not in value
        ]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                found += problems(value[key], sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(item, schema["items"], f"{where}[{index}]")
    return found


def test_every_route_is_an_operation_of_the_document_with_the_same_method() -> None:
    paths = spec()["paths"]
    missing = [
        f"{r.method} {r.template}" for r in ROUTES if r.method.lower() not in paths.get(r.template, {})
    ]
    assert missing == []


def test_routes_follow_the_document_order() -> None:
    order = [(m.upper(), p) for p, ops in spec()["paths"].items() for m in ops if m != "parameters"]
    positions = [order.index((r.method, r.template)) for r in ROUTES]
    assert positions == sorted(positions)


def test_create_answers_201_and_delete_the_documented_status() -> None:
    paths = spec()["paths"]
    for route in ROUTES:
        documented = paths[route.template][route.method.lower()]["responses"]
        if route.method == "DELETE":
            expected = {
                "/maintenance-windows/{id}",
                "/tags/{id}",
                "/monitor-groups/{id}",
                "/incidents/{id}/comments/{commentId}",
            }
            assert ("204" in documented) == (route.template in expected), route


@pytest.fixture(scope="module")
def populated(sandbox: SandboxApi) -> dict[str, Any]:
    """One account holding one object of each kind, the features of reads switched on."""
    ur = new_account(sandbox, "enterprise")
    ur.quirks(bool_strings=True)  # the document's form of status-page features: "true"/"false"
    contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "ops@example.com"}, expect=201)
    slack = {"webhookURL": "https://hooks.slack.com/services/T/B/x", "customValue": "#ops"}
    integration = ur.ok("POST", "/integrations", {"type": "Slack", "data": slack}, expect=201)
    window = ur.ok(
        "POST",
        "/maintenance-windows",
        {
            "name": "deploys",
            "interval": "weekly",
            "date": "2030-01-07",
            "time": "03:00:00",
            "duration": 30,
            "days": [1],
        },
        expect=201,
    )
    group = ur.ok("POST", "/monitor-groups", {"name": "backend"}, expect=201)
    monitor = ur.ok(
        "POST",
        "/monitors",
        http_monitor(
            tagNames=["prod"],
            groupId=group["id"],
            maintenanceWindowsIds=[window["id"]],
            assignedAlertContacts=[{"alertContactId": contact["id"], "threshold": 0, "recurrence": 0}],
            customHttpHeaders={"X-A": "1"},
        ),
        expect=201,
    )
    settings = {"features": {"showBars": True}, "page": {"theme": "dark"}, "font": {"family": "Inter"}}
    psp = ur.ok(
        "POST",
        "/psps",
        {"friendlyName": "Status", "monitorIds": [monitor["id"]], "customSettings": settings},
        expect=201,
    )
    announcement = ur.ok("POST", f"/psps/{psp['id']}/announcements", {"content": "Planned"}, expect=201)
    for status in ("DOWN", "UP"):  # one incident, from the monitor's history
        ur.sandbox.control(
            "uptimerobot/monitor-status", account=ur.api_key, monitor=monitor["id"], status=status
        )
    [incident] = ur.ok("GET", "/incidents")["data"]
    ur.ok("POST", f"/incidents/{incident['id']}/comments", {"content": "Looking"}, expect=201)
    ids = {"/monitors/{id}": monitor, "/alert-contacts/{id}": contact, "/integrations/{id}": integration}
    ids |= {"/maintenance-windows/{id}": window, "/monitor-groups/{id}": group, "/psps/{id}": psp}
    ids |= {"/incidents/{id}": incident}
    values = {k: v["id"] for k, v in ids.items()}
    return {"ur": ur, "ids": values, "psp": psp["id"], "announcement": announcement["id"]}


GETS = [r for r in ROUTES if r.method == "GET"]


@pytest.mark.parametrize("route", GETS, ids=[r.template for r in GETS])
def test_each_get_answers_its_documented_schema(route: Any, populated: dict[str, Any]) -> None:
    ur: UptimeRobot = populated["ur"]
    base = re.sub(r"/(stats|comments|activity-log|alerts).*$", "", route.template)
    path = route.template.replace("{pspId}", str(populated["psp"]))
    own = populated["announcement"] if "announcements" in path else populated["ids"].get(base, "")
    path = path.replace("{id}", str(own))
    params = {"timeFrame": "DAY"} if route.template == "/monitors/uptime-stats" else {}
    response = ur.call("GET", path, **params)
    assert response.status_code == 200, response.text
    document = response.json()
    schema = spec()["paths"][route.template]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert problems(document, schema) == []
    assert document  # a sample with content, so the item schemas were checked too


def test_the_checker_catches_a_missing_required_field(populated: dict[str, Any]) -> None:
    ur: UptimeRobot = populated["ur"]
    document = ur.ok("GET", f"/monitors/{populated['ids']['/monitors/{id}']}")
    del document["apiKey"]
    document["interval"] = "300"
    schema = spec()["paths"]["/monitors/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    found = problems(document, schema)
    assert "$.apiKey: required, missing" in found and "$.interval: str where the schema says number" in found

"""`vigil drift`: changed fields, objects deleted out of band, unmanaged objects; exit 0 or 2."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

Deployed = dict[str, dict[str, Any]]  # the account's monitors by name, right after `up`

STACK = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
  - {name: Web, url: "http://127.0.0.1:9/", every: 5m}
"""


@pytest.fixture
def deployed(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> Deployed:
    project.write_env("t", STACK)
    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    return {m["friendlyName"]: m for m in uptimerobot.monitors()}


def test_right_after_up_drift_is_clean_every_time(project: ProjectDir, deployed: Deployed) -> None:
    for _ in range(10):
        result = project.vigil("drift", "--env", "t", "--json")
        assert result.exit_code == 0, result
        assert result.json["drifted"] is False and result.json["summary"]["pending"] == 0


def test_a_field_changed_in_the_account_is_reported_with_desired_and_live(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, deployed: dict
) -> None:
    assert uptimerobot.patch(f"/monitors/{deployed['API']['id']}", {"interval": 900}).status_code == 200
    result = project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    [item] = result.json["changed"]
    assert item["name"] == "monitor-api" and item["type"] == "uptimerobot:Monitor"
    assert item["fields"] == [{"field": "interval", "desired": 300, "live": 900}]
    assert result.json["missing"] == [] and result.json["unmanaged"] == []


def test_an_object_deleted_in_the_account_is_missing(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, deployed: dict
) -> None:
    web = deployed["Web"]
    uptimerobot.delete(f"/monitors/{web['id']}").raise_for_status()
    result = project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    assert [(i["name"], i["id"]) for i in result.json["missing"]] == [("monitor-web", str(web["id"]))]


def test_an_object_created_in_the_account_is_unmanaged(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, deployed: dict
) -> None:
    created = uptimerobot.post(
        "/monitors",
        {
            "type": "HTTP",
            "friendlyName": "Clicked together",
            "interval": 300,
            "url": "https://console.example",
            "timeout": 30,
        },
    ).json()
    result = project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    assert [(i["type"], i["name"], i["id"]) for i in result.json["unmanaged"]] == [
        ("uptimerobot:Monitor", "Clicked together", str(created["id"]))
    ]
    assert result.json["changed"] == [] and result.json["missing"] == []


def test_a_stack_change_is_pending_not_drift(project: ProjectDir, deployed: Deployed) -> None:
    project.write_env("t", STACK.replace("every: 5m}\n  - {name: Web", "every: 10m}\n  - {name: Web"))
    result = project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 0, result
    assert result.json["drifted"] is False
    assert [c["name"] for c in result.json["pending"]] == ["monitor-api"]


def test_fix_removes_the_drift(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, deployed: Deployed
) -> None:
    assert uptimerobot.patch(f"/monitors/{deployed['API']['id']}", {"interval": 900}).status_code == 200
    fixed = project.vigil("drift", "--env", "t", "--fix", "--yes", "--json")
    assert fixed.exit_code == 0, fixed
    assert {m["friendlyName"]: m["interval"] for m in uptimerobot.monitors()} == {"API": 300, "Web": 300}
    assert project.vigil("drift", "--env", "t").exit_code == 0


def _monitor_inputs(project: ProjectDir) -> dict[str, dict[str, Any]]:
    [state_file] = (project.root.parent / "state" / ".pulumi" / "stacks").rglob("t.json")
    resources = json.loads(state_file.read_text())["checkpoint"]["latest"]["resources"]
    return {  # __provider is a secret: its ciphertext changes with every save
        r["urn"]: {k: v for k, v in r["inputs"].items() if k != "__provider"}
        for r in resources
        if r["type"].endswith("uptimerobot:Monitor")
    }


def test_a_refresh_that_finds_nothing_keeps_the_stacks_inputs(
    project: ProjectDir, deployed: Deployed
) -> None:
    before = _monitor_inputs(project)
    assert len(before) == 2
    assert project.vigil("refresh", "--env", "t", "--yes").exit_code == 0
    assert _monitor_inputs(project) == before
    assert project.vigil("drift", "--env", "t").exit_code == 0

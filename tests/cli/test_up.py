"""`vigil up` / `preview` / `destroy` through the real Pulumi engine against the Uptime Robot emulator."""

from __future__ import annotations

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""

TWO_MONITORS = ONE_MONITOR + '  - {name: Frontend, url: "http://127.0.0.1:9/", every: 10m}\n'


def test_up_creates_the_monitor_in_the_account(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", ONE_MONITOR)
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    monitors = uptimerobot.monitors()
    assert [(m["friendlyName"], m["url"], m["interval"], m["type"]) for m in monitors] == [
        ("API", "http://127.0.0.1:9/health", 300, "HTTP")
    ]
    created = sorted((c["op"], c["type"], c["name"]) for c in result.json["changes"])
    # the monitor only: the components that group the stack's uptime side are no objects of an account
    assert created == [("create", "uptimerobot:Monitor", "monitor-api")]
    assert result.json["summary"] == {"create": 1, "update": 0, "replace": 0, "delete": 0}
    assert "vigil:" not in result.stderr


def test_preview_right_after_up_has_no_changes(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", TWO_MONITORS)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    result = project.vigil("preview", "--env", "t", "--expect-no-changes", "--json")
    assert result.exit_code == 0, result
    assert result.json["has_changes"] is False and result.json["changes"] == []


def test_changed_interval_previews_as_that_field_and_updates_in_place(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [before] = uptimerobot.monitors()
    project.write_env("t", ONE_MONITOR.replace("every: 5m", "every: 15m"))

    preview = project.vigil("preview", "--env", "t", "--expect-no-changes", "--json")
    assert preview.exit_code == 2, preview
    [change] = preview.json["changes"]
    assert change["op"] == "update" and change["name"] == "monitor-api"
    assert [(f["field"], f["old"], f["new"]) for f in change["fields"]] == [("interval", 300, 900)]

    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [after] = uptimerobot.monitors()
    assert after["id"] == before["id"] and after["interval"] == 900


def test_removing_a_monitor_deletes_it_and_destroy_empties_the_account(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", TWO_MONITORS)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert len(uptimerobot.monitors()) == 2
    project.write_env("t", ONE_MONITOR)
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    assert [m["friendlyName"] for m in uptimerobot.monitors()] == ["API"]
    assert project.vigil("destroy", "--env", "t", "--yes").exit_code == 0
    assert uptimerobot.monitors() == []


def test_a_change_made_in_the_account_shows_on_a_refreshing_preview(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [monitor] = uptimerobot.monitors()
    assert uptimerobot.patch(f"/monitors/{monitor['id']}", {"interval": 600}).status_code == 200

    plain = project.vigil("preview", "--env", "t", "--json")
    assert plain.json["changes"] == []  # without --refresh, state still says 300
    refreshed = project.vigil("preview", "--env", "t", "--refresh", "--json")
    assert refreshed.exit_code == 0, refreshed
    [change] = refreshed.json["changes"]
    assert [(f["field"], f["old"], f["new"]) for f in change["fields"]] == [("interval", 600, 300)]


def test_up_without_yes_and_without_terminal_needs_confirmation(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", ONE_MONITOR)
    result = project.vigil("up", "--env", "t", "--json")
    assert result.exit_code == 3, result
    assert "--yes" in result.json["error"]["hint"]
    assert uptimerobot.monitors() == []

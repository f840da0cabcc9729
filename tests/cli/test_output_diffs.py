"""Diffs in the units a stack is written in, "known after apply" for values the apply computes, and
tables that are never cut when stdout is not a terminal."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


@pytest.mark.engine
def test_an_interval_change_reads_in_minutes(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", ONE_MONITOR)
    created = project.vigil("preview", "--env", "t")
    assert created.exit_code == 0, created
    assert "    interval: 5m\n" in created.stdout
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    project.write_env("t", ONE_MONITOR.replace("every: 5m", "every: 10m"))
    changed = project.vigil("preview", "--env", "t")
    assert changed.exit_code == 0, changed
    assert "    interval: 5m → 10m\n" in changed.stdout
    as_json = project.vigil("preview", "--env", "t", "--json")  # tools keep the API's seconds
    [change] = as_json.json["changes"]
    assert [(f["field"], f["old"], f["new"]) for f in change["fields"]] == [("interval", 300, 600)]


def _rendered(render: object, *args: object) -> str:
    from vigil.render.console import Output

    captured = io.StringIO()
    with redirect_stdout(captured):
        render(Output(), *args)  # type: ignore[operator]
    return captured.getvalue()


def test_a_value_the_apply_computes_is_known_after_apply() -> None:
    from vigil.core.inputs import UNKNOWN_WIRE
    from vigil.engine.changes import FieldChange, ResourceChange
    from vigil.render.changes import render_change

    change = ResourceChange(
        "urn:t",
        "uptimerobot:Monitor",
        "monitor-api",
        "update",
        fields=[
            FieldChange("alert_contacts", ["1"], [UNKNOWN_WIRE]),
            FieldChange("status_page_id", "7", UNKNOWN_WIRE),
            FieldChange("timeout", 30, 90),
        ],
    )
    text = _rendered(render_change, change)
    assert UNKNOWN_WIRE not in text
    assert '    alert_contacts: ["1"] → ["known after apply"]\n' in text
    assert "    status_page_id: 7 → known after apply\n" in text
    assert "    timeout: 30s → 90s\n" in text


@pytest.mark.parametrize(
    ("seconds", "shown"), [(300, "5m"), (5400, "90m"), (3600, "1h"), (86400, "1d"), (45, "45s")]
)
def test_durations_use_the_largest_whole_unit(seconds: int, shown: str) -> None:
    from vigil.render.changes import duration

    assert duration(seconds) == shown


def test_a_table_is_never_cut_when_stdout_is_not_a_terminal() -> None:
    from vigil.render.outputs import render_outputs_table

    long_value = "https://status.example.com/" + "x" * 400
    text = _rendered(render_outputs_table, [("STATUS_PAGE_URL_SHOP", long_value)])
    [header, row] = text.splitlines()
    assert header.split() == ["setting", "value"]
    assert row.split() == ["STATUS_PAGE_URL_SHOP", long_value]
    assert "…" not in text


@pytest.mark.engine
def test_drift_reads_in_the_stacks_units(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    [monitor] = uptimerobot.monitors()
    assert uptimerobot.patch(f"/monitors/{monitor['id']}", {"interval": 900}).status_code == 200
    result = project.vigil("drift", "--env", "t")
    assert result.exit_code == 2, result
    assert "    interval: live 15m, stack wants 5m\n" in result.stdout

"""The field tables and the two rules every resource shares (core/fields.py), and the bounded wait."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from vigil.alerts.alert import AlertArgs, AlertProvider
from vigil.alerts.client_key import ClientKeyArgs, ClientKeyProvider
from vigil.alerts.dashboard import DashboardArgs, DashboardProvider
from vigil.alerts.metric_monitor import MetricMonitorArgs, MetricMonitorProvider
from vigil.alerts.project import ProjectArgs, ProjectProvider
from vigil.alerts.slack_channel import SlackChannelArgs, SlackChannelProvider
from vigil.alerts.team import TeamArgs, TeamProvider
from vigil.core.fields import Field, Table, as_id, as_int, changed_fields, is_whole
from vigil.core.policy import wait_until
from vigil.core.provider import Provider
from vigil.monitors.alert_contact import AlertContactArgs, AlertContactProvider
from vigil.monitors.integration import IntegrationArgs, IntegrationProvider
from vigil.monitors.maintenance_window import MaintenanceWindowArgs, MaintenanceWindowProvider
from vigil.monitors.monitor import MonitorArgs, MonitorProvider
from vigil.monitors.status_page import StatusPageArgs, StatusPageProvider

RESOURCES: list[tuple[type[Any], Provider]] = [
    (MonitorArgs, MonitorProvider()),
    (AlertContactArgs, AlertContactProvider()),
    (IntegrationArgs, IntegrationProvider()),
    (StatusPageArgs, StatusPageProvider()),
    (MaintenanceWindowArgs, MaintenanceWindowProvider()),
    (TeamArgs, TeamProvider()),
    (ProjectArgs, ProjectProvider()),
    (ClientKeyArgs, ClientKeyProvider()),
    (MetricMonitorArgs, MetricMonitorProvider()),
    (AlertArgs, AlertProvider()),
    (DashboardArgs, DashboardProvider()),
    (SlackChannelArgs, SlackChannelProvider()),
]


@pytest.mark.parametrize(("args", "provider"), RESOURCES, ids=lambda r: getattr(r, "__name__", ""))
def test_every_resource_declares_one_table_naming_each_of_its_fields_once(
    args: type[Any], provider: Provider
) -> None:
    assert isinstance(provider, Provider)
    assert provider.table.names == tuple(f.name for f in fields(args))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        (" 12.0 ", 12),
        ("12.5", "12.5"),
        (12.5, 12.5),
        ("x", "x"),
        (True, True),
    ],
)
def test_as_int_turns_every_whole_number_into_an_int_and_leaves_the_rest(value: Any, expected: Any) -> None:
    assert as_int(value) == expected and type(as_int(value)) is type(expected)


def test_whole_numbers_and_ids_follow_the_same_rule() -> None:
    assert is_whole("12.0") and is_whole(12.0) and not is_whole(True) and not is_whole("1e")
    assert as_id(4500000001.0) == "4500000001" and as_id("12.0") == "12" and as_id("abc") == "abc"


def test_diff_treats_a_none_or_absent_old_value_as_missing_and_never_normalises_it() -> None:
    table = Table((Field("name", norm=lambda v: str(v).strip()), Field("tags", norm=sorted)))
    news = {"name": "api", "tags": ["b", "a"]}
    # None in the state and no key at all are the same: the live object lacks the field
    assert changed_fields(table.normalise, {"name": None, "tags": ["a", "b"]}, news) == ["name"]
    assert changed_fields(table.normalise, {"tags": ["a", "b"]}, news) == ["name"]
    # a field the stack leaves None is not managed: never a change, whatever the state holds
    assert (
        changed_fields(table.normalise, {"name": " api ", "tags": None}, {"name": "api", "tags": None}) == []
    )


def test_the_same_none_rule_holds_in_every_provider_diff() -> None:
    olds = {"slug": "core", "name": None}
    news = {"slug": "core", "name": "Core"}
    assert TeamProvider().diff("1", olds, news).changes is True
    assert TeamProvider().diff("1", {"slug": "core"}, news).changes is True
    assert (
        TeamProvider().diff("1", {"slug": "core", "name": "x"}, {"slug": "core", "name": None}).changes
        is False
    )


def test_bounds_and_choices_are_checked_from_the_table_with_the_fix() -> None:
    table = Table((Field("timeout", type="int", bounds=(0, 60), hint="use 60 or less"),), bounds_label="X's ")
    assert table.problems({"timeout": 61}) == [("timeout", "timeout 61 is outside X's 0..60; use 60 or less")]
    assert table.problems({"timeout": "ten"})[0][1].startswith("timeout 'ten' is not an int")
    assert table.problems({"timeout": 30.0}) == []


def test_an_api_error_path_names_the_stack_field() -> None:
    table = MetricMonitorProvider.table
    assert table.stack_field("dataSources.timeWindow") == "time_window"
    assert table.stack_field("dataSources[0].aggregate") == "aggregate"
    assert table.stack_field("owner") == "owner_team_id"


def test_the_bounded_wait_reads_at_most_its_budget_and_returns_the_last_read() -> None:
    reads: list[int] = []

    def fetch() -> int:
        reads.append(len(reads))
        return len(reads)

    assert wait_until(fetch, lambda n: n >= 3, reads=5, delay_s=0.0) == 3 and len(reads) == 3
    reads.clear()
    assert wait_until(fetch, lambda n: n >= 99, reads=4, delay_s=0.0) == 4 and len(reads) == 4

"""Alert contacts, integrations, status pages and maintenance windows, through their providers."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from tests.conftest import SandboxApi, UptimeRobotAccount
from vigil.core.errors import NotFound
from vigil.core.uptimerobot import forget_snapshots
from vigil.monitors.alert_contact import AlertContactProvider
from vigil.monitors.collection import UptimeRobotProvider
from vigil.monitors.integration import IntegrationProvider
from vigil.monitors.maintenance_window import MaintenanceWindowProvider
from vigil.monitors.monitor import MonitorProvider
from vigil.monitors.status_page import StatusPageProvider

PROVIDER = {"__provider": "serialized-provider"}
WEBHOOK = "https://hooks.slack.com/services/T0SANDBOX/B0SANDBOX/verysecretpart123"


def checked(provider: UptimeRobotProvider, **fields: Any) -> dict[str, Any]:
    result = provider.check({}, {**PROVIDER, **fields})
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def failures(provider: UptimeRobotProvider, **fields: Any) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, {**PROVIDER, **fields}).failures}


def round_trip(provider: UptimeRobotProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """create → read (new process) → the same inputs show no change."""
    created = provider.create(news)
    forget_snapshots()
    read = provider.read(created.id, created.outs)
    assert read.id == created.id
    assert provider.diff(created.id, read.outs, news).changes is False, read.outs
    return created.id, dict(read.outs)


def get(account: UptimeRobotAccount, path: str) -> list[dict[str, Any]]:
    return list(account.get(path).json()["data"])


# --- alert contacts ------------------------------------------------------------------------------
def test_alert_contact_lifecycle(uptimerobot: UptimeRobotAccount) -> None:
    provider = AlertContactProvider()
    news = checked(provider, name="On-call", value="OnCall@Example.com", notify_on="down")
    contact_id, outs = round_trip(provider, news)
    assert outs["contact_id"] == contact_id and outs["value"] == "oncall@example.com"
    renamed = checked(provider, name="On-call team", value="oncall@example.com", notify_on="Down")
    assert provider.diff(contact_id, outs, renamed).replaces == []
    updated = provider.update(contact_id, outs, renamed)
    assert updated.outs["name"] == "On-call team"
    assert [c["friendlyName"] for c in get(uptimerobot, "/alert-contacts")] == ["On-call team"]
    provider.delete(contact_id, updated.outs)
    assert get(uptimerobot, "/alert-contacts") == []


def test_changing_a_contact_address_replaces_it() -> None:
    olds = {**PROVIDER, "name": "x", "type": "email", "value": "a@example.com", "contact_id": "1"}
    news = {**PROVIDER, "name": "x", "type": "email", "value": "b@example.com"}
    assert AlertContactProvider().diff("1", olds, news).replaces == ["value"]


def test_a_contact_create_adopts_the_same_address(uptimerobot: UptimeRobotAccount) -> None:
    provider = AlertContactProvider()
    first = provider.create(checked(provider, name="a", value="ops@example.com"))
    forget_snapshots()
    second = provider.create(checked(provider, name="a", value="ops@example.com"))
    assert first.id == second.id and len(get(uptimerobot, "/alert-contacts")) == 1


def test_contact_check_names_field_and_fix() -> None:
    found = failures(AlertContactProvider(), name="x", value="not-an-address")
    assert "value" in found and "e-mail" in found["value"]
    assert "type" in failures(AlertContactProvider(), name="x", value="a@b.co", type="sms")
    assert failures(AlertContactProvider(), name=Unknown(), value=Unknown()) == {}


# --- integrations ----------------------------------------------------------------------------------
def test_slack_integration_lifecycle_keeps_the_webhook_secret(uptimerobot: UptimeRobotAccount) -> None:
    provider = IntegrationProvider()
    news = checked(provider, name="Slack #incidents", type="slack", webhook_url=WEBHOOK, channel="incidents")
    assert news["channel"] == "#incidents"
    integration_id, outs = round_trip(provider, news)
    assert outs["webhook_url"] == WEBHOOK and outs["integration_id"] == integration_id
    [live] = get(uptimerobot, "/integrations")
    assert live["type"] == "Slack" and live["customValue"] == "#incidents"
    moved = checked(provider, name="Slack #ops", type="slack", webhook_url=WEBHOOK, channel="#ops")
    updated = provider.update(integration_id, outs, moved)
    assert updated.outs["channel"] == "#ops"
    provider.delete(integration_id, updated.outs)
    assert get(uptimerobot, "/integrations") == []


def test_webhook_integration_round_trips(uptimerobot: UptimeRobotAccount) -> None:
    provider = IntegrationProvider()
    news = checked(
        provider,
        name="pager",
        type="webhook",
        webhook_url="https://example.com/hook?key=s3cr3t",
        post_value="{}",
    )
    round_trip(provider, news)


def test_integration_errors_never_show_the_webhook_url(uptimerobot: UptimeRobotAccount) -> None:
    found = failures(IntegrationProvider(), name="s", type="slack", webhook_url="hooks.slack.com/x/secretish")
    assert "webhook_url" in found and "secretish" not in found["webhook_url"]
    provider = IntegrationProvider()
    news = checked(provider, name="s", type="slack", webhook_url=WEBHOOK, channel="#a")
    created = provider.create(news)
    provider.delete(created.id, created.outs)
    with pytest.raises(NotFound) as caught:
        provider.update(created.id, created.outs, news)  # gone: the API says 404
    assert "verysecretpart123" not in str(caught.value) and "integration 's'" in str(caught.value)


def test_an_integration_type_change_replaces() -> None:
    olds = {**PROVIDER, "name": "x", "type": "slack", "webhook_url": WEBHOOK, "channel": "#a"}
    news = {**PROVIDER, "name": "x", "type": "webhook", "webhook_url": WEBHOOK}
    assert IntegrationProvider().diff("1", olds, news).replaces == ["type"]


# --- status pages ------------------------------------------------------------------------------------
def test_status_page_lifecycle_keeps_the_write_only_password(uptimerobot: UptimeRobotAccount) -> None:
    monitors = MonitorProvider()
    monitor = monitors.create(
        monitors.check(
            {}, {**PROVIDER, "name": "api", "type": "http", "interval": 300, "url": "https://e.com/h"}
        ).inputs
    )
    provider = StatusPageProvider()
    news = checked(
        provider,
        name="Conductor status",
        monitor_ids=[monitor.id],
        custom_domain="Status.Example.com",
        password="page-secret-99",
        sort="friendlynameasc",
        hide_url_links=True,
        no_index=True,
    )
    page_id, outs = round_trip(provider, news)
    assert outs["password"] == "page-secret-99" and outs["password_set"] is True
    assert outs["url"] == "https://status.example.com" and outs["sort"] == "FriendlyNameAsc"
    assert str(outs["standard_url"]).startswith("https://stats.uptimerobot.com/")
    everything = checked(provider, name="Conductor status", all_monitors=True, password="page-secret-99")
    assert provider.diff(page_id, outs, everything).changes is True
    updated = provider.update(page_id, outs, everything)
    assert updated.outs["monitor_ids"] == ["0"]
    provider.delete(page_id, updated.outs)
    assert get(uptimerobot, "/psps") == []


def test_status_page_check_rejects_a_url_as_domain() -> None:
    found = failures(StatusPageProvider(), name="s", custom_domain="https://status.example.com/")
    assert "custom_domain" in found and "status.example.com" in found["custom_domain"]
    assert "sort" in failures(StatusPageProvider(), name="s", sort="random")


def test_string_booleans_from_the_api_do_not_diff() -> None:
    olds = {**PROVIDER, "name": "s", "hide_url_links": "true", "no_index": "false", "status_page_id": "1"}
    news = {**PROVIDER, "name": "s", "hide_url_links": True, "no_index": False}
    assert StatusPageProvider().diff("1", olds, news).changes is False


# --- maintenance windows -----------------------------------------------------------------------------
def test_maintenance_window_lifecycle(uptimerobot: UptimeRobotAccount) -> None:
    provider = MaintenanceWindowProvider()
    news = checked(provider, name="deploys", interval="weekly", time="02:00", duration=30.0, days=[7, 2])
    assert news["time"] == "02:00:00" and news["days"] == [2, 7] and news["duration"] == 30
    window_id, outs = round_trip(provider, news)
    longer = checked(provider, name="deploys", interval="weekly", time="02:00:00", duration=60, days=[2, 7])
    updated = provider.update(window_id, outs, longer)
    assert updated.outs["duration"] == 60 and get(uptimerobot, "/maintenance-windows")[0]["duration"] == 60
    provider.delete(window_id, updated.outs)
    assert get(uptimerobot, "/maintenance-windows") == []


def test_maintenance_window_check_rejects_days_the_api_would_drop() -> None:
    found = failures(
        MaintenanceWindowProvider(), name="w", interval="weekly", time="02:00:00", duration=30, days=[8]
    )
    assert "days" in found and "1..7" in found["days"]
    assert "date" in failures(
        MaintenanceWindowProvider(), name="w", interval="once", time="02:00:00", duration=5
    )
    assert (
        failures(
            MaintenanceWindowProvider(),
            name="w",
            interval=Unknown(),
            time=Unknown(),
            duration=Unknown(),
            days=Unknown(),
        )
        == {}
    )


def test_a_vanished_window_reads_as_gone(uptimerobot: UptimeRobotAccount) -> None:
    provider = MaintenanceWindowProvider()
    created = provider.create(checked(provider, name="w", interval="daily", time="03:00:00", duration=10))
    provider.delete(created.id, created.outs)
    forget_snapshots()
    read = provider.read(created.id, created.outs)
    assert read.id == "" and read.outs == {}


def test_reads_of_contacts_are_batched(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    provider = AlertContactProvider()
    created = [provider.create(checked(provider, name=f"c{i}", value=f"c{i}@example.com")) for i in range(5)]
    forget_snapshots()
    sandbox.control("requests", service="uptimerobot", account=uptimerobot.api_key)
    for result in created:
        assert provider.read(result.id, result.outs).id == result.id
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert made["list_alert_contacts"] == 1 and made.get("get_alert_contact", 0) == 0

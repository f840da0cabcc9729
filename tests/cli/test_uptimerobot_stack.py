"""Every Uptime Robot resource type through the real engine: create, update, replace, delete, drift."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

STACK_MODULE = """
from vigil.spec import *
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    contacts = [EmailContact(name=c.name, email=c.email) for c in values.get("emails", [])]
    if values.get("slack_channel"):
        contacts.append(SlackWebhook(name="slack", url=env_secret("TEST_SLACK_WEBHOOK"), channel=values.slack_channel))
    monitors = [HttpMonitor(name="API", url="http://127.0.0.1:9/api", every="5m", alert=tuple(values.get("alert", []))),
                KeywordMonitor(name="AI", url="http://127.0.0.1:9/ai", keyword="healthy", every="10m"),
                PortMonitor(name="DB", host="127.0.0.1", port=values.get("db_port", 27017), every="5m")]
    page = StatusPage(name="Status", domain=values.get("domain"), password=env_secret("TEST_PSP_PASSWORD"))
    window = MaintenanceWindow(name="Nightly", repeat=values.get("repeat", "daily"), start="02:00",
                               duration="30m", days=tuple(values.get("days", [])))
    return Stack(app="t", env=env, uptime_plan="team", blocks=[contacts, monitors, page, window])
"""

BASE = """
app: full
emails: [{name: ops, email: ops@example.com}]
slack_channel: "#incidents"
alert: [ops, slack]
domain: status.example.com
"""


@pytest.fixture
def full(project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> ProjectDir:
    (project.root / "stacks" / "full.py").write_text(STACK_MODULE)
    monkeypatch.setenv(
        "TEST_SLACK_WEBHOOK", "https://hooks.example.invalid/services/T0/B0/sandbox-test-token"
    )
    monkeypatch.setenv("TEST_PSP_PASSWORD", "psp-password-not-a-real-one")
    return project


def listing(account: UptimeRobotAccount, path: str) -> list[dict[str, Any]]:
    return list(account.get(path).json()["data"])


def test_full_stack_creates_every_resource_type(full: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    full.write_env("t", BASE)
    result = full.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    [contact] = listing(uptimerobot, "/alert-contacts")
    [slack] = listing(uptimerobot, "/integrations")
    assert (contact["type"], contact["value"]) == ("Email", "ops@example.com")
    assert (slack["type"], slack["customValue"]) == ("Slack", "#incidents")
    monitors = {m["friendlyName"]: m for m in uptimerobot.monitors()}
    assert sorted(monitors) == ["AI", "API", "DB"]
    # v3 reads give alertContactId as a number (MonitorDto)
    assert {c["alertContactId"] for c in monitors["API"]["assignedAlertContacts"]} == {
        contact["id"],
        slack["id"],
    }
    assert monitors["AI"]["keywordValue"] == "healthy" and monitors["DB"]["port"] == 27017
    [page] = listing(uptimerobot, "/psps")
    assert page["customDomain"] == "status.example.com" and page["isPasswordSet"] is True
    assert sorted(page["monitorIds"]) == sorted(m["id"] for m in monitors.values())
    [window] = listing(uptimerobot, "/maintenance-windows")
    assert (window["interval"], window["time"], window["duration"]) == ("daily", "02:00:00", 30)
    clean = full.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
    assert clean.exit_code == 0, clean
    secret_values = ("sandbox-test-token", "psp-password-not-a-real-one")
    for text in (result.stdout, result.stderr, clean.stdout):
        assert not any(value in text for value in secret_values)


def test_in_place_updates_and_replacements(full: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    full.write_env("t", BASE)
    assert full.vigil("up", "--env", "t", "--yes").exit_code == 0
    before = {m["friendlyName"]: m["id"] for m in uptimerobot.monitors()}
    [page_before] = listing(uptimerobot, "/psps")
    [contact_before] = listing(uptimerobot, "/alert-contacts")
    changed = BASE.replace("status.example.com", "status2.example.com").replace(
        "ops@example.com", "oncall@example.com"
    )
    full.write_env("t", changed + "db_port: 5432\nrepeat: weekly\ndays: [1, 3]\n")
    preview = full.vigil("preview", "--env", "t", "--json")
    ops = {c["name"]: c["op"] for c in preview.json["changes"]}
    assert ops["contact-ops"] == "replace"  # an e-mail address cannot change in place
    assert ops["status-status-page"] == "update" and ops["monitor-db"] == "update"
    result = full.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    after = {m["friendlyName"]: m for m in uptimerobot.monitors()}
    assert {k: v["id"] for k, v in after.items()} == before  # updated in place
    assert after["DB"]["port"] == 5432
    [page_after] = listing(uptimerobot, "/psps")
    assert page_after["id"] == page_before["id"] and page_after["customDomain"] == "status2.example.com"
    [contact_after] = listing(uptimerobot, "/alert-contacts")
    assert contact_after["id"] != contact_before["id"] and contact_after["value"] == "oncall@example.com"
    assigned = {c["alertContactId"] for c in after["API"]["assignedAlertContacts"]}
    assert assigned == {contact_after["id"], listing(uptimerobot, "/integrations")[0]["id"]}
    [window] = listing(uptimerobot, "/maintenance-windows")
    assert (window["interval"], window["days"]) == ("weekly", [1, 3])


@pytest.fixture
def deployed(full: ProjectDir, uptimerobot: UptimeRobotAccount) -> dict[str, dict[str, Any]]:
    """BASE is up: the one object of each collection, as the account holds it, by its path."""
    full.write_env("t", BASE)
    assert full.vigil("up", "--env", "t", "--yes").exit_code == 0
    found = {}
    for path in ("/psps", "/maintenance-windows", "/alert-contacts", "/integrations"):
        [found[path]] = listing(uptimerobot, path)
    return found


def test_drift_on_each_resource_type_shows_on_a_refreshing_preview(
    full: ProjectDir, uptimerobot: UptimeRobotAccount, deployed: dict[str, dict[str, Any]]
) -> None:
    page, window, contact = deployed["/psps"], deployed["/maintenance-windows"], deployed["/alert-contacts"]
    assert uptimerobot.patch(f"/psps/{page['id']}", {"customDomain": "evil.example.com"}).status_code == 200
    assert uptimerobot.patch(f"/maintenance-windows/{window['id']}", {"duration": 90}).status_code == 200
    assert (
        uptimerobot.patch(f"/alert-contacts/{contact['id']}", {"friendlyName": "renamed"}).status_code == 200
    )
    result = full.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    changed = {item["name"]: item["fields"] for item in result.json["changed"]}
    assert changed["status-status-page"] == [
        {"field": "custom_domain", "desired": "status.example.com", "live": "evil.example.com"}
    ]
    assert changed["maintenance-nightly-window"] == [{"field": "duration", "desired": 30, "live": 90}]
    assert changed["contact-ops"] == [{"field": "name", "desired": "ops", "live": "renamed"}]


def test_drift_reports_each_type_deleted_out_of_band_and_each_type_made_by_hand(
    full: ProjectDir, uptimerobot: UptimeRobotAccount, deployed: dict[str, dict[str, Any]]
) -> None:
    for path, doc in deployed.items():
        assert uptimerobot.delete(f"{path}/{doc['id']}").status_code in (200, 204), path
    page, window = deployed["/psps"], deployed["/maintenance-windows"]
    contact, slack = deployed["/alert-contacts"], deployed["/integrations"]
    made: dict[str, dict[str, Any]] = {
        "/alert-contacts": {"type": "Email", "value": "someone@example.com", "friendlyName": "by-hand"},
        "/psps": {"friendlyName": "Hand page"},
        "/maintenance-windows": {
            "name": "Hand window",
            "interval": "once",
            "time": "03:00:00",
            "duration": 10,
        },
    }
    for path, body in made.items():
        assert uptimerobot.post(path, body).status_code in (200, 201), path
    result = full.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 2, result
    missing = sorted((i["type"], i["name"], i["id"]) for i in result.json["missing"])
    assert missing == [
        ("uptimerobot:AlertContact", "contact-ops", str(contact["id"])),
        ("uptimerobot:Integration", "slack-slack", str(slack["id"])),
        ("uptimerobot:MaintenanceWindow", "maintenance-nightly-window", str(window["id"])),
        ("uptimerobot:StatusPage", "status-status-page", str(page["id"])),
    ]
    unmanaged = sorted((i["type"], i["name"]) for i in result.json["unmanaged"])
    assert unmanaged == [
        ("uptimerobot:AlertContact", "by-hand"),
        ("uptimerobot:MaintenanceWindow", "Hand window"),
        ("uptimerobot:StatusPage", "Hand page"),
    ]


def test_destroy_removes_everything(full: ProjectDir, uptimerobot: UptimeRobotAccount) -> None:
    full.write_env("t", BASE)
    assert full.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert full.vigil("destroy", "--env", "t", "--yes").exit_code == 0
    for path in ("/monitors", "/alert-contacts", "/integrations", "/psps", "/maintenance-windows"):
        assert listing(uptimerobot, path) == [], path

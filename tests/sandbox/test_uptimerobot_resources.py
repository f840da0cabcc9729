"""The Uptime Robot v3 emulator over real HTTP: alert contacts, integrations, status pages,
maintenance windows, tags, monitor groups and the account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SandboxApi
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, http_monitor, new_account

SLACK = {"webhookURL": "https://hooks.slack.com/services/T0/B0/secret", "customValue": "#incidents"}
WINDOW = {
    "name": "deploys",
    "interval": "weekly",
    "date": "2030-01-07",
    "time": "03:30:00",
    "duration": 45,
    "days": [1, 3],
}


@pytest.fixture
def ur(sandbox: SandboxApi) -> UptimeRobot:
    return new_account(sandbox)


# --- personal alert contacts ----------------------------------------------------------------------
def test_an_email_contact_takes_a_number_and_reads_a_string(ur: UptimeRobot) -> None:
    body = {"type": "Email", "friendlyName": "Ops", "value": "ops@example.com", "enableNotificationsFor": 1}
    created = ur.ok("POST", "/alert-contacts", body, expect=201)
    read = ur.ok("GET", f"/alert-contacts/{created['id']}")
    assert read["enableNotificationsFor"] == "Down" and read["value"] == "ops@example.com"
    assert read["status"] == "Active" and read["type"] == "Email"
    assert [c["id"] for c in ur.ok("GET", "/alert-contacts")["data"]] == [created["id"]]


def test_a_contact_patch_takes_only_its_four_fields(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "a@example.com"}, expect=201)
    ur.ok(
        "PATCH",
        f"/alert-contacts/{created['id']}",
        {"friendlyName": "On call", "enableNotificationsFor": 3, "isActive": False},
    )
    read = ur.ok("GET", f"/alert-contacts/{created['id']}")
    assert (read["friendlyName"], read["enableNotificationsFor"], read["status"]) == (
        "On call",
        "None",
        "Paused",
    )
    refused = ur.call("PATCH", f"/alert-contacts/{created['id']}", {"value": "b@example.com"})
    assert refused.status_code == 400 and refused.json()["message"] == ["property value should not exist"]


def test_a_bad_email_is_a_validation_error(ur: UptimeRobot) -> None:
    response = ur.call("POST", "/alert-contacts", {"type": "Email", "value": "not-an-email"})
    assert response.status_code == 400 and response.json()["message"] == ["value must be an email"]


def test_deleting_a_contact_answers_200_then_404(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "a@example.com"}, expect=201)
    assert ur.call("DELETE", f"/alert-contacts/{created['id']}").status_code == 200
    assert ur.call("GET", f"/alert-contacts/{created['id']}").json()["code"] == "000-004"


def test_user_contact_lists_are_plain_arrays(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "a@example.com"}, expect=201)
    assert [c["id"] for c in ur.ok("GET", "/user/alert-contacts")] == [created["id"]]
    [group] = ur.ok("GET", "/user/all-alert-contacts")
    assert [c["id"] for c in group["alertContacts"]] == [created["id"]]


# --- integrations ---------------------------------------------------------------------------------
def test_a_slack_integration_round_trips(ur: UptimeRobot) -> None:
    created = ur.ok(
        "POST", "/integrations", {"type": "Slack", "data": {**SLACK, "friendlyName": "Slack"}}, expect=201
    )
    read = ur.ok("GET", f"/integrations/{created['id']}")
    assert (read["type"], read["value"], read["customValue"]) == ("Slack", SLACK["webhookURL"], "#incidents")
    assert read["enableNotificationsFor"] == "UpAndDown"
    assert [i["id"] for i in ur.ok("GET", "/integrations")["data"]] == [created["id"]]


def test_a_duplicate_integration_is_409(ur: UptimeRobot) -> None:
    ur.ok("POST", "/integrations", {"type": "Slack", "data": SLACK}, expect=201)
    response = ur.call("POST", "/integrations", {"type": "Slack", "data": SLACK})
    assert response.status_code == 409 and len(ur.ok("GET", "/integrations")["data"]) == 1


def test_an_integration_patch_must_repeat_its_type(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/integrations", {"type": "Slack", "data": SLACK}, expect=201)
    refused = ur.call("PATCH", f"/integrations/{created['id']}", {"data": {"customValue": "#other"}})
    assert refused.status_code == 400
    ur.ok("PATCH", f"/integrations/{created['id']}", {"type": "Slack", "data": {"customValue": "#other"}})
    assert ur.ok("GET", f"/integrations/{created['id']}")["customValue"] == "#other"


def test_a_webhook_integration_keeps_its_headers(ur: UptimeRobot) -> None:
    data = {
        "urlToNotify": "https://hooks.example.com/ur",
        "postValue": '{"m": "*monitorFriendlyName*"}',
        "sendAsJSON": True,
        "customHeaders": {"X-Token": "t"},
    }
    created = ur.ok("POST", "/integrations", {"type": "Webhook", "data": data}, expect=201)
    read = ur.ok("GET", f"/integrations/{created['id']}")
    assert read["value"] == data["urlToNotify"] and read["customHeaders"] == {"X-Token": "t"}


def test_a_personal_contact_id_is_not_an_integration(ur: UptimeRobot) -> None:
    contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "a@example.com"}, expect=201)
    response = ur.call("GET", f"/integrations/{contact['id']}")
    assert response.status_code == 404 and response.json()["code"] == "021-005"


def test_a_free_plan_lacks_pagerduty(sandbox: SandboxApi) -> None:
    free = new_account(sandbox, "free")
    response = free.call("POST", "/integrations", {"type": "PagerDuty", "data": {"integrationKey": "k"}})
    assert response.status_code == 403 and response.json()["code"] == "021-003"


def test_deleting_an_integration_detaches_it(ur: UptimeRobot) -> None:
    slack = ur.ok("POST", "/integrations", {"type": "Slack", "data": SLACK}, expect=201)
    monitor = ur.ok(
        "POST",
        "/monitors",
        http_monitor(
            assignedAlertContacts=[{"alertContactId": slack["id"], "threshold": 0, "recurrence": 0}]
        ),
        expect=201,
    )
    assert ur.call("DELETE", f"/integrations/{slack['id']}").status_code == 200
    assert ur.ok("GET", f"/monitors/{monitor['id']}")["assignedAlertContacts"] == []


# --- public status pages --------------------------------------------------------------------------
def test_a_status_page_hides_its_password_and_sort(ur: UptimeRobot) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    body = {
        "friendlyName": "Status",
        "monitorIds": [monitor["id"]],
        "password": "s3cret",
        "sort": "FriendlyNameAsc",
        "customDomain": "status.example.com",
    }
    created = ur.ok("POST", "/psps", body, expect=201)
    read = ur.ok("GET", f"/psps/{created['id']}")
    assert read["isPasswordSet"] is True and "password" not in read and "sort" not in read
    assert (
        read["monitorIds"] == [monitor["id"]] and read["monitorsCount"] == 1 and read["status"] == "ENABLED"
    )
    assert [p["id"] for p in ur.ok("GET", f"/monitors/{monitor['id']}")["psps"]] == [created["id"]]


def test_monitor_ids_zero_means_all_monitors(ur: UptimeRobot) -> None:
    for index in range(3):
        ur.ok("POST", "/monitors", http_monitor(f"m{index}"), expect=201)
    created = ur.ok("POST", "/psps", {"friendlyName": "All", "autoAddMonitors": True}, expect=201)
    read = ur.ok("GET", f"/psps/{created['id']}")
    assert read["monitorIds"] == [0] and read["monitorsCount"] == 3


def test_a_status_page_patch_pauses_it_case_insensitively(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/psps", {"friendlyName": "Status"}, expect=201)
    ur.ok("PATCH", f"/psps/{created['id']}", {"status": "paused", "friendlyName": "Renamed"})
    read = ur.ok("GET", f"/psps/{created['id']}")
    assert (read["status"], read["friendlyName"]) == ("PAUSED", "Renamed")
    refused = ur.call("PATCH", f"/psps/{created['id']}", {"status": "OFF"})
    assert refused.status_code == 400 and refused.json()["message"] == ["status must be one of 0, 1"]


def test_deleting_a_status_page_answers_200(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/psps", {"friendlyName": "Status"}, expect=201)
    assert ur.call("DELETE", f"/psps/{created['id']}").status_code == 200
    assert ur.call("GET", f"/psps/{created['id']}").status_code == 404


# --- maintenance windows --------------------------------------------------------------------------
def test_a_maintenance_window_round_trips(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/maintenance-windows", WINDOW, expect=201)
    read = ur.ok("GET", f"/maintenance-windows/{created['id']}")
    assert {k: read[k] for k in WINDOW} == WINDOW and read["status"] == "active"
    ur.ok("PATCH", f"/maintenance-windows/{created['id']}", {"status": "paused", "duration": 60})
    read = ur.ok("GET", f"/maintenance-windows/{created['id']}")
    assert (read["status"], read["duration"], read["days"]) == ("paused", 60, [1, 3])


def test_invalid_days_are_silently_dropped(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/maintenance-windows", {**WINDOW, "days": [0, 1, 8]}, expect=201)
    assert ur.ok("GET", f"/maintenance-windows/{created['id']}")["days"] == [1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time": "25:00"}, "time must be in HH:mm:ss format"),
        (
            {"interval": "hourly"},
            "interval must be one of the following values: once, daily, weekly, monthly",
        ),
        ({"duration": 0}, "duration must not be less than 1"),
    ],
)
def test_maintenance_window_validation(ur: UptimeRobot, change: dict[str, Any], message: str) -> None:
    response = ur.call("POST", "/maintenance-windows", {**WINDOW, **change})
    assert response.status_code == 400 and response.json()["message"] == [message]


def test_deleting_a_maintenance_window_answers_204(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/maintenance-windows", WINDOW, expect=201)
    response = ur.call("DELETE", f"/maintenance-windows/{created['id']}")
    assert response.status_code == 204 and response.content == b""
    assert ur.ok("GET", "/maintenance-windows")["data"] == []


# --- tags, monitor groups, account ----------------------------------------------------------------
def test_deleting_a_tag_removes_it_from_monitors(ur: UptimeRobot) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(tagNames=["prod", "api"]), expect=201)
    prod = next(t for t in ur.ok("GET", "/tags")["data"] if t["name"] == "prod")
    assert ur.call("DELETE", f"/tags/{prod['id']}").status_code == 204
    assert [t["name"] for t in ur.ok("GET", f"/monitors/{monitor['id']}")["tags"]] == ["api"]


def test_a_monitor_group_round_trips_and_deleting_it_ungroups_its_monitors(ur: UptimeRobot) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    group = ur.ok("POST", "/monitor-groups", {"name": "backend", "monitorIds": [monitor["id"]]}, expect=201)
    assert ur.ok("GET", f"/monitors/{monitor['id']}")["groupId"] == group["id"]
    ur.ok("PATCH", f"/monitor-groups/{group['id']}", {"name": "api"})
    assert ur.ok("GET", f"/monitor-groups/{group['id']}")["name"] == "api"
    assert [g["id"] for g in ur.ok("GET", "/monitor-groups")["data"]] == [group["id"]]
    assert ur.call("DELETE", f"/monitor-groups/{group['id']}").status_code == 204
    assert ur.ok("GET", f"/monitors/{monitor['id']}")["groupId"] == 0


def test_me_reports_the_plan_and_its_limits(sandbox: SandboxApi) -> None:
    ur = new_account(sandbox, "solo", monitor_limit=10, email="me@example.com")
    ur.ok("POST", "/monitors", http_monitor(), expect=201)
    me = ur.ok("GET", "/user/me")
    assert (me["email"], me["monitorsCount"], me["monitorLimit"]) == ("me@example.com", 1, 10)
    assert me["activeSubscription"]["plan"] == "solo"
    assert me["activeSubscription"]["rateLimitPerMinute"] == 20  # 2 × monitor limit


def test_an_unknown_account_option_is_refused(sandbox: SandboxApi) -> None:
    import requests

    response = requests.post(
        f"{sandbox.url}/_sandbox/accounts",
        json={"service": "uptimerobot", "plan": "team", "monitors": 3},
        timeout=10,
    )
    assert response.status_code == 400 and "unknown uptimerobot options" in response.json()["error"]


# --- what the contract run at 300 s found (tests/sandbox/test_contract.py --contract-max-time 300) ---
@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"sslExpirationPeriodDays": [7.5]}, "each value in config.sslExpirationPeriodDays must be an integer from 0 to 365"),
        ({"sslExpirationPeriodDays": list(range(11))}, "config.sslExpirationPeriodDays must contain no more than 10 elements"),
        ({"ipVersion": "ipv5"}, "config.ipVersion must be one of the following values: ipv4Only, ipv6Only"),
        ({"applicationErrorRetries": 4}, "config.applicationErrorRetries must be an integer from 0 to 3"),
        ({"apiAssertions": {"logic": "XOR", "checks": []}}, "config.apiAssertions.logic must be one of the following values: AND, OR"),
    ],
)  # fmt: skip
def test_a_monitor_config_is_checked_as_monitor_documents_type_it(
    ur: UptimeRobot, config: dict[str, Any], message: str
) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    response = ur.call("PATCH", f"/monitors/{monitor['id']}", {"config": config})
    assert response.status_code == 400 and response.json()["message"] == [message]
    assert ur.ok("GET", f"/monitors/{monitor['id']}")["config"] == {}


def test_a_whole_float_reads_back_as_an_integer(ur: UptimeRobot) -> None:
    body = http_monitor(timeout=20.0, config={"sslExpirationPeriodDays": [7.0, 14.0]})
    monitor = ur.ok("POST", "/monitors", body, expect=201)
    read = ur.call("GET", f"/monitors/{monitor['id']}").text
    assert '"timeout": 20,' in read and '"sslExpirationPeriodDays": [7, 14]' in read


def test_names_are_never_emptied_on_update(ur: UptimeRobot) -> None:
    contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "a@example.com"}, expect=201)
    refused = ur.call("PATCH", f"/alert-contacts/{contact['id']}", {"friendlyName": ""})
    assert refused.status_code == 400 and refused.json()["message"] == ["friendlyName should not be empty"]
    slack = ur.ok("POST", "/integrations", {"type": "Slack", "data": SLACK}, expect=201)
    body = {"type": "Slack", "data": {"friendlyName": ""}}
    refused = ur.call("PATCH", f"/integrations/{slack['id']}", body)
    assert refused.status_code == 400 and refused.json()["message"] == ["friendlyName should not be empty"]


def test_nulls_are_refused_where_the_documents_have_none(ur: UptimeRobot) -> None:
    window = ur.call("POST", "/maintenance-windows", {**WINDOW, "monitorIds": None})
    assert window.status_code == 400 and window.json()["message"] == ["monitorIds must be an array"]
    storm = ur.call("PATCH", "/monitors/storm-protection", {"config": {"groupPooling": None}})
    assert storm.status_code == 400 and storm.json()["message"] == ["groupPooling must be a boolean value"]
    monitor = ur.call("POST", "/monitors", http_monitor(maintenanceWindowsIds=None))
    assert monitor.status_code == 400 and monitor.json()["message"] == [
        "maintenanceWindowsIds must be an array"
    ]


def test_a_status_page_checks_its_settings_and_images(ur: UptimeRobot) -> None:
    page = ur.ok("POST", "/psps", {"friendlyName": "Status"}, expect=201)
    for change, message in (
        ({"customSettings": {"colors": {"link": "zz"}}}, "customSettings.colors.link must match"),
        ({"gaCode": "UA-1"}, "gaCode must match G-[A-Z0-9]{10} regular expression"),
        ({"homepageLink": ""}, "homepageLink must be a URL address"),
        ({"icon": {}}, "icon must be a file"),  # a JSON object is no file (it was a 500)
        ({"tagIds": [0]}, "each value in tagIds must not be less than 1"),
    ):
        response = ur.call("PATCH", f"/psps/{page['id']}", change)
        assert response.status_code == 400, (change, response.text)
        assert response.json()["message"][0].startswith(message), response.text


def test_a_backend_error_names_the_wire_field(ur: UptimeRobot) -> None:
    response = ur.call("POST", "/monitor-groups", {"name": "g", "monitorIds": [12345]})
    assert response.status_code == 400 and response.json()["message"] == [
        "monitorIds: monitor 12345 not found"
    ]


def test_a_literal_path_allows_its_own_methods(ur: UptimeRobot) -> None:
    response = ur.call("OPTIONS", "/monitors/storm-protection")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, PATCH"
    stats = ur.call("GET", "/monitors/uptime-stats", timeFrame="DAY", start=-5)
    assert stats.status_code == 400 and stats.json()["message"] == ["start must not be less than 1"]

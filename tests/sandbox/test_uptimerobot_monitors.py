"""The Uptime Robot v3 emulator over real HTTP: monitors, pagination and the documented errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi


@dataclass
class UptimeRobot:
    """A client of one emulated account, as any v3 client would talk to it."""

    url: str
    api_key: str
    sandbox: SandboxApi

    def call(
        self, method: str, path: str, body: Any = None, key: str | None = None, **params: Any
    ) -> requests.Response:
        return requests.request(
            method,
            f"{self.url}{path}",
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {key or self.api_key}"},
            timeout=10,
        )

    def ok(self, method: str, path: str, body: Any = None, expect: int = 200, **params: Any) -> Any:
        response = self.call(method, path, body, **params)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    def quirks(self, **quirks: Any) -> None:
        self.sandbox.control("quirks", service="uptimerobot", account=self.api_key, quirks=quirks)

    def made(self) -> dict[str, int]:
        return self.sandbox.requests_made("uptimerobot", self.api_key)


def new_account(sandbox: SandboxApi, plan: str = "team", **options: Any) -> UptimeRobot:
    created = sandbox.account("uptimerobot", plan=plan, **options)
    return UptimeRobot(created["url"], created["api_key"], sandbox)


def http_monitor(name: str = "api", **fields: Any) -> dict[str, Any]:
    return {
        "type": "HTTP",
        "friendlyName": name,
        "url": "https://api.example.com/health",
        "interval": 300,
        "timeout": 30,
        **fields,
    }


@pytest.fixture
def ur(sandbox: SandboxApi) -> UptimeRobot:
    return new_account(sandbox)


# --- CRUD -----------------------------------------------------------------------------------------
def test_a_created_monitor_reads_back_with_defaults(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert read["friendlyName"] == "api" and read["url"] == "https://api.example.com/health"
    assert read["type"] == "HTTP" and read["status"] == "STARTED"
    assert read["successHttpResponseCodes"] == ["2xx", "3xx"]
    assert read["authType"] == "HTTP_BASIC" and read["httpMethodType"] is None  # never set (reference §4.8.6)


def test_monitor_type_matches_case_insensitively(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor(type="http"), expect=201)
    assert ur.ok("GET", f"/monitors/{created['id']}")["type"] == "HTTP"


def test_every_monitor_type_can_be_created(ur: UptimeRobot) -> None:
    bodies = [
        http_monitor(
            "keyword",
            type="KEYWORD",
            keywordType="ALERT_NOT_EXISTS",
            keywordCaseType="CaseInsensitive",
            keywordValue="error",
        ),
        {"type": "PING", "friendlyName": "ping", "url": "db.example.com", "interval": 300, "timeout": 30},
        {
            "type": "PORT",
            "friendlyName": "port",
            "url": "db.example.com",
            "port": 5432,
            "interval": 300,
            "timeout": 30,
        },
        {"type": "HEARTBEAT", "friendlyName": "cron", "interval": 300, "gracePeriod": 60},
        {"type": "DNS", "friendlyName": "dns", "url": "example.com", "interval": 300, "config": {}},
        http_monitor("api", type="API", config={}),
        {
            "type": "UDP",
            "friendlyName": "udp",
            "url": "ntp.example.com",
            "port": 123,
            "interval": 300,
            "timeout": 30,
            "config": {},
        },
    ]
    types = [ur.ok("POST", "/monitors", body, expect=201)["type"] for body in bodies]
    assert types == ["KEYWORD", "PING", "PORT", "HEARTBEAT", "DNS", "API", "UDP"]
    keyword = ur.ok("GET", "/monitors", name="keyword")["data"][0]
    assert keyword["keywordCaseType"] == 1  # a name on create, a number on read


def test_a_heartbeat_gets_a_server_generated_url_token(ur: UptimeRobot) -> None:
    body = {"type": "HEARTBEAT", "friendlyName": "cron", "interval": 300, "url": "https://ignored.example"}
    created = ur.ok("POST", "/monitors", body, expect=201)
    assert created["url"] and "://" not in created["url"]
    assert ur.ok("GET", f"/monitors/{created['id']}")["url"] == created["url"]


def test_patch_changes_only_the_fields_it_names(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor(customHttpHeaders={"a": "1"}), expect=201)
    ur.ok("PATCH", f"/monitors/{created['id']}", {"interval": 600})
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert (
        read["interval"] == 600 and read["friendlyName"] == "api" and read["customHttpHeaders"] == {"a": "1"}
    )


def test_patch_replaces_headers_whole_and_empty_success_codes_reset_the_default(ur: UptimeRobot) -> None:
    created = ur.ok(
        "POST",
        "/monitors",
        http_monitor(customHttpHeaders={"a": "1", "b": "2"}, successHttpResponseCodes=["2xx", "404"]),
        expect=201,
    )
    ur.ok(
        "PATCH",
        f"/monitors/{created['id']}",
        {"customHttpHeaders": {"c": "3"}, "successHttpResponseCodes": []},
    )
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert read["customHttpHeaders"] == {"c": "3"}
    assert read["successHttpResponseCodes"] == ["2xx", "3xx"]


def test_patch_merges_config_shallowly(ur: UptimeRobot) -> None:
    body = http_monitor(config={"ipVersion": "ipv4Only", "applicationErrorRetries": 2})
    created = ur.ok("POST", "/monitors", body, expect=201)
    ur.ok(
        "PATCH", f"/monitors/{created['id']}", {"config": {"ipVersion": None, "sslExpirationPeriodDays": [7]}}
    )
    assert ur.ok("GET", f"/monitors/{created['id']}")["config"] == {
        "applicationErrorRetries": 2,
        "sslExpirationPeriodDays": [7],
    }


def test_delete_answers_200_and_the_monitor_is_gone(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    assert ur.call("DELETE", f"/monitors/{created['id']}").status_code == 200
    again = ur.call("GET", f"/monitors/{created['id']}")
    assert again.status_code == 404
    assert ur.call("DELETE", f"/monitors/{created['id']}").status_code == 404  # a repeated delete


def test_pause_start_and_reset(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    assert ur.ok("POST", f"/monitors/{created['id']}/pause", {}, expect=201)["status"] == "PAUSED"
    assert ur.ok("GET", f"/monitors/{created['id']}")["status"] == "PAUSED"
    assert ur.ok("POST", f"/monitors/{created['id']}/start", expect=201)["status"] == "STARTED"
    assert ur.call("POST", f"/monitors/{created['id']}/reset", {}).status_code == 201
    assert ur.call("POST", "/monitors/1/reset", {}).status_code == 404


def test_tags_are_created_by_naming_them(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor(tagNames=["prod", "api"]), expect=201)
    tags = ur.ok("GET", f"/monitors/{created['id']}")["tags"]
    assert sorted(t["name"] for t in tags) == ["api", "prod"] and all(t["id"] and t["color"] for t in tags)
    listed = ur.ok("GET", "/tags")
    assert sorted(t["name"] for t in listed["data"]) == ["api", "prod"] and listed["nextCursorId"] is None


# --- list filters and pagination ------------------------------------------------------------------
def test_list_filters_by_name_url_tags_status_and_group(ur: UptimeRobot) -> None:
    group = ur.ok("POST", "/monitor-groups", {"name": "backend"}, expect=201)
    a = ur.ok(
        "POST", "/monitors", http_monitor("Shop API", tagNames=["prod"], groupId=group["id"]), expect=201
    )
    b = ur.ok(
        "POST",
        "/monitors",
        http_monitor("Blog", url="https://blog.example.org", tagNames=["staging"]),
        expect=201,
    )
    ur.ok("POST", f"/monitors/{b['id']}/pause", expect=201)

    def ids(**params: Any) -> list[int]:
        return [m["id"] for m in ur.ok("GET", "/monitors", **params)["data"]]

    assert ids(name="shop") == [a["id"]]
    assert ids(url="EXAMPLE.ORG") == [b["id"]]
    assert ids(tags="staging,other") == [b["id"]]
    assert ids(tags="Prod") == []  # tags are case-sensitive
    assert ids(status="PAUSED") == [b["id"]]
    assert ids(groupId=group["id"]) == [a["id"]]
    assert ids(groupId=0) == [b["id"]]


def test_pages_walk_every_monitor_once_with_a_next_link_after_each_full_page(sandbox: SandboxApi) -> None:
    ur = new_account(sandbox, "enterprise")
    created = [ur.ok("POST", "/monitors", http_monitor(f"m{i:03d}"), expect=201)["id"] for i in range(120)]
    seen: list[int] = []
    links: list[str | None] = []
    params: dict[str, Any] = {"limit": 50}
    for _ in range(10):
        page = ur.ok("GET", "/monitors", **params)
        seen += [m["id"] for m in page["data"]]
        links.append(page["nextLink"])
        if page["nextLink"] is None:
            break
        params = {"limit": 50, "cursor": page["data"][-1]["id"]}
    assert sorted(seen) == sorted(created) and len(seen) == len(set(seen))
    assert links[0] == f"{ur.url}/monitors?limit=50&cursor={created[49]}"
    assert links[1] is not None and links[2] is None  # 50, 50, 20


def test_a_full_last_page_still_carries_a_next_link_to_an_empty_page(ur: UptimeRobot) -> None:
    ids = [ur.ok("POST", "/monitors", http_monitor(f"m{i}"), expect=201)["id"] for i in range(4)]
    page = ur.ok("GET", "/monitors", limit=2, cursor=ids[1])
    assert [m["id"] for m in page["data"]] == ids[2:] and page["nextLink"] is not None  # the live quirk
    last = ur.ok("GET", "/monitors", limit=2, cursor=ids[3])
    assert last == {"data": [], "nextLink": None}


@pytest.mark.parametrize("limit", [0, 201, "x"])
def test_limit_out_of_range_is_a_validation_error(ur: UptimeRobot, limit: Any) -> None:
    response = ur.call("GET", "/monitors", limit=limit)
    assert response.status_code == 400 and isinstance(response.json()["message"], list)


# --- errors ---------------------------------------------------------------------------------------
def test_a_wrong_key_is_401_003_005_without_rate_limit_headers(ur: UptimeRobot) -> None:
    response = ur.call("GET", "/monitors", key="ur_sbx_not-a-key")
    assert response.status_code == 401
    assert response.json()["code"] == "003-005" and response.json()["statusCode"] == 401
    assert "X-RateLimit-Limit" not in response.headers


def test_a_missing_key_is_401(ur: UptimeRobot) -> None:
    response = requests.get(f"{ur.url}/monitors", timeout=10)
    assert response.status_code == 401 and response.json()["code"] == "003-005"


def test_an_unknown_monitor_is_404_000_004(ur: UptimeRobot) -> None:
    response = ur.call("GET", "/monitors/999")
    assert response.status_code == 404
    assert response.json()["code"] == "000-004" and response.json()["message"] == "Monitor not found"


def test_an_unknown_path_is_404(ur: UptimeRobot) -> None:
    response = ur.call("GET", "/nothing-here")
    assert response.status_code == 404 and response.json()["code"] == "000-004"


def test_validation_errors_are_a_list_of_messages_without_a_code(ur: UptimeRobot) -> None:
    response = ur.call("POST", "/monitors", {"type": "HTTP", "url": "not a url", "interval": 5})
    assert response.status_code == 400
    body = response.json()
    assert "code" not in body and body["statusCode"] == 400
    assert "friendlyName should not be empty" in body["message"]
    assert "url must be a URL address" in body["message"]
    assert "interval must not be less than 30" in body["message"]


def test_an_unknown_type_is_rejected(ur: UptimeRobot) -> None:
    response = ur.call("POST", "/monitors", http_monitor(type="SMOKE"))
    assert response.status_code == 400 and response.json()["message"][0].startswith("type must be one of")


def test_a_malformed_body_is_400_and_carries_no_rate_limit_headers(ur: UptimeRobot) -> None:
    response = requests.post(
        f"{ur.url}/monitors",
        data=b"{nope",
        timeout=10,
        headers={"Authorization": f"Bearer {ur.api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and "X-RateLimit-Remaining" not in response.headers


def test_an_interval_below_the_plan_minimum_is_400(sandbox: SandboxApi) -> None:
    free = new_account(sandbox, "free")
    response = free.call("POST", "/monitors", http_monitor(interval=60))
    assert response.status_code == 400
    assert response.json()["message"] == ["interval must not be less than 300 on your plan"]
    assert (
        new_account(sandbox, "team").call("POST", "/monitors", http_monitor(interval=60)).status_code == 201
    )


def test_the_monitor_limit_is_403_000_003(sandbox: SandboxApi) -> None:
    small = new_account(sandbox, "team", monitor_limit=2)
    for index in range(2):
        small.ok("POST", "/monitors", http_monitor(f"m{index}"), expect=201)
    response = small.call("POST", "/monitors", http_monitor("one too many"))
    assert response.status_code == 403 and response.json()["code"] == "000-003"
    assert len(small.ok("GET", "/monitors")["data"]) == 2


def test_unknown_alert_contact_and_window_ids_are_refused(ur: UptimeRobot) -> None:
    contact = [{"alertContactId": 12345, "threshold": 0, "recurrence": 0}]
    response = ur.call("POST", "/monitors", http_monitor(assignedAlertContacts=contact))
    assert response.status_code == 403 and response.json()["code"] == "000-006"
    response = ur.call("POST", "/monitors", http_monitor(maintenanceWindowsIds=[777]))
    assert response.status_code == 403 and response.json()["code"] == "000-006"
    assert ur.ok("GET", "/monitors")["data"] == []


def test_monitors_reference_contacts_integrations_and_windows(ur: UptimeRobot) -> None:
    contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "ops@example.com"}, expect=201)
    slack = ur.ok(
        "POST",
        "/integrations",
        {
            "type": "Slack",
            "data": {"webhookURL": "https://hooks.slack.com/services/T/B/x", "customValue": "#ops"},
        },
        expect=201,
    )
    window = ur.ok(
        "POST",
        "/maintenance-windows",
        {"name": "deploys", "interval": "daily", "date": "2030-01-01", "time": "02:00:00", "duration": 30},
        expect=201,
    )
    contacts = [
        {"alertContactId": str(contact["id"]), "threshold": 0, "recurrence": 0},
        {"alertContactId": slack["id"], "threshold": 5, "recurrence": 10},
    ]
    created = ur.ok(
        "POST",
        "/monitors",
        http_monitor(assignedAlertContacts=contacts, maintenanceWindowsIds=[window["id"]]),
        expect=201,
    )
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert read["assignedAlertContacts"] == [
        {"alertContactId": contact["id"], "threshold": 0, "recurrence": 0},
        {"alertContactId": slack["id"], "threshold": 5, "recurrence": 10},
    ]
    assert [w["id"] for w in read["maintenanceWindows"]] == [window["id"]]
    assert read["maintenanceWindows"][0]["name"] == "deploys"


def test_deleting_a_contact_or_window_detaches_it_from_monitors(ur: UptimeRobot) -> None:
    contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "ops@example.com"}, expect=201)
    window = ur.ok(
        "POST",
        "/maintenance-windows",
        {"name": "nightly", "interval": "once", "date": "2030-01-01", "time": "02:00:00", "duration": 30},
        expect=201,
    )
    created = ur.ok(
        "POST",
        "/monitors",
        http_monitor(
            assignedAlertContacts=[{"alertContactId": contact["id"], "threshold": 0, "recurrence": 0}],
            maintenanceWindowsIds=[window["id"]],
        ),
        expect=201,
    )
    ur.ok("DELETE", f"/alert-contacts/{contact['id']}")
    assert ur.call("DELETE", f"/maintenance-windows/{window['id']}").status_code == 204
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert read["assignedAlertContacts"] == [] and read["maintenanceWindows"] == []


def test_list_calls_are_counted_by_operation(ur: UptimeRobot) -> None:
    ur.ok("POST", "/monitors", http_monitor(), expect=201)
    ur.ok("GET", "/monitors")
    ur.ok("GET", "/monitors")
    made = ur.made()
    assert made["list_monitors"] == 2 and made["create_monitor"] == 1 and "get_monitor" not in made

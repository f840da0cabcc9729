"""The Uptime Robot emulator accepts what the real API accepts and refuses what it refuses (issue 14,
items 1–8): each test here failed against the emulator before its fix."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, http_monitor, new_account
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def ur(sandbox: SandboxApi) -> UptimeRobot:
    return new_account(sandbox, "enterprise")


def email(ur: UptimeRobot, **fields: Any) -> dict[str, Any]:
    body = {"type": "Email", "value": "ops@example.com", **fields}
    return dict(ur.ok("POST", "/alert-contacts", body, expect=201))


# --- 1. enableNotificationsFor takes the numbers and the enum member names ---------------------
@pytest.mark.parametrize(("sent", "read"), [(0, "UpAndDown"), (3, "None"), ("Down", "Down"), ("Up", "Up")])
def test_contact_notifications_take_numbers_and_names(ur: UptimeRobot, sent: Any, read: str) -> None:
    created = email(ur, enableNotificationsFor=sent)
    assert ur.ok("GET", f"/alert-contacts/{created['id']}")["enableNotificationsFor"] == read
    patched = ur.ok("PATCH", f"/alert-contacts/{created['id']}", {"enableNotificationsFor": "UpAndDown"})
    assert patched["enableNotificationsFor"] == "UpAndDown"


def test_contact_notifications_refuse_other_values_listing_the_numbers(ur: UptimeRobot) -> None:
    body = {"type": "Email", "value": "a@b.co", "enableNotificationsFor": 4}
    response = ur.call("POST", "/alert-contacts", body)
    assert response.status_code == 400
    assert response.json()["message"] == [
        "enableNotificationsFor must be one of the following values: 0, 1, 2, 3"
    ]


# --- 2. a status page's sort takes 1–4 as well as the names ------------------------------------
def test_a_status_page_sort_takes_the_stored_integers(ur: UptimeRobot) -> None:
    for sort in (1, 4, "FriendlyNameDesc"):
        ur.ok("POST", "/psps", {"friendlyName": f"s{sort}", "sort": sort}, expect=201)
    for sort in (0, 5, "2"):
        response = ur.call("POST", "/psps", {"friendlyName": "bad", "sort": sort})
        assert response.status_code == 400, sort
    assert len(ur.ok("GET", "/psps")["data"]) == 3


# --- 3. concurrent writes and many simultaneous clients ------------------------------------------
def _own_sandbox(tmp_path: Path) -> tuple[Sandbox, SandboxServer]:
    clock = Clock()
    sandbox = Sandbox(build_services(clock), state_path=tmp_path / "state.pickle", clock=clock)
    return sandbox, SandboxServer(sandbox, port=0).start()


def test_100_creates_from_10_threads_answer_201_and_are_all_saved(tmp_path: Path) -> None:
    _, server = _own_sandbox(tmp_path)
    try:
        ur = new_account(SandboxApi(server.url), "enterprise")
        with ThreadPoolExecutor(10) as pool:
            bodies = [http_monitor(f"m{i}") for i in range(100)]
            statuses = list(pool.map(lambda body: ur.call("POST", "/monitors", body).status_code, bodies))
        assert statuses == [201] * 100
        assert len(ur.ok("GET", "/monitors", limit=200)["data"]) == 100
    finally:
        server.stop()
    _, server = _own_sandbox(tmp_path)  # the state file holds all 100
    try:
        again = UptimeRobot(f"{server.url}/uptimerobot/v3", ur.api_key, SandboxApi(server.url))
        assert len(again.ok("GET", "/monitors", limit=200)["data"]) == 100
    finally:
        server.stop()


def test_saving_while_requests_write_never_fails(tmp_path: Path) -> None:
    """The state file is written while other requests change backends: each account is copied
    under its own lock, so a save never iterates a dictionary that a request is growing."""
    sandbox, server = _own_sandbox(tmp_path)
    try:
        ur = new_account(SandboxApi(server.url), "enterprise")
        errors: list[BaseException] = []
        done = threading.Event()

        def save_repeatedly() -> None:
            while not done.is_set():
                try:
                    sandbox.save()
                except BaseException as error:  # the failure this test looks for
                    errors.append(error)
                    return

        savers = [threading.Thread(target=save_repeatedly) for _ in range(2)]
        for saver in savers:
            saver.start()
        # long URLs make the state file big: pickle then writes it in many frames, and other
        # threads run between them (with the old save, a dictionary changed size mid-dump)
        long_url = "https://api.example.com/" + "x" * 9000
        with ThreadPoolExecutor(8) as pool:
            bodies = [http_monitor(f"m{i}", url=long_url, tagNames=[f"t{i}"]) for i in range(200)]
            statuses = list(pool.map(lambda body: ur.call("POST", "/monitors", body).status_code, bodies))
        done.set()
        for saver in savers:
            saver.join()
        assert errors == [] and statuses == [201] * 200
    finally:
        server.stop()


def test_40_simultaneous_clients_are_all_answered(ur: UptimeRobot) -> None:
    barrier = threading.Barrier(40)

    def one(_: int) -> int:
        barrier.wait()
        with requests.Session() as session:  # a connection of its own
            response = session.get(
                f"{ur.url}/user/me", headers={"Authorization": f"Bearer {ur.api_key}"}, timeout=30
            )
            return response.status_code

    with ThreadPoolExecutor(40) as pool:
        assert list(pool.map(one, range(40))) == [200] * 40


# --- 4. one relation between monitors and maintenance windows ----------------------------------
def test_a_window_lists_the_monitors_created_in_it(ur: UptimeRobot) -> None:
    body = {"name": "deploys", "interval": "daily", "date": "2030-01-01", "time": "02:00:00", "duration": 30}
    window = ur.ok("POST", "/maintenance-windows", body, expect=201)
    first = ur.ok("POST", "/monitors", http_monitor("a", maintenanceWindowsIds=[window["id"]]), expect=201)
    second = ur.ok("POST", "/monitors", http_monitor("b", maintenanceWindowsIds=[window["id"]]), expect=201)
    assert ur.ok("GET", f"/maintenance-windows/{window['id']}")["monitorIds"] == [first["id"], second["id"]]
    ur.ok("PATCH", f"/monitors/{first['id']}", {"maintenanceWindowsIds": []})
    assert ur.ok("GET", f"/maintenance-windows/{window['id']}")["monitorIds"] == [second["id"]]
    ur.ok("PATCH", f"/maintenance-windows/{window['id']}", {"monitorIds": [first["id"]]})
    windows = ur.ok("GET", f"/monitors/{first['id']}")["maintenanceWindows"]
    assert [w["id"] for w in windows] == [window["id"]]
    assert ur.ok("GET", f"/monitors/{second['id']}")["maintenanceWindows"] == []


# --- 5. non-ASCII digits are a 400, never a 500 --------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "/monitors", {"cursor": "¹"}),
        ("GET", "/monitors", {"limit": "²"}),
        ("GET", "/monitors", {"groupId": "٣"}),
        ("GET", "/monitors/¹", {}),
        ("GET", "/integrations/²", {}),
        ("GET", "/psps", {"cursor": "³"}),
        ("DELETE", "/monitor-groups/1", {"monitorsNewGroupId": "¹"}),
        ("DELETE", "/tags/٣", {}),
    ],
)
def test_non_ascii_digits_are_a_400(ur: UptimeRobot, method: str, path: str, params: dict[str, str]) -> None:
    response = ur.call(method, path, **params)
    assert response.status_code == 400, response.text


def test_non_ascii_digits_in_bodies_are_a_400(ur: UptimeRobot) -> None:
    contacts = [{"alertContactId": "¹", "threshold": 0, "recurrence": 0}]
    for body in (http_monitor(assignedAlertContacts=contacts), http_monitor(maintenanceWindowsIds=["¹"])):
        assert ur.call("POST", "/monitors", body).status_code == 400
    window = {"name": "w", "interval": "once", "date": "٢٠٣٠-01-01", "time": "02:00:00", "duration": 5}
    assert ur.call("POST", "/maintenance-windows", window).status_code == 400


# --- 6. visual comparison monitors; multipart status pages --------------------------------------
def test_the_documents_visual_comparison_example_is_accepted(ur: UptimeRobot) -> None:
    body = {
        "friendlyName": "Landing page",
        "type": "VISUAL_COMPARISON",
        "url": "https://example.com",
        "interval": 300,
        "config": {"visualComparison": {"sensitivityThreshold": 10, "viewport": "desktop"}},
    }
    created = ur.ok("POST", "/monitors", body, expect=201)
    assert ur.ok("GET", f"/monitors/{created['id']}")["type"] == "VISUAL_COMPARISON"
    body["config"] = {"visualComparison": {"viewport": "tablet"}}
    assert ur.call("POST", "/monitors", body).status_code == 400


def test_a_status_page_can_be_created_and_updated_as_multipart(ur: UptimeRobot) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    headers = {"Authorization": f"Bearer {ur.api_key}"}
    fields = [("friendlyName", "Status"), ("monitorIds[]", str(monitor["id"])), ("noIndex", "true")]
    logo = {"logo": ("logo.png", PNG, "image/png")}
    response = requests.post(f"{ur.url}/psps", data=fields, files=logo, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    page = response.json()
    assert (page["monitorIds"], page["noIndex"]) == ([monitor["id"]], True)
    assert page["logo"] == f"psp-{page['id']}-logo.png"
    gif = {"icon": ("i.gif", b"GIF89a")}
    url = f"{ur.url}/psps/{page['id']}"
    response = requests.patch(url, data={"friendlyName": "Renamed"}, files=gif, headers=headers, timeout=10)
    assert response.status_code == 400 and response.json()["message"] == ["icon must be a JPG or PNG image"]
    assert ur.ok("GET", f"/psps/{page['id']}")["friendlyName"] == "Status"
    png = {"icon": ("i.png", PNG, "image/png")}
    response = requests.patch(url, data={"friendlyName": "Renamed"}, files=png, headers=headers, timeout=10)
    assert response.status_code == 200 and response.json()["friendlyName"] == "Renamed"


# --- 7. integrations keep their address; duplicates by address; PATCH of the URL --------------
INTEGRATIONS = [
    ("Discord", {"webhookURL": "https://discord.com/api/webhooks/1/a", "customValue": "hi"}, "webhookURL"),
    ("MSTeams", {"webhookURL": "https://example.webhook.office.com/a"}, "webhookURL"),
    ("Mattermost", {"webhookURL": "https://mm.example.com/hooks/a", "customValue": "hi"}, "webhookURL"),
    ("Splunk", {"urlToNotify": "https://splunk.example.com/a"}, "urlToNotify"),
    ("Telegram", {"customValue": "123456"}, "customValue"),
]


@pytest.mark.parametrize(("kind", "data", "address"), INTEGRATIONS, ids=[i[0] for i in INTEGRATIONS])
def test_an_integration_keeps_its_address(
    ur: UptimeRobot, kind: str, data: dict[str, Any], address: str
) -> None:
    created = ur.ok("POST", "/integrations", {"type": kind, "data": data}, expect=201)
    assert ur.ok("GET", f"/integrations/{created['id']}")["value"] == data[address]
    other = {**data, address: data[address][:-1] + "b"}
    ur.ok("POST", "/integrations", {"type": kind, "data": other}, expect=201)  # a second one: no 409
    assert ur.call("POST", "/integrations", {"type": kind, "data": data}).status_code == 409


def test_a_patch_of_the_webhook_url_is_kept(ur: UptimeRobot) -> None:
    data = {"webhookURL": "https://hooks.slack.com/services/T/B/old", "customValue": "#ops"}
    created = ur.ok("POST", "/integrations", {"type": "Slack", "data": data}, expect=201)
    new = "https://hooks.slack.com/services/T/B/new"
    ur.ok("PATCH", f"/integrations/{created['id']}", {"type": "Slack", "data": {"webhookURL": new}})
    assert ur.ok("GET", f"/integrations/{created['id']}")["value"] == new


@pytest.mark.parametrize("spelling", ["Pagerduty", "PagerDuty"])
def test_pagerduty_in_the_documents_spelling_and_the_usual_one(ur: UptimeRobot, spelling: str) -> None:
    data = {"integrationKey": spelling.lower() * 4 + "x" * 22, "location": "eu"}
    created = ur.ok("POST", "/integrations", {"type": spelling, "data": data}, expect=201)
    assert created["type"] == "PagerDuty" and created["value"] == data["integrationKey"]
    body = {"type": spelling, "data": {"friendlyName": "pd"}}
    assert ur.ok("PATCH", f"/integrations/{created['id']}", body)["friendlyName"] == "pd"


# --- 8. declared types are enforced -----------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/integrations",
            {"type": "Pushover", "data": {"userKey": [None, True]}},
            "userKey must be a string",
        ),
        ("/integrations", {"type": "Slack"}, "data should not be empty"),
        (
            "/integrations",
            {"type": "Slack", "data": {"webhookURL": "https://h.example/x"}},
            "customValue should not be empty",
        ),
        ("/monitors", http_monitor(friendlyName=["x"]), "friendlyName must be a string"),
        (
            "/monitors",
            http_monitor(customHttpHeaders={"X-A": 1}),
            "each value in customHttpHeaders must be a string",
        ),
        ("/monitors", http_monitor(checkSSLErrors="yes"), "checkSSLErrors must be a boolean value"),
        ("/psps", {"friendlyName": "s", "monitorIds": {}}, "monitorIds must be an array"),
        ("/psps", {"friendlyName": "s", "noIndex": "true"}, "noIndex must be a boolean value"),
        (
            "/maintenance-windows",
            {"name": 5, "interval": "once", "time": "01:00:00", "duration": 5},
            "name must be a string",
        ),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(
    ur: UptimeRobot, path: str, body: dict[str, Any], message: str
) -> None:
    response = ur.call("POST", path, body)
    assert response.status_code == 400 and message in response.json()["message"], response.text
    assert ur.ok("GET", path)["data"] == []


def test_null_bodies_and_null_flags_are_refused(ur: UptimeRobot) -> None:
    contact = email(ur)
    headers = {"Authorization": f"Bearer {ur.api_key}", "Content-Type": "application/json"}
    assert requests.post(f"{ur.url}/monitors", data="null", headers=headers, timeout=10).status_code == 400
    response = ur.call("PATCH", f"/alert-contacts/{contact['id']}", {"isActive": None})
    assert response.status_code == 400 and response.json()["message"] == ["isActive must be a boolean value"]
    assert ur.ok("GET", f"/alert-contacts/{contact['id']}")["status"] == "Active"  # not paused


def test_include_org_members_must_be_a_boolean(ur: UptimeRobot) -> None:
    assert ur.call("GET", "/integrations", includeOrgMembers="banana").status_code == 400
    assert ur.call("GET", "/integrations", includeOrgMembers="true").status_code == 200

"""The Uptime Robot emulator monitors for real: checks at each interval on the sandbox clock, status
history, incidents, and alerts delivered to Slack, webhooks and the e-mail outbox.

One sandbox of its own (monitoring on, clock at 60×: a sandbox minute passes in a real second) and
one stand-in target for the whole module; every test has its own accounts.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi, UptimeRobotAccount, free_port
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services
from vigil.sandbox.target import TargetServer
from vigil.sandbox.uptimerobot.checks import Target, check

SPEED = 60.0
WAIT_S = 30.0  # real seconds a condition may take at most before the test fails


@pytest.fixture(scope="module")
def monitoring() -> Iterator[SandboxServer]:
    clock = Clock(speed=SPEED)
    server = SandboxServer(Sandbox(build_services(clock), clock=clock, monitoring=True), port=0).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def target() -> Iterator[TargetServer]:
    server = TargetServer(0).start()
    yield server
    server.stop()


@pytest.fixture
def api(monitoring: SandboxServer) -> SandboxApi:
    return SandboxApi(monitoring.url)


@pytest.fixture
def healthy(target: TargetServer) -> Iterator[TargetServer]:
    target.set_healthy(True)
    yield target
    target.set_healthy(True)


def _account(api: SandboxApi) -> UptimeRobotAccount:
    created = api.account("uptimerobot", plan="team")
    return UptimeRobotAccount(created["url"], created["api_key"])


def _until(what: str, probe: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"not within {WAIT_S:.0f} s: {what}")


def _fail(target: TargetServer, path: str) -> None:
    requests.post(f"{target.url}/_target/health", json={"healthy": False, "paths": [path]}, timeout=5)


def _monitor(ur: UptimeRobotAccount, **fields: Any) -> dict[str, Any]:
    body = {"type": "HTTP", "interval": 60, **fields}
    response = ur.post("/monitors", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _status(ur: UptimeRobotAccount, monitor_id: int) -> str:
    return str(ur.get(f"/monitors/{monitor_id}").json()["status"])


def _deliveries(api: SandboxApi, ur: UptimeRobotAccount) -> list[dict[str, Any]]:
    response = requests.get(
        f"{api.url}/_sandbox/uptimerobot/deliveries", params={"account": ur.api_key}, timeout=5
    )
    return list(response.json()["deliveries"])


def test_a_down_target_opens_an_incident_alerts_slack_and_email_and_up_closes_it(
    api: SandboxApi, healthy: TargetServer
) -> None:
    ur = _account(api)
    slack = api.account("slack")
    integration = ur.post(
        "/integrations",
        {"type": "Slack", "data": {"friendlyName": "slack", "webhookURL": slack["webhook_url"],
                                   "customValue": "#incidents"}},
    ).json()  # fmt: skip
    email = ur.post(
        "/alert-contacts", {"type": "Email", "value": "ops@example.com", "friendlyName": "ops"}
    ).json()
    contacts = [{"alertContactId": c["id"], "threshold": 0, "recurrence": 0} for c in (integration, email)]
    monitor = _monitor(ur, friendlyName="API", url=f"{healthy.url}/api/v1/health/simple",
                       assignedAlertContacts=contacts)  # fmt: skip
    _until("the first check finds it up", lambda: _status(ur, monitor["id"]) == "UP")

    _fail(healthy, "/api/v1/health/simple")
    _until("the monitor goes down", lambda: _status(ur, monitor["id"]) == "DOWN")
    incidents = ur.get("/incidents", monitor_id=monitor["id"]).json()["data"]
    assert len(incidents) == 1 and incidents[0]["resolvedAt"] is None
    messages = _until(
        "Slack receives the alert",
        lambda: requests.get(f"{api.url}/_sandbox/slack/messages", params={"account": slack["token"]},
                             timeout=5).json()["messages"],
    )  # fmt: skip
    assert messages[0]["text"].startswith("Monitor is DOWN: API") and "HTTP 503" in messages[0]["text"]
    outbox = _until(
        "the e-mail lands in the outbox",
        lambda: requests.get(f"{api.url}/_sandbox/uptimerobot/outbox", params={"account": ur.api_key},
                             timeout=5).json()["emails"],
    )  # fmt: skip
    assert outbox[0]["to"] == "ops@example.com" and outbox[0]["subject"] == "Monitor is DOWN: API"

    healthy.set_healthy(True)
    _until("the monitor comes back up", lambda: _status(ur, monitor["id"]) == "UP")
    resolved = ur.get("/incidents", monitor_id=monitor["id"]).json()["data"]
    assert len(resolved) == 1 and resolved[0]["resolvedAt"] is not None
    ups = _until(
        "the UP alerts go out", lambda: [d for d in _deliveries(api, ur) if d["kind"] == "UP"] or None
    )
    kinds = sorted((d["channel"], d["kind"], d["status"]) for d in _deliveries(api, ur))
    assert len(ups) >= 1
    assert ("email", "DOWN", "delivered") in kinds and ("slack", "DOWN", "delivered") in kinds
    # detection waited for the confirmation check, and the history holds response times
    stats = ur.get(f"/monitors/{monitor['id']}/stats/response-time").json()
    assert stats is not None


def test_a_maintenance_window_suppresses_alerts_and_names_itself(
    api: SandboxApi, healthy: TargetServer
) -> None:
    ur = _account(api)
    email = ur.post("/alert-contacts", {"type": "Email", "value": "ops@example.com"}).json()
    monitor = _monitor(ur, friendlyName="DB", url=f"{healthy.url}/api/v1/health",
                       assignedAlertContacts=[{"alertContactId": email["id"], "threshold": 0, "recurrence": 0}])  # fmt: skip
    window = ur.post(
        "/maintenance-windows",
        {"name": "nightly deploy", "interval": "daily", "time": "00:00:00", "duration": 1440,
         "monitorIds": [monitor["id"]]},
    )  # fmt: skip
    assert window.status_code == 201, window.text
    _until("up first", lambda: _status(ur, monitor["id"]) == "UP")
    _fail(healthy, "/api/v1/health")
    suppressed = _until("the alert is recorded as suppressed", lambda: _deliveries(api, ur))
    assert suppressed[0]["status"] == "suppressed"
    assert suppressed[0]["detail"] == "maintenance window 'nightly deploy'"
    outbox = requests.get(f"{api.url}/_sandbox/uptimerobot/outbox", params={"account": ur.api_key}, timeout=5)
    assert outbox.json()["emails"] == []


def test_a_webhook_integration_receives_its_post_value(api: SandboxApi, healthy: TargetServer) -> None:
    received: list[bytes] = []
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(404)  # a receiver that is gone
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    hook = ThreadingHTTPServer(("127.0.0.1", free_port()), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        ur = _account(api)
        url = f"http://127.0.0.1:{hook.server_address[1]}/alert"
        integration = ur.post(
            "/integrations",
            {"type": "Webhook", "data": {"friendlyName": "hook", "urlToNotify": url,
                                         "postValue": '{"name": "*monitorFriendlyName*", "type": "*alertType*"}',
                                         "sendAsJSON": True}},
        ).json()  # fmt: skip
        monitor = _monitor(ur, friendlyName="AI", url=f"{healthy.url}/api/v1/ai/health",
                           assignedAlertContacts=[{"alertContactId": integration["id"], "threshold": 0,
                                                   "recurrence": 0}])  # fmt: skip
        _until("up first", lambda: _status(ur, monitor["id"]) == "UP")
        _fail(healthy, "/api/v1/ai/health")
        _until("the webhook is called", lambda: received)
        assert received[0] == b'{"name": "AI", "type": "1"}'
        failed = _until("the delivery is recorded", lambda: _deliveries(api, ur))
        assert failed[0]["status"] == "failed" and failed[0]["detail"] == "the receiver answered HTTP 404"
    finally:
        hook.shutdown()
        hook.server_close()


def test_a_heartbeat_goes_down_when_overdue_and_up_when_called(api: SandboxApi) -> None:
    ur = _account(api)
    monitor = _monitor(ur, type="HEARTBEAT", friendlyName="nightly job", interval=60)
    token = next(m for m in ur.monitors() if m["id"] == monitor["id"])["url"]
    _until("overdue → down", lambda: _status(ur, monitor["id"]) == "DOWN")
    beat = requests.post(f"{api.url}/_sandbox/uptimerobot/heartbeat/{token}", timeout=5)
    assert beat.status_code == 200
    _until("called → up", lambda: _status(ur, monitor["id"]) == "UP")
    assert requests.get(f"{api.url}/_sandbox/uptimerobot/heartbeat/nothing", timeout=5).status_code == 404


def test_a_port_monitor_is_down_when_nothing_listens(api: SandboxApi, healthy: TargetServer) -> None:
    ur = _account(api)
    port = int(healthy.url.rsplit(":", 1)[1])
    listening = _monitor(ur, type="PORT", friendlyName="open", url="127.0.0.1", port=port)
    closed = _monitor(ur, type="PORT", friendlyName="closed", url="127.0.0.1", port=free_port())
    _until("open port up", lambda: _status(ur, listening["id"]) == "UP")
    _until("closed port down", lambda: _status(ur, closed["id"]) == "DOWN")


def test_a_target_off_the_loopback_is_never_checked(api: SandboxApi) -> None:
    ur = _account(api)
    monitor = _monitor(ur, friendlyName="internet", url="https://example.com/health")
    api.control("clock", advance_seconds=300)  # five intervals pass
    time.sleep(0.5)
    assert _status(ur, monitor["id"]) == "STARTED"


def test_the_control_plane_still_appends_history(api: SandboxApi) -> None:
    ur = _account(api)
    monitor = _monitor(ur, friendlyName="external", url="https://example.com/")
    now = api.control("clock")["epoch"]
    result = api.control("uptimerobot/monitor-status", account=ur.api_key, monitor=monitor["id"],
                         status="DOWN", at=now - 600)  # fmt: skip
    assert result["status"] == "DOWN"
    assert len(ur.get("/incidents", monitor_id=monitor["id"]).json()["data"]) == 1


def _target(**fields: Any) -> Target:
    base: dict[str, Any] = {"type": "KEYWORD", "url": "", "timeout": 5.0, "method": "GET",
                            "success_codes": ("2xx", "3xx"), "keyword_type": "ALERT_NOT_EXISTS",
                            "keyword_case": 0, "keyword": "", "port": None, "interval": 60,
                            "grace_period": 0, "last_heartbeat": None, "created_at": 0.0}  # fmt: skip
    return Target(**{**base, **fields})


@pytest.mark.parametrize(
    ("keyword", "keyword_type", "case", "status"),
    [
        ('"status":"healthy"', "ALERT_NOT_EXISTS", 0, "UP"),  # present, alert when missing
        ('"STATUS":"HEALTHY"', "ALERT_NOT_EXISTS", 0, "DOWN"),  # case-sensitive: missing
        ('"STATUS":"HEALTHY"', "ALERT_NOT_EXISTS", 1, "UP"),  # case-insensitive: present
        ('"status":"healthy"', "ALERT_EXISTS", 0, "DOWN"),  # present, alert when present
        ("never-there", "ALERT_EXISTS", 0, "UP"),
    ],
)
def test_keyword_checks_follow_type_and_case(
    healthy: TargetServer, keyword: str, keyword_type: str, case: int, status: str
) -> None:
    found = check(_target(url=f"{healthy.url}/api/v1/ai/health", keyword=keyword,
                          keyword_type=keyword_type, keyword_case=case), 1.0)  # fmt: skip
    assert found is not None and found.status == status


def test_accepted_codes_decide_an_http_check(healthy: TargetServer) -> None:
    url = f"{healthy.url}/missing"
    assert check(_target(type="HTTP", url=url), 1.0).status == "DOWN"  # type: ignore[union-attr]
    accepted = check(_target(type="HTTP", url=url, success_codes=("404",)), 1.0)
    assert accepted is not None and accepted.status == "UP" and accepted.http_code == 404


def test_the_scheduler_stops_with_its_server(healthy: TargetServer) -> None:
    def threads() -> int:
        return sum(1 for t in threading.enumerate() if t.name.startswith("vigil-ur-"))

    before = threads()
    clock = Clock(speed=SPEED)
    server = SandboxServer(Sandbox(build_services(clock), clock=clock, monitoring=True), port=0).start()
    ur = _account(SandboxApi(server.url))
    monitor = _monitor(ur, friendlyName="API", url=f"{healthy.url}/api/v1/health/simple")
    _until("checked", lambda: _status(ur, monitor["id"]) == "UP")
    assert requests.get(f"{server.url}/_sandbox/uptimerobot/scheduler", timeout=5).json()["running"] is True
    assert threads() > before
    server.stop()
    assert threads() == before


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    assert binary, "Debian's chromium is missing: run `make setup` (scripts/ensure-chromium.sh)"
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_status_page_shows_states_and_incidents_in_a_browser(
    api: SandboxApi, healthy: TargetServer, tmp_path: Path
) -> None:
    ur = _account(api)
    api_monitor = _monitor(ur, friendlyName="Backend API", url=f"{healthy.url}/api/v1/health/simple")
    front = _monitor(ur, friendlyName="Frontend", url=healthy.url)
    page = ur.post(
        "/psps", {"friendlyName": "Conductor status", "monitorIds": [api_monitor["id"], front["id"]]}
    )
    assert page.status_code == 201, page.text
    _until("both up", lambda: _status(ur, api_monitor["id"]) == _status(ur, front["id"]) == "UP")
    _fail(healthy, "/api/v1/health/simple")
    _until("the API goes down", lambda: _status(ur, api_monitor["id"]) == "DOWN")
    pages = requests.get(
        f"{api.url}/_sandbox/uptimerobot/status-pages", params={"account": ur.api_key}, timeout=5
    )
    [listed] = pages.json()["status_pages"]
    assert listed["name"] == "Conductor status"

    dom = _chromium("--dump-dom", listed["url"])
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<h1>Conductor status</h1>" in html and "Some systems are down" in html
    assert '<li class="monitor" data-status="DOWN"><span class="name">Backend API</span>' in html
    assert '<li class="monitor" data-status="UP"><span class="name">Frontend</span>' in html
    assert (
        'data-open="true"><span class="name">Backend API</span> <span class="reason">HTTP 503</span>' in html
    )
    shot = tmp_path / "status.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=800,600", listed["url"])
    assert taken.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_threshold_delays_the_first_alert_and_recurrence_repeats_it(
    api: SandboxApi, healthy: TargetServer
) -> None:
    ur = _account(api)
    email = ur.post("/alert-contacts", {"type": "Email", "value": "ops@example.com"}).json()
    monitor = _monitor(ur, friendlyName="API", url=f"{healthy.url}/api/v1/health/simple",
                       assignedAlertContacts=[{"alertContactId": email["id"], "threshold": 2, "recurrence": 3}])  # fmt: skip
    _until("up first", lambda: _status(ur, monitor["id"]) == "UP")
    _fail(healthy, "/api/v1/health/simple")
    downs = _until("two DOWN alerts", lambda: [d for d in _deliveries(api, ur) if d["kind"] == "DOWN"][1:] and
                   [d for d in _deliveries(api, ur) if d["kind"] == "DOWN"])  # fmt: skip
    incident = ur.get(f"/incidents/{downs[0]['incident_id']}").json()
    started = datetime.fromisoformat(incident["startedAt"].replace("Z", "+00:00")).timestamp()
    # due at start + threshold, then every recurrence (minutes); sent once due
    assert 120 <= downs[0]["due"] - started < 121  # startedAt is shown to the second
    assert downs[1]["due"] - downs[0]["due"] == pytest.approx(180)
    assert downs[0]["at"] >= downs[0]["due"] and downs[1]["at"] >= downs[1]["due"]


def test_ping_is_a_tcp_connect_stand_in(healthy: TargetServer) -> None:
    port = int(healthy.url.rsplit(":", 1)[1])
    answered = check(_target(type="PING", url="127.0.0.1", port=port), 1.0)
    assert answered is not None and answered.status == "UP"
    silent = check(_target(type="PING", url="127.0.0.1", port=free_port()), 1.0)
    assert silent is not None and (silent.status, silent.reason) == ("DOWN", "Connection Refused")


def test_a_paused_monitor_is_not_checked(api: SandboxApi, healthy: TargetServer) -> None:
    ur = _account(api)
    monitor = _monitor(ur, friendlyName="API", url=f"{healthy.url}/api/v1/health/simple")
    _until("checked once", lambda: _status(ur, monitor["id"]) == "UP")
    assert ur.post(f"/monitors/{monitor['id']}/pause", {}).status_code == 201
    _fail(healthy, "/api/v1/health/simple")
    api.control("clock", advance_seconds=600)  # ten intervals pass
    time.sleep(0.5)
    assert _status(ur, monitor["id"]) == "PAUSED"
    assert ur.get("/incidents", monitor_id=monitor["id"]).json()["data"] == []

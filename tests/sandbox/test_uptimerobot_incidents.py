"""Incidents, sent alerts and statistics are computed from a monitor's status history (which the
control plane drives here and a scheduler will drive later), and the other operations issue 14
item 9 added: announcements, bulk operations, storm protection."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import SandboxApi
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, http_monitor, new_account


@pytest.fixture
def ur(sandbox: SandboxApi) -> UptimeRobot:
    return new_account(sandbox, "enterprise")


def status(ur: UptimeRobot, monitor: int, value: str, at: float, **extra: Any) -> Any:
    return ur.sandbox.control(
        "uptimerobot/monitor-status", account=ur.api_key, monitor=monitor, status=value, at=at, **extra
    )


def test_a_downtime_is_one_incident_with_its_duration_alerts_and_uptime(ur: UptimeRobot) -> None:
    contact = ur.ok("POST", "/alert-contacts", {"type": "Email", "value": "ops@example.com"}, expect=201)
    assigned = [{"alertContactId": contact["id"], "threshold": 2, "recurrence": 5}]
    monitor = ur.ok("POST", "/monitors", http_monitor(assignedAlertContacts=assigned), expect=201)
    now = time.time()
    status(ur, monitor["id"], "UP", now - 3000, response_ms=120)
    status(ur, monitor["id"], "DOWN", now - 1800, reason="Connection Timeout")
    status(ur, monitor["id"], "UP", now - 1200, response_ms=180)  # down for 600 s
    [incident] = ur.ok("GET", "/incidents", monitor_id=monitor["id"])["data"]
    assert incident["duration"] == 600 and incident["reason"] == "Connection Timeout"
    assert incident["resolvedAt"] is not None and incident["monitor"]["id"] == monitor["id"]
    detail = ur.ok("GET", f"/incidents/{incident['id']}")
    assert detail["status"] == "Resolved"
    alerts = ur.ok("GET", f"/incidents/{incident['id']}/alerts")["data"]
    # down at +2 min, repeated at +7 min (the +12 min repeat falls after the 10 min outage), up at the end
    assert [a["recipientValue"] for a in alerts] == ["ops@example.com"] * 3
    stats = ur.ok("GET", f"/monitors/{monitor['id']}/stats/uptime")
    assert stats["total_downtime_seconds"] == 600 and stats["incident_count"] == 1
    span = stats_span(stats)
    assert stats["uptime"] == pytest.approx(100 * (span - 600) / span, abs=0.01)
    times = ur.ok("GET", f"/monitors/{monitor['id']}/stats/response-time", includeTimeSeries="true")
    assert times["summary"] == {"min": 120, "max": 180, "avg": 150} and times["data_points"] == 2
    assert [p["value"] for p in times["time_series"]] == [120, 180]
    account = ur.ok("GET", "/monitors/uptime-stats", timeFrame="DAY")
    assert account["totalIncidents"] == 1 and account["affectedMonitors"] == 1
    assert account["logs"][0]["duration"] == 600
    log = ur.ok("GET", f"/incidents/{incident['id']}/activity-log")["data"]
    assert [e["type"] for e in log] == [
        "STATUS_UPDATE",
        "NOTIFICATION",
        "NOTIFICATION",
        "STATUS_UPDATE",
        "NOTIFICATION",
    ]


def stats_span(stats: dict[str, Any]) -> float:
    from datetime import datetime

    start = datetime.fromisoformat(stats["from"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(stats["to"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def test_an_open_incident_shows_on_the_monitor_and_pausing_closes_it(ur: UptimeRobot) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    status(ur, monitor["id"], "DOWN", time.time() - 60)
    read = ur.ok("GET", f"/monitors/{monitor['id']}")
    assert read["status"] == "DOWN" and read["lastIncident"]["status"] == "Ongoing"
    assert read["lastIncidentId"] == read["lastIncident"]["id"]
    ur.ok("POST", f"/monitors/{monitor['id']}/pause", expect=201)
    assert ur.ok("GET", f"/incidents/{read['lastIncidentId']}")["status"] == "Resolved"


def test_incident_comments_round_trip(ur: UptimeRobot) -> None:
    monitor = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    status(ur, monitor["id"], "DOWN", time.time() - 60)
    incident = ur.ok("GET", "/incidents")["data"][0]["id"]
    comment = ur.ok("POST", f"/incidents/{incident}/comments", {"content": "on it"}, expect=201)
    ur.ok("PATCH", f"/incidents/{incident}/comments/{comment['id']}", {"content": "fixed"})
    assert [c["comment"] for c in ur.ok("GET", f"/incidents/{incident}/comments")["data"]] == ["fixed"]
    assert ur.ok("GET", "/incidents")["data"][0]["commentsCount"] == 1
    ur.ok("DELETE", f"/incidents/{incident}/comments/{comment['id']}", expect=204)
    assert ur.ok("GET", f"/incidents/{incident}/comments")["data"] == []
    assert ur.call("POST", f"/incidents/{incident}/comments", {"content": 5}).status_code == 400


def test_announcements_pin_and_unpin(ur: UptimeRobot) -> None:
    page = ur.ok("POST", "/psps", {"friendlyName": "Status"}, expect=201)
    base = f"/psps/{page['id']}/announcements"
    created = ur.ok(
        "POST", base, {"content": "Maintenance", "type": "Maintenance", "status": "Published"}, expect=201
    )
    assert created["submitDate"] is not None
    ur.ok("POST", f"{base}/{created['id']}/pin")
    assert ur.ok("GET", f"/psps/{page['id']}")["pinnedAnnouncementId"] == created["id"]
    ur.ok("POST", f"{base}/{created['id']}/unpin")
    assert ur.ok("GET", f"/psps/{page['id']}")["pinnedAnnouncementId"] is None
    ur.ok("PATCH", f"{base}/{created['id']}", {"status": "Archived"})
    assert [a["id"] for a in ur.ok("GET", base, status="ARCHIVED")["data"]] == [created["id"]]
    assert ur.ok("GET", base, status="PUBLISHED")["data"] == []


def test_bulk_pause_start_and_update_select_by_tag(ur: UptimeRobot) -> None:
    tagged = [
        ur.ok("POST", "/monitors", http_monitor(f"t{i}", tagNames=["prod"]), expect=201) for i in range(2)
    ]
    other = ur.ok("POST", "/monitors", http_monitor("other"), expect=201)
    tag = next(t for t in ur.ok("GET", "/tags")["data"] if t["name"] == "prod")
    paused = ur.ok("POST", "/monitors/bulk/pause", {"tagId": tag["id"]}, expect=201)
    assert paused["totalSuccess"] == 2 and {r["monitorId"] for r in paused["results"]} == {
        m["id"] for m in tagged
    }
    assert ur.ok("GET", f"/monitors/{other['id']}")["status"] != "PAUSED"
    updated = ur.ok("POST", "/monitors/bulk/update", {"tagId": tag["id"], "interval": 600}, expect=201)
    assert updated["totalSuccess"] == 2
    assert ur.ok("GET", f"/monitors/{tagged[0]['id']}")["interval"] == 600
    started = ur.ok("POST", "/monitors/bulk/start", {"tagId": tag["id"]}, expect=201)
    assert started["totalSuccess"] == 2


def test_storm_protection_round_trips(ur: UptimeRobot) -> None:
    assert ur.ok("GET", "/monitors/storm-protection")["isEnabled"] is False
    body = {"isEnabled": True, "thresholdType": "percentage", "thresholdValue": 20, "windowMinutes": 10}
    ur.ok("PATCH", "/monitors/storm-protection", {**body, "config": {"groupPooling": True}})
    read = ur.ok("GET", "/monitors/storm-protection")
    assert read == {**body, "config": {"groupPooling": True}}
    assert ur.call("PATCH", "/monitors/storm-protection", {"windowMinutes": 16}).status_code == 400

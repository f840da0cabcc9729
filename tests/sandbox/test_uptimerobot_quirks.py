"""Documented Uptime Robot quirks (reference §4.8), off by default, and the shared fault injection."""

from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import SandboxApi
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, http_monitor, new_account


@pytest.fixture
def ur(sandbox: SandboxApi) -> UptimeRobot:
    return new_account(sandbox)


def test_quirks_are_off_by_default(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor("Shop & API", url="https://e.com/?a=1&b=2"), expect=201)
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert (read["friendlyName"], read["url"]) == ("Shop & API", "https://e.com/?a=1&b=2")


def test_html_escape_escapes_names_and_urls(ur: UptimeRobot) -> None:
    ur.quirks(html_escape=True)
    created = ur.ok(
        "POST", "/monitors", http_monitor("Shop & <API>", url="https://e.com/?a=1&b=2"), expect=201
    )
    read = ur.ok("GET", f"/monitors/{created['id']}")
    assert read["friendlyName"] == "Shop &amp; &lt;API&gt;" and read["url"] == "https://e.com/?a=1&amp;b=2"
    assert ur.ok("GET", "/monitors")["data"][0]["friendlyName"] == "Shop &amp; &lt;API&gt;"


def test_bool_strings_returns_status_page_features_as_strings(ur: UptimeRobot) -> None:
    settings = {"features": {"showBars": True, "showUptimePercentage": False}, "page": {"theme": "dark"}}
    created = ur.ok("POST", "/psps", {"friendlyName": "Status", "customSettings": settings}, expect=201)
    assert ur.ok("GET", f"/psps/{created['id']}")["customSettings"]["features"]["showBars"] is True
    ur.quirks(bool_strings=True)
    features = ur.ok("GET", f"/psps/{created['id']}")["customSettings"]["features"]
    assert (features["showBars"], features["showUptimePercentage"]) == ("true", "false")
    assert set(features.values()) == {"true", "false"}


def test_save_then_500_persists_the_monitor(ur: UptimeRobot) -> None:
    ur.quirks(save_then_500=True)
    response = ur.call("POST", "/monitors", http_monitor("ambiguous"))
    assert response.status_code == 500 and response.json()["statusCode"] == 500
    assert [m["friendlyName"] for m in ur.ok("GET", "/monitors")["data"]] == ["ambiguous"]


def test_save_then_500_as_a_fraction_fails_only_some_creates(ur: UptimeRobot) -> None:
    ur.quirks(save_then_500=0.5)
    statuses = [ur.call("POST", "/monitors", http_monitor(f"m{i}")).status_code for i in range(40)]
    assert set(statuses) == {201, 500}
    assert len(ur.ok("GET", "/monitors", limit=200)["data"]) == 40


def test_save_then_404_persists_the_monitor(ur: UptimeRobot) -> None:
    ur.quirks(save_then_404=True)
    response = ur.call("POST", "/monitors", http_monitor("lost"))
    assert response.status_code == 404 and response.json()["code"] == "000-004"
    assert [m["friendlyName"] for m in ur.ok("GET", "/monitors")["data"]] == ["lost"]


def test_read_lag_serves_the_previous_version_for_n_reads(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/monitors", http_monitor("before"), expect=201)
    ur.quirks(read_lag=2)
    ur.ok("PATCH", f"/monitors/{created['id']}", {"friendlyName": "after"})
    names = [ur.ok("GET", f"/monitors/{created['id']}")["friendlyName"] for _ in range(3)]
    assert names == ["before", "before", "after"]


def test_read_lag_hides_a_new_object_from_gets_and_lists(ur: UptimeRobot) -> None:
    ur.quirks(read_lag=1)
    created = ur.ok("POST", "/monitors", http_monitor(), expect=201)
    assert ur.ok("GET", "/monitors")["data"] == []
    assert ur.ok("GET", f"/monitors/{created['id']}")["id"] == created["id"]


def test_read_lag_shows_a_just_deleted_object(ur: UptimeRobot) -> None:
    created = ur.ok(
        "POST",
        "/maintenance-windows",
        {"name": "w", "interval": "once", "date": "2030-01-01", "time": "01:00:00", "duration": 5},
        expect=201,
    )
    ur.quirks(read_lag=1)
    assert ur.call("DELETE", f"/maintenance-windows/{created['id']}").status_code == 204
    assert ur.call("GET", f"/maintenance-windows/{created['id']}").status_code == 200
    assert ur.call("GET", f"/maintenance-windows/{created['id']}").status_code == 404


def test_read_lag_applies_to_status_pages(ur: UptimeRobot) -> None:
    created = ur.ok("POST", "/psps", {"friendlyName": "old"}, expect=201)
    ur.quirks(read_lag=1)
    ur.ok("PATCH", f"/psps/{created['id']}", {"friendlyName": "new"})
    assert [ur.ok("GET", f"/psps/{created['id']}")["friendlyName"] for _ in range(2)] == ["old", "new"]


# --- faults from sandbox/core ---------------------------------------------------------------------
def test_an_injected_5xx_has_the_uptime_robot_body_and_is_counted(ur: UptimeRobot) -> None:
    ur.sandbox.control(
        "faults",
        service="uptimerobot",
        account=ur.api_key,
        error_rate=1.0,
        error_status=502,
        operations=["list_monitors"],
    )
    response = ur.call("GET", "/monitors")
    assert response.status_code == 502 and response.json() == {
        "statusCode": 502,
        "message": "Internal server error",
    }
    assert ur.call("GET", "/user/me").status_code == 200  # other operations are untouched
    assert ur.made()["fault:list_monitors"] == 1


def test_a_dropped_connection_answers_nothing(ur: UptimeRobot) -> None:
    ur.sandbox.control("faults", service="uptimerobot", account=ur.api_key, drop_rate=1.0, methods=["GET"])
    with pytest.raises(requests.ConnectionError):
        ur.call("GET", "/monitors")


def test_latency_delays_the_answer(ur: UptimeRobot) -> None:
    ur.sandbox.control("faults", service="uptimerobot", account=ur.api_key, latency_ms=300)
    started = time.monotonic()
    assert ur.call("GET", "/user/me").status_code == 200
    assert time.monotonic() - started >= 0.3

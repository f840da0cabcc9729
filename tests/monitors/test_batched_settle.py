"""Writes settle in batches: many creates in one provider process share one list read.

The engine calls the provider once per resource, each call in its own thread; these tests do the
same with real threads against the sandbox, through the real provider and client.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest

from tests.conftest import SandboxApi, UptimeRobotAccount
from vigil.core.inputs import unpack
from vigil.core.uptimerobot import UptimeRobotClient
from vigil.monitors.monitor import MonitorProvider


def inputs(index: int) -> dict[str, Any]:
    return {"name": f"b{index:03d}", "type": "http", "url": f"https://example.com/{index}", "interval": 300}


def create_all(count: int) -> list[dict[str, Any]]:
    """``count`` creates at once, as the engine sends them; every create's outputs."""
    provider = MonitorProvider()
    start = threading.Barrier(count)
    results: list[dict[str, Any]] = [{} for _ in range(count)]
    failures: list[BaseException] = []

    def one(index: int) -> None:
        try:
            news = provider.check({}, inputs(index)).inputs
            start.wait()
            created = provider.create(news)
            results[index] = {"id": created.id, **unpack(created.outs)}
        except BaseException as error:  # reported below, with the index
            failures.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    return results


def test_concurrent_creates_cost_one_call_each_plus_a_shared_list_read(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    count = 40
    results = create_all(count)
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert made["create_monitor"] == count
    assert made.get("get_monitor", 0) == 0, made  # no read-after-write GET per object
    # the snapshot before the first create, then one list read confirms the batch
    assert made["list_monitors"] <= 1 + math.ceil(count / 200) + 1, made
    assert sum(made.values()) <= count + math.ceil(count / 200) + 2, made
    live = {str(m["id"]): m["friendlyName"] for m in uptimerobot.monitors()}
    assert {r["id"]: r["name"] for r in results} == live


@pytest.mark.parametrize("lag", [1, 3])
def test_a_write_the_list_does_not_show_yet_falls_back_to_bounded_gets(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount, lag: int
) -> None:
    sandbox.control(
        "quirks",
        service="uptimerobot",
        account=uptimerobot.api_key,
        quirks={"read_lag": lag, "html_escape": True},
    )
    count = 12
    results = create_all(count)
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert made["create_monitor"] == count
    # the shared list read used up one lagging read of each; each object then needs its own GETs
    # until the API shows it (never more than ``lag`` each, never the whole list again)
    assert 0 < made.get("get_monitor", 0) <= count * lag, made
    assert made["list_monitors"] <= 3, made
    assert sorted(r["name"] for r in results) == [f"b{i:03d}" for i in range(count)]
    assert all(r["monitor_id"] == r["id"] for r in results)


def test_reads_of_400_monitors_cost_exactly_two_list_pages(
    sandbox: SandboxApi, sandbox_big: UptimeRobotAccount
) -> None:
    """The refresh's reads: lists are ordered by id and the cursor is the last id, so reading stops at
    the page that holds the highest id asked for — no trailing empty page after a full one."""
    ids = []
    for index in range(400):
        response = sandbox_big.post("/monitors", {**_wire(index)})
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["id"]))
    sandbox.control("requests", service="uptimerobot", account=sandbox_big.api_key)  # reset the counters
    client = UptimeRobotClient.from_env()
    assert all(client.get_monitor(i) is not None for i in reversed(ids))
    made = sandbox.requests_made("uptimerobot", sandbox_big.api_key)
    assert made == {"list_monitors": math.ceil(400 / 200)}, made


def _wire(index: int) -> dict[str, Any]:
    return {
        "type": "HTTP",
        "friendlyName": f"r{index:03d}",
        "url": f"https://example.com/r{index}",
        "interval": 300,
    }


@pytest.fixture
def sandbox_big(sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch) -> UptimeRobotAccount:
    created = sandbox.account("uptimerobot", plan="enterprise", monitor_limit=1000)
    monkeypatch.setenv("UPTIMEROBOT_API_URL", created["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", created["api_key"])
    return UptimeRobotAccount(created["url"], created["api_key"])

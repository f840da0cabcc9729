"""The Uptime Robot client: cursor pages, batched reads, idempotent creates, settling after writes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SandboxApi, UptimeRobotAccount
from vigil.core.errors import ServerError
from vigil.core.inputs import unpack
from vigil.core.policy import policy_for
from vigil.core.uptimerobot import MONITORS, UptimeRobotClient, forget_snapshots
from vigil.monitors.monitor import MonitorProvider


def monitor_body(index: int) -> dict[str, Any]:
    return {
        "type": "HTTP",
        "friendlyName": f"m{index:04d}",
        "url": f"https://example.com/{index}",
        "interval": 300,
    }


def seed(account: UptimeRobotAccount, count: int) -> list[int]:
    ids = []
    for index in range(count):
        response = account.post("/monitors", monitor_body(index))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


@pytest.fixture
def big(sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch) -> UptimeRobotAccount:
    created = sandbox.account("uptimerobot", plan="enterprise", monitor_limit=1000)
    monkeypatch.setenv("UPTIMEROBOT_API_URL", created["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", created["api_key"])
    return UptimeRobotAccount(created["url"], created["api_key"])


def calls(sandbox: SandboxApi, account: UptimeRobotAccount) -> dict[str, int]:
    made = sandbox.requests_made("uptimerobot", account.api_key)
    return made


def reset_calls(sandbox: SandboxApi, account: UptimeRobotAccount) -> None:
    sandbox.control("requests", service="uptimerobot", account=account.api_key)  # POST clears them


def test_listing_walks_every_page_and_stops_on_the_empty_last_page(
    sandbox: SandboxApi, big: UptimeRobotAccount
) -> None:
    ids = seed(big, 400)
    reset_calls(sandbox, big)
    listed = list(UptimeRobotClient.from_env().iter_monitors())
    assert sorted(int(m["id"]) for m in listed) == sorted(ids)
    # 200 + 200 + the empty page the API announces after a full one
    assert calls(sandbox, big)["list_monitors"] == 3


def test_n_reads_cost_one_list_call_not_n_gets(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    ids = seed(uptimerobot, 30)
    reset_calls(sandbox, uptimerobot)
    client = UptimeRobotClient.from_env()
    names = {UptimeRobotClient.from_env().get_monitor(i)["friendlyName"] for i in ids}  # type: ignore[index]
    assert len(names) == 30 and client.list_monitors()
    made = calls(sandbox, uptimerobot)
    assert made["list_monitors"] == 1 and made.get("get_monitor", 0) == 0


def test_a_monitor_missing_from_the_snapshot_is_confirmed_with_one_get(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    [kept, gone] = seed(uptimerobot, 2)
    client = UptimeRobotClient.from_env()
    assert client.get_monitor(kept) is not None
    uptimerobot_delete(uptimerobot, gone)
    forget_snapshots()
    reset_calls(sandbox, uptimerobot)
    assert client.get_monitor(gone) is None
    made = calls(sandbox, uptimerobot)
    assert made["list_monitors"] == 1 and made["get_monitor"] == 1


def uptimerobot_delete(account: UptimeRobotAccount, monitor_id: int) -> None:
    import requests

    response = requests.delete(
        f"{account.url}/monitors/{monitor_id}",
        headers={"Authorization": f"Bearer {account.api_key}"},
        timeout=10,
    )
    assert response.status_code == 200


def create(index: int) -> dict[str, Any]:
    """A monitor created through the provider (the write policy lives there, core/policy.py)."""
    provider = MonitorProvider()
    news = provider.check({}, monitor_inputs(index)).inputs
    result = provider.create(news)
    return {"id": int(result.id), **unpack(result.outs)}


def monitor_inputs(index: int, **fields: Any) -> dict[str, Any]:
    return {
        "name": f"m{index:04d}",
        "type": "http",
        "url": f"https://example.com/{index}",
        "interval": 300,
        **fields,
    }


def test_save_then_500_is_adopted_not_duplicated(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    sandbox.control(
        "quirks", service="uptimerobot", account=uptimerobot.api_key, quirks={"save_then_500": True}
    )
    doc = create(1)
    monitors = uptimerobot.monitors()
    assert [m["id"] for m in monitors] == [doc["id"]]
    assert calls(sandbox, uptimerobot)["create_monitor"] == 1


def test_save_then_404_is_adopted_not_duplicated(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    sandbox.control(
        "quirks", service="uptimerobot", account=uptimerobot.api_key, quirks={"save_then_404": True}
    )
    doc = create(2)
    assert [m["id"] for m in uptimerobot.monitors()] == [doc["id"]]


def test_a_create_adopts_the_monitor_that_already_has_its_natural_key(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    [existing] = seed(uptimerobot, 1)
    reset_calls(sandbox, uptimerobot)
    doc = create(0)
    assert doc["id"] == existing and len(uptimerobot.monitors()) == 1
    assert calls(sandbox, uptimerobot).get("create_monitor", 0) == 0


def test_a_post_that_failed_before_saving_is_sent_again_only_after_a_lookup(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    # The fault answers 500 without saving: a fresh list shows nothing, so a second POST is safe.
    sandbox.control(
        "faults", service="uptimerobot", account=uptimerobot.api_key, error_rate=0.4, methods=["POST"], seed=7
    )
    for index in range(6):
        create(index)
    made = calls(sandbox, uptimerobot)
    assert len(uptimerobot.monitors()) == 6
    assert made.get("fault:create_monitor", 0) > 0 and made["create_monitor"] == 6
    # one snapshot before the first create, the policy's fresh lookups after each failed POST, and
    # each create's settle: one list read (the creates run one after another: a batch each), no GET
    lookups = policy_for("Uptime Robot").adopt_reads
    assert made["list_monitors"] == 1 + lookups * made["fault:create_monitor"] + 6
    assert made.get("get_monitor", 0) == 0


def test_a_write_settles_through_read_lag(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    [monitor_id] = seed(uptimerobot, 1)
    sandbox.control("quirks", service="uptimerobot", account=uptimerobot.api_key, quirks={"read_lag": 2})
    provider = MonitorProvider()
    news = provider.check({}, monitor_inputs(0, name="renamed", interval=600)).inputs
    outs = unpack(provider.update(str(monitor_id), news, news).outs)
    assert outs["name"] == "renamed" and outs["interval"] == 600
    forget_snapshots()
    assert UptimeRobotClient.from_env().get_monitor(monitor_id)["friendlyName"] == "renamed"  # type: ignore[index]


def test_a_patch_is_reconciled_not_blindly_retried(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    [monitor_id] = seed(uptimerobot, 1)
    sandbox.control(
        "faults", service="uptimerobot", account=uptimerobot.api_key, error_rate=1.0, methods=["PATCH"]
    )
    provider = MonitorProvider()
    news = provider.check({}, monitor_inputs(0, name="never", interval=600)).inputs
    with pytest.raises(ServerError):
        provider.update(str(monitor_id), news, news)
    made = calls(sandbox, uptimerobot)
    # each retry came after a read showed it had not landed
    attempts = policy_for("Uptime Robot").write_attempts
    assert made["fault:update_monitor"] == attempts
    assert made["get_monitor"] == attempts


def test_delete_of_a_missing_monitor_is_success(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    UptimeRobotClient.from_env().delete_monitor(123456)  # the API answers 404: no error
    made = calls(sandbox, uptimerobot)
    assert made["delete_monitor"] == 1 and made.get("fault:delete_monitor", 0) == 0


def test_error_bodies_are_parsed_into_message_and_code(uptimerobot: UptimeRobotAccount) -> None:
    from vigil.core.errors import NotFound

    with pytest.raises(NotFound) as caught:
        UptimeRobotClient.from_env().get(f"{MONITORS}/42")
    assert caught.value.code == "000-004" and "Monitor not found" in str(caught.value)


def test_me_reads_the_account(uptimerobot: UptimeRobotAccount) -> None:
    assert "monitorLimit" in UptimeRobotClient.from_env().me()

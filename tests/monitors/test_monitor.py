"""MonitorProvider, called as the engine calls it (check → create/diff/update/read/delete) on the emulator."""

from __future__ import annotations

from typing import Any

import dill
import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from tests.conftest import SandboxApi, UptimeRobotAccount
from vigil.core.errors import ValidationError
from vigil.core.inputs import SETTINGS_KEY, pack, unpack
from vigil.core.uptimerobot import forget_snapshots
from vigil.monitors.monitor import ARG_FIELDS, TOP_LEVEL, MonitorProvider

PROVIDER = {"__provider": "serialized-provider"}
PACKED = tuple(f for f in ARG_FIELDS if f not in TOP_LEVEL)


def inputs(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "API health",
        "type": "http",
        "interval": 300,
        "url": "https://api.example.com/health",
    }
    base.update(fields)
    return {**PROVIDER, **pack(base, PACKED)}  # as the program registers a monitor


def checked(provider: MonitorProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, news)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    assert set(result.inputs[SETTINGS_KEY]) <= set(PACKED)
    return unpack(dict(result.inputs))


def failures(news: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in MonitorProvider().check({}, news).failures}


# --- check ---------------------------------------------------------------------------------------
def test_interval_below_30_s_fails_naming_the_field_and_the_fix() -> None:
    found = failures(inputs(interval=10))
    assert "interval" in found and "use 30 or more" in found["interval"] and "API health" in found["interval"]


def test_keyword_monitor_without_keyword_fails() -> None:
    assert "keyword" in failures(inputs(type="keyword"))


def test_http_monitor_needs_an_http_url() -> None:
    found = failures(inputs(url="ftp://example.com"))
    assert "url" in found and "https://" in found["url"]


def test_port_outside_range_fails() -> None:
    assert "port" in failures(inputs(type="port", url="db.example.com", port=70000))


def test_unknown_type_fails() -> None:
    assert "type" in failures(inputs(type="carrier-pigeon"))


def test_fields_of_another_type_are_refused() -> None:
    assert "keyword" in failures(inputs(keyword="ok"))


def test_check_normalises_the_inputs() -> None:
    result = checked(
        MonitorProvider(),
        inputs(
            type="HTTP",
            interval=300.0,
            headers={"X-Token-Name": "v"},
            tags=["b", "a"],
            http_method="get",
            check_ssl_errors="true",
        ),
    )
    assert result["type"] == "http" and result["interval"] == 300 and isinstance(result["interval"], int)
    assert result["headers"] == {"x-token-name": "v"} and result["tags"] == ["a", "b"]
    assert result["http_method"] == "GET" and result["check_ssl_errors"] is True
    assert result["__provider"] == "serialized-provider"


def test_check_and_diff_tolerate_unknown_values() -> None:
    news = inputs(
        url=Unknown(),
        interval=Unknown(),
        alert_contacts=[{"contact_id": Unknown(), "threshold": 0, "recurrence": 0}],
        tags=[rpc.UNKNOWN],
        headers=Unknown(),
    )
    provider = MonitorProvider()
    result = provider.check({}, news)
    assert result.failures == []
    olds = {**inputs(), "monitor_id": "1", "alert_contacts": [], "tags": []}
    diff = provider.diff("1", olds, result.inputs)
    assert diff.changes is True and diff.replaces == []


def test_a_wholly_unknown_type_is_not_judged_yet() -> None:
    assert MonitorProvider().check({}, inputs(type=Unknown())).failures == []


# --- diff ------------------------------------------------------------------------------------------
def state(**fields: Any) -> dict[str, Any]:
    """Outputs as the provider stores them: the live fields (all of them) plus computed ones."""
    defaults = {"timeout": 30, "headers": {}, "success_codes": ["2xx", "3xx"], "http_method": "HEAD"}
    return {**inputs(**{**defaults, **fields}), "monitor_id": "800000001", "status": "UP"}


def test_diff_compares_only_the_fields_the_stack_sets() -> None:
    diff = MonitorProvider().diff("1", state(timeout=45), inputs())
    assert diff.changes is False


def test_diff_normalises_escaping_case_and_strings() -> None:
    olds = state(name="Shop &amp; API", headers={"x-api": "1"}, tags=["a", "b"], follow_redirects="true")
    news = inputs(name="Shop & API", headers={"X-Api": "1"}, tags=["b", "a"], follow_redirects=True)
    assert MonitorProvider().diff("1", olds, news).changes is False


def test_state_written_before_packing_diffs_clean_and_sees_changes() -> None:
    flat = unpack(state())  # older state held every field as its own property
    assert SETTINGS_KEY not in flat and flat["interval"] == 300
    assert MonitorProvider().diff("1", flat, inputs()).changes is False
    assert MonitorProvider().diff("1", flat, inputs(interval=600)).changes is True


def test_diff_sees_a_changed_field() -> None:
    diff = MonitorProvider().diff("1", state(), inputs(interval=600))
    assert diff.changes is True and diff.replaces == []


def test_a_type_change_replaces() -> None:
    diff = MonitorProvider().diff("1", state(), inputs(type="keyword", keyword="ok"))
    assert diff.replaces == ["type"] and diff.delete_before_replace is True


# --- against the emulator -------------------------------------------------------------------------
def test_create_read_update_delete(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    news = checked(provider, inputs(tags=["prod"], headers={"X-Probe": "vigil"}, http_method="GET"))
    created = provider.create(news)
    assert created.id == unpack(created.outs)["monitor_id"]
    [live] = uptimerobot.monitors()
    assert str(live["id"]) == created.id and live["customHttpHeaders"] == {"x-probe": "vigil"}
    assert provider.diff(created.id, created.outs, news).changes is False

    forget_snapshots()
    read = provider.read(created.id, created.outs)
    assert read.id == created.id and unpack(read.outs)["tags"] == ["prod"]
    assert unpack(read.outs)["interval"] == 300
    assert read.inputs is None  # the stack's inputs stay in state (see core.provider.Provider.read)

    changed = checked(
        provider, inputs(tags=["prod"], headers={"X-Probe": "vigil"}, http_method="GET", interval=600)
    )
    assert provider.diff(created.id, read.outs, changed).changes is True
    updated = provider.update(created.id, read.outs, changed)
    assert unpack(updated.outs)["interval"] == 600 and uptimerobot.monitors()[0]["interval"] == 600

    provider.delete(created.id, updated.outs)
    assert uptimerobot.monitors() == []
    provider.delete(created.id, updated.outs)  # already gone: still success


def test_drift_shows_in_read(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    news = checked(provider, inputs())
    created = provider.create(news)
    response = uptimerobot.patch(f"/monitors/{created.id}", {"type": "HTTP", "interval": 900})
    assert response.status_code == 200
    forget_snapshots()  # a new Pulumi run: a new provider process
    read = provider.read(created.id, created.outs)
    assert unpack(read.outs)["interval"] == 900
    assert provider.diff(created.id, read.outs, news).changes is True


def test_a_vanished_monitor_reads_as_gone(uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    created = provider.create(checked(provider, inputs()))
    provider.delete(created.id, created.outs)
    forget_snapshots()
    read = provider.read(created.id, created.outs)
    assert read.id == "" and read.outs == {}


def test_html_escaped_reads_do_not_show_as_changes(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    sandbox.control(
        "quirks", service="uptimerobot", account=uptimerobot.api_key, quirks={"html_escape": True}
    )
    provider = MonitorProvider()
    news = checked(provider, inputs(name="Shop & <API>", url="https://example.com/?a=1&b=2"))
    created = provider.create(news)
    forget_snapshots()
    read = provider.read(created.id, created.outs)
    assert unpack(read.outs)["name"] == "Shop & <API>"
    assert provider.diff(created.id, read.outs, news).changes is False


def test_read_lag_settles_so_the_next_preview_is_clean(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    sandbox.control("quirks", service="uptimerobot", account=uptimerobot.api_key, quirks={"read_lag": 2})
    provider = MonitorProvider()
    news = checked(provider, inputs(interval=600))
    created = provider.create(news)
    forget_snapshots()
    read = provider.read(created.id, created.outs)
    assert (
        unpack(read.outs)["interval"] == 600 and provider.diff(created.id, read.outs, news).changes is False
    )


def test_keyword_heartbeat_and_port_monitors_round_trip(uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    for news in (
        inputs(type="keyword", keyword="ok", keyword_type="not_exists", keyword_case_sensitive=False),
        inputs(type="heartbeat", url=None, name="nightly job", grace_period=300),
        inputs(type="port", url="db.example.com", port=5432, name="db"),
    ):
        normalised = checked(provider, {k: v for k, v in news.items() if v is not None})
        created = provider.create(normalised)
        forget_snapshots()
        read = provider.read(created.id, created.outs)
        assert provider.diff(created.id, read.outs, normalised).changes is False, read.outs
    heartbeat = next(m for m in uptimerobot.monitors() if m["type"] == "HEARTBEAT")
    assert heartbeat["gracePeriod"] == 300


def test_heartbeat_outputs_its_push_url(uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    created = provider.create(
        checked(provider, {**PROVIDER, "name": "job", "type": "heartbeat", "interval": 300})
    )
    assert str(created.outs["heartbeat_url"]).startswith("https://heartbeat.uptimerobot.com/")
    # the push URL stays a top-level output (Monitor marks it secret), never inside packed settings
    assert created.outs["url"] == created.outs["heartbeat_url"] and "url" not in created.outs[SETTINGS_KEY]


def test_an_api_rejection_names_the_monitor_and_never_the_key(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    provider = MonitorProvider()
    with pytest.raises(ValidationError) as caught:
        provider.create(checked(provider, inputs(interval=30)))  # the team plan's minimum is 60 s
    message = str(caught.value)
    assert message.startswith("Uptime Robot monitor 'API health', field interval: Uptime Robot API: POST")
    assert "interval" in message and "HTTP 400" in message and uptimerobot.api_key not in message


def test_the_provider_pickles_without_any_client_or_credential(uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    provider.create(checked(provider, inputs()))
    pickled = dill.dumps(provider, recurse=True)
    assert uptimerobot.api_key.encode() not in pickled
    assert vars(dill.loads(pickled)) == {}


def test_reads_of_many_monitors_are_batched(sandbox: SandboxApi, uptimerobot: UptimeRobotAccount) -> None:
    provider = MonitorProvider()
    created = [
        provider.create(checked(provider, inputs(name=f"m{i}", url=f"https://e.com/{i}"))) for i in range(12)
    ]
    forget_snapshots()
    sandbox.control("requests", service="uptimerobot", account=uptimerobot.api_key)
    for result in created:
        assert provider.read(result.id, result.outs).id == result.id
    made = sandbox.requests_made("uptimerobot", uptimerobot.api_key)
    assert made["list_monitors"] == 1 and made.get("get_monitor", 0) == 0


def test_25_creates_on_a_free_plan_from_4_threads_never_fail(
    sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    free = sandbox.account("uptimerobot", plan="free")  # 10 requests per minute
    monkeypatch.setenv("UPTIMEROBOT_API_URL", free["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", free["api_key"])
    sandbox.control("clock", speed=60)  # a sandbox minute passes in a real second
    try:
        provider = MonitorProvider()

        def create(index: int) -> str:
            news = checked(provider, inputs(name=f"m{index:02d}", url=f"https://e.com/{index}"))
            return str(provider.create(news).id)

        with ThreadPoolExecutor(max_workers=4) as pool:  # as the dynamic provider process serves calls
            ids = list(pool.map(create, range(25)))
    finally:
        sandbox.control("clock", speed=1)
    account = UptimeRobotAccount(free["url"], free["api_key"])
    assert sorted(str(m["id"]) for m in account.monitors()) == sorted(ids) and len(set(ids)) == 25
    made = sandbox.requests_made("uptimerobot", free["api_key"])
    assert made["create_monitor"] == 25
    assert sum(v for k, v in made.items() if k.startswith("throttled:")) == 0, made  # paced, not refused


def test_an_ambiguous_create_of_an_escaped_name_is_adopted(
    sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    quirks = {"save_then_500": True, "html_escape": True}
    sandbox.control("quirks", service="uptimerobot", account=uptimerobot.api_key, quirks=quirks)
    provider = MonitorProvider()
    news = checked(provider, inputs(name="Shop & API", url="https://example.com/?a=1&b=2"))
    created = provider.create(news)
    assert [str(m["id"]) for m in uptimerobot.monitors()] == [created.id]
    assert unpack(created.outs)["name"] == "Shop & API"

"""The SLA bench's call counts: 201 monitors cost ceil(201/200) = 2 list calls, one incident page and
two statistics calls per monitor, and no per-monitor GET."""

from __future__ import annotations

import pytest

from bench.sla import measure
from tests.sla.sla_world import own_sandbox  # noqa: F401 (a fixture)
from vigil.sandbox.core.server import SandboxServer


def test_sla_of_201_monitors_costs_2_list_calls_and_2_statistics_calls_each(
    own_sandbox: SandboxServer,  # noqa: F811 (the imported fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("UPTIMEROBOT_API_KEY", "UPTIMEROBOT_API_URL", "SENTRY_AUTH_TOKEN", "VIGIL_ENV"):
        monkeypatch.delenv(name, raising=False)
    measured, outages, document = measure(own_sandbox.url, 201, 0, {"PULUMI_CONFIG_PASSPHRASE": "bench"})
    assert measured.count("list_monitors") == 2
    assert measured.count("list_incidents") == 1  # 21 outages fit one page of 50
    assert measured.count("get_monitor_uptime_stats") == measured.count("get_monitor_response_times") == 201
    assert measured.count("get_monitor") == 0
    assert measured.total_calls == 2 + 1 + 2 * 201
    assert outages == 21
    assert sum(m["incidents"]["count"] for m in document["monitors"]) == 21
    assert all(m["found"] for m in document["monitors"]) and len(document["monitors"]) == 201

"""Target probes read a monitor's secret URL and headers from the run's environment and never print them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vigil.probes.targets import probe_monitor
from vigil.sandbox.target import TargetServer
from vigil.spec import HttpMonitor, env_secret


@pytest.fixture
def target() -> Iterator[TargetServer]:
    server = TargetServer(port=0).start()
    yield server
    server.stop()


def test_a_secret_url_is_probed_from_the_environment_and_shown_masked(target: TargetServer) -> None:
    url = f"{target.url}/api/v1/health/simple?token=abc123"
    monitor = HttpMonitor(name="API", url=env_secret("API_HEALTH_URL"))

    check = probe_monitor(monitor, {"API_HEALTH_URL": url})

    assert check.passed, check.detail
    assert check.detail == "(secret URL, env:API_HEALTH_URL) answered 200"
    assert "abc123" not in check.detail


def test_an_unset_secret_url_fails_the_check_naming_the_variable(target: TargetServer) -> None:
    monitor = HttpMonitor(name="API", url=env_secret("API_HEALTH_URL"))

    check = probe_monitor(monitor, {})

    assert not check.passed
    assert check.detail == "(secret URL, env:API_HEALTH_URL): not probed, its URL is a secret not set here"


def test_a_secret_header_value_is_sent_but_not_shown(target: TargetServer) -> None:
    monitor = HttpMonitor(
        name="API",
        url=f"{target.url}/api/v1/health/simple",
        headers=(("Authorization", env_secret("API_AUTH")),),
    )

    check = probe_monitor(monitor, {"API_AUTH": "Bearer s3cr3t-value"})

    assert check.passed, check.detail
    assert "s3cr3t" not in check.detail

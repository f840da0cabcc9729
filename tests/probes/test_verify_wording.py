"""`vigil verify`'s checks say what they proved: a keyword monitor that the keyword was found (not
only that the URL answered), a heartbeat that it was not exercised."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vigil.probes.targets import probe_monitor
from vigil.sandbox.target import TargetServer
from vigil.spec import HeartbeatMonitor, KeywordMonitor


@pytest.fixture
def target() -> Iterator[TargetServer]:
    server = TargetServer(port=0).start()
    yield server
    server.stop()


def test_a_keyword_check_reports_the_keyword_found(target: TargetServer) -> None:
    monitor = KeywordMonitor(name="AI", url=f"{target.url}/api/v1/ai/health", keyword='"status":"healthy"')
    check = probe_monitor(monitor, {})
    assert check.passed
    assert check.detail.endswith("""answered 200; keyword '"status":"healthy"' found (any case)""")


def test_a_keyword_that_must_be_absent_reports_it_absent(target: TargetServer) -> None:
    monitor = KeywordMonitor(name="AI", url=f"{target.url}/api/v1/ai/health", keyword="degraded",
                             alert_when="present", case_sensitive=True)  # fmt: skip
    check = probe_monitor(monitor, {})
    assert check.passed
    assert check.detail.endswith("keyword 'degraded' absent, as required (case-sensitive)")


def test_a_failing_keyword_says_it_is_missing(target: TargetServer) -> None:
    target.set_healthy(False)
    monitor = KeywordMonitor(name="AI", url=f"{target.url}/api/v1/ai/health", keyword='"status":"healthy"',
                             expect_status=("2xx", "5xx"))  # fmt: skip
    check = probe_monitor(monitor, {})
    assert not check.passed and check.would_alert
    assert check.detail.startswith("""keyword '"status":"healthy"' missing from""")


def test_a_heartbeat_says_it_was_not_exercised() -> None:
    check = probe_monitor(HeartbeatMonitor(name="nightly job"), {})
    assert check.passed
    assert check.detail.startswith("heartbeat: not exercised")

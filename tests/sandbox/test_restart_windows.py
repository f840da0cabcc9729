"""Rate-limit windows after a sandbox restart: measured on a clock that restarts, so they reopen.

Before, a window saved by a long-running sandbox stayed shut after a restart for as long as the old
process had run (a 100-monitor `up` froze 6.5 minutes).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SandboxApi
from tests.sandbox.test_uptimerobot_monitors import UptimeRobot, new_account
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services


def _start(state: Path) -> tuple[Clock, SandboxServer]:
    clock = Clock()
    server = SandboxServer(Sandbox(build_services(clock), state_path=state, clock=clock), port=0).start()
    return clock, server


def _exhaust(ur: UptimeRobot) -> int:
    """Calls until the free plan's window shuts (429); returns how many were admitted."""
    for admitted in range(100):
        if ur.call("GET", "/monitors").status_code == 429:
            return admitted
    raise AssertionError("the free plan never answered 429")


def test_a_window_shut_before_a_restart_is_open_after_it(tmp_path: Path) -> None:
    state = tmp_path / "state.pickle"
    clock, server = _start(state)
    try:
        clock.advance(600)  # the old process ran 10 minutes: its window opened at t=600
        ur = new_account(SandboxApi(server.url), "free")
        assert _exhaust(ur) == 10
    finally:
        server.stop()
    _, server = _start(state)  # a new process: its clock starts at 0 again
    try:
        again = UptimeRobot(f"{server.url}/uptimerobot/v3", ur.api_key, SandboxApi(server.url))
        assert again.call("GET", "/monitors").status_code == 200
        assert _exhaust(again) == 9  # a whole new window: 10 calls, the first one above
    finally:
        server.stop()


def test_reset_reopens_every_services_windows(tmp_path: Path) -> None:
    _, server = _start(tmp_path / "state.pickle")
    try:
        api = SandboxApi(server.url)
        ur = new_account(api, "free")
        assert _exhaust(ur) == 10
        api.control("reset", service="uptimerobot")
        assert ur.call("GET", "/monitors").status_code == 200
    finally:
        server.stop()

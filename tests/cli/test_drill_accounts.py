"""The drill's real-account path (a temporary monitor with an impossible keyword on the monitor's
contacts), run against an emulator that monitors (60× clock) with vigil's own clients over real HTTP:
it measures, it cleans up after a pass and after Ctrl-C, and a production drill asks first."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, ProjectDir, SandboxApi, UptimeRobotAccount
from vigil.core.credentials import Credential
from vigil.core.uptimerobot import UptimeRobotClient
from vigil.drill.lock import DrillLock
from vigil.drill.plan import Channel, MonitorCase
from vigil.drill.runner import run_drill
from vigil.drill.uptime import PREFIX, UptimeDrill
from vigil.drill.world import SandboxClock
from vigil.engine.backend import FileStore
from vigil.engine.drill_history import DrillHistory
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services
from vigil.sandbox.target import TargetServer
from vigil.spec import EmailContact, HttpMonitor


@pytest.fixture(scope="module")
def monitoring() -> Iterator[SandboxServer]:
    clock = Clock(speed=60.0)
    server = SandboxServer(Sandbox(build_services(clock), clock=clock, monitoring=True), port=0).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def target() -> Iterator[TargetServer]:
    server = TargetServer(0).start()
    yield server
    server.stop()


@pytest.fixture
def account(monitoring: SandboxServer, target: TargetServer) -> tuple[UptimeRobotAccount, dict[str, Any]]:
    created = SandboxApi(monitoring.url).account("uptimerobot", plan="team")
    ur = UptimeRobotAccount(created["url"], created["api_key"])
    email = ur.post(
        "/alert-contacts", {"type": "Email", "value": "ops@example.com", "friendlyName": "ops"}
    ).json()
    monitor = ur.post("/monitors", {"type": "HTTP", "friendlyName": "API", "interval": 60,
                                    "url": f"{target.url}/api/v1/health/simple",
                                    "assignedAlertContacts": [{"alertContactId": email["id"], "threshold": 0,
                                                               "recurrence": 0}]}).json()  # fmt: skip
    return ur, monitor


def _drill(
    monitoring: SandboxServer, ur: UptimeRobotAccount, monitor: dict[str, Any]
) -> tuple[UptimeDrill, MonitorCase, SandboxClock]:
    spec = HttpMonitor(name="API", url="http://127.0.0.1/api/v1/health/simple", every="1m", severity="P0",
                       alert=("ops",))  # fmt: skip
    contact = EmailContact(name="ops", email="ops@example.com")
    case = MonitorCase(spec, 300.0, 60.0, [Channel("ops", "email", contact)])
    clock = SandboxClock(monitoring.url).sync()
    client = UptimeRobotClient(Credential("Uptime Robot", ur.url, ur.api_key, "UPTIMEROBOT_API_KEY"))
    return UptimeDrill(client, clock, None, None, {"API": monitor["id"]}, ur.api_key), case, clock


def _temporary(ur: UptimeRobotAccount) -> list[str]:
    return [m["friendlyName"] for m in ur.monitors() if m["friendlyName"].startswith(PREFIX)]


def test_a_real_account_drill_measures_a_temporary_monitor_and_deletes_it(
    monitoring: SandboxServer, account: tuple[UptimeRobotAccount, dict[str, Any]], tmp_path: Any
) -> None:
    ur, monitor = account
    drill, case, clock = _drill(monitoring, ur, monitor)
    store = FileStore(tmp_path.as_uri(), tmp_path)
    report = run_drill("staging", clock, DrillLock.in_store(store, "p", "staging"),
                       DrillHistory.in_store(store, "p", "staging"), drill, [case], None, [])  # fmt: skip
    [result] = report.results
    assert result.channel == "email" and result.detect_s is not None and result.detect_s >= 30
    assert result.passed and result.detail == "sent, not confirmed (this channel cannot be read)"
    assert _temporary(ur) == []
    assert [m["status"] for m in ur.monitors()] == ["UP"]  # the real monitor was never touched
    assert DrillLock.in_store(store, "p", "staging").holder() is None


def test_ctrl_c_during_a_real_account_drill_leaves_no_temporary_monitor(
    monitoring: SandboxServer, account: tuple[UptimeRobotAccount, dict[str, Any]], tmp_path: Any
) -> None:
    ur, monitor = account
    drill, case, clock = _drill(monitoring, ur, monitor)
    seen: list[list[str]] = []

    def interrupt() -> None:
        seen.append(_temporary(ur))
        raise KeyboardInterrupt  # what Ctrl-C raises in the waiting drill

    store = FileStore(tmp_path.as_uri(), tmp_path)
    with pytest.raises(KeyboardInterrupt):
        run_drill("staging", clock, DrillLock.in_store(store, "p", "staging"), None, drill, [case], None, [],
                  on_started=interrupt)  # fmt: skip
    assert len(seen[0]) == 1 and seen[0][0].endswith(" API")  # it existed while the drill ran
    assert _temporary(ur) == []
    assert DrillLock.in_store(store, "p", "staging").holder() is None


def test_a_production_drill_asks_first_and_without_a_terminal_refuses(project: ProjectDir) -> None:
    shutil.copy(ROOT / "stacks" / "conductor.py", project.root / "stacks" / "conductor.py")
    shutil.copy(ROOT / "stacks" / "production.yaml", project.root / "stacks" / "production.yaml")
    result = project.vigil("drill", "--env", "production", "--json")
    assert result.exit_code == 3, str(result)
    assert result.json["error"]["message"] == "a drill of 'production' needs confirmation (it pages people)"

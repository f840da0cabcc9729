"""The monitoring sandbox under load, and a drill of many monitors: ``python -m bench.drill``.

1. **Scheduler**: 500 active HTTP monitors at 1-minute intervals on one emulated account, checked
   for real against the stand-in application for a few sandbox minutes; the emulator's own figures:
   checks done and how late each started against its due time (p95 and max, sandbox seconds; the
   target is p95 ≤ 1 s).
2. **Drill**: 50 monitors (1-minute interval, e-mail alerts) drilled at once at 60× — wall time of
   the whole drill (cleanup included) and each monitor's measured detection against its configured
   worst case (interval + the confirmation check).

Wall times depend on the machine and what else runs: read them as "measured under load" when the
machine is shared. Options: ``--monitors 500 --minutes 5 --speed 10 --drill 50 --drill-speed 60``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import requests

from vigil.core.credentials import Credential
from vigil.core.uptimerobot import UptimeRobotClient
from vigil.drill.lock import DrillLock
from vigil.drill.plan import Channel, MonitorCase
from vigil.drill.runner import run_drill
from vigil.drill.uptime import CONFIRM_S, UptimeDrill
from vigil.drill.world import SandboxClock, SandboxHooks
from vigil.engine.backend import FileStore
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services
from vigil.sandbox.target import TargetServer
from vigil.spec import EmailContact, HttpMonitor

PATH = "/api/v1/health/simple"


class Account:
    def __init__(self, sandbox_url: str) -> None:
        created = requests.post(
            f"{sandbox_url}/_sandbox/accounts",
            json={"service": "uptimerobot", "plan": "enterprise", "rate_limit_per_minute": 1_000_000},
            timeout=10,
        ).json()
        self.url, self.key = created["url"], created["api_key"]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = requests.post(
            f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {self.key}"}, timeout=30
        )
        response.raise_for_status()
        return dict(response.json())


def _start(speed: float) -> tuple[SandboxServer, TargetServer]:
    clock = Clock(speed=speed)
    server = SandboxServer(Sandbox(build_services(clock), clock=clock, monitoring=True), port=0).start()
    return server, TargetServer(0).start()


def scheduler_bench(count: int, minutes: float, speed: float) -> dict[str, Any]:
    server, target = _start(speed)
    try:
        account = Account(server.url)
        for i in range(count):
            account.post(
                "/monitors",
                {
                    "type": "HTTP",
                    "friendlyName": f"m{i:04d}",
                    "interval": 60,
                    "url": f"{target.url}{PATH}?m={i}",
                },
            )
        requests.delete(f"{server.url}/_sandbox/uptimerobot/scheduler", timeout=10)  # count from here
        time.sleep(minutes * 60 / speed)
        stats = dict(requests.get(f"{server.url}/_sandbox/uptimerobot/scheduler", timeout=10).json())
    finally:
        server.stop()
        target.stop()
    expected = count * minutes
    return {
        **stats,
        "monitors": count,
        "sandbox_minutes": minutes,
        "speed": speed,
        "expected_checks": expected,
    }


def drill_bench(count: int, speed: float) -> dict[str, Any]:
    server, target = _start(speed)
    try:
        account = Account(server.url)
        email = account.post(
            "/alert-contacts", {"type": "Email", "value": "ops@example.com", "friendlyName": "ops"}
        )
        ids: dict[str, int] = {}
        for i in range(count):
            created = account.post(
                "/monitors",
                {
                    "type": "HTTP",
                    "friendlyName": f"m{i:03d}",
                    "interval": 60,
                    "url": f"{target.url}{PATH}?m={i}",
                    "assignedAlertContacts": [
                        {"alertContactId": email["id"], "threshold": 0, "recurrence": 0}
                    ],
                },
            )
            ids[f"m{i:03d}"] = int(created["id"])
        clock = SandboxClock(server.url).sync()
        time.sleep(90 / speed)  # every monitor checked once: UP before the drill
        contact = EmailContact(name="ops", email="ops@example.com")
        cases = [
            MonitorCase(
                HttpMonitor(name=name, url=f"{target.url}{PATH}", every="1m", severity="P0", alert=("ops",)),
                300.0,
                60.0,
                [Channel("ops", "email", contact)],
            )
            for name in ids
        ]
        client = UptimeRobotClient(
            Credential("Uptime Robot", account.url, account.key, "UPTIMEROBOT_API_KEY")
        )
        drill = UptimeDrill(client, clock, SandboxHooks(server.url, target.url), None, ids, account.key)
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            store = FileStore(Path(folder).as_uri(), Path(folder))
            started = time.monotonic()
            report = run_drill(
                "bench", clock, DrillLock.in_store(store, "bench", "bench"), None, drill, cases, None, []
            )
            wall = time.monotonic() - started
    finally:
        server.stop()
        target.stop()
    detects = [r.detect_s for r in report.results if r.detect_s is not None]
    worst = 60 + CONFIRM_S
    return {
        "monitors": count,
        "speed": speed,
        "wall_s": round(wall, 1),
        "passed": sum(r.passed for r in report.results),
        "detected": len(detects),
        "detect_median_s": round(statistics.median(detects), 1) if detects else None,
        "detect_max_s": max(detects) if detects else None,
        "worst_case_s": worst,
        "within_worst_case": sum(d <= worst + 60 / speed * 10 for d in detects),  # + the drill's poll steps
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.drill")
    parser.add_argument("--monitors", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=5.0, help="sandbox minutes the scheduler runs")
    parser.add_argument("--speed", type=float, default=10.0, help="the scheduler bench's clock speed")
    parser.add_argument("--drill", type=int, default=50)
    parser.add_argument("--drill-speed", type=float, default=60.0)
    args = parser.parse_args(argv)
    drilled = drill_bench(args.drill, args.drill_speed)
    print("drill", " ".join(f"{k}={v}" for k, v in drilled.items()))
    scheduled = scheduler_bench(args.monitors, args.minutes, args.speed)
    print("scheduler", " ".join(f"{k}={v}" for k, v in scheduled.items()))


if __name__ == "__main__":
    main()

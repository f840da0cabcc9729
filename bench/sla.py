"""`vigil sla` over N monitors: the API calls it costs (and its wall time, under load).

``python -m bench.sla [--sizes 10,100,500] [--latency-ms 50]``. For each N: an account holding N
monitors (every tenth with one 10-minute outage), a stack declaring them, then one
`vigil sla --window 24h --json`. The reads are batched: ceil(N/200) monitor list calls, one
incident list page per 50 incidents of the window, and the two statistics calls per monitor the
API only answers per monitor (uptime, response times) — the account-wide ``uptime-stats`` has no
per-monitor figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any

import requests

from bench import harness
from bench.uptimerobot import monitors_yaml

PAGE_SIZE = 200
INCIDENT_PAGE = 50
OUTAGE_EVERY = 10  # every tenth monitor had an outage


def seed(url: str, creds: dict[str, Any], count: int) -> int:
    """N monitors as `vigil up` of ``monitors_yaml(N)`` leaves them; returns how many had an outage."""
    auth = {"Authorization": f"Bearer {creds['api_key']}"}
    session = requests.Session()
    outages = 0
    now = harness_clock(url)
    for index in range(count):
        created = session.post(
            f"{creds['url']}/monitors",
            json={"type": "HTTP", "friendlyName": f"m{index:04d}", "url": f"http://127.0.0.1:9/m{index}",
                  "interval": 300},
            headers=auth,
            timeout=30,
        )  # fmt: skip
        created.raise_for_status()
        monitor = int(created.json()["id"])
        checks: list[dict[str, Any]] = [{"status": "UP", "response_ms": 100 + index % 50}]
        if index % OUTAGE_EVERY == 0:
            outages += 1
            checks = [
                {"status": "UP", "response_ms": 120, "at": now - 3600},
                {"status": "DOWN", "at": now - 1800},
                {"status": "UP", "response_ms": 150, "at": now - 1200},
            ]
        for check in checks:
            session.post(
                f"{url}/_sandbox/uptimerobot/monitor-status",
                json={"account": creds["api_key"], "monitor": monitor, **check},
                timeout=30,
            ).raise_for_status()
    return outages


def harness_clock(url: str) -> float:
    """The sandbox's wall clock (its ``Date`` header), in UNIX seconds."""
    from email.utils import parsedate_to_datetime

    response = requests.get(f"{url}/_sandbox/requests", timeout=10)
    return parsedate_to_datetime(response.headers["Date"]).timestamp()


def measure(url: str, count: int, latency_ms: int, env: dict[str, str]) -> tuple[harness.Measured, int, dict]:
    """(API calls and wall time of one `vigil sla`, outages seeded, its --json document)."""
    creds = harness.account(url, "uptimerobot", plan="enterprise", monitor_limit=max(1000, count * 2))
    outages = seed(url, creds, count)
    if latency_ms:
        harness.control(url, "faults", service="uptimerobot", account=creds["api_key"], latency_ms=latency_ms)
    run_env = {**env, "UPTIMEROBOT_API_URL": creds["url"], "UPTIMEROBOT_API_KEY": creds["api_key"]}
    document: dict[str, Any] = {}
    stack = monitors_yaml(count).replace("uptime_plan: team", "uptime_plan: enterprise")  # 1000 monitors
    with harness.project("sla", "", {"b": stack}) as root:

        def run() -> None:
            code, out, err = harness.vigil(
                root, "sla", "--env", "b", "--window", "24h", "--json", env=run_env
            )
            if code not in (0, 2):
                raise SystemExit(f"vigil sla failed (exit {code}):\n{out}\n{err}")
            document.update(json.loads(out))

        measured = harness.timed(run, lambda: harness.calls(url, "uptimerobot", creds["api_key"]))
    return measured, outages, document


def run_sla(url: str, sizes: list[int], latency_ms: int, env: dict[str, str]) -> str:
    rows = []
    for count in sizes:
        measured, outages, _ = measure(url, count, latency_ms, env)
        lists = measured.count("list_monitors")
        incidents = measured.count("list_incidents")
        stats = measured.count("get_monitor_uptime_stats") + measured.count("get_monitor_response_times")
        budget = math.ceil(count / PAGE_SIZE) + max(1, math.ceil(outages / INCIDENT_PAGE)) + 2 * count
        rows.append(
            [count, lists, f"≤{math.ceil(count / PAGE_SIZE)}", incidents, stats, measured.total_calls,
             f"≤{budget}", measured.count("get_monitor"), f"{measured.seconds:.1f}"]
        )  # fmt: skip
    return harness.table(
        f"vigil sla --window 24h over N monitors (Uptime Robot, {latency_ms} ms emulator latency; "
        "wall time measured under load)",
        ["N", "list_monitors", "target", "list_incidents", "statistics", "total", "budget", "gets", "s"],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sla")
    parser.add_argument("--sizes", default="10,100,500", help="numbers of monitors, comma-separated")
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    env = {} if os.environ.get("PULUMI_CONFIG_PASSPHRASE") else {"PULUMI_CONFIG_PASSPHRASE": "bench"}
    with harness.sandbox() as url:
        print(run_sla(url, sizes, args.latency_ms, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())

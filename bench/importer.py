"""`vigil import --dry-run` over an account of N monitors made through the raw API: the plan's API calls."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import requests

from bench import harness

FLOOR_PAGE = 200  # Uptime Robot's list page: N monitors are ceil(N/200) list calls at best


def _populate(creds: dict[str, Any], count: int) -> None:
    from vigil.monitors.monitor import to_wire

    headers = {"Authorization": f"Bearer {creds['api_key']}"}
    for i in range(count):
        body = to_wire(
            {"name": f"m{i:04d}", "type": "http", "interval": 300, "url": f"https://e.example/{i}"},
            creating=True,
        )
        requests.post(f"{creds['url']}/monitors", json=body, headers=headers, timeout=10).raise_for_status()


def _plan(root: Path, run_env: dict[str, str]) -> None:
    code, out, err = harness.vigil(root, "import", "--env", "b", "--dry-run", "--json", env=run_env)
    if code != 0:
        raise SystemExit(f"import --dry-run failed (exit {code}):\n{out}\n{err}")


def run_import(url: str, sizes: list[int], latency_ms: int, env: dict[str, str]) -> str:
    rows: list[list[Any]] = []
    for count in sizes:
        creds = harness.account(url, "uptimerobot", plan="enterprise", monitor_limit=max(1000, count * 2))
        _populate(creds, count)
        harness.control(url, "faults", service="uptimerobot", account=creds["api_key"], latency_ms=latency_ms)
        run_env = {**env, "UPTIMEROBOT_API_URL": creds["url"], "UPTIMEROBOT_API_KEY": creds["api_key"]}

        def counter(key: str = creds["api_key"]) -> dict[str, int]:
            return harness.calls(url, "uptimerobot", key)

        with harness.project("import", "", {"b": "uptime_plan: team\n"}) as root:
            measured = harness.timed(partial(_plan, root, run_env), counter)
        lists = measured.count("list_monitors")
        rows.append(
            [
                count,
                f"{measured.seconds:.2f}",
                measured.total_calls,
                lists,
                f"{-(-count // FLOOR_PAGE)} lists",
            ]
        )
    return harness.table(
        f"vigil import --dry-run over N monitors ({latency_ms} ms emulator latency; measured under load)",
        ["N", "wall s", "API calls", "monitor list calls", "floor"],
        rows,
    )

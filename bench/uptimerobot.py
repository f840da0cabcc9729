"""Uptime Robot monitors through vigil versus the engine floor, and drift over the same stack."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Any

from bench import harness

NOOP_MAIN = "import os\nfrom bench.noop import program\nprogram(int(os.environ['BENCH_N']))\n"
VIGIL_MAIN = "from program import run\nrun()\n"
PAGE_SIZE = 200
REPEATS = 3  # runs of each read-only operation; the table shows the median


def monitors_yaml(count: int) -> str:
    lines = ["app: basic", "uptime_plan: team", "monitors:"]
    lines += [f'  - {{name: "m{i:04d}", url: "http://127.0.0.1:9/m{i}", every: 5m}}' for i in range(count)]
    return "\n".join(lines) + "\n"


def _must(result: tuple[int, str, str], what: str) -> None:
    code, out, err = result
    if code != 0:
        raise SystemExit(f"{what} failed (exit {code}):\n{out}\n{err}")


def _operation(root: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
    """One CLI operation; drift's exit 2 (drift found) is a result, every other failure stops the run."""
    result = harness.vigil(root, *args, env=env)
    if args[0] != "drift":
        _must(result, f"{root.name}: " + " ".join(args))


def run_uptimerobot(url: str, sizes: list[int], latency_ms: int, env: dict[str, str]) -> str:
    rows: list[list[Any]] = []
    drift_rows: list[list[Any]] = []
    for count in sizes:
        creds = harness.account(url, "uptimerobot", plan="enterprise", monitor_limit=max(1000, count * 2))
        harness.control(url, "faults", service="uptimerobot", account=creds["api_key"], latency_ms=latency_ms)
        run_env = {
            **env,
            "UPTIMEROBOT_API_URL": creds["url"],
            "UPTIMEROBOT_API_KEY": creds["api_key"],
            "BENCH_N": str(count),
        }

        def counter(key: str = creds["api_key"]) -> dict[str, int]:
            return harness.calls(url, "uptimerobot", key)

        with (
            harness.project("vigil", VIGIL_MAIN, {"b": monitors_yaml(count)}) as root,
            harness.project("floor", NOOP_MAIN, {"b": "app: basic\n"}) as floor,
        ):
            measured = {}
            for label, args in (
                ("up", ("up", "--env", "b", "--yes")),
                ("preview", ("preview", "--env", "b")),
                ("preview --refresh", ("preview", "--env", "b", "--refresh")),
                ("drift", ("drift", "--env", "b", "--json")),
            ):
                # `up` changes what it measures, so it runs once; the read-only operations run
                # REPEATS times each (vigil and floor alternating) and report the median run.
                runs = 1 if label == "up" else REPEATS
                pairs = []
                base_args = args if args[0] != "drift" else ("preview", "--env", "b", "--refresh")
                for _ in range(runs):
                    vigil = harness.timed(partial(_operation, root, args, run_env), counter)
                    base = harness.timed(partial(_operation, floor, base_args, run_env))
                    pairs.append((vigil, base))
                measured[label] = (harness.median(p[0] for p in pairs), harness.median(p[1] for p in pairs))
            for label, (vigil, base) in measured.items():
                lists = vigil.count("list_monitors")
                gets = vigil.count("get_monitor")
                target = ""
                if label == "preview --refresh":
                    target = f"≤{math.ceil(count / PAGE_SIZE) + 2} lists"
                row = [
                    count,
                    label,
                    f"{vigil.seconds:.2f}",
                    f"{base.seconds:.2f}",
                    f"{vigil.seconds / base.seconds:.2f}x",
                    vigil.total_calls,
                    lists,
                    gets,
                    target,
                ]
                (drift_rows if label == "drift" else rows).append(row)
    header = [
        "N",
        "operation",
        "vigil s",
        "floor s",
        "ratio",
        "API calls",
        "list calls",
        "get calls",
        "target",
    ]
    return "\n\n".join(
        [
            harness.table(
                f"Uptime Robot monitors ({latency_ms} ms emulator latency, paid-plan rate limit); "
                f"floor = N no-op dynamic resources; read-only rows: median of {REPEATS} runs",
                header,
                rows,
            ),
            harness.table(
                "vigil drift (refreshing preview + unmanaged inventory); floor = refreshing preview "
                "of N no-op resources",
                header,
                drift_rows,
            ),
        ]
    )

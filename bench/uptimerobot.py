"""Uptime Robot monitors through vigil versus the engine floor, and drift over the same stack."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Any

from bench import harness

NOOP_MAIN = "import os\nfrom bench.noop import program\nprogram(int(os.environ['BENCH_N']))\n"
VIGIL_MAIN = "from vigil.program import run\nrun()\n"
PAGE_SIZE = 200
REPEATS = 3  # runs of each read-only operation; the table shows the median


def monitors_yaml(count: int, plan: str = "enterprise") -> str:
    lines = [
        "app: basic",
        f"uptime_plan: {plan}",
        f"uptime_monitor_limit: {max(1000, count * 2)}",
        "monitors:",
    ]
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


def _target(label: str, count: int, vigil: harness.Measured) -> str:
    """Issue 19's targets, with whether this run met them."""
    pages = math.ceil(count / PAGE_SIZE)
    if label.startswith("up") and "floor" not in label:
        limit = count + pages + 2
        return f"calls ≤ N+⌈N/200⌉+2 = {limit}: {'met' if vigil.total_calls <= limit else 'MISSED'}"
    if label == "preview --refresh":
        lists = vigil.count("list_monitors")
        return f"lists = ⌈N/200⌉ = {pages}: {'met' if lists <= pages else 'MISSED'}"
    return ""


# The engine's default (a whole-state checkpoint per step) and vigil's (engine/workspace.py: only
# the final snapshot); a run gets one of them through the variable the engine reads.
CHECKPOINTS_ON = {"PULUMI_SKIP_CHECKPOINTS": "false"}


def floor_env(env: dict[str, str]) -> dict[str, str]:
    """The floor's runs import bench.noop, in the program and in the provider host that unpickles
    its provider: this checkout on their path (bench/ is not in the installed vigil namespace)."""
    return {**env, "PYTHONPATH": str(harness.ROOT)}


def _account(url: str, count: int, latency_ms: int, env: dict[str, str]) -> tuple[dict[str, str], str]:
    """A new enterprise account sized for ``count`` monitors: the CLI's environment for it, and its key."""
    creds = harness.account(url, "uptimerobot", plan="enterprise", monitor_limit=max(1000, count * 2))
    harness.control(url, "faults", service="uptimerobot", account=creds["api_key"], latency_ms=latency_ms)
    run_env = {
        **env,
        "UPTIMEROBOT_API_URL": creds["url"],
        "UPTIMEROBOT_API_KEY": creds["api_key"],
        "BENCH_N": str(count),
    }
    return run_env, creds["api_key"]


UP = ("up", "--env", "b", "--yes")


def _fresh_up(
    url: str, count: int, latency_ms: int, env: dict[str, str]
) -> tuple[harness.Measured, harness.Measured]:
    """`up` of ``count`` monitors on a new account and new stacks, beside the floor's."""
    run_env, key = _account(url, count, latency_ms, env)
    with (
        harness.project("vigil", VIGIL_MAIN, {"b": monitors_yaml(count)}) as root,
        harness.project("floor", NOOP_MAIN, {"b": "app: basic\n"}) as floor,
    ):
        vigil = harness.timed(
            partial(_operation, root, UP, run_env), partial(harness.calls, url, "uptimerobot", key)
        )
        base = harness.timed(partial(_operation, floor, UP, floor_env(run_env)))
    return vigil, base


def run_uptimerobot(
    url: str, sizes: list[int], latency_ms: int, env: dict[str, str], checkpoints_on_max: int = 2000
) -> str:
    """The table, one block of rows per size. `up` is measured twice on fresh stacks: as vigil runs
    it (checkpoints off) beside the floor with checkpoints off, and with the engine's default
    (checkpoints on) for both; a third `up` row sets vigil's default against the engine-default
    floor, so the table says what the speedup comes from. Sizes above ``checkpoints_on_max`` skip
    the checkpoints-on pair (its cost grows with N²)."""
    rows: list[list[Any]] = []
    drift_rows: list[list[Any]] = []
    for count in sizes:
        run_env, key = _account(url, count, latency_ms, env)

        def counter(key: str = key) -> dict[str, int]:
            return harness.calls(url, "uptimerobot", key)

        with (
            harness.project("vigil", VIGIL_MAIN, {"b": monitors_yaml(count)}) as root,
            harness.project("floor", NOOP_MAIN, {"b": "app: basic\n"}) as floor,
        ):
            measured: dict[str, tuple[harness.Measured, harness.Measured]] = {}

            if count <= checkpoints_on_max:  # the engine's default, for vigil and the floor alike
                on = _fresh_up(url, count, latency_ms, {**env, **CHECKPOINTS_ON})
                measured["up, checkpoints on (engine default)"] = on
            # Large stacks run each operation once (a run of 2000 takes minutes).
            repeats = REPEATS if count <= 500 else 1
            for label, args in (
                ("up", UP),
                ("preview", ("preview", "--env", "b")),
                ("preview --refresh", ("preview", "--env", "b", "--refresh")),
                ("drift", ("drift", "--env", "b", "--json")),
            ):
                # Every operation runs ``repeats`` times (vigil and floor alternating); the row is
                # the median run.
                pairs = []
                base_args = args if args[0] != "drift" else ("preview", "--env", "b", "--refresh")
                for run in range(repeats):
                    if label == "up" and run > 0:  # an `up` changes what it measures: again on fresh stacks
                        pairs.append(_fresh_up(url, count, latency_ms, env))
                        continue
                    vigil = harness.timed(partial(_operation, root, args, run_env), counter)
                    base = harness.timed(partial(_operation, floor, base_args, floor_env(run_env)))
                    pairs.append((vigil, base))
                measured[label] = (harness.median(p[0] for p in pairs), harness.median(p[1] for p in pairs))
            ordered = ["up", *(k for k in measured if k.startswith("up, ")), "preview", "preview --refresh"]
            if "up, checkpoints on (engine default)" in measured:
                measured["up vs the engine-default floor"] = (
                    measured["up"][0],
                    measured["up, checkpoints on (engine default)"][1],
                )
                ordered.insert(2, "up vs the engine-default floor")
            for label in [*ordered, "drift"]:
                vigil, base = measured[label]
                row = [
                    count,
                    label,
                    f"{vigil.seconds:.2f}",
                    f"{base.seconds:.2f}",
                    f"{vigil.seconds / base.seconds:.2f}x",
                    vigil.total_calls,
                    vigil.count("list_monitors"),
                    vigil.count("get_monitor"),
                    _target(label, count, vigil),
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
                f"Uptime Robot monitors ({latency_ms} ms emulator latency, enterprise plan's rate limit); "
                f"floor = N no-op dynamic resources; rows: median of {REPEATS} runs "
                "(one run above 500; `up` again on fresh stacks); `up`: checkpoints off for both "
                "(vigil's default, engine/workspace.py) unless the row says on",
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


def run_free_plan(url: str, count: int, speeds: list[float], env: dict[str, str]) -> str:
    """`up` of ``count`` monitors on the free plan (10 requests/min) with the sandbox clock sped up:
    the calls, the predicted real minutes (calls ÷ 10) and the minutes the run took on the
    sandbox's clock, beside the floor of the same size; one row per clock speed."""
    rows: list[list[Any]] = []
    waits: list[str] = []
    for speed in speeds:
        row, seen = _free_plan_row(url, count, speed, env)
        rows.append(row)
        waits += seen
    header = [
        "N",
        "clock",
        "API calls",
        "429s",
        "predicted real min (calls/10)",
        "min on the sandbox clock",
        "ratio",
        "vigil s",
        "floor s",
        "calls ≤ N+⌈N/200⌉+2, no 429",
    ]
    text = harness.table(
        "Uptime Robot free plan (10 requests/min), up from empty; sandbox-clock minutes = "
        "(vigil s − floor s) × clock speed (the engine's own time does not run on the sandbox's clock; "
        "the sandbox rounds X-RateLimit-Reset up to whole real seconds, which a fast clock magnifies)",
        header,
        rows,
    )
    if waits:
        text += f"\n  e.g. the terminal showed: {waits[len(waits) // 2].strip()}"
    return text


def _free_plan_row(url: str, count: int, speed: float, env: dict[str, str]) -> tuple[list[Any], list[str]]:
    creds = harness.account(url, "uptimerobot", plan="free")
    harness.control(url, "clock", speed=speed)
    run_env = {
        **env,
        "UPTIMEROBOT_API_URL": creds["url"],
        "UPTIMEROBOT_API_KEY": creds["api_key"],
        "BENCH_N": str(count),
    }
    result: list[tuple[int, str, str]] = []
    try:
        with (
            harness.project("vigil", VIGIL_MAIN, {"b": monitors_yaml(count, plan="free")}) as root,
            harness.project("floor", NOOP_MAIN, {"b": "app: basic\n"}) as floor,
        ):
            harness.calls(url, "uptimerobot", creds["api_key"])
            vigil = harness.timed(lambda: result.append(harness.vigil(root, *UP, env=run_env)))
            made = harness.calls(url, "uptimerobot", creds["api_key"])
            base = harness.timed(partial(_operation, floor, UP, floor_env(run_env)))
    finally:
        harness.control(url, "clock", speed=1.0)
    code, _, stderr = result[0]
    if code != 0:
        raise SystemExit(f"free-plan up failed (exit {code}):\n{stderr}")
    calls = sum(v for k, v in made.items() if not k.startswith(("fault:", "throttled:")))
    throttled = sum(v for k, v in made.items() if k.startswith("throttled:"))
    predicted = calls / 10
    sandbox_minutes = max(vigil.seconds - base.seconds, 0.0) * speed / 60
    met = calls <= count + math.ceil(count / PAGE_SIZE) + 2 and throttled == 0
    row = [
        count,
        f"x{speed:g}",
        calls,
        throttled,
        f"{predicted:.1f}",
        f"{sandbox_minutes:.1f}",
        f"{sandbox_minutes / predicted:.2f}x",
        f"{vigil.seconds:.1f}",
        f"{base.seconds:.1f}",
        "met" if met else "MISSED",
    ]
    return row, [line for line in stderr.splitlines() if "free plan" in line]

"""Run the benchmarks and print their tables: ``python -m bench [--sizes 10,100,500]``.

Uptime Robot (issue 3): for N monitors on the sandbox with 50 ms emulator latency and a paid plan's
rate limit, the wall time and API calls of `up` from empty, a no-change `preview` and a refreshing
preview, beside the same operations on N no-op dynamic resources (the engine's own floor) measured
in the same run. Drift (issue 6): `vigil drift` over N monitors. Ownership (issue 12): `preview` with
1, 5 and 20 other stacks of 100 monitors in the backend, against none (``--suites ownership``).
Import (issue 18): the API calls of `vigil import --dry-run` over N monitors (``--suites import``).
Issue 19: the targets of `up`
(N + ceil(N/200) + 2 calls) and of the refresh (ceil(N/200) list calls) per row; `up` with the
engine's checkpoints off (vigil's default) and on (the engine's); and `up` of 50 monitors on
the free plan with the sandbox clock sped up (``--free-plan 50 --clock 60``).
"""

from __future__ import annotations

import argparse
import os
import sys

from bench import harness, kills
from bench.importer import run_import
from bench.ownership import run_ownership
from bench.uptimerobot import run_free_plan, run_uptimerobot


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["kills"]:  # python -m bench kills: the kill/interrupt soak (issue 13)
        return kills.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="10,100,500", help="numbers of monitors, comma-separated")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument(
        "--suites", default="uptimerobot,import,ownership", help="which tables, comma-separated"
    )
    parser.add_argument("--free-plan", type=int, default=50, help="monitors for the free-plan row (0: none)")
    parser.add_argument(
        "--checkpoints-on-max",
        type=int,
        default=2000,
        help="largest N whose `up` is also measured with the engine's checkpoints on (cost grows with N²)",
    )
    parser.add_argument("--clock", default="60,10", help="sandbox clock speeds for the free-plan rows")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # The throwaway stacks' passphrase, unless the caller gave one (a value for the CLI runs only).
    env = {} if os.environ.get("PULUMI_CONFIG_PASSPHRASE") else {"PULUMI_CONFIG_PASSPHRASE": "bench"}
    suites = {s.strip() for s in args.suites.split(",")}
    with harness.sandbox() as url:
        if "uptimerobot" in suites:
            print(run_uptimerobot(url, sizes, args.latency_ms, env, args.checkpoints_on_max), flush=True)
            if args.free_plan:
                print()
                print(run_free_plan(url, args.free_plan, [float(c) for c in args.clock.split(",")], env))
        if "import" in suites:
            print(run_import(url, sizes, args.latency_ms, env))
        if "ownership" in suites:
            print(run_ownership(url, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())

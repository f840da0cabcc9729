"""Run the benchmarks and print their tables: ``python -m bench [--sizes 10,100,500]``.

Uptime Robot (issue 3): for N monitors on the sandbox with 50 ms emulator latency and a paid plan's
rate limit, the wall time and API calls of `up` from empty, a no-change `preview` and a refreshing
preview, beside the same operations on N no-op dynamic resources (the engine's own floor) measured
in the same run. Drift (issue 6): `vigil drift` over N monitors.
"""

from __future__ import annotations

import argparse
import os
import sys

from bench import harness, kills
from bench.uptimerobot import run_uptimerobot


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["kills"]:  # python -m bench kills: the kill/interrupt soak (issue 13)
        return kills.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="10,100,500", help="numbers of monitors, comma-separated")
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # The throwaway stacks' passphrase, unless the caller gave one (a value for the CLI runs only).
    env = {} if os.environ.get("PULUMI_CONFIG_PASSPHRASE") else {"PULUMI_CONFIG_PASSPHRASE": "bench"}
    with harness.sandbox() as url:
        print(run_uptimerobot(url, sizes, args.latency_ms, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What ownership costs: `preview` of a 100-monitor stack with 0, 1, 5 and 20 other stacks in the backend.

Every run reads each checkpoint of the backend once (``engine.ownership.OwnershipIndex.load``) and
writes the stack's ownership file, which every provider reads once per process. The other stacks'
checkpoints are written straight into the backend, 100 Uptime Robot monitors each, as Pulumi's DIY
backend stores them (the index reads nothing else, so applying them through the engine would only
make the benchmark slower to set up). Target (issue 12): ≤ 1.2× the time with no other stack.
"""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench import harness
from bench.uptimerobot import VIGIL_MAIN, monitors_yaml

OTHERS = (0, 1, 5, 20)
MONITORS = 100
REPEATS = 3
TARGET = 1.2


def fake_checkpoint(project: str, stack: str, count: int, number: int = 0) -> bytes:
    """A checkpoint as the DIY backend writes it, holding ``count`` monitors of another stack."""
    resources: list[dict[str, Any]] = [
        {"urn": f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}", "custom": False,
         "type": "pulumi:pulumi:Stack"}
    ]  # fmt: skip
    for i in range(count):
        object_id = f"9{number:03d}{i:05d}"  # ids no real or sandbox object has
        resources.append(
            {
                "urn": f"urn:pulumi:{stack}::{project}::vigil:uptimerobot:Monitors$"
                f"pulumi-python:dynamic/uptimerobot:Monitor::monitor-m{i:04d}",
                "custom": True,
                "id": object_id,
                "type": "pulumi-python:dynamic/uptimerobot:Monitor",
                "inputs": {"name": f"{stack} m{i:04d}", "type": "http"},
                "outputs": {"name": f"{stack} m{i:04d}", "type": "http", "monitor_id": object_id},
            }
        )
    document = {"version": 3, "checkpoint": {"stack": stack, "latest": {"resources": resources}}}
    return json.dumps(document).encode()


def _set_others(state: Path, project: str, count: int) -> None:
    folder = state / ".pulumi" / "stacks" / project
    for old in folder.glob("other-*.json"):
        old.unlink()
    for n in range(count):
        (folder / f"other-{n:02d}.json").write_bytes(fake_checkpoint(project, f"other-{n:02d}", MONITORS, n))


def _index_load_ms(state: Path, project: str) -> float:
    from vigil.engine.backend import open_store
    from vigil.engine.ownership import OwnershipIndex

    store = open_store(state.as_uri(), {})
    started = time.perf_counter()
    OwnershipIndex.load(store, project)
    return (time.perf_counter() - started) * 1000


def run_ownership(url: str, env: dict[str, str]) -> str:
    creds = harness.account(url, "uptimerobot", plan="enterprise", monitor_limit=1000)
    run_env = {**env, "UPTIMEROBOT_API_URL": creds["url"], "UPTIMEROBOT_API_KEY": creds["api_key"]}

    def counter(key: str = creds["api_key"]) -> dict[str, int]:
        return harness.calls(url, "uptimerobot", key)

    rows: list[list[Any]] = []
    with harness.project("vigil", VIGIL_MAIN, {"b": monitors_yaml(MONITORS)}) as root:
        state = root / "state"
        code, out, err = harness.vigil(root, "up", "--env", "b", "--yes", env=run_env)
        if code != 0:
            raise SystemExit(f"up failed (exit {code}):\n{out}\n{err}")
        baseline = 0.0
        for others in OTHERS:
            _set_others(state, "vigil", others)
            runs = [
                harness.timed(partial(harness.vigil, root, "preview", "--env", "b", env=run_env), counter)
                for _ in range(REPEATS)
            ]
            measured = harness.median(runs)
            if others == 0:
                baseline = measured.seconds
            ratio = measured.seconds / baseline if baseline else 1.0
            rows.append(
                [
                    others,
                    others * MONITORS,
                    others + 1,
                    f"{_index_load_ms(state, 'vigil'):.1f}",
                    measured.total_calls,
                    f"{measured.seconds:.2f}",
                    f"{ratio:.2f}",
                    "ok" if ratio <= TARGET else f"> {TARGET}",
                ]
            )
    return harness.table(
        f"Ownership: preview of {MONITORS} monitors with other stacks in the backend "
        f"(median of {REPEATS}; wall times measured under load)",
        [
            "other stacks",
            "their objects",
            "checkpoints read",
            "index ms",
            "API calls",
            "preview s",
            "× none",
            f"≤{TARGET}×",
        ],
        rows,
    )

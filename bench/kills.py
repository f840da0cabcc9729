"""Kills and interruptions, as a soak (issue 13): ``python -m bench kills [--runs 5] [--monitors 100]``.

Each scenario interrupts an `up` of N monitors at a random moment, ``--runs`` times: Ctrl-C of the
foreground group, SIGTERM of vigil, two Ctrl-C, and SIGKILL of vigil, of the engine and of the
dynamic-provider process. After each run it waits 10 s and counts the processes of the killed run
still alive, then runs the next `up` (after `vigil unlock` only where the message asks for it), and
checks: exactly the N monitors by name, a clean `preview --expect-no-changes`, no pending operation
and no lock left in the state. The test suite runs each scenario once or twice on fewer monitors
(tests/cli/test_interrupt.py, test_crash.py); this is the issue's full count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench import harness

VIGIL_MAIN = "from vigil.program import run\nrun()\n"
SCENARIOS = ("ctrl-c", "sigterm", "ctrl-c-twice", "kill-vigil", "kill-engine", "kill-provider")
UP = ("up", "--env", "t", "--yes")
AFTER_S = 10.0  # the "no process of the killed run is alive 10 s later"


def monitors_yaml(count: int) -> str:
    lines = ["app: basic", "uptime_plan: team", "monitors:"]
    lines += [f'  - {{name: "M{i:03d}", url: "http://127.0.0.1:9/{i}", every: 5m}}' for i in range(count)]
    return "\n".join(lines) + "\n"


def marked(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment holds the run's marker (every descendant's does)."""
    needle = f"VIGIL_BENCH_RUN={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_bytes().rsplit(b")", 1)[-1].split()[0]
        except OSError:
            continue
        if needle in environ.split(b"\0") and state != b"Z":
            found.append(int(entry.name))
    return found


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def victim(target: str, marker: str, vigil_pid: int) -> int | None:
    if target == "vigil":
        return vigil_pid
    for pid in marked(marker):
        argv = command_line(pid)
        if target == "engine" and argv and argv[0].endswith("/pulumi") and "up" in argv:
            return pid
        if target == "provider" and any("dynamic_host" in a or "pulumi.dynamic" in a for a in argv):
            return pid
    return None


def monitor_names(api_url: str, api_key: str) -> list[str]:
    """Every monitor's name in the account, over the API (all pages; a 429 page is asked again)."""
    names: list[str] = []
    cursor: int | None = None
    headers = {"Authorization": f"Bearer {api_key}"}
    for _ in range(200):
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        response = requests.get(f"{api_url}/monitors", params=params, headers=headers, timeout=10)
        if response.status_code == 429:
            time.sleep(1.0)
            continue
        response.raise_for_status()
        page = response.json()
        names += [m["friendlyName"] for m in page["data"]]
        if not page.get("nextLink") or not page["data"]:
            break
        cursor = page["data"][-1]["id"]
    return names


def wait_for(api_url: str, api_key: str, at_least: int, process: subprocess.Popen[str]) -> None:
    for _ in range(1200):
        if process.poll() is not None:
            return
        if len(monitor_names(api_url, api_key)) >= at_least:
            return
        time.sleep(0.5)


@dataclass
class Outcome:
    exit_code: int | None = None
    traceback: bool = False
    unlocked: bool = False  # the next up asked for `vigil unlock` first
    leftovers: int = 0  # processes of the killed run alive AFTER_S later
    duplicates: int = 0
    missing: int = 0
    pending: int = 0  # pending operations in the state after the next up
    locks: int = 0  # lock files after the next up
    clean_preview: bool = False
    converged: bool = False
    notes: list[str] = field(default_factory=list)


def pending_operations(state: Path, project: str, env: str) -> int:
    try:
        document = json.loads((state / ".pulumi" / "stacks" / project / f"{env}.json").read_text())
    except (OSError, ValueError):
        return -1  # unreadable: counted as not converged
    return len(document.get("checkpoint", {}).get("latest", {}).get("pending_operations") or [])


def interrupt(scenario: str, process: subprocess.Popen[str], marker: str) -> bool:
    """Deliver the scenario's signal(s); False when its victim process was not found."""
    if scenario == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    elif scenario == "sigterm":
        process.send_signal(signal.SIGTERM)
    elif scenario == "ctrl-c-twice":
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.3)
        os.killpg(process.pid, signal.SIGINT)
    else:
        pid = victim(scenario.removeprefix("kill-"), marker, process.pid)
        if pid is None:
            return False
        os.kill(pid, signal.SIGKILL)
    return True


def one_run(url: str, scenario: str, count: int, rng: random.Random, env: dict[str, str]) -> Outcome:
    creds = harness.account(url, "uptimerobot", plan="team", monitor_limit=max(200, count * 2))
    run_env = {**env, "UPTIMEROBOT_API_URL": creds["url"], "UPTIMEROBOT_API_KEY": creds["api_key"]}
    outcome = Outcome()
    with harness.project("kills", VIGIL_MAIN, {"t": monitors_yaml(count)}) as root:
        state = root / "state"
        marker = uuid.uuid4().hex
        process = subprocess.Popen(
            [sys.executable, str(harness.ROOT / "cli.py"), "--project", str(root), *UP],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **run_env, "PULUMI_BACKEND_URL": state.as_uri(), "VIGIL_BENCH_RUN": marker},
            start_new_session=True,  # its own group, as a terminal's foreground job
        )
        wait_for(creds["url"], creds["api_key"], rng.randint(1, count * 2 // 3), process)
        if process.poll() is not None:
            outcome.notes.append("finished before the interruption")
        if not interrupt(scenario, process, marker):
            outcome.notes.append("no process to kill was found (not counted as converged)")
        _, stderr = process.communicate(timeout=900)
        outcome.exit_code = process.returncode
        outcome.traceback = "Traceback" in stderr
        time.sleep(AFTER_S)
        outcome.leftovers = len(marked(marker))
        for pid in marked(marker):  # leave nothing behind for the next run
            os.kill(pid, signal.SIGKILL)

        code, _, err = harness.vigil(root, *UP, env=run_env)
        if code != 0 and "vigil unlock --env t" in err:
            outcome.unlocked = True
            harness.vigil(root, "unlock", "--env", "t", env=run_env)
            code, _, err = harness.vigil(root, *UP, env=run_env)
        if code != 0:
            outcome.notes.append(f"next up exit {code}: {err.strip().splitlines()[-1:]}")
        names = Counter(monitor_names(creds["url"], creds["api_key"]))
        expected = {f"M{i:03d}" for i in range(count)}
        outcome.duplicates = sum(n - 1 for n in names.values() if n > 1)
        outcome.missing = len(expected - set(names)) + len(set(names) - expected)
        preview = harness.vigil(root, "preview", "--env", "t", "--expect-no-changes", env=run_env)
        outcome.clean_preview = preview[0] == 0
        outcome.pending = pending_operations(state, "kills", "t")
        outcome.locks = len(list((state / ".pulumi" / "locks").rglob("*.json")))
        outcome.converged = (
            not outcome.notes
            and code == 0
            and outcome.duplicates == 0
            and outcome.missing == 0
            and outcome.clean_preview
            and outcome.pending == 0
            and outcome.locks == 0
        )
    return outcome


def run_kills(url: str, runs: int, count: int, seed: int, env: dict[str, str], scenarios: list[str]) -> str:
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    notes: list[str] = []
    for scenario in scenarios:
        outcomes = []
        for attempt in range(runs):
            outcome = one_run(url, scenario, count, rng, env)
            outcomes.append(outcome)
            notes += [f"{scenario} #{attempt + 1}: {note}" for note in outcome.notes]
            print(f"  {scenario} #{attempt + 1}: {outcome}", file=sys.stderr, flush=True)
        rows.append(  # the table so far is printed after each scenario (a long soak shows progress)
            [
                scenario,
                len(outcomes),
                sum(o.converged for o in outcomes),
                sum(o.duplicates for o in outcomes),
                sum(o.missing for o in outcomes),
                sum(o.leftovers for o in outcomes),
                sum(max(o.pending, 0) for o in outcomes),
                sum(o.locks for o in outcomes),
                sum(o.unlocked for o in outcomes),
                sum(o.traceback for o in outcomes),
                ",".join(sorted({str(o.exit_code) for o in outcomes})),
            ]
        )
        print(_table(rows, runs, count, seed), file=sys.stderr, flush=True)
    return _table(rows, runs, count, seed) + ("\n" + "\n".join(notes) if notes else "")


def _table(rows: list[list[Any]], runs: int, count: int, seed: int) -> str:
    return harness.table(
        f"Kills and interruptions of `up` ({count} monitors, {runs} runs per scenario, seed {seed})",
        [
            "scenario",
            "tried",
            "converged",
            "duplicates",
            "missing",
            f"alive {AFTER_S:g}s later",
            "pending ops",
            "locks left",
            "unlock needed",
            "tracebacks",
            "exit codes",
        ],
        rows,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench kills")
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario")
    parser.add_argument("--monitors", type=int, default=100)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated subset")
    args = parser.parse_args(argv)
    scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = sorted(set(scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    env = {} if os.environ.get("PULUMI_CONFIG_PASSPHRASE") else {"PULUMI_CONFIG_PASSPHRASE": "bench"}
    with harness.sandbox() as url:
        print(run_kills(url, args.runs, args.monitors, args.seed, env, scenarios))
    return 0

"""What the benchmarks share: a sandbox, throwaway projects, the CLI in-process, and timing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services

ROOT = Path(__file__).resolve().parent.parent
BENCH_STACK = ROOT / "bench" / "stack.py"  # the stack module every benchmark project uses


@dataclass
class Measured:
    seconds: float
    calls: dict[str, int]

    @property
    def total_calls(self) -> int:
        return sum(v for k, v in self.calls.items() if not k.startswith("fault:"))

    def count(self, operation: str) -> int:
        return self.calls.get(operation, 0)


@contextmanager
def sandbox() -> Iterator[str]:
    clock = Clock()
    server = SandboxServer(Sandbox(build_services(clock), clock=clock), port=0).start()
    try:
        yield server.url
    finally:
        server.stop()


def account(url: str, service: str, **options: Any) -> dict[str, Any]:
    response = requests.post(f"{url}/_sandbox/accounts", json={"service": service, **options}, timeout=10)
    response.raise_for_status()
    return dict(response.json())


def control(url: str, path: str, **payload: Any) -> None:
    requests.post(f"{url}/_sandbox/{path}", json=payload, timeout=10).raise_for_status()


def calls(url: str, service: str, key: str, reset: bool = True) -> dict[str, int]:
    method = requests.post if reset else requests.get
    response = method(f"{url}/_sandbox/requests", json={"service": service, "account": key}, timeout=10)
    response.raise_for_status()
    return dict(response.json()["requests"])


@contextmanager
def project(name: str, main: str, stacks: dict[str, str]) -> Iterator[Path]:
    """A throwaway project (Pulumi.yaml, __main__.py, stacks/) with its own file state."""
    root = Path(tempfile.mkdtemp(prefix=f"vigil-bench-{name}-"))
    try:
        (root / "stacks").mkdir()
        (root / "state").mkdir()
        (root / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (root / "__main__.py").write_text(main)
        shutil.copy(BENCH_STACK, root / "stacks" / "basic.py")
        for env, text in stacks.items():
            (root / "stacks" / f"{env}.yaml").write_text(text)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def vigil(root: Path, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """One CLI run in its own process, with ``env`` on top of this process's environment (the
    API credentials, the passphrase, the program's inputs): values passed, never written here."""
    variables = {**os.environ, "PULUMI_BACKEND_URL": (root / "state").as_uri(), **env}
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "--project", str(root), *args],
        env=variables,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def timed(action: Callable[[], Any], count_calls: Callable[[], dict[str, int]] | None = None) -> Measured:
    if count_calls:
        count_calls()  # reset the counters
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    return Measured(elapsed, count_calls() if count_calls else {})


def median(runs: Iterable[Measured]) -> Measured:
    """The run with the median wall time (its API calls with it)."""
    ordered = sorted(runs, key=lambda m: m.seconds)
    return ordered[len(ordered) // 2]


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]
    lines = [
        title,
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)

"""Run the sandbox in the foreground: ``python -m vigil.sandbox --port 8710 --state STATE_FILE``.

``vigil sandbox start`` runs this as a background process; tests start ``SandboxServer`` in-thread.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import PortInUseError, SandboxServer
from vigil.sandbox.registry import build_services
from vigil.sandbox.target import TargetServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vigil.sandbox")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--state", type=Path, required=True, help="state file (survives restarts)")
    parser.add_argument("--ready-file", type=Path, help="written with {pid, url} once listening")
    parser.add_argument(
        "--target-port",
        type=int,
        default=None,
        help="port of the stand-in application the sandbox stack monitors (default: port+1)",
    )
    parser.add_argument(
        "--no-monitoring",
        action="store_true",
        help="do not check monitors or send alerts (the history then only moves through the control plane)",
    )
    args = parser.parse_args(argv)
    clock = Clock()
    sandbox = Sandbox(
        build_services(clock), state_path=args.state, clock=clock, monitoring=not args.no_monitoring
    )
    try:
        server = SandboxServer(sandbox, port=args.port)
    except PortInUseError as error:
        return _port_taken(args.ready_file, error.port, "the sandbox API")
    target_port = args.target_port if args.target_port is not None else (args.port + 1 if args.port else 0)
    try:
        target = TargetServer(target_port).start()
    except OSError:
        server.close()
        return _port_taken(args.ready_file, target_port, "the stand-in application")
    if args.ready_file:
        _write(args.ready_file, {"pid": os.getpid(), "url": server.url, "target_url": target.url})

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()  # starts the monitoring loop, and stops it when serving ends
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop_background()
        target.stop()
        sandbox.save()
    return 0


def _write(path: Path, document: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document))
    tmp.replace(path)


def _port_taken(ready_file: Path | None, port: int, role: str) -> int:
    """Exit 98, saying which port was taken: the starter reads it from the ready file."""
    print(f"sandbox: port {port} on 127.0.0.1 ({role}) is already in use", file=sys.stderr)
    if ready_file:
        _write(ready_file, {"error": "port_in_use", "port": port, "role": role})
    return 98


if __name__ == "__main__":
    sys.exit(main())

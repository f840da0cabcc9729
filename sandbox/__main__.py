"""Run the sandbox in the foreground: ``python -m sandbox --port 8710 --state .vigil/sandbox/state.pickle``.

``vigil sandbox start`` runs this as a background process; tests start ``SandboxServer`` in-thread.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from sandbox.core.app import Sandbox
from sandbox.core.clock import Clock
from sandbox.core.server import PortInUseError, SandboxServer
from sandbox.registry import build_services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--state", type=Path, required=True, help="state file (survives restarts)")
    parser.add_argument("--ready-file", type=Path, help="written with {pid, url} once listening")
    args = parser.parse_args(argv)
    clock = Clock()
    sandbox = Sandbox(build_services(clock), state_path=args.state, clock=clock)
    try:
        server = SandboxServer(sandbox, port=args.port)
    except PortInUseError as error:
        print(f"sandbox: {error}", file=sys.stderr)
        return 98
    if args.ready_file:
        args.ready_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.ready_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "url": server.url}))
        tmp.replace(args.ready_file)

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())

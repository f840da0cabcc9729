"""Plugins die with their engine: the Python language host and dynamic-provider processes watch it.

The engine starts each plugin with its own gRPC address as the last argument (the Go plugins call
``rpcutil.Healthcheck`` on it). Python's plugins did not: after a killed engine, the language host and
``python -m pulumi.dynamic`` lived on (124 MB a run, alive after 180 s). Two guards, both here:

- ``PR_SET_PDEATHSIG``: the kernel sends SIGTERM to the plugin the moment its parent (the engine) exits;
- a health check of the engine address: a connect every ``interval`` seconds; three refused in a
  row means the engine is gone (it also covers a plugin whose parent is a shell that outlived it).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def engine_address(argv: list[str]) -> str | None:
    """The last argument that looks like host:port (flags such as -root=… come before it)."""
    for arg in reversed(argv):
        if not arg.startswith("-") and ":" in arg and arg.rsplit(":", 1)[1].isdigit():
            return arg
    return None


def _reachable(address: str, timeout: float = 2.0) -> bool:
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except OSError as error:
        return not isinstance(error, ConnectionRefusedError)  # a slow engine is not a dead one


def _exit_when_gone(address: str, interval: float, parent: int) -> None:
    refused = 0
    while True:
        time.sleep(interval)
        if os.getppid() != parent:  # re-parented: the engine exited
            os._exit(0)
        refused = 0 if _reachable(address) else refused + 1
        if refused >= 3:
            os._exit(0)


def watch(argv: list[str] | None = None, *, interval: float = 2.0) -> None:
    """Call first thing in a plugin process; returns at once (the watch runs in a daemon thread)."""
    parent = os.getppid()
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent or parent == 1:
        os._exit(0)  # the engine died before the prctl took effect
    address = engine_address(list(sys.argv[1:] if argv is None else argv))
    if address:
        threading.Thread(
            target=_exit_when_gone, args=(address, interval, parent), daemon=True, name="engine-watch"
        ).start()

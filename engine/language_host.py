"""A Python language host for the Pulumi CLI, built on the SDK's own ``LanguageServer``.

Why it exists: ``pulumi up`` in a directory whose Pulumi.yaml says ``runtime: python`` needs the
``pulumi-language-python`` plugin. Pulumi publishes that Go module only as untagged commits, and the
module proxy vigil's machines reach does not serve it (reference/pulumi-from-go.md §8, fallback F1).
The Automation API's inline programs already run through ``pulumi.automation._server.LanguageServer``,
the in-process gRPC server the CLI talks to with ``--client``; this module serves the same server as
a plugin process, running the project's ``__main__.py``. So ``pulumi up`` and ``vigil up`` run the
program the same way, through the same SDK code path.

Plugin protocol: the engine starts the plugin with its own address as the last argument, reads the
port the plugin listens on from the first line of its stdout, then calls GetPluginInfo /
GetRequiredPackages / Run over gRPC. The host watches that address and exits when the engine goes
away (engine/plugin_watchdog.py), so a killed engine leaves no host behind.
"""

from __future__ import annotations

import os
import runpy
import sys
from concurrent import futures
from typing import Any

import grpc
from pulumi.automation._server import LanguageServer
from pulumi.runtime.proto import language_pb2_grpc, plugin_pb2

from vigil.engine.plugin_watchdog import watch

# Version reported to the engine; the SDK's own version keeps `pulumi about` truthful.
try:
    from importlib.metadata import version as _dist_version

    SDK_VERSION = _dist_version("pulumi")
except Exception:  # pragma: no cover - metadata always present in an installed SDK
    SDK_VERSION = "0.0.0"

_MAX_MESSAGE = 400 * 1024 * 1024  # as the SDK's own servers: large stacks send large messages


class ProjectLanguageServer(LanguageServer):
    """Runs the program in the directory the engine names, instead of a function given up front."""

    def __init__(self) -> None:
        super().__init__(program=self._run_main)
        self._main: str = ""

    def _run_main(self) -> None:
        sys.path.insert(0, os.path.dirname(self._main))
        runpy.run_path(self._main, run_name="__main__")

    def Run(self, request: Any, context: Any) -> Any:
        root = request.pwd or os.getcwd()
        program = request.program or "."
        path = program if os.path.isabs(program) else os.path.join(root, program)
        self._main = os.path.join(path, "__main__.py") if os.path.isdir(path) else path
        os.chdir(root)
        return super().Run(request, context)

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=SDK_VERSION)


def main() -> None:
    watch(sys.argv[1:])
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[
            ("grpc.max_receive_message_length", _MAX_MESSAGE),
            ("grpc.max_send_message_length", _MAX_MESSAGE),
        ],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(ProjectLanguageServer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:  # the engine interrupts its plugins when the operation ends
        server.stop(grace=0)


if __name__ == "__main__":
    main()

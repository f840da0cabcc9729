"""The Pulumi CLI as a supervised child process: signals forwarded once, a second one stops it at once.

The Automation API's own ``PulumiCommand.run`` starts ``pulumi`` in vigil's process group and blocks
in ``Thread.join``; Ctrl-C then raises ``KeyboardInterrupt`` there, closes the pipes under the
reader threads (``ValueError: I/O operation on closed file``) and leaves the engine and its plugins
running. ``SupervisedPulumiCommand`` runs the same command line with three differences:

- ``pulumi`` gets its own session, so a terminal's Ctrl-C reaches vigil only, and vigil decides: the
  first SIGINT/SIGTERM is forwarded as one SIGINT (Pulumi's graceful cancel: in-flight operations
  finish, the checkpoint is written, the lock is released); a second kills the engine's whole
  process group (the engine and every plugin it started) at once.
- ``pulumi`` dies with vigil (``PR_SET_PDEATHSIG``: SIGTERM, which Pulumi treats as a graceful
  cancel, set by a tiny launcher before it execs ``pulumi``), so a killed vigil leaves no engine.
- nothing raises inside the wait: the reader threads see their pipes to the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from pulumi.automation import CommandResult, PulumiCommand
from pulumi.automation.errors import create_command_error

# ``pulumi`` is exec'd through this few-line launcher, which asks the kernel for SIGTERM when vigil
# dies (PR_SET_PDEATHSIG survives exec) and gives up if vigil is already gone. It is a separate
# interpreter, not a ``preexec_fn``: forking the CLI with a preexec_fn while the Automation API's gRPC
# threads run makes gRPC print "fork_posix.cc … skipping fork() handlers" on vigil's stderr.
_LAUNCH = (
    "import ctypes,os,signal,sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGTERM)\n"
    "if os.getppid() != int(sys.argv[1]): sys.exit(130)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)
# Only the long operations pay for the launcher's start-up (tens of ms); the quick ones
# (version, stack select, export…) finish on their own.
_LONG = frozenset({"up", "update", "preview", "destroy", "refresh"})


@dataclass
class Supervisor:
    """Tracks the running engine process and the signals received while it runs."""

    notice: Callable[[str], None] | None = None
    signals: int = 0
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    @property
    def interrupted(self) -> bool:
        return self.signals > 0

    @property
    def forced(self) -> bool:
        return self.signals > 1

    def _handle(self, signum: int, _frame: Any) -> None:
        self.signals += 1
        process = self.process
        if self.signals == 1:
            if self.notice:
                self.notice(
                    "interrupted: cancelling gracefully (operations in flight finish, the state is saved, "
                    "the lock is released); press Ctrl-C again to stop at once"
                )
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGINT)
            return
        if self.notice and self.signals == 2:
            self.notice("stopping at once: the engine and its plugins are being killed")
        self.kill()

    def kill(self) -> None:
        process = self.process
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: the engine and its plugins

    @contextlib.contextmanager
    def handling_signals(self) -> Iterator[Supervisor]:
        """SIGINT/SIGTERM handled by this supervisor while the block runs (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        for sig in previous:
            signal.signal(sig, self._handle)
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


# vigil's plugin launchers (engine/plugins/): found on PATH before the ones bundled with Pulumi.
PLUGIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins")


class SupervisedPulumiCommand(PulumiCommand):
    def __init__(self, root: str, supervisor: Supervisor) -> None:
        super().__init__(root=root)
        self.supervisor = supervisor

    def run(
        self,
        args: list[str],
        cwd: str,
        additional_env: Mapping[str, str],
        on_output: Callable[[str], Any] | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> CommandResult:
        args = list(args)
        head = args[: args.index("--")] if "--" in args else args
        if "--non-interactive" not in head:
            args.insert(0, "--non-interactive")  # fail instead of prompting, as the SDK does
        env = {**os.environ, **additional_env, "PULUMI_AUTOMATION_API": "true"}
        env["PATH"] = os.pathsep.join([PLUGIN_DIR, os.path.dirname(self.command), env.get("PATH", "")])
        out: list[str] = []
        err: list[str] = []
        command = [self.command, *args]
        if _LONG.intersection(head):
            command = [sys.executable, "-I", "-S", "-c", _LAUNCH, str(os.getpid()), *command]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            encoding="utf-8",
            start_new_session=True,
        )
        self.supervisor.process = process
        readers = [
            threading.Thread(target=_drain, args=(process.stdout, on_output, out), daemon=True),
            threading.Thread(target=_drain, args=(process.stderr, on_error, err), daemon=True),
        ]
        try:
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
            code = process.wait()
        finally:
            if process.poll() is None:  # an exception in this frame: never leave the engine behind
                self.supervisor.kill()
                process.wait()
            self.supervisor.process = None
        result = CommandResult(stdout="\n".join(out), stderr="\n".join(err), code=code)
        if code != 0:
            raise create_command_error(result)
        return result


def _drain(stream: IO[str] | None, callback: Callable[[str], Any] | None, chunks: list[str]) -> None:
    if stream is None:
        return
    with stream:
        for line in iter(stream.readline, ""):
            text = line.rstrip()
            if callback:
                callback(text)
            chunks.append(text)

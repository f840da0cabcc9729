"""Long work is visible: a live view of an engine operation on a terminal (stderr).

Fed with ``engine.operations.ProgressEvent``s. On a terminal it redraws a few times a second: one
line per resource in flight with its elapsed time (the longest-running first), a summary (done, in
flight, elapsed) and the latest rate-limit wait a provider announced ("Uptime Robot free plan:
10 requests/min, waiting 38 s; 41 requests queued, about 4 min left"). From the first moment it
shows what the engine does ("starting the engine"), so a slow refresh on a free plan never leaves
a blank screen. Piped (CI logs) only the rate-limit waits are printed, one line each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from vigil.core.redact import redact

if TYPE_CHECKING:
    from vigil.engine.operations import ProgressEvent

SHOWN = 8  # resource lines at most; the rest are counted
VERBS = {
    "create": "creating",
    "update": "updating",
    "delete": "deleting",
    "replace": "replacing",
    "create-replacement": "creating",
    "delete-replaced": "deleting",
    "refresh": "reading",
    "read": "reading",
    "import": "importing",
}


def elapsed(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


@dataclass
class _Running:
    verb: str
    label: str
    started: float


@dataclass
class ProgressView:
    """The state of one operation's progress, and its rendering (pure: no terminal needed)."""

    operation: str = ""
    started: float = field(default_factory=time.monotonic)
    running: dict[str, _Running] = field(default_factory=dict)
    done: int = 0
    rate_limit: str | None = None

    def apply(self, event: ProgressEvent) -> None:
        if event.kind == "start":
            self.operation = event.text
            self.started = time.monotonic()
        elif event.kind == "step" and event.op in VERBS:
            self.running[event.urn] = _Running(
                VERBS[event.op], f"{event.type}  {event.name}", time.monotonic()
            )
        elif event.kind == "done":
            if self.running.pop(event.urn, None) is not None:
                self.done += 1
        elif event.kind == "rate-limit":
            self.rate_limit = event.text

    def lines(self, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        total = elapsed(now - self.started)
        if not self.running and not self.done:
            head = f"{self.operation or 'engine'}: starting the engine and the program… {total}"
        else:
            head = f"{self.operation}: {self.done} done, {len(self.running)} in flight, {total}"
        lines = [head]
        oldest = sorted(self.running.values(), key=lambda r: r.started)
        for item in oldest[:SHOWN]:
            lines.append(f"  {item.verb:>9}  {item.label}  {elapsed(now - item.started)}")
        if len(oldest) > SHOWN:
            lines.append(f"  … and {len(oldest) - SHOWN} more")
        if self.rate_limit:
            lines.append(f"  {self.rate_limit}")
        return lines


class _Renderable:
    def __init__(self, view: ProgressView) -> None:
        self.view = view

    def __rich__(self) -> Group:
        return Group(*(Text(redact(line), style="dim") for line in self.view.lines()))


class LiveProgress:
    """What ``render.console.Output.progress`` feeds events to: live on a terminal, else quiet
    except for rate-limit waits."""

    def __init__(self, console: Console, *, live: bool) -> None:
        self.console = console
        self.view = ProgressView()
        self._live: Live | None = None
        self.is_live = live

    def __call__(self, event: ProgressEvent) -> None:
        self.view.apply(event)
        if event.kind == "start" and self.is_live:
            self._stop()
            self.view = ProgressView()
            self.view.apply(event)
            self._live = Live(
                _Renderable(self.view), console=self.console, refresh_per_second=4, transient=True
            )
            self._live.start()
        elif event.kind == "end":
            self._stop()
        elif event.kind == "rate-limit" and not self.is_live:
            self.console.print(redact(event.text), markup=False, highlight=False)

    def _stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def __del__(self) -> None:  # an operation that raised before its "end" event
        live: Any = getattr(self, "_live", None)
        if live is not None:
            live.stop()

"""Ctrl-C and SIGTERM during a drill are never lost.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be when the signal lands.
When that is a garbage-collection finalizer (urllib3 closing a pooled connection, say), Python
prints "Exception ignored in: <finalize object …>" and carries on: the drill would then run to its
end and exit 0 although the user asked it to stop (seen in CI). The latch remembers every signal,
still lets the previous handler raise at once, and ``check()`` — called at the drill's safe points —
raises again for a signal whose exception was swallowed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)

Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class InterruptLatch:
    def __init__(self) -> None:
        self._received: list[int] = []
        self._previous: dict[int, Handler] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self._received.append(signum)
        self._raise(signum, frame)

    def _raise(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous.get(signum)
        if callable(previous):
            previous(signum, frame)
        raise KeyboardInterrupt  # the default action for SIGINT, and what vigil makes of SIGTERM

    def check(self) -> None:
        """Raise for a signal that arrived but whose exception never reached the drill."""
        if self._received:
            self._raise(self._received[-1], None)

    @property
    def received(self) -> bool:
        return bool(self._received)

    def install(self) -> None:
        for signum in _SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:  # an ignored signal stays ignored (nohup, `&`)
                self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)


@contextlib.contextmanager
def interrupt_latch() -> Iterator[InterruptLatch]:
    latch = InterruptLatch()
    if threading.current_thread() is not threading.main_thread():
        yield latch  # signals only reach the main thread; nothing to latch here
        return
    latch.install()
    try:
        yield latch
    finally:
        latch.restore()

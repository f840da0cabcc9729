"""A Ctrl-C that Python swallows inside a garbage-collection finalizer still stops the drill.

CI saw it: SIGINT landed while urllib3 closed a pooled connection from a ``weakref.finalize``
callback, Python printed "Exception ignored in: <finalize object …>", and the drill ran to its end
with exit 0. These tests reproduce that exact path with a finalizer of their own.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
import weakref
from collections.abc import Iterator

import pytest

from vigil.drill.interrupts import interrupt_latch


class _Pooled:
    """Stands in for urllib3's pool: something whose finalizer runs while the signal lands."""


def _swallowed(monkeypatch: pytest.MonkeyPatch) -> list[type[BaseException] | None]:
    """What Python reports as "Exception ignored" (the hook it calls for them)."""
    seen: list[type[BaseException] | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: seen.append(unraisable.exc_type))
    return seen


@pytest.fixture(autouse=True)
def _ctrl_c_raises() -> Iterator[None]:
    """Python's own SIGINT handler, whatever the suite inherited."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _ctrl_c_inside_a_finalizer() -> None:
    def on_collect() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the handler runs here, inside the finalizer
            time.sleep(0.01)

    pooled = _Pooled()
    weakref.finalize(pooled, on_collect)
    del pooled
    gc.collect()


def test_python_swallows_a_ctrl_c_raised_inside_a_finalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    swallowed = _swallowed(monkeypatch)
    _ctrl_c_inside_a_finalizer()  # no exception reaches this frame: the premise the latch exists for
    assert swallowed == [KeyboardInterrupt]


def test_the_latch_raises_a_swallowed_ctrl_c_at_the_next_check(monkeypatch: pytest.MonkeyPatch) -> None:
    swallowed = _swallowed(monkeypatch)
    with interrupt_latch() as latch:
        _ctrl_c_inside_a_finalizer()
        assert latch.received
        with pytest.raises(KeyboardInterrupt):
            latch.check()
    assert swallowed == [KeyboardInterrupt]


def test_without_a_signal_check_does_nothing_and_the_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with interrupt_latch() as latch:
        latch.check()
        assert not latch.received
        assert signal.getsignal(signal.SIGINT) != before[0]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_the_previous_handler_decides_the_exception() -> None:
    class Stop(KeyboardInterrupt):
        pass

    def previous(signum: int, frame: object) -> None:
        raise Stop()

    old = signal.signal(signal.SIGTERM, previous)
    try:
        with interrupt_latch() as latch, pytest.raises(Stop):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        assert latch.received
    finally:
        signal.signal(signal.SIGTERM, old)


def test_an_ignored_signal_stays_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup or a script's `&`
    with interrupt_latch() as latch:
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        latch.check()
        assert not latch.received

"""A clock the control plane can speed up or advance, so rate-limit windows pass quickly in tests."""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._speed = speed
        self._anchor_real = time.monotonic()
        self._anchor_virtual = 0.0
        self._started_epoch = time.time()  # wall time when the sandbox started

    def now(self) -> float:
        """Virtual seconds since the sandbox started."""
        with self._lock:
            return self._anchor_virtual + (time.monotonic() - self._anchor_real) * self._speed

    def epoch(self) -> float:
        """The sandbox's own wall clock (UNIX seconds): starts at the real time, runs at its speed."""
        return self._started_epoch + self.now()

    @property
    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        with self._lock:
            real = time.monotonic()
            self._anchor_virtual += (real - self._anchor_real) * self._speed
            self._anchor_real = real
            self._speed = speed

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._anchor_virtual += seconds

    def real_seconds(self, virtual_seconds: float) -> float:
        """How long a client really waits for ``virtual_seconds`` to pass."""
        return virtual_seconds / self._speed

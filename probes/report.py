"""What a probe found (``Check``) and what a verify run found (``VerifyReport``): data, no printing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

CheckKind = Literal["monitor", "sentry", "slack"]


@dataclass(frozen=True)
class Check:
    kind: CheckKind
    name: str
    passed: bool
    detail: str
    would_alert: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "passed": self.passed,
            "detail": self.detail,
            "would_alert": self.would_alert,
        }


@dataclass
class VerifyReport:
    env: str
    checks: list[Check]
    duration_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.passed]

    @property
    def would_alert(self) -> list[str]:
        return [c.name for c in self.checks if c.would_alert]

    def as_dict(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "passed": self.passed,
            "would_alert": self.would_alert,
            "checks": [c.as_dict() for c in self.checks],
            "duration_seconds": round(self.duration_seconds, 2),
        }


def timed(env: str, run: Callable[[], list[Check]]) -> VerifyReport:
    started = time.monotonic()
    checks = run()
    return VerifyReport(env, checks, time.monotonic() - started)

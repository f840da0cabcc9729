"""Where a drill runs: the service clock it measures on, and (in the sandbox) the emulators' hooks.

Times are in the services' own seconds: on real accounts the wall clock; in the sandbox its clock,
which tests and benchmarks speed up (a sandbox minute can pass in a real second), so waits are
computed in sandbox seconds and slept in real ones.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

TIMEOUT_S = 10.0


class WallClock:
    speed = 1.0

    def now(self) -> float:
        return time.time()

    def sleep(self, service_seconds: float) -> None:
        time.sleep(max(0.0, service_seconds))


@dataclass
class SandboxClock:
    """The sandbox's clock, read once and then followed locally (it runs at a fixed speed)."""

    url: str
    speed: float = 1.0
    _epoch: float = 0.0
    _anchor: float = 0.0

    def sync(self) -> SandboxClock:
        answer = requests.post(f"{self.url}/_sandbox/clock", json={}, timeout=TIMEOUT_S).json()
        self.speed, self._epoch, self._anchor = (
            float(answer["speed"]),
            float(answer["epoch"]),
            time.monotonic(),
        )
        return self

    def now(self) -> float:
        return self._epoch + (time.monotonic() - self._anchor) * self.speed

    def sleep(self, service_seconds: float) -> None:
        time.sleep(max(0.0, service_seconds) / self.speed)


@dataclass
class SandboxHooks:
    """The sandbox's control plane and its stand-in application, as a drill uses them."""

    url: str  # the sandbox server (…/_sandbox lives under it)
    target_url: str  # the stand-in application the sandbox stack monitors
    failing: set[str] = field(default_factory=set)

    def fail(self, monitored_url: str) -> None:
        """Switch the stand-in off for one monitored URL (its path): that monitor fails, the others stay."""
        path = urlsplit(monitored_url).path.rstrip("/") or "/"
        response = requests.post(
            f"{self.target_url}/_target/health", json={"healthy": False, "paths": [path]}, timeout=TIMEOUT_S
        )
        response.raise_for_status()
        self.failing.add(path)

    def heal(self) -> None:
        requests.post(f"{self.target_url}/_target/health", json={"healthy": True}, timeout=TIMEOUT_S)
        self.failing.clear()

    def _get(self, path: str, account: str) -> Any:
        response = requests.get(f"{self.url}/_sandbox/{path}", params={"account": account}, timeout=TIMEOUT_S)
        response.raise_for_status()
        return response.json()

    def deliveries(self, api_key: str) -> list[dict[str, Any]]:
        return list(self._get("uptimerobot/deliveries", api_key)["deliveries"])

    def sentry_issues(self, token: str) -> list[dict[str, Any]]:
        return list(self._get("sentry/issues", token)["issues"])

    def sentry_notifications(self, token: str) -> list[dict[str, Any]]:
        return list(self._get("sentry/notifications", token)["notifications"])

    def serves(self, monitored_url: str) -> bool:
        """Whether a monitored URL is the stand-in's (only those can be switched off)."""
        own, other = urlsplit(self.target_url), urlsplit(monitored_url)
        return (own.hostname, own.port) == (other.hostname, other.port)

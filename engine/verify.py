"""`vigil verify`: exercise the monitoring path itself, the way each piece would fire.

- every uptime monitor's target is probed as its monitor would (method, accepted status codes,
  keyword, timeout, TCP port), listing the monitors that would alert right now;
- each Sentry project gets a clearly marked test event through its DSN (the envelope endpoint),
  then the API is asked whether it arrived;
- with ``--slack``, each Slack webhook (and the incidents channel, with a bot token) gets a test message.
"""

from __future__ import annotations

import fnmatch
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from spec import blocks
from spec.units import seconds

USER_AGENT = "vigil-verify/1 (monitoring path check)"


@dataclass(frozen=True)
class Check:
    kind: str  # "monitor" | "sentry" | "slack"
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


def _status_accepted(status: int, accepted: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(str(status), pattern.replace("x", "?")) for pattern in accepted)


def probe_http(
    monitor: blocks.HttpMonitor, get: Callable[..., requests.Response] = requests.request
) -> Check:
    keyword = isinstance(monitor, blocks.KeywordMonitor)
    method = "GET" if keyword else monitor.method
    try:
        response = get(
            method,
            monitor.url,
            timeout=seconds(monitor.timeout),
            allow_redirects=monitor.follow_redirects,
            headers={"User-Agent": USER_AGENT, **dict(monitor.headers)},
        )
    except requests.RequestException as error:
        return Check(
            "monitor", monitor.name, False, f"{monitor.url}: no answer ({type(error).__name__})", True
        )
    if not _status_accepted(response.status_code, monitor.expect_status):
        return Check(
            "monitor",
            monitor.name,
            False,
            f"{monitor.url} answered {response.status_code}, not {'/'.join(monitor.expect_status)}",
            True,
        )
    if isinstance(monitor, blocks.KeywordMonitor):
        body = response.text if monitor.case_sensitive else response.text.lower()
        needle = monitor.keyword if monitor.case_sensitive else monitor.keyword.lower()
        present = needle in body
        if present != (monitor.alert_when == "missing"):
            state = "missing from" if not present else "present in"
            return Check(
                "monitor", monitor.name, False, f"keyword {monitor.keyword!r} {state} {monitor.url}", True
            )
    return Check("monitor", monitor.name, True, f"{monitor.url} answered {response.status_code}")


def probe_port(monitor: blocks.PortMonitor) -> Check:
    try:
        with socket.create_connection((monitor.host, monitor.port), timeout=seconds(monitor.timeout)):
            pass
    except OSError as error:
        return Check(
            "monitor", monitor.name, False, f"{monitor.host}:{monitor.port} refused ({error.strerror})", True
        )
    return Check("monitor", monitor.name, True, f"{monitor.host}:{monitor.port} accepts connections")


def probe_monitor(monitor: Any) -> Check:
    if isinstance(monitor, blocks.HttpMonitor):
        return probe_http(monitor)
    if isinstance(monitor, blocks.PortMonitor):
        return probe_port(monitor)
    if isinstance(monitor, blocks.PingMonitor):
        try:
            socket.getaddrinfo(monitor.host, None)
        except OSError:
            return Check("monitor", monitor.name, False, f"{monitor.host} does not resolve", True)
        return Check(
            "monitor", monitor.name, True, f"{monitor.host} resolves (ICMP itself is left to Uptime Robot)"
        )
    return Check("monitor", monitor.name, True, "heartbeat: alerts only if the job stops calling it")


@dataclass
class VerifyReport:
    env: str
    checks: list[Check]
    duration_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

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

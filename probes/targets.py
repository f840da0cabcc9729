"""Probe each uptime monitor's target as its monitor would: method, accepted status codes, keyword,
timeout, TCP port. A failing probe says what it saw and marks the monitor as one that would alert now.
"""

from __future__ import annotations

import fnmatch
import socket
from collections.abc import Mapping

import requests

from vigil.probes.report import Check
from vigil.spec import blocks
from vigil.spec.secrets import SecretRef
from vigil.spec.units import seconds

USER_AGENT = "vigil-verify/1 (monitoring path check)"


def _status_accepted(status: int, accepted: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(str(status), pattern.replace("x", "?")) for pattern in accepted)


def _resolved(value: str | SecretRef, environ: Mapping[str, str]) -> str | None:
    """A literal as it is; an ``{env: NAME}`` reference from ``environ``; None when it cannot be read
    here (unset, or a Pulumi ``{config: key}`` secret, which only the engine decrypts)."""
    if isinstance(value, str):
        return value
    return environ.get(value.env) if value.env else None


def probe_http(monitor: blocks.HttpMonitor, environ: Mapping[str, str]) -> Check:
    keyword = isinstance(monitor, blocks.KeywordMonitor)
    method = "GET" if keyword else monitor.method
    url = _resolved(monitor.url, environ)
    headers = {name: _resolved(value, environ) for name, value in monitor.headers}
    unread = [name for name, value in headers.items() if value is None]
    if url is None or unread:
        what = f"header {', '.join(unread)}" if unread else "its URL"
        return Check(
            "monitor",
            monitor.name,
            False,
            f"{monitor.target}: not probed, {what} is a secret not set here",
            True,
        )
    try:
        response = requests.request(
            method,
            url,
            timeout=seconds(monitor.timeout),
            allow_redirects=monitor.follow_redirects,
            headers={"User-Agent": USER_AGENT, **{k: v for k, v in headers.items() if v is not None}},
        )
    except requests.RequestException as error:
        return Check(
            "monitor", monitor.name, False, f"{monitor.target}: no answer ({type(error).__name__})", True
        )
    if not _status_accepted(response.status_code, monitor.expect_status):
        return Check(
            "monitor",
            monitor.name,
            False,
            f"{monitor.target} answered {response.status_code}, not {'/'.join(monitor.expect_status)}",
            True,
        )
    if isinstance(monitor, blocks.KeywordMonitor):
        body = response.text if monitor.case_sensitive else response.text.lower()
        needle = monitor.keyword if monitor.case_sensitive else monitor.keyword.lower()
        present = needle in body
        if present != (monitor.alert_when == "missing"):
            state = "missing from" if not present else "present in"
            return Check(
                "monitor", monitor.name, False, f"keyword {monitor.keyword!r} {state} {monitor.target}", True
            )
        # say what was proved: the keyword itself, not only the status code
        found = "found" if present else "absent, as required"
        how = "case-sensitive" if monitor.case_sensitive else "any case"
        return Check(
            "monitor",
            monitor.name,
            True,
            f"{monitor.target} answered {response.status_code}; keyword {monitor.keyword!r} {found} ({how})",
        )
    return Check("monitor", monitor.name, True, f"{monitor.target} answered {response.status_code}")


def probe_port(monitor: blocks.PortMonitor) -> Check:
    try:
        with socket.create_connection((monitor.host, monitor.port), timeout=seconds(monitor.timeout)):
            pass
    except OSError as error:
        return Check(
            "monitor", monitor.name, False, f"{monitor.host}:{monitor.port} refused ({error.strerror})", True
        )
    return Check("monitor", monitor.name, True, f"{monitor.host}:{monitor.port} accepts connections")


def probe_monitor(monitor: blocks.UptimeMonitor, environ: Mapping[str, str]) -> Check:
    """Probe one monitor's target; a heartbeat has none (its job calls Uptime Robot)."""
    if isinstance(monitor, blocks.HttpMonitor):
        return probe_http(monitor, environ)
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
    return Check(
        "monitor",
        monitor.name,
        True,
        "heartbeat: not exercised (nothing here calls its URL; it alerts only if its job stops calling it)",
    )

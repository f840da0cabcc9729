"""What one check of a monitor finds, done for real against its target. No scheduling here.

Only 127.0.0.1 is ever reached: the sandbox must never probe the internet, so a monitor whose
target is elsewhere is not checked at all (``None``) and keeps the status it has. Each monitor type
is checked as Uptime Robot documents it:

- HTTP: the status code against ``successHttpResponseCodes`` ("2xx", "3xx" or exact codes);
- KEYWORD: the body, ``ALERT_EXISTS`` is down when the keyword is present, ``ALERT_NOT_EXISTS`` when
  it is absent; ``keywordCaseType`` 0 compares case-sensitively, 1 not (validation.KEYWORD_CASES);
- PORT: a TCP connect to the monitor's port;
- PING: a TCP connect too (ICMP needs privileges the sandbox has not): the target's port, else 80.
  This is a stand-in: it proves the host answers on TCP, not that it answers ICMP echo;
- HEARTBEAT: down when the job has not called its heartbeat URL within interval + grace period.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from vigil.sandbox.uptimerobot.history import DOWN, UP, Check

LOOPBACK = ("127.0.0.1", "localhost")
BODY_LIMIT = 1_000_000  # bytes read for a keyword check
# Uptime Robot's v2 log cause codes (reference §3.3) for the reasons the sandbox can find
CAUSE_TIMEOUT, CAUSE_REFUSED, CAUSE_KEYWORD, CAUSE_HEARTBEAT = 333333, 98, 99, 0


@dataclass(frozen=True)
class Target:
    """What a check needs of a monitor, copied under the account's lock (checks run without it)."""

    type: str
    url: str
    timeout: float
    method: str
    success_codes: tuple[str, ...]
    keyword_type: str | None
    keyword_case: int
    keyword: str
    port: int | None
    interval: int
    grace_period: int
    last_heartbeat: float | None
    created_at: float


def reachable_host(target: Target) -> str | None:
    """The host a check would contact, or None when it is not 127.0.0.1 (never checked)."""
    if target.type == "HEARTBEAT":
        return "local"
    raw = target.url if "//" in target.url else f"//{target.url}"
    host = urlsplit(raw).hostname
    return host if host in LOOPBACK else None


def check(target: Target, now: float) -> Check | None:
    """One observation at ``now`` (sandbox-clock UNIX seconds); None when the target is not local."""
    if reachable_host(target) is None:
        return None
    if target.type == "HEARTBEAT":
        return _heartbeat(target, now)
    if target.type in ("PORT", "PING"):
        return _connect(target, now)
    if target.type in ("HTTP", "KEYWORD", "API"):
        return _http(target, now)
    return None  # DNS, UDP, visual comparison: not emulated


def _heartbeat(target: Target, now: float) -> Check:
    last = target.last_heartbeat if target.last_heartbeat is not None else target.created_at
    overdue = now - last > target.interval + target.grace_period
    if overdue:
        return Check(now, DOWN, None, reason="Heartbeat overdue", cause=CAUSE_HEARTBEAT)
    return Check(now, UP, None)


def _connect(target: Target, now: float) -> Check:
    parts = urlsplit(target.url if "//" in target.url else f"//{target.url}")
    port = target.port or parts.port or 80
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=target.timeout):
            pass
    except TimeoutError:
        return Check(now, DOWN, None, reason="Timeout", cause=CAUSE_TIMEOUT)
    except OSError:
        return Check(now, DOWN, None, reason="Connection Refused", cause=CAUSE_REFUSED)
    return Check(now, UP, _ms(started))


def accepted(code: int, success_codes: tuple[str, ...]) -> bool:
    for entry in success_codes:
        entry = entry.strip().lower()
        if entry.endswith("xx") and entry[:1].isdigit():
            if code // 100 == int(entry[0]):
                return True
        elif entry.isdigit() and int(entry) == code:
            return True
    return False


def keyword_down(body: str, target: Target) -> bool:
    """True when the keyword condition says down."""
    keyword = target.keyword
    # 1 is CaseInsensitive
    present = keyword.lower() in body.lower() if target.keyword_case == 1 else keyword in body
    return present if target.keyword_type == "ALERT_EXISTS" else not present


def _http(target: Target, now: float) -> Check:
    parts = urlsplit(target.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    method = "GET" if target.type == "KEYWORD" else (target.method or "HEAD")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class("127.0.0.1", port, timeout=target.timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, headers={"User-Agent": "Mozilla/5.0+(compatible; UptimeRobot/2.0)"})
        response = connection.getresponse()
        body = response.read(BODY_LIMIT) if method != "HEAD" else b""
        code = response.status
    except TimeoutError:
        return Check(now, DOWN, None, reason="Timeout", cause=CAUSE_TIMEOUT)
    except (OSError, http.client.HTTPException):
        return Check(now, DOWN, None, reason="Connection Refused", cause=CAUSE_REFUSED)
    finally:
        connection.close()
    elapsed = _ms(started)
    if not accepted(code, target.success_codes):
        return Check(now, DOWN, elapsed, reason=f"HTTP {code}", cause=code, http_code=code)
    if target.type == "KEYWORD" and keyword_down(body.decode("utf-8", "replace"), target):
        found = "found" if target.keyword_type == "ALERT_EXISTS" else "not found"
        return Check(now, DOWN, elapsed, reason=f"Keyword {found}", cause=CAUSE_KEYWORD, http_code=code)
    return Check(now, UP, elapsed, http_code=code)


def _ms(started: float) -> int:
    return max(1, int((time.monotonic() - started) * 1000))

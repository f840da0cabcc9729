"""The building blocks a stack composes. Immutable, with the defaults a team would choose.

Every block records where it was written (``where``) so a finding can point at the stack line.
Durations are written as people write them (``every="5m"``, ``p95_over="1s"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vigil.spec.secrets import SecretRef
from vigil.spec.where import Location, call_site


@dataclass(frozen=True)
class Block:
    where: Location = field(default_factory=call_site, compare=False, repr=False, kw_only=True)

    @property
    def kind(self) -> str:
        return type(self).__name__


# --- service levels ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Severity(Block):
    """An incident severity (P0–P3) and the time to resolve it."""

    level: str
    mttr: str
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaTargets(Block):
    uptime: str = "99%"
    error_rate: str = "0.1%"
    mttd: str = "5m"  # mean time to detect: checked against every monitor's worst-case detection
    mttr_p0: str = "1h"


# --- who is told -------------------------------------------------------------------------------
@dataclass(frozen=True)
class EmailContact(Block):
    name: str
    email: str
    notify_on: Literal["down-and-up", "down", "up"] = "down-and-up"
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)
    # Declared by another stack of the app (its owner): read only here, never created, changed or
    # deleted; a reference nobody declared fails the preview.
    reference: bool = False


@dataclass(frozen=True)
class SlackWebhook(Block):
    """A Slack incoming webhook: Uptime Robot alerts and vigil's own notifications post to it."""

    name: str
    url: SecretRef
    channel: str = "#incidents"
    notify_on: Literal["down-and-up", "down", "up"] = "down-and-up"
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)
    # Declared by another stack of the app (its owner): read only here, never created, changed or
    # deleted; a reference nobody declared fails the preview.
    reference: bool = False


@dataclass(frozen=True)
class SlackChannel(Block):
    """The incidents channel, managed through the Slack Web API when a bot token is configured."""

    name: str = "incidents"
    purpose: str = ""
    # Declared by another stack of the app (its owner): read only here, never created, changed or
    # deleted; a reference nobody declared fails the preview.
    reference: bool = False


@dataclass(frozen=True)
class OnCall(Block):
    """Someone to call. Phone numbers are secrets-by-reference: they never sit in code."""

    role: str
    name: str
    phone: SecretRef | None = None
    rotation_url: str | None = None


# --- Uptime Robot ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _UptimeMonitor(Block):
    name: str
    every: str = "5m"
    severity: str = "P1"
    alert: tuple[str, ...] = ()  # names of EmailContact / SlackWebhook blocks
    alert_after: str = "0s"  # wait this long in DOWN before alerting (Uptime Robot threshold)
    repeat_every: str = "0s"  # re-alert while down (0 = once)
    on_status_page: bool = True
    tags: tuple[str, ...] = ()
    description: str = ""
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)

    @property
    def monitor_type(self) -> str:
        raise NotImplementedError

    @property
    def target(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class HttpMonitor(_UptimeMonitor):
    # A URL holding a credential (user:password@, ?token=) is a reference: url=env_secret("NAME").
    url: str | SecretRef = ""
    method: Literal["HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    timeout: str = "30s"
    expect_status: tuple[str, ...] = ("2xx", "3xx")
    # (name, value); a credential's value is a reference: ("Authorization", env_secret("API_AUTH")).
    headers: tuple[tuple[str, str | SecretRef], ...] = ()
    follow_redirects: bool = True
    check_ssl_errors: bool = True
    ssl_expiry_reminder: bool = False
    domain_expiry_reminder: bool = False

    @property
    def monitor_type(self) -> str:
        return "http"

    @property
    def target(self) -> str:
        return self.url if isinstance(self.url, str) else f"(secret URL, {self.url.describe()})"


@dataclass(frozen=True)
class KeywordMonitor(HttpMonitor):
    keyword: str = ""
    alert_when: Literal["missing", "present"] = "missing"
    case_sensitive: bool = False

    @property
    def monitor_type(self) -> str:
        return "keyword"


@dataclass(frozen=True)
class PingMonitor(_UptimeMonitor):
    host: str = ""

    @property
    def monitor_type(self) -> str:
        return "ping"

    @property
    def target(self) -> str:
        return self.host


@dataclass(frozen=True)
class PortMonitor(_UptimeMonitor):
    host: str = ""
    port: int = 0
    timeout: str = "30s"

    @property
    def monitor_type(self) -> str:
        return "port"

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class HeartbeatMonitor(_UptimeMonitor):
    """Alerts when a job stops calling its heartbeat URL (the URL is an output)."""

    grace: str = "1m"

    @property
    def monitor_type(self) -> str:
        return "heartbeat"

    @property
    def target(self) -> str:
        return "(heartbeat URL, an output)"


UptimeMonitor = HttpMonitor | KeywordMonitor | PingMonitor | PortMonitor | HeartbeatMonitor


@dataclass(frozen=True)
class StatusPage(Block):
    name: str
    domain: str | None = None  # custom domain, e.g. status.example.com
    monitors: tuple[str, ...] | Literal["all"] = "all"  # names, or every monitor on_status_page
    password: SecretRef | None = None
    sort: Literal["a-z", "z-a", "up-down-paused", "down-up-paused"] = "down-up-paused"
    hide_branding: bool = False
    search_engines: bool = True
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)


@dataclass(frozen=True)
class MaintenanceWindow(Block):
    name: str
    repeat: Literal["once", "daily", "weekly", "monthly"]
    start: str  # "2026-12-01 02:00" for once; "02:00" (HH:MM) for the others
    duration: str = "1h"
    days: tuple[int, ...] = ()  # weekly: 1=Mon..7=Sun; monthly: 1..31, -1 = last day
    monitors: tuple[str, ...] | Literal["all"] = "all"
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)


# --- Sentry ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SentryTeam(Block):
    slug: str
    name: str | None = None
    # Declared by another stack of the app (its owner): read only here, never created, changed or
    # deleted; a reference nobody declared fails the preview.
    reference: bool = False


@dataclass(frozen=True)
class SentryProject(Block):
    slug: str
    platform: str
    team: str
    name: str | None = None
    keys: tuple[str, ...] = ("default",)  # one DSN per name
    traces_sample_rate: float = 0.1
    profiles_sample_rate: float | None = None
    key_rate_limit: str | None = None  # e.g. "1000/1m" (plans with key rate limits only)
    # Declared by another stack of the app (its owner): read only here, with its keys; never
    # created, changed or deleted; a reference nobody declared fails the preview.
    reference: bool = False


@dataclass(frozen=True)
class ErrorAlert(Block):
    """Notify on a new issue, or when a project's issues exceed N events in a window."""

    name: str
    project: str
    new_issue: bool = True
    regression: bool = False
    events_above: int | None = 10
    per: str = "1m"
    notify: tuple[str, ...] = ("team",)  # "team", "user:<email>", "#slack-channel"
    frequency: str = "30m"  # minimum time between notifications for the same issue
    environment: str | None = None
    severity: str = "P1"
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)


@dataclass(frozen=True)
class LatencyMonitor(Block):
    """A metric monitor: p95 transaction duration above a threshold over a window."""

    name: str
    project: str
    p95_over: str = "1s"
    for_: str = "5m"
    query: str = "is_transaction:true"
    notify: tuple[str, ...] = ("team",)
    environment: str | None = None
    severity: str = "P2"
    previously: str | None = None  # the name it had: renaming keeps the object (and its history)


@dataclass(frozen=True)
class ReleaseNotification(Block):
    """Tell Slack about new releases of a project (see docs: Sentry's API has no such setting)."""

    project: str
    channel: str = "#incidents"


@dataclass(frozen=True)
class Widget(Block):
    title: str
    query: str = ""
    aggregate: str = "count()"
    display: Literal["line", "area", "bar", "table", "big_number"] = "line"
    dataset: Literal["error-events", "spans", "transaction-like"] = "error-events"


@dataclass(frozen=True)
class Dashboard(Block):
    title: str
    widgets: tuple[Widget, ...] = ()
    period: str = "24h"
    previously: str | None = None  # the title it had: renaming keeps the object (and its history)


# --- the runbook -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Incident(Block):
    """A common incident: how it shows, what to check, how to fix; linked to what detects it."""

    title: str
    severity: str
    symptoms: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    detected_by: tuple[str, ...] = ()  # monitor / alert names

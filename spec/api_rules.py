"""What the APIs (and vigil's providers' ``check``) reject, checked offline with the stack's line.

Each rule here mirrors a provider rule (monitors/*.py, alerts/*.py ``validate``) or an API limit
from the reference documents, so a stack that would fail in the middle of ``up`` — after creating
half of its objects — fails ``validate`` instead, before any request. Values come from people and
YAML: every rule tolerates a value of the wrong type (``field_types`` reports it once).
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

from vigil.spec.blocks import (
    Block,
    Dashboard,
    HeartbeatMonitor,
    HttpMonitor,
    MaintenanceWindow,
    PingMonitor,
    PortMonitor,
    SentryProject,
    SentryTeam,
)
from vigil.spec.findings import Finding, escape_controls
from vigil.spec.outputs import resource_name
from vigil.spec.secrets import SecretRef
from vigil.spec.stack import Stack
from vigil.spec.units import UnitError, seconds
from vigil.spec.values import where_of
from vigil.spec.where import Location

# --- limits (provider constants and the reference documents) ------------------------------------
MONITOR_NAME_MAX = 250  # Uptime Robot friendlyName (uptimerobot-v3-openapi.json)
CONTACT_NAME_MAX = 60  # alert contacts and integrations (monitors/integration.py NAME_MAX)
PAGE_NAME_MAX = 255  # status pages, maintenance windows (monitors/status_page.py)
URL_MAX = 10_000
KEYWORD_MAX = 500
HEADERS_MAX = 3_000  # customHttpHeaders, as text
INTERVAL_MIN_S, INTERVAL_MAX_S = 30, 2_678_400  # monitors/monitor.py MIN/MAX_INTERVAL_S
TIMEOUT_MAX_S = 60
GRACE_MAX_S = 86_400
STATUS_CODE = re.compile(r"^[1-5](\d\d|xx)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # monitors/alert_contact.py
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")  # status_page.py
SENTRY_SLUG = re.compile(r"^(?![0-9]+$)[a-z0-9_-]{1,50}$")  # alerts/team.py
SENTRY_RESERVED = frozenset(
    {"api-keys", "audit-log", "auth", "members", "projects", "rate-limits", "repos", "settings", "teams",
     "billing", "payments", "legal", "subscription", "support", "integrations", "developer-settings",
     "usage"}
)  # fmt: skip
SENTRY_TEAM_NAME_MAX, SENTRY_PROJECT_NAME_MAX, SENTRY_KEY_NAME_MAX = 64, 50, 64
SENTRY_ALERT_NAME_MAX, SENTRY_MONITOR_NAME_MAX, DASHBOARD_TITLE_MAX = 256, 200, 255
SENTRY_INTERVALS = {60: "1m", 300: "5m", 900: "15m", 3600: "1h", 86400: "1d", 604800: "1w", 2592000: "30d"}
SENTRY_WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)  # alerts/metric_monitor.py
KEY_RATE = re.compile(r"^(\d+)\s*/\s*(\d*)\s*(s|sec|m|min|h|hr|d|day)?$", re.IGNORECASE)
DASHBOARD_PERIOD = re.compile(r"^\d+[mhdw]$")
MW_START = {"once": re.compile(r"^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")}
MW_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
# Monitors an account holds per plan (sandbox/uptimerobot/models.py PLANS; Uptime Robot's pricing).
# A stack on an account with another limit states it: Stack(uptime_monitor_limit=…).
PLAN_MONITOR_LIMIT = {"free": 50, "solo": 50, "team": 100, "enterprise": 1000}
DEFAULT_SEVERITIES = ("P0", "P1", "P2", "P3")

# Fields written as durations ("5m"); a bare number is seconds (spec.units.seconds).
DURATIONS = frozenset(
    {"every", "alert_after", "repeat_every", "timeout", "grace", "per", "frequency", "p95_over", "for_",
     "duration", "mttd", "mttr", "mttr_p0", "period"}
)  # fmt: skip

Rule = Callable[[Stack], Iterator[Finding]]


# --- helpers ------------------------------------------------------------------------------------
def shown(text: Any) -> str:
    """A name as a terminal may show it: control and bidi characters escaped (ESC, U+202E …)."""
    return escape_controls(str(text)).replace("\n", "\\n")


def _unsafe_chars(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


def at(block: Block, field_name: str) -> Location:
    """The YAML line a field's value came from, else the call site of the block."""
    found = located_at(getattr(block, field_name, None))
    if found:
        return found
    # An unset field of a block declared in YAML: the YAML entry (its name's line) declares it.
    for name in ("name", "slug", "title", "project"):
        entry = where_of(getattr(block, name, None))
        if entry is not None:
            return entry.at(f"{block.kind}.{field_name}")
    return block.where.at(f"{block.kind}.{field_name}")


def located_at(value: Any) -> Location | None:
    """Where a value came from in YAML; for a list, where its first located item did."""
    if isinstance(value, (tuple, list)):
        for item in value:
            found = located_at(item)
            if found:
                return found
        return None
    if isinstance(value, Block):
        return None  # a nested block's own call site is not where this value was written
    return where_of(value)


def error(rule: str, block: Block, field_name: str, message: str, fix: str) -> Finding:
    value = getattr(block, field_name, None)
    return Finding(
        rule, "error", at(block, field_name), message, fix, str(value) if isinstance(value, str) else None
    )


def warning(rule: str, block: Block, field_name: str, message: str, fix: str) -> Finding:
    return Finding(rule, "warning", at(block, field_name), message, fix)


def _seconds(value: Any) -> float | None:
    try:
        return seconds(value)
    except (UnitError, TypeError, ValueError):
        return None


def _label(block: Block) -> str:
    for name in ("name", "slug", "title", "project"):
        value = getattr(block, name, None)
        if isinstance(value, str):
            return f"{block.kind} '{shown(value)}'"
    return block.kind


# --- types: booleans are booleans, strings are strings --------------------------------------------
def _accepts(hint: Any, value: Any) -> bool | None:
    """Whether ``value`` fits ``hint``; None when the hint is too complex to judge."""
    if hint is Any:
        return True
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        verdicts = [_accepts(arg, value) for arg in get_args(hint)]
        return True if any(v is True for v in verdicts) else (None if None in verdicts else False)
    if hint is type(None):
        return value is None
    if origin is Literal:
        return value in get_args(hint)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        return isinstance(value, (tuple, list))
    if isinstance(hint, type):
        return isinstance(value, hint)
    return None


def _describe(hint: Any) -> str:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in get_args(hint))
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(hint))
    if origin is tuple:
        return "a list"
    if hint is type(None):
        return "None"
    if hint is SecretRef:
        return "a secret reference ({env: NAME})"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )


def field_types(stack: Stack) -> Iterator[Finding]:
    nested = [w for d in stack.dashboards if isinstance(d.widgets, (tuple, list)) for w in d.widgets]
    for block in (*stack.of(Block), *(w for w in nested if isinstance(w, Block))):
        hints = typing.get_type_hints(type(block))
        for item in fields(block):
            if item.name == "where":
                continue
            value = getattr(block, item.name)
            if item.name in DURATIONS and isinstance(value, (int, float)) and not isinstance(value, bool):
                continue  # a bare number of seconds; its range is the duration rules' to judge
            if _accepts(hints[item.name], value) is False:
                yield error(
                    "field-type",
                    block,
                    item.name,
                    f"{_label(block)}: {item.name} is {value!r} ({type(value).__name__}), "
                    f"not {_describe(hints[item.name])}",
                    f"write {item.name} as {_describe(hints[item.name])}"
                    + (" (a YAML boolean: true/false, not a string)" if hints[item.name] is bool else ""),
                )
    for name, want in (("protected", bool), ("app", str), ("env", str)):
        value = getattr(stack, name)
        if not isinstance(value, want):
            yield Finding(
                "field-type",
                "error",
                where_of(value) or stack.where.at(f"Stack.{name}"),
                f"Stack.{name} is {value!r}, not {_describe(want)}",
                f"write {name} as {_describe(want)}",
            )
    if stack.uptime_plan not in PLAN_MONITOR_LIMIT:
        yield Finding(
            "uptime-plan",
            "error",
            where_of(stack.uptime_plan) or stack.where.at("Stack.uptime_plan"),
            f"uptime_plan {stack.uptime_plan!r} is not an Uptime Robot plan",
            f"use one of {', '.join(PLAN_MONITOR_LIMIT)}",
        )


def not_blocks(stack: Stack) -> Iterator[Finding]:
    for text in stack.rejected:
        yield Finding(
            "not-a-block",
            "error",
            stack.where.at("Stack.blocks"),
            f"Stack(blocks=…) holds a {text}, which is not a building block",
            "pass blocks such as HttpMonitor(...), EmailContact(...) (see spec/__init__.py), "
            "or None to leave one out",
        )


# --- names -------------------------------------------------------------------------------------
def _named(stack: Stack) -> Iterator[tuple[Block, str, str, int, str]]:
    """(block, field, resource kind, max length, what) for every name an API receives."""
    for m in stack.monitors:
        yield m, "name", "monitor", MONITOR_NAME_MAX, "monitor"
    for c in stack.email_contacts:
        yield c, "name", "contact", CONTACT_NAME_MAX, "contact"
    for w in stack.slack_webhooks:
        yield w, "name", "slack", CONTACT_NAME_MAX, "Slack webhook"
    for p in stack.status_pages:
        yield p, "name", "status", PAGE_NAME_MAX, "status page"
    for mw in stack.maintenance_windows:
        yield mw, "name", "maintenance", PAGE_NAME_MAX, "maintenance window"
    for e in stack.error_alerts:
        yield e, "name", "alert", SENTRY_ALERT_NAME_MAX, "Sentry alert"
    for lm in stack.latency_monitors:
        yield lm, "name", "sentry-monitor", SENTRY_MONITOR_NAME_MAX, "Sentry latency monitor"
    for d in stack.dashboards:
        yield d, "title", "dashboard", DASHBOARD_TITLE_MAX, "dashboard"


def names(stack: Stack) -> Iterator[Finding]:
    by_resource: dict[tuple[str, str], list[tuple[Block, str, str]]] = defaultdict(list)
    for block, name_field, kind, limit, what in _named(stack):
        name = getattr(block, name_field)
        if not isinstance(name, str):
            continue  # field_types
        if not name.strip():
            yield error(
                "name-empty", block, name_field, f"a {what} has an empty {name_field}", f"set {name_field}"
            )
            continue
        if len(name) > limit:
            yield error(
                "name-length",
                block,
                name_field,
                f"{what} {name_field} '{shown(name[:40])}…' has {len(name):,} characters; the API "
                f"allows {limit}",
                f"shorten it to {limit} characters or fewer",
            )
        if _unsafe_chars(name):
            yield error(
                "name-characters",
                block,
                name_field,
                f"{what} {name_field} '{shown(name)}' holds control or text-direction characters",
                "remove them: they would rewrite terminals and reorder alert text",
            )
        by_resource[(kind, resource_name(kind, name))].append((block, name_field, name))
    for (_, resource), named in by_resource.items():
        distinct = {name for _, _, name in named}
        if len(distinct) < 2:
            continue  # the same name twice is duplicate_names' finding
        first = named[0][2]
        for block, name_field, name in named[1:]:
            if name != first:
                yield error(
                    "name-collision",
                    block,
                    name_field,
                    f"'{shown(name)}' and '{shown(first)}' both become the resource name '{resource}' "
                    "(letters and digits are kept, the rest is dropped)",
                    "make the names differ in their letters or digits",
                )


# --- Uptime Robot ------------------------------------------------------------------------------
def _url_problem(url: str) -> str | None:
    if len(url) > URL_MAX:
        return f"has {len(url):,} characters; Uptime Robot allows {URL_MAX:,}"
    if any(c.isspace() for c in url) or _unsafe_chars(url):
        return "holds spaces, line breaks or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a bad port
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) URL"
    return None


def monitor_limits(stack: Stack) -> Iterator[Finding]:
    limit = stack.uptime_monitor_limit or PLAN_MONITOR_LIMIT.get(str(stack.uptime_plan), 50)
    if len(stack.monitors) > limit:
        yield Finding(
            "plan-monitor-limit",
            "error",
            stack.where.at("Stack.blocks"),
            f"the stack has {len(stack.monitors):,} monitors; the {stack.uptime_plan} plan holds {limit}"
            " (up would create the first ones and fail on the next, a partial deployment)",
            "remove monitors, or set uptime_plan (and uptime_monitor_limit) to your account's plan",
        )
    for monitor in stack.monitors:
        yield from _monitor(stack, monitor)


def _monitor(stack: Stack, monitor: Any) -> Iterator[Finding]:
    label = f"monitor '{shown(monitor.name)}'"
    interval = _seconds(monitor.every)
    if interval is not None and interval > INTERVAL_MAX_S:
        yield error(
            "interval-maximum",
            monitor,
            "every",
            f"{label} checks every {monitor.every}; Uptime Robot allows at most 31 days",
            "use every='31d' or less",
        )
    for name in ("alert_after", "repeat_every"):
        value = _seconds(getattr(monitor, name))
        if value and stack.uptime_plan == "free":
            yield error(
                "free-plan-alert-delay",
                monitor,
                name,
                f"{label}: {name} is not available on the free plan (Uptime Robot rejects it)",
                f"remove {name}, or set uptime_plan to a paid plan",
            )
    if isinstance(monitor, HttpMonitor):
        yield from _http(monitor, label, interval)
    if isinstance(monitor, (PingMonitor, PortMonitor)) and isinstance(monitor.host, str):
        host = monitor.host.strip()
        if not host or "://" in host or any(c.isspace() for c in monitor.host) or _unsafe_chars(host):
            yield error(
                "host",
                monitor,
                "host",
                f"{label} has host {shown(monitor.host)!r}",
                "write the host only (no scheme, no spaces), e.g. db.example.com",
            )
    if isinstance(monitor, PortMonitor):
        timeout = _seconds(monitor.timeout)
        if timeout is not None and timeout > TIMEOUT_MAX_S:
            yield error(
                "timeout",
                monitor,
                "timeout",
                f"{label} timeout exceeds Uptime Robot's 60 s",
                "use 60s or less",
            )
    if isinstance(monitor, HeartbeatMonitor):
        grace = _seconds(monitor.grace)
        if grace is not None and grace > GRACE_MAX_S:
            yield error(
                "grace",
                monitor,
                "grace",
                f"{label} grace {monitor.grace} exceeds 24 h",
                "use grace='24h' or less",
            )


def _http(monitor: HttpMonitor, label: str, interval: float | None) -> Iterator[Finding]:
    url = monitor.url
    if isinstance(url, str):
        problem = _url_problem(url)
        if problem:
            yield error(
                "url",
                monitor,
                "url",
                f"{label} URL {shown(url[:200])!r} {problem}",
                "write a full URL like https://api.example.com/health (encode spaces as %20)",
            )
    timeout = _seconds(monitor.timeout)
    if timeout is not None and interval is not None and timeout > interval:
        yield error(
            "timeout-interval",
            monitor,
            "timeout",
            f"{label} waits {monitor.timeout} for an answer but checks every {monitor.every}",
            "make timeout shorter than every",
        )
    if isinstance(monitor.expect_status, (tuple, list)):
        bad = [c for c in monitor.expect_status if not STATUS_CODE.match(str(c).lower())]
        if bad:
            yield error(
                "expect-status",
                monitor,
                "expect_status",
                f"{label} expect_status {bad} are not status codes",
                "write e.g. '2xx', '404'",
            )
    if isinstance(getattr(monitor, "keyword", None), str) and len(monitor.keyword) > KEYWORD_MAX:  # type: ignore[attr-defined]
        yield error(
            "keyword-length",
            monitor,
            "keyword",
            f"{label} keyword is too long",
            "use 500 characters or fewer",
        )
    yield from _headers(monitor, label)


def _headers(monitor: HttpMonitor, label: str) -> Iterator[Finding]:
    headers = monitor.headers
    if isinstance(headers, dict):
        headers = tuple(headers.items())
    if not isinstance(headers, (tuple, list)):
        return
    total = 0
    for pair in headers:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            yield error(
                "header",
                monitor,
                "headers",
                f"{label} header {pair!r} is not a (name, value) pair",
                "write (name, value)",
            )
            continue
        name, value = pair
        if not isinstance(name, str) or not re.match(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", name):
            yield Finding(
                "header",
                "error",
                where_of(value) or at(monitor, "headers"),
                f"{label} header name {shown(name)!r} is not a valid HTTP header name",
                "use letters, digits and '-' (e.g. X-Request-Source)",
            )
        if isinstance(value, SecretRef):
            continue
        if not isinstance(value, str) or any(c in value for c in "\r\n\0"):
            yield Finding(
                "header",
                "error",
                where_of(value) or at(monitor, "headers"),
                f"{label} header {shown(name)!r} has a value that is not one line of text",
                "remove line breaks from the value",
            )
            continue
        total += len(name) + len(value) + 8
    if total > HEADERS_MAX:
        yield error(
            "headers-length",
            monitor,
            "headers",
            f"{label} headers are too long",
            "keep them under 3000 characters",
        )


def contacts(stack: Stack) -> Iterator[Finding]:
    for contact in stack.email_contacts:
        if isinstance(contact.email, str) and not EMAIL.match(contact.email.strip()):
            yield error(
                "email",
                contact,
                "email",
                f"contact '{shown(contact.name)}' e-mail {shown(contact.email)!r} is not an e-mail address",
                "write e.g. oncall@example.com",
            )
    for webhook in stack.slack_webhooks:
        if isinstance(webhook.channel, str) and not webhook.channel.strip():
            yield error(
                "slack-channel",
                webhook,
                "channel",
                f"Slack webhook '{shown(webhook.name)}' has no channel",
                "set channel='#incidents'",
            )


def pages_and_windows(stack: Stack) -> Iterator[Finding]:
    for page in stack.status_pages:
        if (
            isinstance(page.domain, str)
            and page.domain.strip()
            and not HOST.match(page.domain.strip().lower())
        ):
            yield error(
                "status-domain",
                page,
                "domain",
                f"status page '{shown(page.name)}' domain {shown(page.domain)!r} is not a host name",
                "write the host only, e.g. status.example.com",
            )
    for window in stack.maintenance_windows:
        yield from _window(window)


def _window(window: MaintenanceWindow) -> Iterator[Finding]:
    label = f"maintenance window '{shown(window.name)}'"
    if isinstance(window.start, str):
        pattern = MW_START.get(str(window.repeat), MW_TIME)
        if not pattern.match(window.start.strip()):
            example = "'2026-12-24 02:00'" if window.repeat == "once" else "'02:00' (HH:MM)"
            yield error(
                "window-start", window, "start", f"{label} start {window.start!r}", f"write {example}"
            )
    duration = _seconds(window.duration)
    if duration is None or duration < 60 or duration % 60:
        yield error(
            "window-duration",
            window,
            "duration",
            f"{label} duration {window.duration!r}",
            "use whole minutes, e.g. '1h'",
        )
    if isinstance(window.days, (tuple, list)) and window.days:
        if window.repeat not in ("weekly", "monthly"):
            yield error(
                "window-days",
                window,
                "days",
                f"{label}: days apply to weekly and monthly windows",
                "remove days",
            )
        else:
            allowed = set(range(1, 8)) if window.repeat == "weekly" else {*range(1, 32), -1}
            bad = [d for d in window.days if d not in allowed or isinstance(d, bool)]
            if bad:
                rule = "1..7 (Mon..Sun)" if window.repeat == "weekly" else "1..31 or -1 (last day)"
                yield error("window-days", window, "days", f"{label}: invalid days {bad}", f"use {rule}")


# --- Sentry ------------------------------------------------------------------------------------
def sentry_limits(stack: Stack) -> Iterator[Finding]:
    for team in stack.sentry_teams:
        yield from _slug(team, "slug", "Sentry team")
        if isinstance(team.name, str) and not 0 < len(team.name.strip()) <= SENTRY_TEAM_NAME_MAX:
            yield error(
                "sentry-name", team, "name", f"Sentry team name {shown(team.name)!r}", "use 1-64 characters"
            )
    for project in stack.sentry_projects:
        yield from _slug(project, "slug", "Sentry project")
        if isinstance(project.name, str) and not 0 < len(project.name.strip()) <= SENTRY_PROJECT_NAME_MAX:
            yield error(
                "sentry-name",
                project,
                "name",
                f"Sentry project name {shown(project.name)!r}",
                "use 1-50 characters",
            )
        for key in project.keys if isinstance(project.keys, (tuple, list)) else ():
            if not isinstance(key, str) or not 0 < len(key.strip()) <= SENTRY_KEY_NAME_MAX:
                yield error("sentry-key", project, "keys", f"client key name {key!r}", "use 1-64 characters")
        rate = project.key_rate_limit
        if isinstance(rate, str):
            found = KEY_RATE.match(rate.strip())
            if not found or int(found.group(1)) <= 0 or (found.group(2) and int(found.group(2)) <= 0):
                yield error(
                    "sentry-key-rate",
                    project,
                    "key_rate_limit",
                    f"key_rate_limit {rate!r}",
                    "write e.g. '1000/1m'",
                )
    for alert in stack.error_alerts:
        if alert.events_above is not None:
            per = _seconds(alert.per)
            if per is not None and round(per) not in SENTRY_INTERVALS:
                yield error(
                    "sentry-interval",
                    alert,
                    "per",
                    f"alert '{shown(alert.name)}' counts events per {alert.per}, which Sentry does not offer",
                    f"use one of {', '.join(SENTRY_INTERVALS.values())}",
                )
            if isinstance(alert.events_above, int) and alert.events_above < 0:
                yield error(
                    "sentry-events", alert, "events_above", "events_above is negative", "use 0 or more"
                )
    for latency in stack.latency_monitors:
        window = _seconds(latency.for_)
        if window is not None and round(window) not in SENTRY_WINDOWS:
            yield error(
                "sentry-window",
                latency,
                "for_",
                f"latency monitor '{shown(latency.name)}' window {latency.for_}, which Sentry does not offer",
                "use one of 1m, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 24h",
            )
        if isinstance(latency.name, str) and len(f"{latency.name} alert") > SENTRY_ALERT_NAME_MAX:
            yield error(
                "name-length", latency, "name", "the latency monitor's alert name is too long", "shorten it"
            )
    for dashboard in stack.dashboards:
        yield from _dashboard(dashboard)


def _slug(block: SentryTeam | SentryProject, name: str, what: str) -> Iterator[Finding]:
    slug = getattr(block, name)
    if not isinstance(slug, str):
        return
    if not SENTRY_SLUG.match(slug):
        yield error(
            "sentry-slug",
            block,
            name,
            f"{what} slug {shown(slug)!r} is not a valid slug",
            "use 1-50 lower-case letters, digits, '-' or '_', not only digits (e.g. 'backend')",
        )
    elif slug in SENTRY_RESERVED:
        yield error(
            "sentry-slug", block, name, f"{what} slug '{slug}' is reserved by Sentry", "pick another slug"
        )
    if isinstance(block, SentryProject) and isinstance(block.team, str) and not SENTRY_SLUG.match(block.team):
        yield error(
            "sentry-slug",
            block,
            "team",
            f"team {shown(block.team)!r} is not a team slug",
            "use the team's slug",
        )


def _dashboard(dashboard: Dashboard) -> Iterator[Finding]:
    label = f"dashboard '{shown(dashboard.title)}'"
    if isinstance(dashboard.period, str) and not DASHBOARD_PERIOD.match(dashboard.period.strip().lower()):
        yield error(
            "dashboard-period",
            dashboard,
            "period",
            f"{label} period {dashboard.period!r}",
            "write e.g. '24h'",
        )
    widgets = dashboard.widgets if isinstance(dashboard.widgets, (tuple, list)) else ()
    if not widgets:
        yield error("dashboard-widgets", dashboard, "widgets", f"{label} has no widgets", "add a Widget(...)")
    titles: set[str] = set()
    for widget in widgets:
        title = getattr(widget, "title", None)
        if not isinstance(title, str) or not title.strip():
            yield error(
                "dashboard-widgets", dashboard, "widgets", f"{label} has a widget with no title", "set title"
            )
        elif title in titles:
            yield error(
                "dashboard-widgets",
                dashboard,
                "widgets",
                f"{label} widget title '{shown(title)}' is used twice",
                "give each widget a unique title",
            )
        else:
            titles.add(str(title))


# --- what a new stack gets wrong (issue 20) ------------------------------------------------------
def severities(stack: Stack) -> Iterator[Finding]:
    """Without declared severities a stack may only use P0..P3 (the runbook's default levels)."""
    if stack.severities:
        return  # validate.references checks them against the declared ones
    levelled: list[Any] = [*stack.monitors, *stack.sentry_alerts]
    for block in levelled:
        if isinstance(block.severity, str) and block.severity not in DEFAULT_SEVERITIES:
            yield error(
                "unknown-severity",
                block,
                "severity",
                f"{_label(block)} has severity '{shown(block.severity)}', not one of P0-P3",
                "use P0, P1, P2 or P3, or declare Severity(...) blocks",
            )


def new_stack_warnings(stack: Stack) -> Iterator[Finding]:
    pages = [p for p in stack.status_pages if p.monitors == "all"]
    if pages:
        for monitor in stack.monitors:
            if isinstance(monitor, HeartbeatMonitor) and monitor.on_status_page:
                yield warning(
                    "heartbeat-public",
                    monitor,
                    "on_status_page",
                    f"heartbeat '{shown(monitor.name)}' (a background job) is on the public status page",
                    "set on_status_page=False unless customers should see that job",
                )
    for alert in stack.error_alerts:
        if alert.environment is None and stack.sentry_environment is not None:
            yield warning(
                "alert-environment",
                alert,
                "environment",
                f"alert '{shown(alert.name)}' has no environment: it fires for events of every environment",
                f"set environment='{stack.sentry_environment}'",
            )


RULES: list[Rule] = [
    field_types,
    not_blocks,
    names,
    monitor_limits,
    contacts,
    pages_and_windows,
    sentry_limits,
    severities,
    new_stack_warnings,
]

__all__ = ["RULES", "shown"]

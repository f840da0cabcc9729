"""The rules a stack must satisfy before anything reaches an API, and the SLA rules it declares.

Errors stop ``preview``/``up``; SLA findings are warnings unless ``--strict``. Each finding names
where (YAML file and line, or the stack's Python call site), what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from vigil.data import sentry_platforms
from vigil.spec import api_rules
from vigil.spec.api_rules import shown
from vigil.spec.blocks import (
    Block,
    ErrorAlert,
    HeartbeatMonitor,
    HttpMonitor,
    KeywordMonitor,
    LatencyMonitor,
    PortMonitor,
)
from vigil.spec.findings import Finding
from vigil.spec.secrets import SecretRef, looks_like_secret, secret_in_header, secret_in_url
from vigil.spec.stack import Stack
from vigil.spec.units import UnitError, human_duration, seconds
from vigil.spec.values import Values, where_of
from vigil.spec.where import Location

# Minimum check interval per Uptime Robot plan (reference/uptimerobot-api.md §4.3).
PLAN_MIN_INTERVAL = {"free": 300, "solo": 60, "team": 60, "enterprise": 30}
HUMAN_SEVERITIES = ("P0", "P1")

Rule = Callable[[Stack], Iterator[Finding]]


def validate(stack: Stack, values: Values | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        try:
            findings.extend(rule(stack))
        except Exception as error:  # a value no rule foresaw: still a finding, never a traceback
            findings.append(
                Finding(
                    "unchecked",
                    "error",
                    stack.where,
                    f"a value of the stack could not be checked by rule {rule.__name__} "
                    f"({type(error).__name__}: {error})",
                    "check the types of the blocks' fields (run with --debug and report it)",
                )
            )
    if values is not None:
        findings = [_from_yaml(f, values) for f in findings]
        for where, close in values.unread():
            findings.append(
                Finding(
                    "unknown-key",
                    "error",
                    where,
                    f"'{where.path}' is not used by the stack"
                    + (f": did you mean '{close}'?" if close else " (a typo?)"),
                    f"rename it to '{close}'" if close else "remove it, or fix its name",
                )
            )
    return findings


_BUILT_VALUE_RULES = frozenset({"url", "literal-secret", "host", "status-domain"})  # URLs and hosts


def _from_yaml(finding: Finding, values: Values) -> Finding:
    """A finding at the stack's Python line about a value built from YAML (``f"{values.api}/x"``)
    points at the YAML value instead, naming the Python line in the message."""
    if not finding.value or finding.rule not in _BUILT_VALUE_RULES or finding.where.file == values.file:
        return finding
    origin = values.origin_of(finding.value)
    if origin is None:
        return finding
    built = f"{finding.where.file}:{finding.where.line}" if finding.where.line else finding.where.file
    return Finding(
        finding.rule,
        finding.level,
        origin,
        f"{finding.message} (built from this value at {Location(built)})",
        finding.fix,
        finding.value,
    )


def _at(block: Block, field_name: str) -> Location:
    """The YAML line a field's value came from, else the call site of the block."""
    return api_rules.at(block, field_name)


def _error(rule: str, block: Block, field_name: str, message: str, fix: str) -> Finding:
    return api_rules.error(rule, block, field_name, message, fix)


def _warning(rule: str, block: Block, field_name: str, message: str, fix: str) -> Finding:
    return Finding(rule, "warning", _at(block, field_name), message, fix)


def _duration(block: Block, field_name: str) -> tuple[float | None, Finding | None]:
    try:
        return seconds(getattr(block, field_name)), None
    except UnitError as error:
        return None, _error("duration", block, field_name, str(error), "write a duration like '5m'")


# --- rules -------------------------------------------------------------------------------------
def duplicate_names(stack: Stack) -> Iterator[Finding]:
    groups: dict[str, list[tuple[str, Any]]] = {
        "monitor": [(m.name, m) for m in stack.monitors],
        "contact": [(c.name, c) for c in stack.contacts],
        "status page": [(p.name, p) for p in stack.status_pages],
        "maintenance window": [(w.name, w) for w in stack.maintenance_windows],
        "Sentry team": [(t.slug, t) for t in stack.sentry_teams],
        "Sentry project": [(p.slug, p) for p in stack.sentry_projects],
        "Sentry alert": [(a.name, a) for a in stack.sentry_alerts],
    }
    for what, named in groups.items():
        counts = Counter(name for name, _ in named)
        seen: set[str] = set()
        for name, block in named:
            if counts[name] > 1 and name in seen:
                field_name = "slug" if "Sentry t" in what or "Sentry p" in what else "name"
                yield _error(
                    "duplicate-name",
                    block,
                    field_name,
                    f"{what} name '{name}' is used twice",
                    f"give each {what} a unique name",
                )
            seen.add(name)


def monitor_fields(stack: Stack) -> Iterator[Finding]:
    minimum = PLAN_MIN_INTERVAL.get(stack.uptime_plan, 300)
    for monitor in stack.monitors:
        interval, problem = _duration(monitor, "every")
        if problem:
            yield problem
        elif interval is not None and interval < minimum:
            yield _error(
                "interval-minimum",
                monitor,
                "every",
                f"monitor '{monitor.name}' checks every {human_duration(interval)}, below the "
                f"{stack.uptime_plan} plan's minimum of {human_duration(minimum)}",
                f"use every='{human_duration(minimum)}' or more, or set uptime_plan to a paid plan",
            )
        for name in ("alert_after", "repeat_every"):
            _, problem = _duration(monitor, name)
            if problem:
                yield problem
        if isinstance(monitor, HttpMonitor):
            _, problem = _duration(monitor, "timeout")
            if problem:
                yield problem
            elif seconds(monitor.timeout) > 60:
                yield _error(
                    "timeout",
                    monitor,
                    "timeout",
                    f"monitor '{monitor.name}' timeout {monitor.timeout} exceeds Uptime Robot's 60 s",
                    "use timeout='60s' or less",
                )
        if isinstance(monitor, KeywordMonitor) and not str(monitor.keyword).strip():
            yield _error(
                "keyword-required",
                monitor,
                "keyword",
                f"keyword monitor '{monitor.name}' has no keyword",
                'set keyword=\'"status":"healthy"\' (the text to look for)',
            )
        if isinstance(monitor, PortMonitor) and (
            not isinstance(monitor.port, int) or not 1 <= monitor.port <= 65535
        ):
            yield _error(
                "port-range",
                monitor,
                "port",
                f"monitor '{monitor.name}' port {monitor.port} is outside 1..65535",
                "use a TCP port between 1 and 65535",
            )
        if isinstance(monitor, HeartbeatMonitor):
            _, problem = _duration(monitor, "grace")
            if problem:
                yield problem


def references(stack: Stack) -> Iterator[Finding]:
    contacts = stack.contact_names()
    monitors = {m.name for m in stack.monitors}
    teams = {t.slug for t in stack.sentry_teams}
    projects = {p.slug for p in stack.sentry_projects}
    severities = {s.level for s in stack.severities}
    for monitor in stack.monitors:
        for name in monitor.alert:
            if name not in contacts:
                yield _error(
                    "unknown-contact",
                    monitor,
                    "alert",
                    f"monitor '{monitor.name}' alerts unknown contact '{name}'",
                    _known("contact", contacts),
                )
        if severities and monitor.severity not in severities:
            yield _error(
                "unknown-severity",
                monitor,
                "severity",
                f"monitor '{monitor.name}' has severity '{monitor.severity}', not declared",
                _known("severity", severities),
            )
    block: Any
    for block in (*stack.status_pages, *stack.maintenance_windows):
        if block.monitors != "all":
            for name in block.monitors:
                if name not in monitors:
                    yield _error(
                        "unknown-monitor",
                        block,
                        "monitors",
                        f"{block.kind} '{block.name}' lists unknown monitor '{name}'",
                        _known("monitor", monitors),
                    )
    for project in stack.sentry_projects:
        if project.team not in teams:
            yield _error(
                "unknown-team",
                project,
                "team",
                f"Sentry project '{project.slug}' belongs to unknown team '{project.team}'",
                _known("team", teams),
            )
    alert: Any
    for alert in (*stack.error_alerts, *stack.latency_monitors, *stack.release_notifications):
        if alert.project not in projects:
            name = getattr(alert, "name", alert.project)
            yield _error(
                "unknown-project",
                alert,
                "project",
                f"{alert.kind} '{name}' targets unknown Sentry project '{alert.project}'",
                _known("project", projects),
            )
    detectors = monitors | {a.name for a in stack.sentry_alerts}
    for incident in stack.incidents:
        for name in incident.detected_by:
            if name not in detectors:
                yield _error(
                    "unknown-detector",
                    incident,
                    "detected_by",
                    f"incident '{incident.title}' is detected by unknown monitor or alert '{name}'",
                    _known("monitor/alert", detectors),
                )


def sentry_fields(stack: Stack) -> Iterator[Finding]:
    for project in stack.sentry_projects:
        platforms = sentry_platforms()
        if project.platform not in platforms:
            close = difflib.get_close_matches(str(project.platform), sorted(platforms), n=4, cutoff=0.6)
            hint = f"did you mean {', '.join(close)}?" if close else "see Sentry's platform list"
            yield _error(
                "platform",
                project,
                "platform",
                f"Sentry project '{project.slug}' has invalid platform '{project.platform}'",
                f"use a Sentry platform id ({hint})",
            )
        for rate_name in ("traces_sample_rate", "profiles_sample_rate"):
            rate = getattr(project, rate_name)
            if rate is not None and not 0 <= float(rate) <= 1:
                yield _error(
                    "sample-rate",
                    project,
                    rate_name,
                    f"{rate_name} {rate} is outside 0..1",
                    "use a fraction, e.g. 0.1 for 10 %",
                )
    for alert in stack.error_alerts:
        for name in ("per", "frequency"):
            _, problem = _duration(alert, name)
            if problem:
                yield problem
        if not alert.new_issue and not alert.regression and alert.events_above is None:
            yield _error(
                "alert-trigger",
                alert,
                "events_above",
                f"alert '{alert.name}' never triggers",
                "set new_issue=True or events_above=N",
            )
    for latency in stack.latency_monitors:
        for name in ("p95_over", "for_"):
            _, problem = _duration(latency, name)
            if problem:
                yield problem


def literal_secrets(stack: Stack) -> Iterator[Finding]:
    fix = (
        "reference it instead: {env: NAME} in YAML, env_secret('NAME') or config_secret('key') in "
        "Python (the value is then stored only as an encrypted Pulumi secret)"
    )
    for block in stack.of(Block):
        if isinstance(block, HttpMonitor):
            reason = secret_in_url(block.url)
            if reason:
                yield _error(
                    "literal-secret",
                    block,
                    "url",
                    f"monitor '{shown(block.name)}': {reason}; it would be stored in plain text",
                    "move the whole URL to an environment variable: url: {env: NAME} in YAML, "
                    "url=env_secret('NAME') in Python",
                )
            for pair in block.headers if isinstance(block.headers, (tuple, list)) else ():
                if isinstance(pair, (tuple, list)) and len(pair) == 2:
                    reason = secret_in_header(pair[0], pair[1])
                    if reason:
                        yield Finding(
                            "literal-secret",
                            "error",
                            where_of(pair[1]) or _at(block, "headers"),
                            f"monitor '{shown(block.name)}': {reason}; it would be stored in plain text",
                            f"write the header's value as a reference: ('{pair[0]}', env_secret('NAME')), "
                            "or {env: NAME} in YAML",
                        )
        for name, value in vars(block).items():
            if isinstance(value, SecretRef):
                problem = value.problem()
                if problem:
                    yield Finding(
                        "secret-ref",
                        "error",
                        value.where or _at(block, name),
                        f"{block.kind}.{name}: {problem}",
                        "write {env: SOME_VARIABLE} (letters, digits, _) or {config: key}",
                    )
                continue
            if name == "where" or (isinstance(block, HttpMonitor) and name in ("url", "headers")):
                continue
            for item in value if isinstance(value, tuple) else (value,):
                if looks_like_secret(item):
                    yield _error(
                        "literal-secret",
                        block,
                        name,
                        f"{block.kind}.{name} holds what looks like a secret value",
                        fix,
                    )


def sla_detection(stack: Stack) -> Iterator[Finding]:
    sla = stack.sla
    if sla is None:
        return
    try:
        mttd = seconds(sla.mttd)
    except UnitError as error:
        yield _error("duration", sla, "mttd", str(error), "write a duration like '5m'")
        return
    for monitor in stack.monitors:
        if monitor.severity not in HUMAN_SEVERITIES:
            continue
        try:
            worst = worst_case_detection(monitor)
        except UnitError:
            continue  # reported by monitor_fields
        if worst > mttd:
            yield _warning(
                "sla-mttd",
                monitor,
                "every",
                f"{monitor.severity} monitor '{monitor.name}' may "
                f"take {human_duration(worst)} to detect an outage, above the MTTD target of "
                f"{human_duration(mttd)}",
                "check more often, alert sooner, or lower its severity",
            )
    for latency in stack.latency_monitors:
        try:
            window = seconds(latency.for_)
        except UnitError:
            continue
        if latency.severity in HUMAN_SEVERITIES and window > mttd:
            yield _warning(
                "sla-mttd",
                latency,
                "for_",
                f"latency monitor '{latency.name}' needs "
                f"{human_duration(window)} to fire, above the MTTD target of {human_duration(mttd)}",
                "shorten its window or lower its severity",
            )


def sla_routing(stack: Stack) -> Iterator[Finding]:
    if stack.protected:
        for monitor in stack.monitors:
            if not monitor.alert:
                yield _warning(
                    "sla-routing",
                    monitor,
                    "alert",
                    f"production monitor '{monitor.name}' alerts nobody",
                    "add alert=('email-…', 'slack-…') contacts",
                )
    alerted = {a.project for a in stack.error_alerts}
    for project in stack.sentry_projects:
        if project.slug not in alerted and not stack.shared:
            yield _warning(
                "sla-error-alert",
                project,
                "slug",
                f"Sentry project '{project.slug}' has no error alert",
                f"add ErrorAlert(name=..., project='{project.slug}')",
            )


def worst_case_detection(monitor: Any) -> float:
    """Interval plus the confirmation wait: an outage starting right after a check."""
    worst = seconds(monitor.every) + seconds(monitor.alert_after)
    if isinstance(monitor, HeartbeatMonitor):
        worst += seconds(monitor.grace)
    return worst


def _known(what: str, names: set[str]) -> str:
    return (
        f"use one of the declared {what}s: {', '.join(sorted(names))}"
        if names
        else f"declare the {what} first"
    )


RULES: list[Rule] = [
    *api_rules.RULES,
    duplicate_names,
    monitor_fields,
    references,
    sentry_fields,
    literal_secrets,
    sla_detection,
    sla_routing,
]


def secret_refs(stack: Stack) -> Iterator[tuple[Block, str, SecretRef]]:
    """Every secret reference of the stack: (block, field, reference); header values included."""
    for block in stack.of(Block):
        for name, value in vars(block).items():
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, SecretRef):
                    yield block, name, item
                elif isinstance(item, tuple):
                    yield from ((block, name, part) for part in item if isinstance(part, SecretRef))


def missing_environment(stack: Stack, environ: Mapping[str, str]) -> list[Finding]:
    """``{env: NAME}`` references whose variable is unset, at the YAML line (before the engine runs,
    instead of a traceback from inside the Pulumi program)."""
    findings = []
    for block, name, ref in secret_refs(stack):
        if ref.env and not environ.get(ref.env):
            findings.append(
                Finding(
                    "secret-missing",
                    "error",
                    ref.where or _at(block, name),
                    f"{block.kind}.{name} needs the environment variable {ref.env}, which is not set",
                    f"export {ref.env}=… (in CI, from the repository's secrets)",
                )
            )
    return findings


__all__ = [
    "ErrorAlert",
    "LatencyMonitor",
    "missing_environment",
    "secret_refs",
    "validate",
    "worst_case_detection",
]

"""What a drill exercises, decided from the stack alone: which monitors and alerts, through which
channels, against which MTTD target. No API calls here, so a drill that cannot pass (a monitor with
nobody to tell) fails before it touches anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.spec.blocks import EmailContact, ErrorAlert, HeartbeatMonitor, SlackWebhook
from vigil.spec.stack import Stack
from vigil.spec.units import seconds
from vigil.spec.validate import HUMAN_SEVERITIES, worst_case_detection

DEFAULT_MTTD_S = 300.0  # the plan's SLA: MTTD < 5 minutes


class PlanError(ValueError):
    pass


@dataclass(frozen=True)
class Channel:
    name: str  # the contact's name in the stack
    kind: str  # "slack" or "email"
    block: EmailContact | SlackWebhook


@dataclass
class MonitorCase:
    monitor: Any  # a spec monitor block
    target_s: float
    worst_s: float  # interval + alert_after (+ grace): the configured worst case
    channels: list[Channel] = field(default_factory=list)
    problem: str = ""  # why this monitor cannot be drilled (reported as a failure)

    @property
    def name(self) -> str:
        return str(self.monitor.name)

    @property
    def severity(self) -> str:
        return str(self.monitor.severity)


@dataclass
class AlertCase:
    alert: ErrorAlert
    target_s: float
    burst: int
    slack_channels: list[str]  # "#incidents"
    emails: bool  # notifies the team or a user by e-mail
    problem: str = ""


def mttd_target(stack: Stack, severity: str, worst_s: float) -> float:
    """The SLA's MTTD for the people-paging severities (P0, P1); a lower severity is held to its
    configured worst case when that is longer (it was accepted as slower)."""
    mttd = seconds(stack.sla.mttd) if stack.sla is not None else DEFAULT_MTTD_S
    return mttd if severity in HUMAN_SEVERITIES else max(mttd, worst_s)


def reaches_person(block: EmailContact | SlackWebhook) -> bool:
    return block.notify_on in ("down-and-up", "down")


def monitor_cases(stack: Stack, names: list[str]) -> list[MonitorCase]:
    """``names`` (``--monitor``), or the first monitor of each severity in stack order."""
    monitors = list(stack.monitors)
    if names:
        known = {m.name: m for m in monitors}
        missing = [n for n in names if n not in known]
        if missing:
            raise PlanError(
                f"no monitor named {', '.join(repr(n) for n in missing)} in the stack; "
                f"known: {', '.join(sorted(known)) or 'none'}"
            )
        chosen = [known[n] for n in dict.fromkeys(names)]
    else:
        seen: set[str] = set()
        chosen = []
        for monitor in monitors:
            if monitor.severity not in seen:
                seen.add(monitor.severity)
                chosen.append(monitor)
    contacts = {c.name: c for c in stack.contacts}
    cases = []
    for monitor in chosen:
        worst = worst_case_detection(monitor)
        case = MonitorCase(monitor, mttd_target(stack, monitor.severity, worst), worst)
        for name in monitor.alert:
            block = contacts.get(name)
            if block is not None and reaches_person(block):
                kind = "slack" if isinstance(block, SlackWebhook) else "email"
                case.channels.append(Channel(name, kind, block))
        if not case.channels:
            told = ", ".join(monitor.alert) or "none"
            case.problem = (
                f"monitor '{monitor.name}' has no alert contact that reaches a person (alert: {told}): "
                "add an EmailContact or SlackWebhook that is told of downs to its alert=…"
            )
        elif isinstance(monitor, HeartbeatMonitor):
            case.problem = f"monitor '{monitor.name}' is a heartbeat: its job, not vigil, makes it fail"
        cases.append(case)
    return cases


def alert_cases(stack: Stack, burst: int | None) -> list[AlertCase]:
    """Each error alert with a threshold: a burst one above it (``--burst`` overrides)."""
    cases = []
    for alert in stack.error_alerts:
        if alert.events_above is None and not alert.new_issue:
            continue
        size = burst if burst is not None else (alert.events_above or 0) + 1
        slack = [n for n in alert.notify if n.startswith("#")]
        email = any(n == "team" or n.startswith("user:") for n in alert.notify)
        case = AlertCase(alert, mttd_target(stack, alert.severity, seconds(alert.per)), size, slack, email)
        cases.append(case)
    return cases

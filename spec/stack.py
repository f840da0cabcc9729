"""A stack: everything one application's monitoring has in one environment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypeVar

from vigil.spec.blocks import (
    Block,
    Dashboard,
    EmailContact,
    ErrorAlert,
    HeartbeatMonitor,
    HttpMonitor,
    Incident,
    KeywordMonitor,
    LatencyMonitor,
    MaintenanceWindow,
    OnCall,
    PingMonitor,
    PortMonitor,
    ReleaseNotification,
    SentryProject,
    SentryTeam,
    Severity,
    SlackChannel,
    SlackWebhook,
    SlaTargets,
    StatusPage,
)
from vigil.spec.where import Location, call_site

B = TypeVar("B", bound=Block)
# What ``Stack(blocks=...)`` takes: blocks, nested in lists or tuples as a stack module builds them,
# with None/False for "not in this environment". ``__post_init__`` flattens it to the blocks; read
# them through ``Stack.of`` and the typed properties.
BlockTree: TypeAlias = "Block | Sequence[BlockTree] | bool | None"

MONITOR_TYPES = (HttpMonitor, KeywordMonitor, PingMonitor, PortMonitor, HeartbeatMonitor)


@dataclass(frozen=True)
class Stack:
    app: str
    env: str
    blocks: Sequence[BlockTree] = ()
    protected: bool = False  # deletes and replaces need confirmation (production)
    uptime_plan: Literal["free", "solo", "team", "enterprise"] = "free"
    sentry_environment: str | None = None  # SENTRY_ENVIRONMENT the app reports
    links: tuple[tuple[str, str], ...] = ()  # (title, url) for the runbook: dashboards, consoles
    uptime_monitor_limit: int | None = None  # monitors the account may hold; None: the plan's default
    # Declares what the app's environments share (they reference it): alerts on its projects are theirs.
    shared: bool = False
    # Objects another tool manages in the same accounts: drift never reports them as unmanaged
    # (fnmatch patterns on the object's name, e.g. "legacy-*", or "Monitor:Marketing *" for one type).
    ignore_unmanaged: tuple[str, ...] = ()
    where: Location = field(default_factory=call_site, compare=False, repr=False)
    # What ``blocks`` held that is not a block (a dict, a string, another object): reported by
    # validation at the Stack(...) call instead of dropped or crashing a rule.
    rejected: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        kept: list[Block] = []
        rejected: list[str] = []
        items = self.blocks if isinstance(self.blocks, (list, tuple)) else (self.blocks,)
        for item in _flatten(items):
            if isinstance(item, Block):
                kept.append(item)
            else:
                text = repr(item)
                rejected.append(f"{type(item).__name__} {text[:60]}{'…' if len(text) > 60 else ''}")
        object.__setattr__(self, "blocks", tuple(kept))
        object.__setattr__(self, "rejected", tuple(rejected))

    def of(self, *kinds: type[B]) -> tuple[B, ...]:
        return tuple(b for b in self.blocks if isinstance(b, kinds))  # type: ignore[misc]

    @property
    def monitors(self) -> tuple[Any, ...]:
        return self.of(*MONITOR_TYPES)

    @property
    def email_contacts(self) -> tuple[EmailContact, ...]:
        return self.of(EmailContact)

    @property
    def slack_webhooks(self) -> tuple[SlackWebhook, ...]:
        return self.of(SlackWebhook)

    @property
    def status_pages(self) -> tuple[StatusPage, ...]:
        return self.of(StatusPage)

    @property
    def maintenance_windows(self) -> tuple[MaintenanceWindow, ...]:
        return self.of(MaintenanceWindow)

    @property
    def sentry_teams(self) -> tuple[SentryTeam, ...]:
        return self.of(SentryTeam)

    @property
    def sentry_projects(self) -> tuple[SentryProject, ...]:
        return self.of(SentryProject)

    @property
    def error_alerts(self) -> tuple[ErrorAlert, ...]:
        return self.of(ErrorAlert)

    @property
    def latency_monitors(self) -> tuple[LatencyMonitor, ...]:
        return self.of(LatencyMonitor)

    @property
    def release_notifications(self) -> tuple[ReleaseNotification, ...]:
        return self.of(ReleaseNotification)

    @property
    def dashboards(self) -> tuple[Dashboard, ...]:
        return self.of(Dashboard)

    @property
    def slack_channel(self) -> SlackChannel | None:
        channels = self.of(SlackChannel)
        return channels[0] if channels else None

    @property
    def severities(self) -> tuple[Severity, ...]:
        return self.of(Severity)

    @property
    def sla(self) -> SlaTargets | None:
        targets = self.of(SlaTargets)
        return targets[0] if targets else None

    @property
    def incidents(self) -> tuple[Incident, ...]:
        return self.of(Incident)

    @property
    def on_call(self) -> tuple[OnCall, ...]:
        return self.of(OnCall)

    @property
    def contacts(self) -> tuple[EmailContact | SlackWebhook, ...]:
        return self.of(EmailContact, SlackWebhook)

    @property
    def sentry_alerts(self) -> tuple[ErrorAlert | LatencyMonitor, ...]:
        return self.of(ErrorAlert, LatencyMonitor)

    def contact_names(self) -> set[str]:
        return {c.name for c in self.email_contacts} | {w.name for w in self.slack_webhooks}


def _flatten(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        if item is None or item is False:
            continue  # lets a stack write `x if env.get(...) else None`
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item

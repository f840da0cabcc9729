"""What Sentry does with the events it ingests: issues, workflows that fire, metric monitors that open
issues, and the notifications their actions send. No HTTP here (the responses post to Slack).

- **Issues.** An error event joins the issue of its ``fingerprint`` when it has one, else of its
  exception type + message (the message alone for a message event), per project.
- **Workflows** (``/organizations/{org}/workflows/``) listening to the project's ``issue_stream``
  detector run on every error event: triggers are any-of ``first_seen_event`` (a new issue) and
  ``event_frequency_count`` (MORE THAN ``value`` events of the issue in ``interval``); the action
  filter's conditions must hold too (``logicType`` all/any); the workflow's ``environment``
  filters events; ``config.frequency`` minutes must pass between two firings for one issue.
- **Metric monitors** (detectors of type ``metric_issue`` on ``p95(…duration)``) evaluate the p95
  of the project's transaction durations over their ``timeWindow`` on every transaction; above the
  ``gt`` condition's threshold they open a metric issue (once while it stays above), which fires the
  workflows listing that detector.
- **Actions**: ``slack`` posts to the channel through the installed integration (the Slack
  emulator); ``email`` lands in this organization's outbox.

Times are on the sandbox clock (``now``), so a sped-up clock makes intervals and windows pass fast.
The stored events (``SentryBackend.events``) are not changed: issues and notifications are kept
beside them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from vigil.sandbox.sentry.models import Detector, Event, SentryBackend, Workflow

TRANSACTIONS_KEPT = 100_000  # per organization, the newest: metric windows are minutes to hours
NOTIFICATIONS_KEPT = 10_000
INTERVALS = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400, "1w": 604800, "30d": 2592000}


@dataclass
class Issue:
    id: int
    project_id: int
    key: str  # the grouping key: fingerprint, or type + message
    title: str
    kind: str  # "error" or "metric"
    first_seen: float
    last_seen: float
    seen: list[float] = field(default_factory=list)  # sandbox-clock times of its events
    environments: list[str] = field(default_factory=list)
    status: str = "unresolved"
    detector_id: int | None = None

    def document(self) -> dict[str, Any]:
        document = asdict(self)
        document["count"] = len(self.seen)
        document.pop("seen")
        return document


@dataclass
class Notification:
    at: float
    workflow_id: int
    workflow: str
    issue_id: int
    issue: str
    project_id: int
    channel: str  # "slack" or "email"
    target: str  # "#incidents", "team:conductor", …
    status: str = "pending"  # "delivered", "failed", "pending"
    detail: str = ""
    text: str = ""

    def document(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class State:
    """Kept on the backend beside its events (a backend pickled before this existed starts one)."""

    issues: dict[int, Issue] = field(default_factory=dict)
    transactions: list[tuple[float, int, str, float]] = field(default_factory=list)  # at, project, env, ms
    fired: dict[tuple[int, int], float] = field(default_factory=dict)  # (workflow, issue) → when
    open_metric: dict[int, int] = field(default_factory=dict)  # detector id → its open issue id
    notifications: list[Notification] = field(default_factory=list)


def state_of(backend: SentryBackend) -> State:
    state: State = backend.__dict__.setdefault("alerting", State())
    return state


def grouping_key(payload: dict[str, Any]) -> tuple[str, str]:
    """(key, title) of an error event."""
    fingerprint = payload.get("fingerprint")
    exception = payload.get("exception")
    values = exception.get("values") if isinstance(exception, dict) else exception
    first = values[-1] if isinstance(values, list) and values and isinstance(values[-1], dict) else {}
    kind, value = str(first.get("type") or ""), str(first.get("value") or "")
    message = payload.get("message")
    if isinstance(message, dict):
        message = message.get("formatted") or message.get("message")
    title = f"{kind}: {value}" if kind else str(message or payload.get("logentry", {}).get("message") or "")
    if isinstance(fingerprint, list) and fingerprint and "{{ default }}" not in fingerprint:
        return "fp:" + "|".join(str(part) for part in fingerprint), title or "|".join(map(str, fingerprint))
    return f"ex:{kind}|{value}" if kind else f"msg:{title}", title or "<unlabeled event>"


def duration_ms(payload: dict[str, Any]) -> float | None:
    try:
        return (float(payload["timestamp"]) - float(payload["start_timestamp"])) * 1000.0
    except (KeyError, TypeError, ValueError):
        return None


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def on_events(backend: SentryBackend, events: list[Event], now: float) -> list[Notification]:
    """Group the new events, run what listens, and return the notifications to send."""
    state = state_of(backend)
    due: list[Notification] = []
    for event in events:
        environment = str(event.payload.get("environment") or "production")
        if event.kind == "event":
            issue, new = _group(backend, state, event, environment, now)
            due += _run_issue_workflows(backend, state, issue, new, environment, now)
        elif event.kind == "transaction":
            duration = duration_ms(event.payload)
            if duration is not None:
                state.transactions.append((now, event.project_id, environment, duration))
                due += _run_metric_monitors(backend, state, event.project_id, now)
    state.notifications.extend(due)
    del state.notifications[: max(0, len(state.notifications) - NOTIFICATIONS_KEPT)]
    del state.transactions[: max(0, len(state.transactions) - TRANSACTIONS_KEPT)]
    return due


def _group(
    backend: SentryBackend, state: State, event: Event, environment: str, now: float
) -> tuple[Issue, bool]:
    key, title = grouping_key(event.payload)
    for issue in state.issues.values():
        if issue.project_id == event.project_id and issue.key == key and issue.kind == "error":
            issue.seen.append(now)
            issue.last_seen = now
            if environment not in issue.environments:
                issue.environments.append(environment)
            return issue, False
    issue = Issue(backend.new_id(), event.project_id, key, title, "error", now, now, [now], [environment])
    state.issues[issue.id] = issue
    return issue, True


def _listening(backend: SentryBackend, detector_ids: set[int]) -> list[Workflow]:
    found = []
    for workflow in backend.workflows.values():
        ids = {int(i) for i in workflow.detector_ids if str(i).isdigit()}
        if workflow.enabled and ids & detector_ids:
            found.append(workflow)
    return found


def _holds(condition: dict[str, Any], issue: Issue, new: bool, now: float) -> bool:
    kind = condition.get("type")
    comparison = condition.get("comparison")
    if kind == "first_seen_event":
        return new
    if kind == "event_frequency_count" and isinstance(comparison, dict):
        window = INTERVALS.get(str(comparison.get("interval")), 60)
        count = sum(1 for at in issue.seen if now - window < at <= now)
        return count > int(comparison.get("value") or 0)
    if kind in ("issue_priority_greater_or_equal", "issue_priority_deescalating"):
        return issue.kind == "metric"
    return False  # regression, reappeared and the rest: nothing in the sandbox makes them true


def _group_holds(group: dict[str, Any], issue: Issue, new: bool, now: float, empty: bool) -> bool:
    conditions = [c for c in group.get("conditions") or [] if isinstance(c, dict)]
    if not conditions:
        return empty
    results = [_holds(c, issue, new, now) for c in conditions]
    logic = str(group.get("logicType") or "any")
    if logic.startswith("all"):
        return all(results)
    if logic == "none":
        return not any(results)
    return any(results)


def _fire(
    backend: SentryBackend,
    state: State,
    workflow: Workflow,
    issue: Issue,
    new: bool,
    environment: str,
    now: float,
) -> list[Notification]:
    wanted = workflow.environment
    if wanted and wanted != environment:
        return []
    triggers = workflow.triggers or {}
    if not _group_holds(triggers if isinstance(triggers, dict) else {}, issue, new, now, empty=True):
        return []
    filters = [f for f in workflow.action_filters if isinstance(f, dict)]
    passing = [f for f in filters if _group_holds(f, issue, new, now, empty=True)]
    if not passing:
        return []
    frequency = float((workflow.config or {}).get("frequency") or 30) * 60
    last = state.fired.get((workflow.id, issue.id))
    if last is not None and now - last < frequency:
        return []
    state.fired[(workflow.id, issue.id)] = now
    notes = []
    for group in passing:
        for action in group.get("actions") or []:
            if isinstance(action, dict):
                notes.append(_notification(backend, workflow, issue, action, now))
    return notes


def _notification(
    backend: SentryBackend, workflow: Workflow, issue: Issue, action: dict[str, Any], now: float
) -> Notification:
    config = action.get("config") or {}
    kind = str(action.get("type"))
    project = backend.projects.get(issue.project_id)
    slug = project.slug if project else str(issue.project_id)
    text = f"[{slug}] {issue.title} ({len(issue.seen)} events) — alert '{workflow.name}'"
    if kind == "slack":
        target = str(config.get("targetDisplay") or config.get("targetIdentifier") or "")
        target = target if target.startswith("#") or target.startswith("C") else "#" + target
        return Notification(
            now,
            workflow.id,
            workflow.name,
            issue.id,
            issue.title,
            issue.project_id,
            "slack",
            target,
            text=text,
        )
    if kind == "email":
        target = f"{config.get('targetType')}:{config.get('targetIdentifier')}"
        team = next(
            (t for t in backend.teams.values() if str(t.id) == str(config.get("targetIdentifier"))), None
        )
        if team is not None:
            target = f"team:{team.slug}"
        return Notification(
            now,
            workflow.id,
            workflow.name,
            issue.id,
            issue.title,
            issue.project_id,
            "email",
            target,
            status="delivered",
            detail="in the outbox",
            text=text,
        )
    return Notification(
        now,
        workflow.id,
        workflow.name,
        issue.id,
        issue.title,
        issue.project_id,
        kind,
        "",
        status="failed",
        detail=f"{kind} actions are not emulated",
        text=text,
    )


def _run_issue_workflows(
    backend: SentryBackend, state: State, issue: Issue, new: bool, environment: str, now: float
) -> list[Notification]:
    streams = {
        d.id
        for d in backend.detectors.values()
        if d.project_id == issue.project_id and d.type == "issue_stream"
    }
    notes: list[Notification] = []
    for workflow in _listening(backend, streams):
        notes += _fire(backend, state, workflow, issue, new, environment, now)
    return notes


def _threshold(detector: Detector) -> float | None:
    group = detector.condition_group or {}
    for condition in group.get("conditions") or []:
        if (
            isinstance(condition, dict)
            and condition.get("type") == "gt"
            and condition.get("conditionResult") != 0
        ):
            try:
                return float(condition["comparison"])
            except (KeyError, TypeError, ValueError):
                return None
    return None


def _run_metric_monitors(
    backend: SentryBackend, state: State, project_id: int, now: float
) -> list[Notification]:
    notes: list[Notification] = []
    for detector in list(backend.detectors.values()):
        if detector.project_id != project_id or detector.type != "metric_issue":
            continue
        sources = detector.data_sources or [{}]
        source = sources[0] if isinstance(sources[0], dict) else {}
        if not str(source.get("aggregate") or "").startswith("p95("):
            continue
        threshold = _threshold(detector)
        if threshold is None:
            continue
        window = float(source.get("timeWindow") or 300)
        environment = source.get("environment")
        durations = [
            ms
            for at, project, env, ms in state.transactions
            if project == project_id and now - window < at <= now and (not environment or env == environment)
        ]
        if not durations:
            continue
        value = p95(durations)
        open_issue = state.open_metric.get(detector.id)
        if value <= threshold:
            if open_issue is not None:
                state.issues[open_issue].status = "resolved"
                del state.open_metric[detector.id]
            continue
        if open_issue is not None:
            continue
        issue = Issue(backend.new_id(), project_id, f"metric:{detector.id}",
                      f"{detector.name}: p95 {value:.0f} ms above {threshold:.0f} ms", "metric", now, now,
                      [now], [str(environment or "all")], detector_id=detector.id)  # fmt: skip
        state.issues[issue.id] = issue
        state.open_metric[detector.id] = issue.id
        for workflow in _listening(backend, {detector.id}):
            notes += _fire(backend, state, workflow, issue, True, str(environment or ""), now)
    return notes

"""The Sentry part of a drill: a burst of clearly marked test errors through a project's DSN, one
more than its error alert's threshold, then a wait for the alert to fire and reach Slack.

The events share one fingerprint per drill and alert (``vigil-drill <run> <alert>``), so they are one
issue of their own that nobody mistakes for a real error, and never merge with a real one. In the
sandbox the issue and the workflow's firing are read from the emulator (so a Slack post that failed
says why); on real accounts the alert is confirmed in its Slack channel with the bot token, else
reported "sent, not confirmed".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests

from vigil.core.slack import SlackClient
from vigil.drill.plan import AlertCase
from vigil.drill.world import SandboxClock, SandboxHooks, WallClock
from vigil.probes.sentry import envelope_url
from vigil.spec.units import human_duration, seconds

ERROR_TYPE = "VigilDrillError"


@dataclass
class AlertOutcome:
    case: AlertCase
    channel: str
    detect_s: float | None = None
    notify_s: float | None = None
    detail: str = ""
    done: bool = False
    confirmed: bool = True

    @property
    def passed(self) -> bool:
        if not self.confirmed:
            return self.detail.startswith("sent")
        return self.notify_s is not None and self.notify_s <= self.case.target_s


@dataclass
class _Burst:
    case: AlertCase
    marker: str
    sent_at: float = 0.0
    sent_wall: float = 0.0
    deadline: float = 0.0
    outcomes: list[AlertOutcome] = field(default_factory=list)


def send_burst(dsn: str, environment: str, marker: str, count: int) -> int:
    """``count`` error events through the DSN; how many the endpoint accepted."""
    url, public_key, _ = envelope_url(dsn)
    headers = {
        "Content-Type": "application/x-sentry-envelope",
        "X-Sentry-Auth": f"Sentry sentry_version=7, sentry_client=vigil-drill/1, sentry_key={public_key}",
    }
    accepted = 0
    with requests.Session() as session:
        for _ in range(count):
            event_id = uuid.uuid4().hex
            event = {
                "event_id": event_id,
                "timestamp": datetime.now(UTC).isoformat(),
                "level": "error",
                "platform": "python",
                "environment": environment,
                "fingerprint": ["vigil-drill", marker],
                "exception": {
                    "values": [{"type": ERROR_TYPE, "value": f"{marker}: test error (safe to ignore)"}]
                },
                "tags": {"vigil": "drill"},
            }
            body = "\n".join(
                [json.dumps({"event_id": event_id}), json.dumps({"type": "event"}), json.dumps(event)]
            )
            try:
                response = session.post(url, data=body.encode(), headers=headers, timeout=15)
            except requests.RequestException:
                continue
            accepted += response.status_code == 200
    return accepted


@dataclass
class SentryDrill:
    clock: WallClock | SandboxClock
    hooks: SandboxHooks | None
    slack: SlackClient | None
    sentry_token: str
    dsns: dict[str, str]  # project slug → DSN
    environment: str
    run_id: str
    _bursts: list[_Burst] = field(default_factory=list)

    def start(self, cases: list[AlertCase]) -> list[AlertOutcome]:
        final: list[AlertOutcome] = []
        for case in cases:
            channels = [*case.slack_channels, *(["email"] if case.emails else [])] or ["-"]
            dsn = self.dsns.get(case.alert.project)
            if not dsn:
                final += [
                    AlertOutcome(
                        case,
                        c,
                        detail=f"no DSN for project '{case.alert.project}': run `vigil up`",
                        done=True,
                    )
                    for c in channels
                ]
                continue
            marker = f"vigil-drill {self.run_id} {case.alert.name}"
            burst = _Burst(case, marker, self.clock.now(), datetime.now().timestamp())
            burst.deadline = burst.sent_at + case.target_s * 2 + 60
            burst.outcomes = [AlertOutcome(case, c) for c in channels]
            accepted = send_burst(dsn, case.alert.environment or self.environment, marker, case.burst)
            if accepted < case.burst:
                for outcome in burst.outcomes:
                    outcome.detail = f"the DSN accepted {accepted} of {case.burst} events (key revoked?)"
            self._bursts.append(burst)
        return final

    @property
    def pending(self) -> bool:
        return any(not o.done for b in self._bursts for o in b.outcomes)

    def poll(self) -> list[AlertOutcome]:
        finished: list[AlertOutcome] = []
        now = self.clock.now()
        issues = self.hooks.sentry_issues(self.sentry_token) if self.hooks and self._bursts else []
        notes = self.hooks.sentry_notifications(self.sentry_token) if self.hooks and self._bursts else []
        for burst in self._bursts:
            mine = [i for i in issues if burst.marker in str(i.get("title"))]
            fired = [
                n
                for n in notes
                if n.get("workflow") == burst.case.alert.name and burst.marker in str(n.get("issue"))
            ]
            for outcome in [o for o in burst.outcomes if not o.done]:
                if self.hooks is not None:
                    if mine and outcome.detect_s is None:
                        outcome.detect_s = round(float(mine[0]["first_seen"]) - burst.sent_at, 1)
                    self._sandbox_channel(burst, outcome, fired)
                else:
                    self._real_channel(burst, outcome)
                if not outcome.done and now > burst.deadline:
                    outcome.done = True
                    outcome.detail = outcome.detail or self._why_silent(burst)
                if outcome.done:
                    finished.append(outcome)
        return finished

    def _why_silent(self, burst: _Burst) -> str:
        alert = burst.case.alert
        above = alert.events_above
        if above is not None and burst.case.burst <= above:
            return (
                f"the burst of {burst.case.burst} events does not cross the alert's threshold "
                f"(more than {above} in {human_duration(seconds(alert.per))})"
            )
        return f"alert '{alert.name}' did not fire within {round(burst.deadline - burst.sent_at)} s"

    def _sandbox_channel(self, burst: _Burst, outcome: AlertOutcome, fired: list[dict[str, object]]) -> None:
        kind = "email" if outcome.channel == "email" else "slack"
        match = [
            n
            for n in fired
            if n.get("channel") == kind
            and (kind == "email" or str(n.get("target")).lstrip("#") == outcome.channel.lstrip("#"))
        ]
        if not match:
            return
        note = match[0]
        if note.get("status") != "delivered":
            outcome.detail, outcome.done = (
                f"the alert fired but was not delivered: {note.get('detail')}",
                True,
            )
            return
        outcome.notify_s = round(float(str(note["at"])) - burst.sent_at, 1)
        outcome.detail, outcome.done = f"alert '{burst.case.alert.name}' fired", True

    def _real_channel(self, burst: _Burst, outcome: AlertOutcome) -> None:
        if outcome.channel == "email" or self.slack is None:
            outcome.confirmed, outcome.done = False, True
            outcome.detail = "sent, not confirmed (this channel cannot be read)"
            return
        found = self.slack.find_channel(outcome.channel)
        if found is None:
            return
        params = {"channel": found["id"], "oldest": f"{burst.sent_wall - 5:.6f}", "limit": 100}
        data = self.slack.request("GET", "conversations.history", params=params, idempotent=True).data
        for message in (data or {}).get("messages") or []:
            if burst.marker in str(message.get("text") or ""):
                outcome.notify_s = round(float(message.get("ts") or 0) - burst.sent_wall, 1)
                outcome.detail, outcome.done = f"alert '{burst.case.alert.name}' fired", True
                return

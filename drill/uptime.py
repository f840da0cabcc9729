"""The Uptime Robot part of a drill: make monitors fail, wait for the DOWN and for each alert.

- **Sandbox**: the stand-in application is switched off for the monitor's URL; the monitor itself
  is measured. Deliveries are read from the emulator (so a suppressed or refused alert says why),
  and Slack alerts are confirmed in the channel with the bot token.
- **Real account**: a temporary monitor named ``vigil-drill <run> <monitor>`` checks the same URL
  for a keyword that is never there, routed to the monitor's live alert contacts; it is what is
  measured, and it is deleted afterwards (``cleanup``, also after Ctrl-C or a failure: the runner
  calls it in a ``finally``). Slack alerts are confirmed with the bot token when there is one;
  e-mails cannot be read: "sent, not confirmed".

Every figure is in the service's seconds from the moment the drill made the target fail.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from vigil.core.errors import ApiError
from vigil.core.slack import SlackClient
from vigil.core.uptimerobot import ALERT_CONTACTS, INTEGRATIONS, MONITORS, UptimeRobotClient
from vigil.drill.plan import Channel, MonitorCase
from vigil.drill.world import SandboxClock, SandboxHooks, WallClock

PREFIX = "vigil-drill"
NEVER_THERE = "vigil-drill-keyword-that-is-never-present"
CONFIRM_S = 30.0  # the confirmation check before DOWN (the sandbox's; Uptime Robot's is similar)


@dataclass
class Outcome:
    """One monitor × channel, as the drill found it."""

    case: MonitorCase
    channel: str  # the contact's kind ("slack", "email") or "-" when none was reached
    contact: str  # the contact's name in the stack
    detect_s: float | None = None
    notify_s: float | None = None
    detail: str = ""
    done: bool = False
    confirmed: bool = True  # False: sent, but nothing can read where it went
    reported: bool = False  # handed to the runner already

    @property
    def passed(self) -> bool:
        target = self.case.target_s
        if self.detect_s is None or self.detect_s > target:
            return False
        if not self.confirmed:
            return True
        return self.notify_s is not None and self.notify_s <= target


@dataclass
class _Run:
    case: MonitorCase
    measured_id: int = 0  # the monitor watched: the live one (sandbox) or the temporary one
    measured_name: str = ""
    failed_at: float = 0.0
    failed_wall: float = 0.0
    detected_at: float | None = None
    incident_id: str = ""
    deadline: float = 0.0
    channels: list[tuple[Channel, int, Outcome]] = field(default_factory=list)  # channel, contact id, outcome


@dataclass
class UptimeDrill:
    client: UptimeRobotClient
    clock: WallClock | SandboxClock
    hooks: SandboxHooks | None
    slack: SlackClient | None
    monitor_ids: dict[str, int]
    api_key: str
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    created: list[int] = field(default_factory=list)  # temporary monitors (real accounts)
    _runs: list[_Run] = field(default_factory=list)
    _slack_channels: dict[str, str] = field(default_factory=dict)

    # --- start ----------------------------------------------------------------------------------
    def start(self, cases: list[MonitorCase]) -> list[Outcome]:
        """Make each drillable monitor fail; the outcomes already final (nothing to drill) come back."""
        final: list[Outcome] = []
        contacts = self._live_contacts()
        ready: list[tuple[_Run, dict[str, Any]]] = []
        for case in cases:
            if case.problem:
                final.append(Outcome(case, "-", "-", detail=case.problem, done=True))
                continue
            live_id = self.monitor_ids.get(case.name)
            live = self.client.fetch_object(MONITORS, live_id) if live_id else None
            if live is None:
                final.append(
                    Outcome(
                        case,
                        "-",
                        "-",
                        detail=f"monitor '{case.name}' is not deployed: run `vigil up`",
                        done=True,
                    )
                )
                continue
            assigned = {int(c["alertContactId"]): c for c in live.get("assignedAlertContacts") or []}
            run = _Run(case)
            for channel in case.channels:
                contact_id = contacts.get(channel.name, 0)
                outcome = Outcome(case, channel.kind, channel.name)
                if contact_id not in assigned:
                    what = "Slack integration" if channel.kind == "slack" else "e-mail contact"
                    outcome.detail = (
                        f"the {what} '{channel.name}' is not among monitor '{case.name}''s alert contacts "
                        "(removed outside vigil? `vigil drift` shows it, `vigil up` puts it back)"
                    )
                    outcome.done = True
                run.channels.append((channel, contact_id, outcome))
            if not all(o.done for _, _, o in run.channels):
                ready.append((run, live))
            self._runs.append(run)
        # One moment for all: in the sandbox monitors may share a URL, and switching it off for
        # one makes the others fail too, so every clock starts before the first switch.
        moment, wall = self.clock.now(), datetime.now().timestamp()
        for run, live in ready:
            self._fail(run, live, moment if self.hooks is not None else self.clock.now(), wall)
        for outcome in final:
            outcome.reported = True
        return final + self._collect()

    def _collect(self) -> list[Outcome]:
        """The outcomes that became final since the last look (each handed over once)."""
        found = [o for run in self._runs for _, _, o in run.channels if o.done and not o.reported]
        for outcome in found:
            outcome.reported = True
        return found

    def _live_contacts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for path in (INTEGRATIONS, ALERT_CONTACTS):
            for doc in self.client.iter_collection(path):
                found.setdefault(str(doc.get("friendlyName") or ""), int(doc["id"]))
        return found

    def _fail(self, run: _Run, live: dict[str, Any], moment: float, wall: float) -> None:
        url = str(live.get("url") or "")
        run.failed_at, run.failed_wall = moment, wall
        worst = run.case.worst_s + CONFIRM_S
        run.deadline = run.failed_at + max(run.case.target_s, worst) * 2 + 60
        if self.hooks is not None:
            if not self.hooks.serves(url):
                for _, _, outcome in run.channels:
                    outcome.detail, outcome.done = f"{url} is not the sandbox's stand-in application", True
                return
            if (urlsplit(url).path.rstrip("/") or "/") not in self.hooks.failing:
                self.hooks.fail(url)
            run.measured_id, run.measured_name = (
                int(live["id"]),
                str(live.get("friendlyName") or run.case.name),
            )
            return
        name = f"{PREFIX} {self.run_id} {run.case.name}"[:250]
        body = {
            "type": "KEYWORD",
            "friendlyName": name,
            "url": url,
            "interval": int(live.get("interval") or 300),
            "keywordType": "ALERT_NOT_EXISTS",
            "keywordValue": NEVER_THERE,
            "keywordCaseType": "CaseSensitive",
            "assignedAlertContacts": [
                {"alertContactId": cid, "threshold": 0, "recurrence": 0}
                for _, cid, o in run.channels
                if not o.done
            ],
        }
        try:
            created = self.client.post_object(MONITORS, body)
        finally:
            run.measured_name = name  # cleanup also sweeps by name: a create whose answer was lost
        self.created.append(int(created["id"]))
        run.measured_id = int(created["id"])

    # --- wait -----------------------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        return any(not o.reported for run in self._runs for _, _, o in run.channels)

    def poll(self) -> list[Outcome]:
        """One look at every pending monitor and channel; the outcomes that became final."""
        now = self.clock.now()
        deliveries = self.hooks.deliveries(self.api_key) if self.hooks is not None and self._runs else []
        for run in self._runs:
            open_channels = [(c, cid, o) for c, cid, o in run.channels if not o.done]
            if not open_channels:
                continue
            if run.detected_at is None:
                self._detect(run)
            for channel, contact_id, outcome in open_channels:
                if run.detected_at is not None:
                    outcome.detect_s = round(run.detected_at - run.failed_at, 1)
                    self._notified(run, channel, contact_id, outcome, deliveries)
                if not outcome.done and now > run.deadline:
                    outcome.done = True
                    outcome.detail = outcome.detail or (
                        f"no alert within {round(run.deadline - run.failed_at)} s"
                        if run.detected_at is not None
                        else f"never reported down within {round(run.deadline - run.failed_at)} s"
                    )
        return self._collect()

    def _detect(self, run: _Run) -> None:
        monitor = self.client.fetch_object(MONITORS, run.measured_id)
        if monitor is None or monitor.get("status") != "DOWN":
            return
        data = self.client.get("incidents", monitor_id=run.measured_id)
        incidents = data.get("data") if isinstance(data, dict) else None
        for incident in incidents or []:
            started = _epoch(str(incident.get("startedAt") or ""))
            if started is not None and started >= run.failed_at - 1:
                run.detected_at, run.incident_id = started, str(incident.get("id"))
                return

    def _notified(
        self, run: _Run, channel: Channel, contact_id: int, outcome: Outcome, deliveries: list[dict[str, Any]]
    ) -> None:
        if self.hooks is not None:
            mine = [
                d
                for d in deliveries
                if d["monitor_id"] == run.measured_id
                and d["contact_id"] == contact_id
                and d["kind"] == "DOWN"
                and d["at"] >= run.failed_at - 1
            ]
            if not mine:
                return
            delivery = mine[0]
            if delivery["status"] == "suppressed":
                outcome.detail, outcome.done = f"alert suppressed by {delivery['detail']}", True
                return
            if delivery["status"] != "delivered":
                outcome.detail, outcome.done = f"alert not delivered: {delivery['detail']}", True
                return
            if channel.kind == "slack" and self.slack is not None and not self._in_channel(run, channel):
                return  # posted; wait until the channel shows it
            outcome.notify_s, outcome.done = round(float(delivery["at"]) - run.failed_at, 1), True
            outcome.detail = f"incident {run.incident_id}"
            return
        if channel.kind == "slack" and self.slack is not None:
            arrived = self._in_channel(run, channel)
            if arrived is not None:
                outcome.notify_s, outcome.done = round(arrived - run.failed_wall, 1), True
                outcome.detail = f"incident {run.incident_id}"
            return
        outcome.confirmed, outcome.done = False, True
        outcome.detail = "sent, not confirmed (this channel cannot be read)"

    def _in_channel(self, run: _Run, channel: Channel) -> float | None:
        """When the DOWN alert of this monitor showed in the Slack channel (wall clock), or None."""
        assert self.slack is not None
        name = str(getattr(channel.block, "channel", "#incidents"))
        channel_id = self._slack_channels.get(name)
        if channel_id is None:
            found = self.slack.find_channel(name)
            if found is None:
                return None
            channel_id = self._slack_channels[name] = str(found["id"])
        # the sandbox's Slack stamps messages on the sandbox clock, a real workspace on the wall clock
        since = run.failed_at if self.hooks is not None else run.failed_wall
        params = {"channel": channel_id, "oldest": f"{since - 5:.6f}", "limit": 100}
        data = self.slack.request("GET", "conversations.history", params=params, idempotent=True).data
        for message in (data or {}).get("messages") or []:
            text = str(message.get("text") or "")
            if run.measured_name in text and "DOWN" in text:
                return float(message.get("ts") or 0)
        return None

    # --- clean up -------------------------------------------------------------------------------
    def cleanup(self, wait_up_s: float = 0.0) -> list[str]:
        """Undo what the drill did; what could not be undone, said plainly (never raises)."""
        problems: list[str] = []
        if self.hooks is not None and self.hooks.failing:
            try:
                self.hooks.heal()
            except Exception as error:  # cleanup goes on, and says what failed
                problems.append(f"the stand-in application could not be switched back on: {error}")
        for monitor_id in list(self.created):
            try:
                self.client.delete_monitor(monitor_id)
                self.created.remove(monitor_id)
            except ApiError as error:
                problems.append(f"temporary monitor {monitor_id} could not be deleted: {error}")
        if any(run.measured_name.startswith(PREFIX) for run in self._runs) or self.hooks is None:
            with contextlib.suppress(ApiError):  # a create whose answer was lost: find it by name
                for doc in self.client.iter_monitors():
                    if str(doc.get("friendlyName") or "").startswith(f"{PREFIX} {self.run_id} "):
                        self.client.delete_monitor(doc["id"])
        if wait_up_s > 0 and self.hooks is not None:
            self._wait_up(wait_up_s)
        return problems

    def _wait_up(self, service_seconds: float) -> None:
        deadline = self.clock.now() + service_seconds
        ids = [run.measured_id for run in self._runs if run.measured_id]
        while ids and self.clock.now() < deadline:
            docs = [self.client.fetch_object(MONITORS, i) for i in ids]
            ids = [int(d["id"]) for d in docs if d is not None and d.get("status") == "DOWN"]
            if ids:
                self.clock.sleep(min(5.0, service_seconds / 20))

    def incidents(self) -> list[str]:
        return [run.incident_id for run in self._runs if run.incident_id]


def _epoch(raw: str) -> float | None:
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None

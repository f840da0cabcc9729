"""What the `vigil sla` tests share: a sandbox of their own (its clock is theirs to advance), live
objects created over the emulators' APIs as `vigil up` would leave them, events sent through a DSN,
and a stack module with SLA targets.

No engine runs: `vigil sla` only reads the accounts and the state backend's drill history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services

STACK_MODULE = """
from vigil.spec import HttpMonitor, LatencyMonitor, SentryProject, SentryTeam, Severity, SlaTargets, Stack


def build(env, values):
    return Stack(
        app="slaapp",
        env=env,
        uptime_plan="team",
        blocks=[
            SlaTargets(uptime="99%", error_rate="0.1%", mttd="5m", mttr_p0="1h"),
            Severity("P0", mttr="1h", description="down"),
            Severity("P2", mttr="1d", description="degraded"),
            HttpMonitor(name="API", url=values.api + "/health", every="1m", severity="P0"),
            HttpMonitor(name="Docs", url=values.api + "/docs", every="5m", severity="P2"),
            SentryTeam(slug="core"),
            SentryProject(slug="backend", platform="python", team="core", traces_sample_rate=1.0),
            LatencyMonitor(name="Backend p95", project="backend", p95_over="1s"),
        ],
    )
"""
API = "https://api.slaapp.example"
MONITORS = {"API": f"{API}/health", "Docs": f"{API}/docs"}


@pytest.fixture(scope="module")
def own_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox for this module only: advancing its clock moves nobody else's."""
    clock = Clock()
    state = tmp_path_factory.mktemp("sla-sandbox") / "state.pickle"
    server = SandboxServer(Sandbox(build_services(clock), state_path=state, clock=clock), port=0).start()
    yield server
    server.stop()


@dataclass
class World:
    server: SandboxServer
    ur_url: str
    ur_key: str
    sentry_url: str
    sentry_token: str
    org: str
    webhook_url: str
    slack_token: str
    monitor_ids: dict[str, int]
    project_id: str
    public_key: str

    @property
    def clock(self) -> Clock:
        return self.server.sandbox.clock

    def now(self) -> float:
        return self.clock.epoch()

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def status(self, monitor: str, status: str, **extra: Any) -> None:
        """One check of the monitor, now on the sandbox clock (the control plane's default ``at``)."""
        response = requests.post(
            f"{self.server.url}/_sandbox/uptimerobot/monitor-status",
            json={"account": self.ur_key, "monitor": self.monitor_ids[monitor], "status": status, **extra},
            timeout=10,
        )
        assert response.status_code == 200, response.text

    def send(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        """One envelope through the project's DSN, as an SDK sends it."""
        lines = [json.dumps({"event_id": uuid.uuid4().hex}).encode()]
        for kind, payload in items:
            body = json.dumps({"event_id": uuid.uuid4().hex, **payload}).encode()
            lines += [json.dumps({"type": kind, "length": len(body)}).encode(), body]
        response = requests.post(
            f"{self.server.url}/sentry/api/{self.project_id}/envelope/",
            data=b"\n".join(lines) + b"\n",
            headers={"X-Sentry-Auth": f"Sentry sentry_key={self.public_key}, sentry_version=7"},
            timeout=30,
        )
        assert response.status_code == 200, response.text

    def errors(self, count: int, at: float) -> list[tuple[str, dict[str, Any]]]:
        return [
            ("event", {"timestamp": at, "level": "error", "platform": "python",
                       "exception": {"values": [{"type": "ValueError", "value": f"boom {i}"}]}})
            for i in range(count)
        ]  # fmt: skip

    def transactions(self, durations_ms: list[float], at: float) -> list[tuple[str, dict[str, Any]]]:
        return [
            ("transaction", {"type": "transaction", "transaction": "GET /orders", "platform": "python",
                             "start_timestamp": at - d / 1000.0, "timestamp": at})
            for d in durations_ms
        ]  # fmt: skip

    def find_live(self) -> None:
        """The ids of what the accounts hold (created above, or by `vigil up`)."""
        monitors = requests.get(
            f"{self.ur_url}/monitors", headers={"Authorization": f"Bearer {self.ur_key}"}, timeout=10
        ).json()["data"]
        self.monitor_ids = {m["friendlyName"]: int(m["id"]) for m in monitors}
        bearer = {"Authorization": f"Bearer {self.sentry_token}"}
        keys = requests.get(
            f"{self.sentry_url}/api/0/projects/{self.org}/backend/keys/", headers=bearer, timeout=10
        )
        if keys.status_code == 200 and keys.json():
            self.public_key = str(keys.json()[0]["public"])
            self.project_id = str(keys.json()[0]["projectId"])

    def slack_messages(self) -> list[dict[str, Any]]:
        response = requests.get(
            f"{self.server.url}/_sandbox/slack/messages", params={"account": self.slack_token}, timeout=10
        )
        response.raise_for_status()
        return list(response.json()["messages"])

    def reset_requests(self, service: str, account: str) -> None:
        """Zero the control plane's call counters of one account."""
        response = requests.post(
            f"{self.server.url}/_sandbox/requests", json={"service": service, "account": account}, timeout=10
        )
        response.raise_for_status()

    def requests_made(self, service: str, account: str) -> dict[str, int]:
        response = requests.get(
            f"{self.server.url}/_sandbox/requests",
            params={"service": service, "account": account},
            timeout=10,
        )
        response.raise_for_status()
        return dict(response.json()["requests"])


def _account(server: SandboxServer, service: str, **options: Any) -> dict[str, Any]:
    response = requests.post(
        f"{server.url}/_sandbox/accounts", json={"service": service, **options}, timeout=10
    )
    response.raise_for_status()
    return dict(response.json())


def make_world(
    server: SandboxServer,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    create: bool = True,
    plan: str = "team",
) -> World:
    """Fresh accounts holding the stack's monitors and Sentry project (``create=False``: empty, for
    `vigil up` to fill), exported as vigil reads them."""
    ur = _account(server, "uptimerobot", plan=plan)
    fastest = 300 if plan == "free" else 60  # the free plan checks every 5 minutes at most
    sentry = _account(server, "sentry")
    slack = _account(server, "slack")
    auth = {"Authorization": f"Bearer {ur['api_key']}"}
    ids: dict[str, int] = {}
    for name, url in MONITORS.items() if create else ():
        created = requests.post(
            f"{ur['url']}/monitors",
            json={
                "type": "HTTP",
                "friendlyName": name,
                "url": url,
                "interval": fastest if name == "API" else 300,
            },
            headers=auth,
            timeout=10,
        )
        assert created.status_code == 201, created.text
        ids[name] = int(created.json()["id"])
    bearer = {"Authorization": f"Bearer {sentry['token']}"}
    api = f"{sentry['url']}/api/0"
    (root / "stacks" / "slaapp.py").write_text(STACK_MODULE)
    (root / "stacks" / "prod.yaml").write_text(f"app: slaapp\napi: {API}\n")
    for variable, value in {
        "UPTIMEROBOT_API_URL": ur["url"],
        "UPTIMEROBOT_API_KEY": ur["api_key"],
        "SENTRY_URL": sentry["url"],
        "SENTRY_AUTH_TOKEN": sentry["token"],
        "SENTRY_ORG": sentry["org"],
        "SLACK_WEBHOOK_URL": slack["webhook_url"],
    }.items():
        monkeypatch.setenv(variable, value)
    world = World(
        server, ur["url"], ur["api_key"], sentry["url"], sentry["token"], sentry["org"], slack["webhook_url"],
        slack["token"], ids, "", "",
    )  # fmt: skip
    if create:
        for path, body in (
            (f"organizations/{sentry['org']}/teams/", {"slug": "core"}),
            (
                f"teams/{sentry['org']}/core/projects/",
                {"name": "backend", "slug": "backend", "platform": "python"},
            ),
        ):
            made = requests.post(f"{api}/{path}", json=body, headers=bearer, timeout=10)
            assert made.status_code == 201, made.text
    world.find_live()
    return world

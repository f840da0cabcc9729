"""`vigil verify`: passes on a healthy setup; fails, saying what it saw, when the target is down, the DSN
is revoked, or the Slack webhook answers 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import ProjectDir, SandboxApi, SentryAccount, SlackAccount, UptimeRobotAccount
from vigil.sandbox.target import TargetServer

pytestmark = pytest.mark.engine

STACK_MODULE = """
from vigil.spec import *
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    return Stack(app="v", env=env, uptime_plan="team", sentry_environment="verify", blocks=[
        SlackWebhook(name="slack", url=env_secret("SLACK_WEBHOOK_URL"), channel="#incidents"),
        HttpMonitor(name="Backend API", url=f"{values.target}/api/v1/health/simple", every="5m", alert=("slack",)),
        KeywordMonitor(name="AI endpoints", url=f"{values.target}/api/v1/ai/health", every="5m",
                       keyword='"status":"healthy"', alert=("slack",)),
        SentryTeam(slug="core"),
        SentryProject(slug="backend", platform="python-fastapi", team="core"),
        ErrorAlert(name="backend errors", project="backend", notify=("team",)),
    ])
"""


@pytest.fixture
def target() -> Iterator[TargetServer]:
    server = TargetServer(0).start()
    yield server
    server.stop()


@pytest.fixture
def deployed(
    project: ProjectDir,
    target: TargetServer,
    uptimerobot: UptimeRobotAccount,
    sentry: SentryAccount,
    slack: SlackAccount,
) -> ProjectDir:
    (project.root / "stacks" / "v.py").write_text(STACK_MODULE)
    project.write_env("t", f"app: v\ntarget: {target.url}\n")
    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    return project


def checks(result: Any) -> dict[str, dict[str, Any]]:
    return {f"{c['kind']}:{c['name']}": c for c in result.json["checks"]}


def test_verify_passes_on_a_healthy_setup(
    deployed: ProjectDir, sentry: SentryAccount, sandbox: SandboxApi
) -> None:
    result = deployed.vigil("verify", "--env", "t", "--slack", "--json")
    assert result.exit_code == 0, result
    found = checks(result)
    assert set(found) == {"monitor:Backend API", "monitor:AI endpoints", "sentry:backend", "slack:slack"}
    assert all(c["passed"] for c in found.values()) and result.json["would_alert"] == []
    events = requests.get(
        f"{sandbox.url}/_sandbox/sentry/events", params={"account": sentry.token}, timeout=10
    )
    assert any(e["payload"].get("tags", {}).get("vigil") == "verify" for e in events.json()["events"])


def test_verify_fails_when_the_target_is_down(deployed: ProjectDir, target: TargetServer) -> None:
    target.set_healthy(False)
    result = deployed.vigil("verify", "--env", "t", "--json")
    assert result.exit_code == 1, result
    found = checks(result)
    assert "answered 503" in found["monitor:Backend API"]["detail"]
    assert sorted(result.json["would_alert"]) == ["AI endpoints", "Backend API"]
    assert "verify of 't' failed" in result.stderr
    human = deployed.vigil("verify", "--env", "t")  # the same checks, one line each
    assert human.exit_code == 1, human
    lines = human.stdout.splitlines()
    api = f"{target.url}/api/v1/health/simple"
    assert lines[:2] == [
        f"FAIL monitor  Backend API: {api} answered 503, not 2xx/3xx",
        f"FAIL monitor  AI endpoints: {target.url}/api/v1/ai/health answered 503, not 2xx/3xx",
    ], human
    assert lines[2].startswith("pass sentry   backend: test event ") and lines[2].endswith(
        " arrived in project backend"
    ), human
    assert lines[3:] == ["would alert now: Backend API, AI endpoints", "t: 1/3 checks passed"], human
    assert human.stderr == "error: verify of 't' failed: Backend API, AI endpoints\n"


def test_verify_fails_when_the_dsn_is_revoked(
    deployed: ProjectDir, sentry: SentryAccount, sandbox: SandboxApi
) -> None:
    [project] = sentry.get(f"organizations/{sentry.org}/projects/").json()
    [key] = sentry.get(f"projects/{sentry.org}/{project['id']}/keys/").json()
    revoked = requests.post(
        f"{sandbox.url}/_sandbox/sentry/keys/revoke",
        json={"account": sentry.token, "public_key": key["public"]},
        timeout=10,
    )
    assert revoked.status_code == 200
    result = deployed.vigil("verify", "--env", "t", "--json")
    assert result.exit_code == 1, result
    detail = checks(result)["sentry:backend"]["detail"]
    assert "refused the test event" in detail and "revoked" in detail
    assert key["public"] not in result.stdout + result.stderr


def test_verify_fails_when_the_slack_webhook_answers_404(
    deployed: ProjectDir, slack: SlackAccount, sandbox: SandboxApi
) -> None:
    revoked = requests.post(
        f"{sandbox.url}/_sandbox/slack/webhooks/revoke",
        json={"account": slack.token, "webhook_url": slack.webhook_url},
        timeout=10,
    )
    assert revoked.status_code == 200
    result = deployed.vigil("verify", "--env", "t", "--slack", "--json")
    assert result.exit_code == 1, result
    detail = checks(result)["slack:slack"]["detail"]
    assert "404" in detail and "Slack webhook" in detail
    assert slack.webhook_url not in result.stdout + result.stderr

"""The delete guard of protected environments, and drift notifications deduplicated on Slack."""

from __future__ import annotations

import pytest

from tests.conftest import ProjectDir, SlackAccount, UptimeRobotAccount

pytestmark = pytest.mark.engine

PROTECTED = """
app: basic
protected: true
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
  - {name: Web, url: "http://127.0.0.1:9/", every: 5m}
"""


def test_removing_a_production_monitor_needs_allow_delete(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("production", PROTECTED)
    assert project.vigil("up", "--env", "production", "--yes").exit_code == 0
    before = sorted(m["id"] for m in uptimerobot.monitors())
    project.write_env(
        "production", PROTECTED.replace('  - {name: Web, url: "http://127.0.0.1:9/", every: 5m}\n', "")
    )
    refused = project.vigil("up", "--env", "production", "--yes", "--json")
    assert refused.exit_code == 3, refused
    assert "--allow-delete" in refused.json["error"]["hint"] and "delete" in refused.json["error"]["message"]
    assert sorted(m["id"] for m in uptimerobot.monitors()) == before  # nothing changed
    allowed = project.vigil("up", "--env", "production", "--yes", "--allow-delete", "--json")
    assert allowed.exit_code == 0, allowed
    assert [m["friendlyName"] for m in uptimerobot.monitors()] == ["API"]
    assert project.vigil("destroy", "--env", "production", "--yes", "--json").exit_code == 3
    assert len(uptimerobot.monitors()) == 1


def test_same_drift_notifies_once_and_clearing_notifies_once(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, slack: SlackAccount
) -> None:
    project.write_env("t", PROTECTED.replace("protected: true\n", ""))
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    assert project.vigil("drift", "--env", "t", "--notify", "slack").exit_code == 0
    assert slack.messages() == []  # clean and never notified: nothing to say
    api = next(m for m in uptimerobot.monitors() if m["friendlyName"] == "API")
    assert uptimerobot.patch(f"/monitors/{api['id']}", {"interval": 900}).status_code == 200
    first = project.vigil("drift", "--env", "t", "--notify", "slack", "--json")
    second = project.vigil("drift", "--env", "t", "--notify", "slack", "--json")
    assert (first.exit_code, second.exit_code) == (2, 2)
    assert (first.json["notified"], second.json["notified"]) == ("drift", None)
    [message] = slack.messages()
    assert "drift in t" in message["text"] and "1 changed" in message["text"]
    assert "interval" in str(message["blocks"])
    assert project.vigil("drift", "--env", "t", "--fix", "--yes", "--notify", "slack").exit_code == 0
    assert project.vigil("drift", "--env", "t", "--notify", "slack").exit_code == 0
    messages = slack.messages()
    assert len(messages) == 2 and "resolved" in messages[1]["text"]

"""`previously=` on contacts, Slack webhooks, status pages and maintenance windows: a rename is an
update of the same object (same id, history kept), never a delete and a create."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ProjectDir, SlackAccount, UptimeRobotAccount

pytestmark = pytest.mark.engine

STACK_MODULE = """
from vigil.spec import *
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    old = values.get("old")
    def named(name):
        return (name + " (renamed)", name) if not old else (name, None)
    contact, was_contact = named("ops")
    hook, was_hook = named("chat")
    page, was_page = named("Status")
    window, was_window = named("Nightly")
    return Stack(app="r", env=env, blocks=[
        EmailContact(name=contact, email="ops@example.com", previously=was_contact),
        SlackWebhook(name=hook, url=env_secret("SLACK_WEBHOOK_URL"), previously=was_hook),
        HttpMonitor(name="API", url="https://api.example.com/health", alert=(contact, hook),
                    on_status_page=True),
        StatusPage(name=page, previously=was_page),
        MaintenanceWindow(name=window, repeat="daily", start="02:00", duration="30m", previously=was_window),
    ])
"""


def ids_by_name(account: UptimeRobotAccount, path: str) -> dict[str, int]:
    body: Any = account.get(f"/{path}").json()
    documents = body["data"] if isinstance(body, dict) else body
    return {str(d.get("friendlyName") or d.get("name")): int(d["id"]) for d in documents}


def test_renamed_blocks_keep_their_objects(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, slack: SlackAccount
) -> None:
    (project.root / "stacks" / "r.py").write_text(STACK_MODULE)
    project.write_env("t", "app: r\nold: true\n")
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    before = {
        path: ids_by_name(uptimerobot, path)
        for path in ("alert-contacts", "integrations", "psps", "maintenance-windows")
    }
    assert {path: sorted(found) for path, found in before.items()} == {
        "alert-contacts": ["ops"],
        "integrations": ["chat"],
        "psps": ["Status"],
        "maintenance-windows": ["Nightly"],
    }
    project.write_env("t", "app: r\n")
    planned = project.vigil("preview", "--env", "t", "--json")
    assert planned.exit_code == 0, planned
    ops = sorted((c["type"], c["op"]) for c in planned.json["changes"] if c["op"] != "same")
    assert ops == [
        ("uptimerobot:AlertContact", "update"),
        ("uptimerobot:Integration", "update"),
        ("uptimerobot:MaintenanceWindow", "update"),
        ("uptimerobot:StatusPage", "update"),
    ]
    applied = project.vigil("up", "--env", "t", "--yes")
    assert applied.exit_code == 0, applied
    after = {path: ids_by_name(uptimerobot, path) for path in before}
    for path, found in before.items():
        [(old_name, old_id)] = found.items()
        assert after[path] == {f"{old_name} (renamed)": old_id}, path  # the same object, renamed
    clean = project.vigil("preview", "--env", "t", "--expect-no-changes")
    assert clean.exit_code == 0, clean

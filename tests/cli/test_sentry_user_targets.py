"""`notify=("user:<email>",)` on Sentry alerts: the member's user id is looked up, the state holds it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ProjectDir, SentryAccount, SlackAccount
from vigil.alerts.alert import UnknownMember, member_user_ids, resolve_user_emails

pytestmark = pytest.mark.engine

OWNER = "owner@sandbox.invalid"  # the sandbox organization's owner: the token's user, a member
STACK_MODULE = """
from vigil.spec import *
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    who = values.get("who", "owner@sandbox.invalid")
    return Stack(app="s", env=env, sentry_environment="test", blocks=[
        SentryTeam(slug="core"),
        SentryProject(slug="backend", platform="python-fastapi", team="core"),
        ErrorAlert(name="backend errors", project="backend", notify=("team", f"user:{who}"),
                   environment="test"),
        LatencyMonitor(name="backend p95", project="backend", notify=(f"user:{who}",), environment="test"),
    ])
"""


@pytest.fixture
def user_project(project: ProjectDir) -> ProjectDir:
    (project.root / "stacks" / "s.py").write_text(STACK_MODULE)
    return project


def email_targets(account: SentryAccount) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for workflow in account.get(f"organizations/{account.org}/workflows/").json():
        actions = [a for f in workflow["actionFilters"] for a in f["actions"] if a["type"] == "email"]
        found[workflow["name"]] = sorted((a["config"] for a in actions), key=lambda c: c["targetType"])
    return found


def owner_user_id(account: SentryAccount) -> str:
    members = account.get(f"organizations/{account.org}/members/").json()
    return str(next(m["user"]["id"] for m in members if m["email"] == OWNER))


def test_user_targets_reach_sentry_as_the_members_user_id_and_stay_clean(
    user_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    user_project.write_env("t", "app: s\n")
    result = user_project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    user_id = owner_user_id(sentry)
    [team] = sentry.get(f"organizations/{sentry.org}/teams/").json()
    assert email_targets(sentry) == {
        "backend errors": [
            {"targetType": "team", "targetIdentifier": team["id"]},
            {"targetType": "user", "targetIdentifier": user_id},
        ],
        "backend p95 alert": [{"targetType": "user", "targetIdentifier": user_id}],
    }
    clean = user_project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes")
    assert clean.exit_code == 0, clean
    drift = user_project.vigil("drift", "--env", "t")
    assert drift.exit_code == 0, drift


def test_an_address_that_is_no_member_fails_before_the_alert_is_written(
    user_project: ProjectDir, sentry: SentryAccount, slack: SlackAccount
) -> None:
    user_project.write_env("t", "app: s\nwho: nobody@example.com\n")
    result = user_project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 1, result
    assert (
        f"user 'nobody@example.com' is not a member of the Sentry organization '{sentry.org}'"
        in result.stderr
    )
    assert "invite them in Sentry, or notify the team or a #channel instead" in result.stderr
    assert "Traceback" not in result.stderr
    assert email_targets(sentry) == {}  # no alert written with a wrong target


def test_invitations_not_yet_accepted_cannot_be_notified() -> None:
    members = [
        {"email": "Ana@Example.com", "pending": False, "user": {"id": "7"}},
        {"email": "invited@example.com", "pending": True, "user": {"id": "8"}},
        {"email": "gone@example.com", "pending": False, "user": None},
    ]
    assert member_user_ids(members) == {"ana@example.com": "7"}
    actions = [{"type": "email", "user_email": "ANA@example.com"}, {"type": "email", "team_id": "3"}]
    assert resolve_user_emails(actions, lambda: member_user_ids(members), "org") == [
        {"type": "email", "user_id": "7"},
        {"type": "email", "team_id": "3"},
    ]
    with pytest.raises(UnknownMember, match=r"'invited@example\.com' is not a member"):
        resolve_user_emails(
            [{"type": "email", "user_email": "invited@example.com"}], lambda: member_user_ids(members), "org"
        )

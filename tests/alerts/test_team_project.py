"""Team and Project providers against the Sentry emulator."""

from __future__ import annotations

import pytest

from tests.alerts.helpers import create, failures
from tests.conftest import SandboxApi, SentryAccount
from vigil.alerts.project import ProjectProvider
from vigil.alerts.team import TeamProvider
from vigil.core.errors import AuthError, Conflict, NotFound, ValidationError
from vigil.core.sentry import SentryClient

pytestmark = pytest.mark.usefixtures("no_retired_calls")


def project_props(**extra: object) -> dict[str, object]:
    return {"slug": "backend", "team": "ops", "platform": "python-fastapi", "name": None, **extra}


@pytest.fixture
def team(sentry: SentryAccount) -> str:
    result, _ = create(TeamProvider(), {"slug": "ops", "name": "Ops"})
    return str(result.id)


# --- team ------------------------------------------------------------------------------------------
def test_team_create_stores_the_numeric_id(sentry: SentryAccount) -> None:
    result, _ = create(TeamProvider(), {"slug": "ops", "name": None})
    assert result.id.isdigit()
    assert result.outs == {"slug": "ops", "name": "ops", "team_id": result.id}
    assert SentryClient.from_env().get_team(result.id)["slug"] == "ops"  # type: ignore[index]


def test_team_create_adopts_an_existing_team_of_that_slug(sentry: SentryAccount) -> None:
    existing = SentryClient.from_env().create_team("ops", "Old name")
    result, _ = create(TeamProvider(), {"slug": "ops", "name": "Operations"})
    assert result.id == existing["id"]
    assert SentryClient.from_env().get_team("ops")["name"] == "Operations"  # type: ignore[index]
    assert len(SentryClient.from_env().list_teams()) == 1


def test_team_slug_renames_in_place(sentry: SentryAccount, team: str) -> None:
    provider = TeamProvider()
    olds = provider.read(team, {"slug": "ops", "name": "Ops"}).outs
    news = {"slug": "platform", "name": "Ops"}
    diff = provider.diff(team, olds, news)
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(team, olds, news).outs
    assert outs is not None and outs["slug"] == "platform" and outs["team_id"] == team
    assert SentryClient.from_env().get_team(team)["slug"] == "platform"  # type: ignore[index]


def test_team_rename_onto_a_taken_slug_names_the_field(sentry: SentryAccount, team: str) -> None:
    SentryClient.from_env().create_team("web")
    with pytest.raises(ValidationError) as caught:
        TeamProvider().update(team, {"slug": "ops"}, {"slug": "web", "name": None})
    assert "Sentry team 'web'" in str(caught.value) and "field slug" in str(caught.value)


def test_team_drift_and_deletion_are_seen_by_read(sentry: SentryAccount, team: str) -> None:
    provider = TeamProvider()
    sentry.put(f"teams/{sentry.org}/{team}/", {"name": "Renamed by hand"})
    read = provider.read(team, {"slug": "ops", "name": "Ops", "team_id": team})
    assert read.outs["name"] == "Renamed by hand"
    assert provider.diff(team, read.outs, {"slug": "ops", "name": "Ops"}).changes is True
    provider.delete(team, read.outs)
    gone = provider.read(team, read.outs)
    assert (gone.id, gone.outs) == ("", {})
    provider.delete(team, read.outs)  # already gone: still fine


def test_team_slug_is_checked_offline() -> None:
    assert "slug" in failures(TeamProvider(), {"slug": "Ops Team", "name": None})
    assert "slug" in failures(TeamProvider(), {"slug": "123", "name": None})


# --- project -----------------------------------------------------------------------------------------
def test_project_create_is_team_bound_without_default_alert(sentry: SentryAccount, team: str) -> None:
    result, _ = create(ProjectProvider(), project_props())
    assert result.id.isdigit()
    assert result.outs == {
        "slug": "backend", "team": "ops", "platform": "python-fastapi", "name": "backend",
        "project_id": result.id,
    }  # fmt: skip
    client = SentryClient.from_env()
    assert client.list_workflows(project=result.id) == []  # default_rules false: no Sentry alert
    assert [t["slug"] for t in client.get_project(result.id)["teams"]] == ["ops"]  # type: ignore[index]


def test_invalid_platform_fails_offline_with_a_suggestion() -> None:
    reasons = failures(ProjectProvider(), project_props(platform="python-fastapy"))
    assert "python-fastapi" in reasons["platform"]
    assert "Sentry project 'backend'" in reasons["platform"]


def test_unknown_inputs_pass_check_and_diff_during_preview() -> None:
    from pulumi.output import Unknown

    provider = ProjectProvider()
    assert provider.check({}, project_props(platform=Unknown(), team=Unknown())).failures == []
    diff = provider.diff("1", project_props(project_id="1"), project_props(platform=Unknown()))
    assert diff.changes is True and diff.replaces == []


def test_project_slug_collision_in_another_team_fails_before_writing(
    sentry: SentryAccount, team: str
) -> None:
    client = SentryClient.from_env()
    client.create_team("web")
    client.create_project("web", {"name": "backend", "slug": "backend", "platform": "python"})
    with pytest.raises(Conflict) as caught:
        create(ProjectProvider(), project_props())
    message = str(caught.value)
    assert (
        "Sentry project 'backend'" in message
        and "team(s) web" in message
        and "choose another slug" in message
    )
    assert len(client.list_projects()) == 1


def test_project_in_the_same_team_is_adopted(sentry: SentryAccount, team: str) -> None:
    client = SentryClient.from_env()
    existing = client.create_project("ops", {"name": "backend", "slug": "backend", "platform": "python"})
    result, _ = create(ProjectProvider(), project_props())
    assert result.id == existing["id"]
    assert client.get_project(result.id)["platform"] == "python-fastapi"  # type: ignore[index]
    assert len(client.list_projects()) == 1


def test_project_of_a_missing_team_says_to_create_the_team(sentry: SentryAccount) -> None:
    with pytest.raises(NotFound, match="team 'ops' does not exist"):
        create(ProjectProvider(), project_props())
    assert SentryClient.from_env().list_projects() == []


def test_project_slug_and_platform_update_in_place_by_id(sentry: SentryAccount, team: str) -> None:
    provider = ProjectProvider()
    result, _ = create(provider, project_props())
    news = project_props(slug="api", platform="python-django")
    diff = provider.diff(result.id, result.outs, news)
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(result.id, result.outs, news).outs
    assert outs is not None and (outs["slug"], outs["platform"], outs["project_id"]) == (
        "api",
        "python-django",
        result.id,
    )
    # later calls use the numeric id: the old slug (which now answers 302) is never needed
    assert provider.read(result.id, outs).outs == outs


def test_project_team_change_rebinds_in_place(sentry: SentryAccount, team: str) -> None:
    provider = ProjectProvider()
    SentryClient.from_env().create_team("web")
    result, _ = create(provider, project_props())
    news = project_props(team="web")
    assert provider.diff(result.id, result.outs, news).replaces == []
    outs = provider.update(result.id, result.outs, news).outs
    assert outs is not None and outs["team"] == "web" and outs["project_id"] == result.id
    teams = [t["slug"] for t in SentryClient.from_env().get_project(result.id)["teams"]]  # type: ignore[index]
    assert teams == ["web"]


def test_project_drift_and_deletion_are_seen_by_read(sentry: SentryAccount, team: str) -> None:
    provider = ProjectProvider()
    result, _ = create(provider, project_props())
    sentry.put(f"projects/{sentry.org}/{result.id}/", {"platform": "node"})
    read = provider.read(result.id, result.outs)
    assert read.outs["platform"] == "node" and read.inputs is None  # the stack's inputs stay in state
    assert provider.diff(result.id, read.outs, project_props()).changes is True
    provider.delete(result.id, read.outs)
    assert provider.read(result.id, read.outs).id == ""
    provider.delete(result.id, read.outs)


def test_missing_scope_names_the_scope_and_creates_nothing(
    sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = sandbox.account("sentry", scopes=["org:read", "team:write"])
    monkeypatch.setenv("SENTRY_URL", created["url"])
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", created["token"])
    monkeypatch.setenv("SENTRY_ORG", created["org"])
    create(TeamProvider(), {"slug": "ops", "name": None})
    with pytest.raises(AuthError) as caught:
        create(ProjectProvider(), project_props())
    assert "project:write" in str(caught.value) and "Sentry project 'backend'" in str(caught.value)
    assert created["token"] not in str(caught.value)
    assert SentryClient.from_env().list_projects() == []


def test_project_waits_briefly_for_a_team_being_created_in_parallel(sentry: SentryAccount) -> None:
    import threading

    timer = threading.Timer(0.3, lambda: SentryClient.from_env().create_team("ops"))
    timer.start()
    try:
        result, _ = create(ProjectProvider(), project_props())
    finally:
        timer.join(5)
    assert result.outs["team"] == "ops"

"""Rules every provider follows (DESIGN "Rules for providers", anchors §3)."""

from __future__ import annotations

import dill
import pytest
from pulumi.output import Unknown

from tests.alerts.helpers import create
from tests.conftest import SentryAccount
from vigil.alerts.alert import AlertProvider
from vigil.alerts.base import SentryProvider
from vigil.alerts.client_key import ClientKeyProvider
from vigil.alerts.dashboard import DashboardProvider
from vigil.alerts.metric_monitor import MetricMonitorProvider
from vigil.alerts.project import ProjectProvider
from vigil.alerts.slack_channel import SlackChannelProvider
from vigil.alerts.team import TeamProvider
from vigil.core.errors import ClientError

PROVIDERS = [
    TeamProvider(), ProjectProvider(), ClientKeyProvider(), MetricMonitorProvider(), AlertProvider(),
    DashboardProvider(), SlackChannelProvider(),
]  # fmt: skip


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: type(p).__name__)
def test_providers_pickle_without_clients_or_credentials(provider: object, sentry: SentryAccount) -> None:
    if isinstance(provider, SentryProvider):
        provider.client()  # building a client never leaves anything on the provider
    pickled = dill.dumps(provider, recurse=True)
    assert sentry.token.encode() not in pickled
    assert vars(dill.loads(pickled)) == {}


def test_check_runs_offline_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SENTRY_AUTH_TOKEN", "SENTRY_ORG", "SENTRY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SENTRY_URL", "http://127.0.0.1:9")  # nothing listens: a call would fail
    result = ClientKeyProvider().check(
        {}, {"project_id": Unknown(), "name": "default", "rate_limit": "10/1m"}
    )
    assert result.failures == []
    assert result.inputs["rate_limit"] == "10/60s"
    assert isinstance(result.inputs["project_id"], Unknown)


def test_an_unknown_replace_field_previews_as_a_replace() -> None:
    olds = {"project_id": "1", "name": "default", "rate_limit": None}
    diff = ClientKeyProvider().diff("k", olds, {"project_id": Unknown(), "name": "default"})
    assert diff.changes is True and diff.replaces == ["project_id"]


def test_fields_the_stack_leaves_unset_are_not_diffed() -> None:
    olds = {"slug": "ops", "name": "Renamed in the UI", "team_id": "1"}
    assert TeamProvider().diff("1", olds, {"slug": "ops", "name": None}).changes is False


def test_errors_never_carry_the_dsn_or_the_token(sentry: SentryAccount) -> None:
    create(TeamProvider(), {"slug": "ops", "name": None})
    project, _ = create(
        ProjectProvider(), {"slug": "backend", "team": "ops", "platform": "python", "name": None}
    )
    key, _ = create(ClientKeyProvider(), {"project_id": project.id, "name": "default", "rate_limit": None})
    ProjectProvider().delete(project.id, project.outs)
    with pytest.raises(ClientError) as caught:
        ClientKeyProvider().update(key.id, key.outs, {**key.outs, "name": "renamed"})
    message = str(caught.value)
    assert "Sentry client key 'renamed'" in message and "deleted outside vigil" in message
    assert key.outs["dsn"] not in message
    assert sentry.token not in message

"""ClientKey provider: adopts the default key, normalises rate limits, keeps the DSN secret."""

from __future__ import annotations

import dill
import pytest

from tests.alerts.helpers import create, failures
from tests.conftest import SandboxApi, SentryAccount
from vigil.alerts.client_key import ClientKey, ClientKeyProvider
from vigil.alerts.project import ProjectProvider
from vigil.alerts.team import TeamProvider
from vigil.core.sentry import SentryClient

pytestmark = pytest.mark.usefixtures("no_retired_calls")


@pytest.fixture
def project(sentry: SentryAccount) -> str:
    create(TeamProvider(), {"slug": "ops", "name": None})
    result, _ = create(
        ProjectProvider(), {"slug": "backend", "team": "ops", "platform": "python", "name": None}
    )
    return str(result.id)


def test_the_default_key_is_adopted_not_duplicated(project: str) -> None:
    default = SentryClient.from_env().list_keys(project)
    result, _ = create(ClientKeyProvider(), {"project_id": project, "name": "default", "rate_limit": None})
    assert [k["id"] for k in default] == [result.outs["key_id"]]
    assert len(SentryClient.from_env().list_keys(project)) == 1
    assert result.outs["name"] == "default"
    assert result.outs["dsn"] == default[0]["dsn"]["public"]


def test_a_named_key_is_created_then_adopted_on_retry(project: str) -> None:
    first, inputs = create(
        ClientKeyProvider(), {"project_id": project, "name": "frontend", "rate_limit": None}
    )
    again = ClientKeyProvider().create(inputs)  # e.g. a retry after an ambiguous failure
    assert again.id == first.id
    names = sorted(k["name"] for k in SentryClient.from_env().list_keys(project))
    assert names == ["Default", "frontend"]


def test_rate_limit_without_the_plan_feature_is_not_a_perpetual_diff(project: str) -> None:
    provider = ClientKeyProvider()
    result, inputs = create(provider, {"project_id": project, "name": "default", "rate_limit": "1000/1m"})
    assert result.outs["rate_limit"] == "1000/60s" and result.outs["rate_limit_applied"] is False
    read = provider.read(result.id, result.outs)
    assert read.outs == result.outs
    assert provider.diff(result.id, read.outs, inputs).changes is False


def test_rate_limit_with_the_feature_applies_and_updates(
    sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = sandbox.account("sentry", features=["organizations:incidents", "projects:rate-limits"])
    for name, key in (("SENTRY_URL", "url"), ("SENTRY_AUTH_TOKEN", "token"), ("SENTRY_ORG", "org")):
        monkeypatch.setenv(name, created[key])
    create(TeamProvider(), {"slug": "ops", "name": None})
    project, _ = create(
        ProjectProvider(), {"slug": "web", "team": "ops", "platform": "javascript", "name": None}
    )
    provider = ClientKeyProvider()
    result, _ = create(provider, {"project_id": project.id, "name": "default", "rate_limit": "1000/1m"})
    assert result.outs["rate_limit_applied"] is True
    live = SentryClient.from_env().get_key(project.id, result.outs["key_id"])
    assert live is not None
    assert live["rateLimit"] == {
        "count": 1000,
        "window": 60,
    }
    news = {"project_id": project.id, "name": "default", "rate_limit": "50/1s"}
    assert provider.diff(result.id, result.outs, news).changes is True
    outs = provider.update(result.id, result.outs, news).outs
    assert outs is not None and outs["rate_limit"] == "50/1s"
    # removed by hand, after it had applied: drift
    SentryClient.from_env().update_key(project.id, result.outs["key_id"], {"rateLimit": None})
    assert provider.read(result.id, outs).outs["rate_limit"] is None


def test_moving_a_key_to_another_project_replaces_it(project: str) -> None:
    olds = {"project_id": project, "name": "default", "rate_limit": None, "key_id": "k"}
    diff = ClientKeyProvider().diff(
        "k", olds, {"project_id": "4599999999", "name": "default", "rate_limit": None}
    )
    assert diff.replaces == ["project_id"]


def test_key_rename_in_place_and_delete(project: str) -> None:
    provider = ClientKeyProvider()
    result, _ = create(provider, {"project_id": project, "name": "frontend", "rate_limit": None})
    news = {"project_id": project, "name": "browser", "rate_limit": None}
    outs = provider.update(result.id, result.outs, news).outs
    assert outs is not None and outs["name"] == "browser" and outs["key_id"] == result.outs["key_id"]
    provider.delete(result.id, outs)
    assert provider.read(result.id, outs).id == ""
    provider.delete(result.id, outs)


def test_rate_limit_format_is_checked_offline() -> None:
    reasons = failures(ClientKeyProvider(), {"project_id": "1", "name": "default", "rate_limit": "lots"})
    assert "count/window" in reasons["rate_limit"]


def test_the_dsn_is_a_secret_output_and_the_provider_pickles_without_credentials(
    project: str, sentry: SentryAccount
) -> None:
    from vigil.alerts import client_key
    from vigil.alerts.base import with_secrets

    assert client_key.SECRET_OUTPUTS == ("dsn", "key_id")
    assert with_secrets(None, client_key.SECRET_OUTPUTS).additional_secret_outputs == ["dsn", "key_id"]
    assert "dsn" in ClientKey.__annotations__
    pickled = dill.dumps(ClientKeyProvider(), recurse=True)
    assert sentry.token.encode() not in pickled


def test_the_pulumi_id_does_not_reveal_the_key(project: str) -> None:
    provider = ClientKeyProvider()
    result, _ = create(provider, {"project_id": project, "name": "default", "rate_limit": None})
    key_id = result.outs["key_id"]
    assert result.id.startswith(f"{project}/") and key_id not in result.id
    # found again without the secret key_id in the state (e.g. state written by an older version)
    without = {k: v for k, v in result.outs.items() if k != "key_id"}
    assert provider.read(result.id, without).outs["key_id"] == key_id

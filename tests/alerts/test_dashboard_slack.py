"""Dashboard provider (Sentry) and SlackChannel provider (Slack Web API, or unmanaged without a token)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.alerts.helpers import checked, create, failures
from tests.conftest import SentryAccount, SlackAccount
from vigil.alerts.dashboard import DashboardProvider
from vigil.alerts.slack_channel import SlackChannelProvider
from vigil.core.errors import Conflict, MissingCredential
from vigil.core.sentry import SentryClient
from vigil.core.slack import SlackClient


def dashboard(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Backend health", "period": "24h", "project_ids": None,
        "widgets": [{"title": "Errors", "aggregate": "count()"},
                    {"title": "p95", "aggregate": "p95(span.duration)", "dataset": "spans", "display": "line",
                     "query": "is_transaction:true"}],
        **extra,
    }  # fmt: skip


# --- dashboard ------------------------------------------------------------------------------------
@pytest.mark.usefixtures("no_retired_calls")
def test_dashboard_create_update_keeps_widget_ids_and_delete(sentry: SentryAccount) -> None:
    provider = DashboardProvider()
    result, inputs = create(provider, dashboard())
    assert [w["title"] for w in result.outs["widgets"]] == ["Errors", "p95"]
    assert provider.diff(result.id, result.outs, inputs).changes is False
    before = SentryClient.from_env().get_dashboard(result.id)
    news = checked(provider, dashboard(period="7d"))
    outs = provider.update(result.id, result.outs, news).outs
    assert outs is not None and outs["period"] == "7d"
    after = SentryClient.from_env().get_dashboard(result.id)
    assert before is not None and after is not None
    assert [w["id"] for w in after["widgets"]] == [w["id"] for w in before["widgets"]]
    provider.delete(result.id, outs)
    assert provider.read(result.id, outs).id == ""


@pytest.mark.usefixtures("no_retired_calls")
def test_dashboard_of_an_existing_title_is_adopted(sentry: SentryAccount) -> None:
    first, inputs = create(DashboardProvider(), dashboard())
    assert DashboardProvider().create(inputs).id == first.id
    assert len(SentryClient.from_env().list_dashboards()) == 1


def test_dashboard_widgets_are_checked_offline() -> None:
    reasons = failures(
        DashboardProvider(), dashboard(widgets=[{"title": "x", "display": "pie"}], period="daily")
    )
    assert "pie" in reasons["widgets"] and "24h" in reasons["period"]


# --- Slack channel -------------------------------------------------------------------------------------
def channel_props(**extra: Any) -> dict[str, Any]:
    return {"name": "#vigil-incidents", "purpose": "Incidents (vigil)", **extra}


def test_without_a_bot_token_the_channel_is_unmanaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    provider = SlackChannelProvider()
    result, inputs = create(provider, channel_props())
    assert result.id == "unmanaged:vigil-incidents"
    assert result.outs == {"name": "vigil-incidents", "purpose": "Incidents (vigil)", "channel_id": None,
                           "managed": False}  # fmt: skip
    assert provider.read(result.id, result.outs).outs == result.outs
    assert provider.diff(result.id, result.outs, inputs).changes is False
    provider.delete(result.id, result.outs)  # nothing to do, nothing fails


def test_an_unmanaged_channel_becomes_managed_once_a_token_is_set(slack: SlackAccount) -> None:
    olds = {"name": "vigil-incidents", "purpose": None, "channel_id": None, "managed": False}
    diff = SlackChannelProvider().diff("unmanaged:vigil-incidents", olds, {"name": "vigil-incidents"})
    assert diff.changes is True and diff.replaces == ["managed"]


def test_channel_create_rename_purpose_and_archive(slack: SlackAccount) -> None:
    provider = SlackChannelProvider()
    result, inputs = create(provider, channel_props())
    web = SlackClient.from_env()
    assert web is not None
    live = web.channel_info(result.id)
    assert (live["name"], live["purpose"]["value"]) == ("vigil-incidents", "Incidents (vigil)")
    assert result.outs["managed"] is True and result.outs["channel_id"] == result.id
    assert provider.diff(result.id, result.outs, inputs).changes is False
    news = checked(provider, channel_props(name="vigil-sev1", purpose="Sev 1"))
    outs = provider.update(result.id, result.outs, news).outs
    assert outs is not None and (outs["name"], outs["purpose"]) == ("vigil-sev1", "Sev 1")
    assert web.channel_info(result.id)["name"] == "vigil-sev1"
    provider.delete(result.id, outs)
    assert web.channel_info(result.id)["is_archived"] is True
    assert provider.read(result.id, outs).id == ""  # archived: gone for the stack
    provider.delete(result.id, outs)  # already archived: fine


def test_an_existing_archived_channel_is_adopted_and_unarchived(slack: SlackAccount) -> None:
    web = SlackClient.from_env()
    assert web is not None
    existing = web.create_channel("vigil-incidents")
    web.archive_channel(existing["id"])
    result, _ = create(SlackChannelProvider(), channel_props())
    assert result.id == existing["id"]
    assert web.channel_info(existing["id"])["is_archived"] is False


def test_renaming_onto_a_taken_name_is_a_clear_conflict(slack: SlackAccount) -> None:
    provider = SlackChannelProvider()
    result, _ = create(provider, channel_props())
    web = SlackClient.from_env()
    assert web is not None
    web.create_channel("taken-name")
    with pytest.raises(Conflict) as caught:
        provider.update(result.id, result.outs, checked(provider, channel_props(name="taken-name")))
    assert "Slack channel '#taken-name'" in str(caught.value) and "pick another name" in str(caught.value)
    assert slack.token not in str(caught.value)


def test_archiving_a_managed_channel_without_a_token_says_which_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    with pytest.raises(MissingCredential, match="SLACK_BOT_TOKEN"):
        SlackChannelProvider().delete("C0123", {"name": "incidents"})


def test_channel_name_is_checked_offline() -> None:
    assert "name" in failures(SlackChannelProvider(), {"name": "Incidents Room!", "purpose": None})
    assert failures(SlackChannelProvider(), {"name": "#Incidents", "purpose": None}) == {}

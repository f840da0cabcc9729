"""Uptime Robot's 403s mean different things; the hint follows the API's code, not the status alone."""

from __future__ import annotations

import pytest

from tests.conftest import SandboxApi
from vigil.core import credentials
from vigil.core.errors import ApiError
from vigil.core.uptimerobot import UptimeRobotClient


def client(sandbox: SandboxApi, **account: object) -> UptimeRobotClient:
    created = sandbox.account("uptimerobot", **account)
    environ = {"UPTIMEROBOT_API_KEY": created["api_key"], "UPTIMEROBOT_API_URL": created["url"]}
    return UptimeRobotClient(credentials.uptimerobot(environ))


def refused(call: object) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.status == 403
    return caught.value


def monitor(index: int, **extra: object) -> dict[str, object]:
    return {"type": "HTTP", "friendlyName": f"m{index}", "url": f"https://example.com/{index}", "interval": 300,
            **extra}  # fmt: skip


def test_the_monitor_limit_says_remove_monitors_or_upgrade(sandbox: SandboxApi) -> None:
    api = client(sandbox, plan="team", monitor_limit=1)
    api.post("monitors", monitor(1))
    error = refused(lambda: api.post("monitors", monitor(2)))
    assert error.code == "000-003"
    assert error.hint == (
        "the plan's monitor limit is reached: remove monitors from the stack or upgrade the plan"
    )


def test_a_feature_the_plan_lacks_says_remove_the_setting(sandbox: SandboxApi) -> None:
    api = client(sandbox, plan="free")
    error = refused(lambda: api.post("monitors", monitor(1, customFields={"team": "ops"})))
    assert (error.code, error.hint) == (
        "000-003",
        "your plan lacks this feature: remove the setting from the stack or upgrade the plan",
    )


def test_another_accounts_object_names_the_key(sandbox: SandboxApi) -> None:
    api = client(sandbox, plan="team")
    body = monitor(1, assignedAlertContacts=[{"alertContactId": 999999, "threshold": 0, "recurrence": 0}])
    error = refused(lambda: api.post("monitors", body))
    assert error.code == "000-006"
    assert error.hint is not None and "belongs to another Uptime Robot account" in error.hint
    assert "set UPTIMEROBOT_API_KEY to that account's Main API key" in error.hint
    assert "monitor limit" not in str(error)


def test_an_integration_type_the_plan_lacks_says_choose_another(sandbox: SandboxApi) -> None:
    api = client(sandbox, plan="free")
    body = {"type": "PagerDuty", "data": {"friendlyName": "pd", "key": "abc", "location": "us"}}
    error = refused(lambda: api.post("integrations", body))
    assert (error.code, error.hint) == (
        "021-003",
        "this integration type is not on your plan: choose another type or upgrade the plan",
    )

"""Provider tests call ``XxxProvider().check/create/read/diff/update/delete`` directly (the documented
way to test dynamic providers) against the sandbox emulators over real HTTP. The ``sentry`` and
``slack`` fixtures (tests/conftest.py) give each test its own emulated organization / workspace
and export SENTRY_* / SLACK_* as vigil reads them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi, SentryAccount


def control(sandbox: SandboxApi, service: str, path: str, account: str) -> Any:
    response = requests.get(
        f"{sandbox.url}/_sandbox/{service}/{path}", params={"account": account}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def retired_calls(sandbox: SandboxApi, sentry: SentryAccount) -> int:
    return int(control(sandbox, "sentry", "retired-calls", sentry.token)["retired_calls"])


def workflow_churn(sandbox: SandboxApi, sentry: SentryAccount) -> dict[str, int]:
    return {k: int(v) for k, v in control(sandbox, "sentry", "workflow-churn", sentry.token).items()}


@pytest.fixture
def no_retired_calls(sandbox: SandboxApi, sentry: SentryAccount) -> Iterator[None]:
    """Every Sentry provider test ends by checking the retired alert APIs were never called."""
    yield
    assert retired_calls(sandbox, sentry) == 0

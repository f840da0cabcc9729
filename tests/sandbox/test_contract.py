"""The emulators against the official documents, by schemathesis: every operation of the Uptime
Robot v3 OpenAPI document and of sentry-api.yaml, with every check, in every phase (the documents'
examples, coverage, fuzzing with positive and negative data, stateful sequences over the links
schemathesis infers), bounded by examples per operation and a time budget per document.

The documents' own faults are patched at test time (tests/sandbox/contract.py lists each with its
reason). A 5xx from any input, a refused valid request, an accepted invalid one or a response the
document does not describe fails the test, naming the operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.sandbox import contract
from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.server import SandboxServer
from vigil.sandbox.registry import build_services

MAX_EXAMPLES = 5  # per operation and phase
MAX_TIME = 30  # seconds per document; `make test` runs these two alone (-m contract), after the rest
# a local run may give more: pytest -m contract --contract-max-time 300 tests/sandbox/test_contract.py
SENTRY_SCOPES = [
    "org:admin", "org:write", "org:read", "member:admin", "team:admin", "team:write", "project:admin",
    "project:write", "alerts:write", "org:integrations",
]  # fmt: skip


def document(name: str) -> dict[str, object]:
    found = contract.load(name)
    if found is None:
        pytest.skip(contract.MISSING.format(name=name))
    return found


@pytest.fixture
def max_time(request: pytest.FixtureRequest) -> int:
    """The time budget per document: MAX_TIME, or ``--contract-max-time`` (tests/conftest.py)."""
    given = request.config.getoption("--contract-max-time")
    return MAX_TIME if given is None else int(given)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    """A sandbox of its own (no state file: nothing to save between thousands of writes)."""
    clock = Clock()
    running = SandboxServer(Sandbox(build_services(clock), state_path=None, clock=clock), port=0).start()
    yield running
    running.stop()


def account(server: SandboxServer, service: str, **options: object) -> dict[str, str]:
    response = requests.post(
        f"{server.url}/_sandbox/accounts", json={"service": service, **options}, timeout=10
    )
    response.raise_for_status()
    return dict(response.json())


def report(run: contract.Run, faults: str) -> str:
    lines = [contract.summary(run), f"document faults handled ({faults}):"]
    lines += [f"  - {fault}" for fault in contract.DOCUMENT_FAULTS[faults]]
    for name, operation in sorted(run.failed.items()):
        lines += [f"--- {name}", *(message[:1500] for message in operation.messages[:2])]
    return "\n".join(lines)


@pytest.mark.contract
def test_uptimerobot_emulator_fulfils_the_openapi_document(
    server: SandboxServer, tmp_path: Path, max_time: int
) -> None:
    spec = contract.patch_uptimerobot(document(contract.UPTIMEROBOT_DOCUMENT))
    # an enterprise account whose throttle never interferes: rate limits are tested elsewhere
    created = account(server, "uptimerobot", plan="enterprise", rate_limit_per_minute=1_000_000)
    run = contract.run(
        spec,
        f"{server.url}/uptimerobot/v3",
        {"Authorization": f"Bearer {created['api_key']}"},
        tmp_path,
        max_examples=MAX_EXAMPLES,
        max_time=max_time,
        settings=contract.uptimerobot_settings(),
        phases="examples,coverage,fuzzing,stateful",  # see contract.run
    )
    print(report(run, "uptimerobot"))
    assert len(run.operations) >= len(contract.operations(spec)), run.output[-3000:]
    assert run.modes["negative"] > 0, run.output[-3000:]  # wrong types and missing fields: all 4xx
    assert run.cases > 0 and run.failed == {}, report(run, "uptimerobot")


@pytest.mark.contract
def test_sentry_emulator_fulfils_sentry_api_yaml(server: SandboxServer, tmp_path: Path) -> None:
    spec = contract.patch_sentry(document(contract.SENTRY_DOCUMENT))
    created = account(server, "sentry", rate_limit_per_second=1_000_000, scopes=SENTRY_SCOPES)
    headers = {"Authorization": f"Bearer {created['token']}"}
    org = created["org"]
    api = f"{created['url']}/api/0"
    requests.post(
        f"{api}/organizations/{org}/teams/", json={"slug": "ops"}, headers=headers, timeout=10
    ).raise_for_status()
    body = {"name": "Backend", "slug": "backend"}
    requests.post(
        f"{api}/teams/{org}/ops/projects/", json=body, headers=headers, timeout=10
    ).raise_for_status()
    run = contract.run(
        spec,
        f"{created['url']}/api",
        headers,
        tmp_path,
        max_examples=MAX_EXAMPLES,
        max_time=MAX_TIME,
        settings=contract.sentry_settings(),
        parameters={
            "organization_id_or_slug": org,
            "project_id_or_slug": "backend",
            "team_id_or_slug": "ops",
        },
    )
    print(report(run, "sentry"))
    assert len(run.operations) >= len(contract.operations(spec)), run.output[-3000:]
    assert run.modes["negative"] > 0, run.output[-3000:]
    assert run.cases > 0 and run.failed == {}, report(run, "sentry")

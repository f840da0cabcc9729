"""`vigil import`: an account clicked together before vigil → the stack → `up` adopts it, writing nothing.

One round trip shares its deployments: the engine runs for the other stack's `up`, `import --yes`,
the final `up`, one preview and one drift. The plan-only tests (test_import_plan.py) run no engine.
"""

from __future__ import annotations

import json

import pytest

from tests.cli.import_accounts import (
    AUTH_HEADER,
    PAGE_PASSWORD,
    PARTNER_URL,
    Populated,
    populate_on_shared,
    populate_sentry,
    populate_slack,
    populate_uptimerobot,
)
from tests.conftest import (
    ProjectDir,
    SandboxApi,
    SentryAccount,
    SlackAccount,
    UptimeRobotAccount,
)

READS = ("get", "list", "retrieve", "conversations_list", "conversations_info", "auth_test")


def writes(sandbox: SandboxApi, **accounts: str) -> dict[str, int]:
    """Every write operation the emulators counted (by service and operation), none of the reads."""
    found: dict[str, int] = {}
    for service, key in accounts.items():
        for operation, count in sandbox.requests_made(service, key).items():
            if not operation.startswith(READS) and not operation.startswith("fault:"):
                found[f"{service}:{operation}"] = count
    return found


def counters(sandbox: SandboxApi, **accounts: str) -> dict[str, int]:
    return {f"{s}:{op}": n for s, key in accounts.items() for op, n in sandbox.requests_made(s, key).items()}


def _since(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    changed = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    return {k: n for k, n in changed.items() if not k.split(":", 1)[1].startswith(READS)}


OWNER_MODULE = """
from vigil.spec import EmailContact, HttpMonitor, SentryTeam, Stack
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    return Stack(
        app="owner",
        env=env,
        uptime_plan="team",
        blocks=(
            EmailContact(name="shared on-call", email="oncall@example.com"),
            HttpMonitor(name="Owned elsewhere", url="https://other.example.com/", alert=("shared on-call",)),
            SentryTeam(slug="shared"),
        ),
    )
"""


@pytest.mark.engine
def test_import_round_trip_adopts_everything_without_a_single_write(
    project: ProjectDir,
    sandbox: SandboxApi,
    uptimerobot: UptimeRobotAccount,
    sentry: SentryAccount,
    slack: SlackAccount,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Another stack owns one monitor of the same account: it is never offered.
    (project.root / "stacks" / "owner.py").write_text(OWNER_MODULE)
    project.write_env("other", "app: owner\n")
    result = project.vigil("up", "--env", "other", "--yes")
    assert result.exit_code == 0, result
    found = Populated()
    populate_uptimerobot(uptimerobot, slack.webhook_url, found)
    populate_sentry(sentry, found)
    populate_slack(slack, found)
    # Objects of this account that use the other stack's team and contact: those are referenced.
    populate_on_shared(uptimerobot, sentry, found)
    assert found.count >= 30
    accounts = {"uptimerobot": uptimerobot.api_key, "sentry": sentry.token, "slack": slack.token}
    project.write_env("t", "# the production account, before vigil\n")
    monkeypatch.setenv("API_HEALTH_AUTHORIZATION", AUTH_HEADER)  # what the plan says to set
    monkeypatch.setenv("PARTNER_API_URL", PARTNER_URL)
    monkeypatch.setenv("STATUS_PAGE_PASSWORD_EXAMPLE_STATUS", PAGE_PASSWORD)

    # --select: only the matching monitors, with the contacts they alert; adopted at once (--yes).
    before = counters(sandbox, **accounts)
    result = project.vigil(
        "import", "--env", "t", "--select", "monitor:API*", "--to", "stacks/acme.py", "--yes", "--json"
    )
    assert result.exit_code == 0, result
    document = result.json
    chosen = sorted(f"{c['kind']}:{c['name']}" for c in document["offered"] if c["chosen"])
    assert chosen == [
        "contact:dev lead", "contact:ops", "integration:Slack alerts", "monitor:API health", "monitor:API v2",
    ]  # fmt: skip
    assert not any(c["name"] == "Owned elsewhere" for c in document["offered"])
    applied = document["applied"]  # the engine's counts (components included): each object adopted, not made
    assert applied["update"] == applied["delete"] == applied["replace"] == 0 and applied["create"] >= 5
    assert _since(before, counters(sandbox, **accounts)) == {}
    assert (
        "SLACK_WEBHOOK_URL" in document["variables"] and "API_HEALTH_AUTHORIZATION" in document["variables"]
    )

    # A second import offers only what is left.
    result = project.vigil("import", "--env", "t", "--dry-run", "--json")
    assert result.exit_code == 0, result
    left = {f"{c['kind']}:{c['name']}" for c in result.json["offered"] if not c["refused"]}
    assert not left & set(chosen)
    assert {
        "monitor:AI",
        "monitor:Redis",
        "project:backend",
        "metric-monitor:backend p95",
        "channel:incidents",
    } <= left

    # --all writes the rest; `validate` passes; no secret in the files.
    result = project.vigil("import", "--env", "t", "--all", "--json")
    assert result.exit_code == 0, result
    assert result.json["lossy"] == [], result.json
    assert sorted(result.json["references"]) == ["contact:shared on-call", "team:shared"]
    assert {"PARTNER_API_URL", "STATUS_PAGE_PASSWORD_EXAMPLE_STATUS"} <= set(result.json["variables"])
    result = project.vigil("validate", "--env", "t")
    assert result.exit_code == 0, result
    for path in (project.root / "stacks" / "t.yaml", project.root / "stacks" / "acme.py"):
        text = path.read_text()
        for secret in (slack.webhook_url, AUTH_HEADER, PARTNER_URL, "k3y-in-the-url", PAGE_PASSWORD):
            assert secret not in text, secret
    assert "{env: SLACK_WEBHOOK_URL}" in (project.root / "stacks" / "t.yaml").read_text()

    # The next up takes everything into state in place: no write at all on any emulator.
    before = counters(sandbox, **accounts)
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    assert _since(before, counters(sandbox, **accounts)) == {}
    result = project.vigil("preview", "--env", "t", "--expect-no-changes")
    assert result.exit_code == 0, result
    result = project.vigil("drift", "--env", "t", "--json")
    assert result.exit_code == 0, result  # the other stack's objects are its own, not unmanaged here
    assert result.json["unmanaged"] == result.json["changed"] == result.json["missing"] == []
    # Same ids: the state holds the very objects that were there (keys are held by a digest).
    [state_file] = (project.root.parent / "state" / ".pulumi" / "stacks").rglob("t.json")
    resources = json.loads(state_file.read_text())["checkpoint"]["latest"]["resources"]
    in_state = {str(r.get("id")) for r in resources if r.get("custom")}
    expected = {i for name, i in found.ids.items() if not name.startswith("key:")}
    assert expected - in_state == set()

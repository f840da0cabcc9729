"""Environments never touch each other's objects: Conductor's shared stack, dev, staging and production
plus a second app, in one Sentry organisation, one Uptime Robot account and one Slack workspace.

One deployment for the module (the suite is long): every stack is applied once, then each test
looks at what a further command does, asserting on the emulators.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, Result, SandboxApi

pytestmark = pytest.mark.engine

CONDUCTOR_ENVS = ("shared", "dev", "staging", "production")
# A second app in the same accounts and backend (its own Pulumi project), protected.
OTHER_STACK = """
from vigil.spec import EmailContact, HttpMonitor, SentryProject, SentryTeam, Stack


def build(env, values):
    monitor = values.monitor
    return Stack(
        app="other",
        env=env,
        protected=True,
        uptime_plan="team",
        blocks=(
            EmailContact(name="other-ops", email="ops@other-app.example"),
            HttpMonitor(
                name=monitor.name, url=monitor.url, alert=("other-ops",), previously=monitor.get("previously")
            ),
            SentryTeam(slug="other-team"),
            SentryProject(slug=values.project, platform="python", team="other-team"),
        ),
    )
"""
OTHER_VALUES = """
app: other
monitor: {name: Backend API, url: "https://api.other-app.example/health"}
project: other-api
"""


def vigil(root: Path, *args: str) -> Result:
    from vigil.cli import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(["--project", str(root), *args])
    return Result(code, out.getvalue(), err.getvalue())


@dataclass
class Accounts:
    sandbox: SandboxApi
    variables: dict[str, str]

    def _get(self, url: str, token: str, **params: Any) -> Any:
        response = requests.get(url, params=params, timeout=10, headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json()

    def uptimerobot(self, path: str) -> list[dict[str, Any]]:
        base, key = self.variables["UPTIMEROBOT_API_URL"], self.variables["UPTIMEROBOT_API_KEY"]
        return list(self._get(f"{base}{path}", key, limit=200)["data"])

    def sentry(self, path: str) -> list[dict[str, Any]]:
        base, token, org = (self.variables[k] for k in ("SENTRY_URL", "SENTRY_AUTH_TOKEN", "SENTRY_ORG"))
        return list(self._get(f"{base}/api/0/organizations/{org}/{path.lstrip('/')}", token))

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every object of the accounts, by (type, id), with the fields a stack sets."""
        found: dict[str, dict[str, Any]] = {}
        for path in ("/monitors", "/alert-contacts", "/integrations", "/psps"):
            for o in self.uptimerobot(path):
                found[f"uptimerobot{path}/{o['id']}"] = {
                    k: o.get(k) for k in ("friendlyName", "url", "interval", "value", "type", "customValue")
                }
        for o in self.sentry("projects/"):
            found[f"sentry/project/{o['id']}"] = {"slug": o.get("slug"), "platform": o.get("platform")}
        for o in self.sentry("teams/"):
            found[f"sentry/team/{o['id']}"] = {"slug": o.get("slug")}
        for o in self.sentry("workflows/"):
            found[f"sentry/workflow/{o['id']}"] = {"name": o.get("name"), "environment": o.get("environment")}
        for o in self.sentry("dashboards/"):
            found[f"sentry/dashboard/{o['id']}"] = {"title": o.get("title")}
        return found

    def writes(self) -> int:
        total = 0
        for service, key in (
            ("uptimerobot", self.variables["UPTIMEROBOT_API_KEY"]),
            ("sentry", self.variables["SENTRY_AUTH_TOKEN"]),
            ("slack", self.variables["SLACK_BOT_TOKEN"]),
        ):
            counts = self.sandbox.requests_made(service, key)
            total += sum(v for k, v in counts.items() if _is_write(service, k))
        return total


def _is_write(service: str, operation: str) -> bool:
    if service == "slack":
        return operation not in ("auth_test", "conversations_list", "conversations_info")
    return operation.startswith(("create_", "update_", "delete_", "remove_", "bulk_"))


@dataclass
class Deployment:
    conductor: Path
    other: Path
    accounts: Accounts
    ups: dict[str, Result]

    def conductor_vigil(self, *args: str) -> Result:
        return vigil(self.conductor, *args)

    def other_vigil(self, *args: str) -> Result:
        return vigil(self.other, *args)


@pytest.fixture(scope="module")
def deployment(
    sandbox: SandboxApi, tmp_path_factory: pytest.TempPathFactory, pulumi_home: Path
) -> Iterator[Deployment]:
    base = tmp_path_factory.mktemp("ownership")
    conductor, other, state = base / "conductor", base / "other", base / "state"
    for root in (conductor, other):
        (root / "stacks").mkdir(parents=True)
        shutil.copy(ROOT / "__main__.py", root / "__main__.py")
    state.mkdir()
    (conductor / "Pulumi.yaml").write_text("name: conductor-monitoring\nruntime: python\n")
    shutil.copy(ROOT / "stacks" / "conductor.py", conductor / "stacks" / "conductor.py")
    for env in CONDUCTOR_ENVS:
        shutil.copy(ROOT / "stacks" / f"{env}.yaml", conductor / "stacks" / f"{env}.yaml")
    (other / "Pulumi.yaml").write_text("name: other-app\nruntime: python\n")
    (other / "stacks" / "other.py").write_text(OTHER_STACK)
    (other / "stacks" / "prod.yaml").write_text(OTHER_VALUES)

    uptime = sandbox.account("uptimerobot", plan="team")
    sentry = sandbox.account("sentry")
    slack = sandbox.account("slack")
    variables = {
        "UPTIMEROBOT_API_URL": uptime["url"],
        "UPTIMEROBOT_API_KEY": uptime["api_key"],
        "SENTRY_URL": sentry["url"],
        "SENTRY_AUTH_TOKEN": sentry["token"],
        "SENTRY_ORG": sentry["org"],
        "SLACK_API_URL": slack["url"],
        "SLACK_BOT_TOKEN": slack["token"],
        "SLACK_WEBHOOK_URL": slack["webhook_url"],
        "ONCALL_TECH_LEAD_PHONE": "+15550100",
        "ONCALL_DEVOPS_PHONE": "+15550101",
        "PULUMI_BACKEND_URL": state.as_uri(),
        "PULUMI_HOME": str(pulumi_home),
        "PULUMI_CONFIG_PASSPHRASE": "ownership-test",
        "VIGIL_SANDBOX_PORT": "0",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        for name in ("CI", "VIGIL_ENV", "VIGIL_PROJECT"):
            patch.delenv(name, raising=False)
        saved = dict(os.environ)
        ups = {env: vigil(conductor, "up", "--env", env, "--yes", "--json") for env in CONDUCTOR_ENVS}
        ups["other"] = vigil(other, "up", "--env", "prod", "--yes", "--json")
        yield Deployment(conductor, other, Accounts(sandbox, variables), ups)
        os.environ.clear()
        os.environ.update(saved)


def test_every_stack_is_applied_once_with_its_own_objects(deployment: Deployment) -> None:
    for name, result in deployment.ups.items():
        assert result.exit_code == 0, f"{name}: {result}"
    shared = {c["type"] for c in deployment.ups["shared"].json["changes"] if c["op"] == "create"}
    assert {"sentry:Team", "sentry:Project", "sentry:ClientKey", "uptimerobot:AlertContact"} <= shared
    teams = deployment.accounts.sentry("teams/")
    projects = deployment.accounts.sentry("projects/")
    assert sorted(t["slug"] for t in teams) == ["conductor", "other-team"]  # once, referenced by three
    assert sorted(p["slug"] for p in projects) == ["backend", "frontend", "other-api"]
    workflows = sorted(w["name"] for w in deployment.accounts.sentry("workflows/"))
    for environment in ("development", "staging", "production"):
        assert f"backend errors in {environment}" in workflows
    contacts = [c["value"] for c in deployment.accounts.uptimerobot("/alert-contacts")]
    assert sorted(contacts) == ["dev@conductor-crm.com", "ops@conductor-crm.com", "ops@other-app.example"]


def test_a_copy_of_an_environment_fails_its_preview_naming_the_owner_with_zero_writes(
    deployment: Deployment,
) -> None:
    stacks = deployment.conductor / "stacks"
    shutil.copy(stacks / "staging.yaml", stacks / "staging-copy.yaml")
    try:
        before, writes = deployment.accounts.snapshot(), deployment.accounts.writes()
        preview = deployment.conductor_vigil("preview", "--env", "staging-copy")
        up = deployment.conductor_vigil("up", "--env", "staging-copy", "--yes")
        assert preview.exit_code == 1 and up.exit_code == 1, f"{preview}\n{up}"
        for result in (preview, up):
            assert "belongs to the stack 'staging'" in result.stderr
            assert "Fixes: reference it as shared" in result.stderr
        assert deployment.accounts.writes() == writes  # not one create, update or delete
        assert deployment.accounts.snapshot() == before
    finally:
        (stacks / "staging-copy.yaml").unlink()
        deployment.conductor_vigil("destroy", "--env", "staging-copy", "--yes")


def test_destroying_the_shared_stack_is_refused_while_environments_reference_it(
    deployment: Deployment,
) -> None:
    before = deployment.accounts.snapshot()
    result = deployment.conductor_vigil("destroy", "--env", "shared", "--yes", "--allow-delete")
    assert result.exit_code == 1, result
    assert "refusing to destroy 'shared'" in result.stderr
    assert "'dev', 'production', 'staging'" in result.stderr
    assert "sentry:Project" in result.stderr and "--break-references" in result.stderr
    assert deployment.accounts.snapshot() == before


def test_destroying_dev_deletes_only_what_dev_owns(deployment: Deployment) -> None:
    before = deployment.accounts.snapshot()
    result = deployment.conductor_vigil("destroy", "--env", "dev", "--yes")
    assert result.exit_code == 0, result
    after = deployment.accounts.snapshot()
    gone = {key: fields for key, fields in before.items() if key not in after}
    assert all(
        after[key] == fields for key, fields in before.items() if key in after
    )  # same ids, same fields
    assert set(after) <= set(before)

    def is_dev(fields: dict[str, Any]) -> bool:
        text = " ".join(str(v) for v in fields.values())
        return "dev.conductor-crm.com" in text or "dev@" in text or "in development" in text

    assert gone and all(is_dev(fields) for fields in gone.values()), gone
    assert not any(is_dev(fields) for fields in after.values())
    kinds = sorted(key.rsplit("/", 1)[0] for key in gone)
    assert kinds.count("uptimerobot/monitors") == 4 and kinds.count("uptimerobot/alert-contacts") == 1
    assert kinds.count("sentry/workflow") == 3 and kinds.count("sentry/dashboard") == 1
    assert sorted(t["slug"] for t in deployment.accounts.sentry("teams/")) == ["conductor", "other-team"]


def test_the_remaining_environments_and_the_other_app_drift_clean(deployment: Deployment) -> None:
    for env in ("staging", "production"):
        result = deployment.conductor_vigil("drift", "--env", env, "--json")
        assert result.exit_code == 0, result
        assert result.json["summary"] == {"changed": 0, "missing": 0, "unmanaged": 0, "pending": 0}
    other = deployment.other_vigil("drift", "--env", "prod", "--json")
    assert other.exit_code == 0, other  # Conductor's objects are another app's, not unmanaged
    assert other.json["unmanaged"] == []


def _other_monitor(deployment: Deployment) -> dict[str, Any]:
    [monitor] = [m for m in deployment.accounts.uptimerobot("/monitors") if "other-app" in str(m["url"])]
    return monitor


def test_a_monitor_deleted_outside_vigil_is_recreated_by_the_next_up(deployment: Deployment) -> None:
    monitor = _other_monitor(deployment)
    base, key = (deployment.accounts.variables[k] for k in ("UPTIMEROBOT_API_URL", "UPTIMEROBOT_API_KEY"))
    deleted = requests.delete(
        f"{base}/monitors/{monitor['id']}", timeout=10, headers={"Authorization": f"Bearer {key}"}
    )
    assert deleted.status_code in (200, 204)
    result = deployment.other_vigil("up", "--env", "prod", "--yes")
    assert result.exit_code == 0, result
    assert (
        "recreated 1 object(s) deleted outside vigil: uptimerobot:Monitor monitor-backend-api"
        in result.stderr
    )
    again = _other_monitor(deployment)
    assert again["id"] != monitor["id"] and again["friendlyName"] == "Backend API"


def test_renaming_a_monitor_with_previously_keeps_its_id(deployment: Deployment) -> None:
    before = _other_monitor(deployment)
    values = deployment.other / "stacks" / "prod.yaml"
    values.write_text(
        OTHER_VALUES.replace("name: Backend API,", "name: Backend API (EU), previously: Backend API,")
    )
    result = deployment.other_vigil("up", "--env", "prod", "--yes", "--json")
    assert result.exit_code == 0, result
    assert [(c["op"], c["type"]) for c in result.json["changes"]] == [("update", "uptimerobot:Monitor")]
    after = _other_monitor(deployment)
    assert after["id"] == before["id"] and after["friendlyName"] == "Backend API (EU)"


def test_renaming_a_sentry_project_slug_warns_what_is_lost_and_needs_confirmation(
    deployment: Deployment,
) -> None:
    values = deployment.other / "stacks" / "prod.yaml"
    values.write_text(values.read_text().replace("project: other-api", "project: other-service"))
    try:
        result = deployment.other_vigil("up", "--env", "prod", "--yes")
        assert result.exit_code == 3, result  # protected, no terminal: confirmation needed
        assert "delete sentry:Project" in result.stderr and "loses its issues" in result.stderr
        assert "--allow-delete" in result.stderr
        assert sorted(p["slug"] for p in deployment.accounts.sentry("projects/")) == [
            "backend",
            "frontend",
            "other-api",
        ]
    finally:
        values.write_text(values.read_text().replace("project: other-service", "project: other-api"))


def test_state_written_before_ownership_is_adopted_without_recreating(deployment: Deployment) -> None:
    """An existing team upgrades: its checkpoint has no ownership marks (what the previous version
    wrote); the next up records them in place, creating, replacing and deleting nothing."""
    checkpoint = deployment.other.parent / "state" / ".pulumi" / "stacks" / "other-app" / "prod.json"
    document = json.loads(checkpoint.read_text())
    for resource in document["checkpoint"]["latest"]["resources"]:
        for key in ("inputs", "outputs"):
            (resource.get(key) or {}).pop("__ownership", None)
    checkpoint.write_text(json.dumps(document))
    before = deployment.accounts.snapshot()
    result = deployment.other_vigil("up", "--env", "prod", "--yes", "--json")
    assert result.exit_code == 0, result
    assert {c["op"] for c in result.json["changes"]} <= {"update"}
    assert deployment.accounts.snapshot() == before
    again = json.loads(checkpoint.read_text())["checkpoint"]["latest"]["resources"]
    dynamic = [r for r in again if r["type"].startswith("pulumi-python:dynamic/")]
    assert dynamic and all(r["outputs"].get("__ownership") for r in dynamic)


def test_destroying_a_copy_that_adopted_another_stacks_objects_before_ownership_keeps_them(
    deployment: Deployment,
) -> None:
    """What the old version left after `up` of a copy: the same objects in two states, no marks.
    Destroying the copy deletes nothing the original still holds."""
    stacks_dir = deployment.other.parent / "state" / ".pulumi" / "stacks" / "other-app"
    text = (stacks_dir / "prod.json").read_text().replace("urn:pulumi:prod::", "urn:pulumi:prod-copy::")
    document = json.loads(text)
    document["checkpoint"]["stack"] = "organization/other-app/prod-copy"
    for resource in document["checkpoint"]["latest"]["resources"]:
        for key in ("inputs", "outputs"):
            (resource.get(key) or {}).pop("__ownership", None)
    (stacks_dir / "prod-copy.json").write_text(json.dumps(document))
    shutil.copy(deployment.other / "Pulumi.prod.yaml", deployment.other / "Pulumi.prod-copy.yaml")
    shutil.copy(deployment.other / "stacks" / "prod.yaml", deployment.other / "stacks" / "prod-copy.yaml")
    before = deployment.accounts.snapshot()
    result = deployment.other_vigil("destroy", "--env", "prod-copy", "--yes", "--allow-delete")
    assert result.exit_code == 0, result
    assert "also in the state of 'prod'" in result.stderr  # the warning names the other holder
    assert deployment.accounts.snapshot() == before  # nothing deleted
    drift = deployment.other_vigil("drift", "--env", "prod", "--json")
    assert drift.exit_code == 0, drift

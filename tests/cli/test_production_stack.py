"""The README's stack as a protected production environment, deployed once for this module.

What the README promises around it: a `{config: key}` secret, `PULUMI_CONFIG_PASSPHRASE_FILE`,
`outputs` as a table, `preview --markdown`, `drift --report`, and exit 3 for a replace or a destroy
that needs a confirmation no terminal can give. Every test leaves the deployment as it found it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cli.readme import readme_stack_files
from tests.conftest import FIXTURE_PROJECT, ROOT, ProjectDir, Result, SandboxApi, UptimeRobotAccount

pytestmark = pytest.mark.engine

PASSPHRASE = "production-test-passphrase"
WEBHOOK = "https://hooks.slack.com/services/T0CONFIG/B0CONFIG/config-secret-value-42"
README_SECRET = "slack_webhook: {env: SLACK_WEBHOOK_URL}\n"
VALUES = readme_stack_files()["production.yaml"].replace(
    README_SECRET, "slack_webhook: {config: slack_webhook}\n"
)


@dataclass
class Production:
    project: ProjectDir
    account: UptimeRobotAccount
    state: Path
    before_config: Result  # a preview before the config secret was set
    up: Result

    @contextmanager
    def values(self, old: str, new: str) -> Iterator[None]:
        """The environment's YAML with ``old`` replaced by ``new``, for the duration of the block."""
        assert old in VALUES, old
        self.project.write_env("production", VALUES.replace(old, new))
        try:
            yield
        finally:
            self.project.write_env("production", VALUES)

    def objects(self) -> dict[str, list[dict[str, Any]]]:
        """Everything the account holds, by collection path (less what the clock alone moves)."""
        found = {
            "/monitors": [
                {k: v for k, v in monitor.items() if k not in CLOCK_FIELDS}
                for monitor in self.account.monitors()
            ]
        }
        for path in ("/alert-contacts", "/integrations", "/psps"):
            found[path] = list(self.account.get(path).json()["data"])
        return found


# Monitor fields the service derives from the time of the read, not from any write.
CLOCK_FIELDS = ("currentStateDuration", "lastDayUptimes")


def _pulumi(root: Path, *args: str) -> None:
    from vigil.engine.pulumi_cli import find_pulumi

    binary = find_pulumi()
    env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_PYTHON_CMD": sys.executable}
    done = subprocess.run(
        [str(binary.path), *args, "--non-interactive"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def production(
    sandbox: SandboxApi, tmp_path_factory: pytest.TempPathFactory, pulumi_home: Path
) -> Iterator[Production]:
    base = tmp_path_factory.mktemp("production")
    root, state = base / "project", base / "state"
    shutil.copytree(FIXTURE_PROJECT, root)
    state.mkdir()
    (root / "Pulumi.yaml").write_text("name: vigil-test\nruntime: python\n")
    shutil.copy(ROOT / "__main__.py", root / "__main__.py")
    (root / "stacks" / "myapp.py").write_text(readme_stack_files()["myapp.py"])
    created = sandbox.account("uptimerobot", plan="team")
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "PULUMI_BACKEND_URL": state.as_uri(),
            "PULUMI_HOME": str(pulumi_home),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "UPTIMEROBOT_API_URL": created["url"],
            "UPTIMEROBOT_API_KEY": created["api_key"],
            "VIGIL_SANDBOX_PORT": "0",
        }.items():
            env.setenv(name, value)
        for name in (
            "CI",
            "PULUMI_CONFIG_PASSPHRASE_FILE",
            "SLACK_WEBHOOK_URL",
            "VIGIL_ENV",
            "VIGIL_PROJECT",
        ):
            env.delenv(name, raising=False)
        for name in ("SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SLACK_BOT_TOKEN", "SLACK_API_URL"):
            env.delenv(name, raising=False)
        env.setattr(sys, "stdin", io.StringIO())  # no terminal: nothing can be confirmed
        project = ProjectDir(root)
        project.write_env("production", VALUES)
        before_config = project.vigil("preview", "--env", "production")
        _pulumi(root, "config", "set", "--secret", "slack_webhook", WEBHOOK, "--stack", "production")
        up = project.vigil("up", "--env", "production", "--yes", "--json")
        assert up.exit_code == 0, up
        yield Production(
            project, UptimeRobotAccount(created["url"], created["api_key"]), state, before_config, up
        )


def test_a_config_secret_not_set_names_the_command_that_sets_it(production: Production) -> None:
    result = production.before_config
    assert result.exit_code == 1, result
    assert (
        "Slack webhook 'slack' needs the secret config value 'slack_webhook': "
        "pulumi config set --secret slack_webhook … --stack production" in result.stderr
    ), result


def test_a_config_secret_reaches_the_account_and_nowhere_else(production: Production) -> None:
    [integration] = production.objects()["/integrations"]
    assert (integration["type"], integration["value"]) == ("Slack", WEBHOOK)
    files = [p for p in production.state.rglob("*") if p.is_file()]
    assert files, "the up wrote no state to search"
    assert [p for p in files if WEBHOOK in p.read_text(errors="ignore")] == []
    assert WEBHOOK not in production.up.stdout + production.up.stderr
    secret = "config-secret-value-42"
    assert secret not in (production.project.root / "Pulumi.production.yaml").read_text()


def test_outputs_as_a_table_lists_what_the_application_needs(production: Production) -> None:
    result = production.project.vigil("outputs", "--env", "production")
    assert result.exit_code == 0, result
    [page] = production.objects()["/psps"]
    assert page["customDomain"] == "status.example.com"
    assert result.stdout == (
        " setting                 value\n STATUS_PAGE_URL_STATUS  https://status.example.com\n"
    )


def test_preview_markdown_writes_the_field_changes_for_a_job_summary(
    production: Production, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    with production.values("status.example.com", "status2.example.com"):
        result = production.project.vigil("preview", "--env", "production", "--markdown", str(summary))
    assert result.exit_code == 0, result
    assert summary.read_text() == (
        "### vigil preview — `production`\n"
        "\n"
        "1 to update\n"
        "\n"
        "| | resource | type | field | old | new |\n"
        "|---|---|---|---|---|---|\n"
        "| ~ | status-status-page | uptimerobot:StatusPage | `custom_domain` | `status.example.com` "
        "| `status2.example.com` |\n"
    )


def test_a_replace_in_a_protected_environment_needs_allow_delete(production: Production) -> None:
    before = production.objects()
    with production.values("ops_email: ops@example.com", "ops_email: oncall@example.com"):
        result = production.project.vigil("up", "--env", "production", "--yes", "--json")
    assert result.exit_code == 3, result
    assert result.json["error"] == {
        "message": "refusing to up 'production': it would replace uptimerobot:AlertContact contact-ops",
        "exit_code": 3,
        "hint": "review the preview, then pass --allow-delete",
    }
    assert production.objects() == before


@pytest.mark.parametrize(
    ("flags", "message", "hint"),
    [
        (
            (),
            "refusing to destroy 'production': it would delete",
            "review the preview, then pass --allow-delete",
        ),
        (
            ("--allow-delete",),
            "destroy of 'production' needs confirmation",
            "pass --yes to apply without asking",
        ),
    ],
)
def test_destroy_without_a_terminal_exits_3_and_deletes_nothing(
    production: Production, flags: tuple[str, ...], message: str, hint: str
) -> None:
    before = production.objects()
    result = production.project.vigil("destroy", "--env", "production", *flags, "--json")
    assert result.exit_code == 3, result
    assert result.json["error"]["message"].startswith(message), result
    assert result.json["error"]["hint"] == hint
    assert production.objects() == before


def test_drift_report_writes_the_drift_as_markdown(production: Production, tmp_path: Path) -> None:
    report = tmp_path / "drift.md"
    [api] = [m for m in production.account.monitors() if m["friendlyName"] == "API"]
    assert production.account.patch(f"/monitors/{api['id']}", {"interval": 900}).status_code == 200
    try:
        result = production.project.vigil("drift", "--env", "production", "--json", "--report", str(report))
    finally:
        assert production.account.patch(f"/monitors/{api['id']}", {"interval": 300}).status_code == 200
    assert result.exit_code == 2, result
    assert report.read_text() == (
        "## vigil drift — `production`\n"
        "\n"
        f"1 changed, 0 missing, 0 unmanaged (fingerprint `{result.json['fingerprint']}`).\n"
        "\n"
        "### Changed outside vigil\n"
        "\n"
        "| resource | type | field | desired | live |\n"
        "|---|---|---|---|---|\n"
        "| monitor-api | uptimerobot:Monitor | `interval` | `300` | `900` |\n"
        "\n"
        "Fix: `vigil drift --env production --fix` re-applies the stack (code wins); or change the stack "
        "to adopt what is live.\n"
    )


def test_the_passphrase_can_come_from_a_file(
    production: Production, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(PASSPHRASE + "\n")
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(passphrase))
    # the program decrypts the config secret: only the file's passphrase can do that
    result = production.project.vigil("preview", "--env", "production", "--expect-no-changes", "--json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["changes"] == []


def test_a_wrong_passphrase_in_the_file_fails_and_changes_nothing(
    production: Production, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("not-the-passphrase\n")
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(passphrase))
    before = production.objects()
    result = production.project.vigil("up", "--env", "production", "--yes")
    assert result.exit_code == 1, result
    assert "does not decrypt the secrets of 'production'" in result.stderr, result
    assert PASSPHRASE not in result.stderr and "not-the-passphrase" not in result.stderr
    assert production.objects() == before

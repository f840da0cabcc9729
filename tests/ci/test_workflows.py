"""The GitHub Actions workflows vigil ships pass actionlint (built by `make setup`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = (
    Path(os.environ.get("VIGIL_CACHE") or Path.home() / ".cache" / "vigil")
    / "tools"
    / "actionlint-1.7.12"
    / "actionlint"
)

pytestmark = pytest.mark.skipif(not ACTIONLINT.exists(), reason="actionlint not built (make setup builds it)")


def lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == [
        "sla-weekly.yml",
        "vigil-deploy.yml",
        "vigil-drift.yml",
        "vigil-pull-request.yml",
    ]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    done = lint(workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        (ROOT / ".github" / "workflows" / "vigil-drift.yml")
        .read_text()
        .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon")
    )
    done = lint(broken)
    assert done.returncode == 1 and "timeout-minutes" in done.stdout


def test_drift_job_fails_on_drift_and_uses_secrets_only_by_reference() -> None:
    text = (ROOT / ".github" / "workflows" / "vigil-drift.yml").read_text()
    assert "vigil drift --env production --lock-timeout 30m --notify slack" in text
    assert "continue-on-error" not in text  # exit 2 (drift) must fail the job
    assert "hooks.slack.com" not in text and "${{ secrets.SLACK_WEBHOOK_URL }}" in text


def test_deploy_applies_through_vigil_never_plain_pulumi() -> None:
    text = (ROOT / ".github" / "workflows" / "vigil-deploy.yml").read_text()
    runs = [line.strip() for line in text.splitlines() if line.strip().startswith("run:")]
    assert "run: vigil up --env production --yes" in runs, runs
    assert not [run for run in runs if run.startswith("run: pulumi ")], runs  # no raw engine command

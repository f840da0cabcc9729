"""The GitHub workflows take turns per environment: writers and readers of one state never overlap."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((WORKFLOWS / name).read_text()))


def test_deploy_and_drift_have_their_own_groups_and_meet_on_the_state_lock() -> None:
    """GitHub keeps one pending run per concurrency group and cancels the older one: in a shared
    group a drift queued behind a running deploy would cancel a deploy waiting there. So each has
    its own group, and the drift job waits on vigil's state lock for a running deploy."""
    deploy, drift = load("vigil-deploy.yml"), load("vigil-drift.yml")
    assert deploy["concurrency"] == {"group": "vigil-deploy-production", "cancel-in-progress": False}
    assert drift["concurrency"] == {"group": "vigil-drift-production", "cancel-in-progress": False}
    steps = [step.get("run", "") for step in drift["jobs"]["drift"]["steps"]]
    assert next(s for s in steps if "vigil drift" in s).split() == [
        "vigil", "drift", "--env", "production", "--lock-timeout", "30m", "--notify", "slack",
        "--report", "drift.md",
    ]  # fmt: skip


def test_pull_request_previews_are_grouped_per_pull_request_and_environment() -> None:
    job = load("vigil-pull-request.yml")["jobs"]["preview"]
    assert (
        job["concurrency"]["group"]
        == "vigil-preview-${{ github.event.pull_request.number }}-${{ matrix.env }}"
    )


def test_every_workflow_passes_the_state_backend_credentials_by_reference() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        text = path.read_text()
        assert "PULUMI_BACKEND_URL: ${{ secrets.PULUMI_BACKEND_URL }}" in text, path.name
        assert "AWS_SECRET_ACCESS_KEY: ${{ secrets.STATE_AWS_SECRET_ACCESS_KEY }}" in text, path.name

"""The GitHub workflows take turns per environment: writers and readers of one state never overlap."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((WORKFLOWS / name).read_text()))


def test_deploy_and_drift_of_production_share_one_group_and_never_cancel_each_other() -> None:
    deploy, drift = load("vigil-deploy.yml"), load("vigil-drift.yml")
    assert deploy["concurrency"] == {"group": "vigil-state-production", "cancel-in-progress": False}
    assert drift["concurrency"] == deploy["concurrency"]


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

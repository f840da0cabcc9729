"""The runbook is rendered from the stack: golden files per environment, and a staleness check."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.cli import run

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("env", ["dev", "staging", "production", "sandbox"])
def test_runbook_matches_its_golden_file(env: str, tmp_path: Path) -> None:
    target = tmp_path / "RUNBOOK.md"
    assert run(["--project", str(ROOT), "runbook", "--env", env, "-o", str(target)]) == 0
    assert target.read_text() == (GOLDEN / f"runbook-{env}.md").read_text(), (
        f"the {env} runbook changed: review it, then `vigil runbook --env {env} -o tests/golden/runbook-{env}.md`"
    )


def test_the_committed_production_runbook_is_not_stale() -> None:
    code = run(
        [
            "--project",
            str(ROOT),
            "runbook",
            "--env",
            "production",
            "--check",
            "-o",
            str(ROOT / "docs" / "RUNBOOK.md"),
        ]
    )
    assert code == 0, "docs/RUNBOOK.md is stale: `vigil runbook --env production -o docs/RUNBOOK.md`"


def test_check_exits_2_when_the_file_is_stale(tmp_path: Path) -> None:
    stale = tmp_path / "RUNBOOK.md"
    stale.write_text(
        (ROOT / "docs" / "RUNBOOK.md").read_text().replace("every: 5m", "every: 1m") + "\nedited\n"
    )
    assert run(["--project", str(ROOT), "runbook", "--env", "production", "--check", "-o", str(stale)]) == 2


def test_production_runbook_contains_what_the_plan_asks_for() -> None:
    text = (ROOT / "docs" / "RUNBOOK.md").read_text()
    for expected in (
        "| P0 | 1h |",
        "| Uptime | > 99% |",
        "| Error rate | < 0.1% |",
        "MTTD) | < 5m |",
        "| Backend API | http: GET answers 2xx/3xx within 30s | https://api.conductor-crm.com/api/v1/health/simple",
        "### MongoDB connection issues (P1)",
        "Detected by: Database health (monitor)",
        "| backend p95 in production | backend | metric monitor | p95 transaction duration above 1s | 5m |",
        "stored as secret `env:ONCALL_TECH_LEAD_PHONE`",
        "status.conductor-crm.com",
        "1. **Detect**",
        "6. **Post-mortem**",
    ):
        assert expected in text, expected
    assert "+55" not in text  # no phone number in code or docs


def test_runbook_follows_the_stack(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (stacks / "conductor.py").write_text((ROOT / "stacks" / "conductor.py").read_text())
    (stacks / "production.yaml").write_text(
        (ROOT / "stacks" / "production.yaml").read_text().replace("api: 5m", "api: 15m")
    )
    out = tmp_path / "RUNBOOK.md"
    assert run(["--project", str(tmp_path), "runbook", "--env", "production", "-o", str(out)]) == 0
    assert (
        "| Backend API | http: GET answers 2xx/3xx within 30s | https://api.conductor-crm.com/api/v1/health/simple"
        " | 15m | 15m | P0 |" in out.read_text()
    )

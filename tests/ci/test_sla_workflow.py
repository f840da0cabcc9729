"""The weekly SLA workflow: it posts the summary, fails on a breach, and names secrets by reference."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "sla-weekly.yml"


def test_the_weekly_job_posts_the_summary_and_fails_on_a_breach() -> None:
    text = WORKFLOW.read_text()
    document = yaml.safe_load(text)
    [cron] = [entry["cron"] for entry in document[True]["schedule"]]  # YAML 1.1 reads `on` as True
    assert cron.split()[2:] == ["*", "*", "1"]  # once a week, on Mondays
    steps = document["jobs"]["sla"]["steps"]
    [run] = [s["run"] for s in steps if s.get("name") == "SLA"]
    assert "vigil sla --env production" in run and "--notify slack" in run and "--markdown sla.md" in run
    assert "continue-on-error" not in text  # exit 2 (a breach) fails the job
    assert all(s.get("if") == "always()" for s in steps if s.get("name") in ("Report", "Keep the page"))
    assert "hooks.slack.com" not in text and "${{ secrets.SLACK_WEBHOOK_URL }}" in text

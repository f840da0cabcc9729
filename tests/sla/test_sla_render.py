"""The renderers print the figures ``--json`` holds, digit for digit, whatever their rounding."""

from __future__ import annotations

from tests.cli.test_sla import _duration_s, _first_number, _markdown_rows
from vigil.render.sla_markdown import sla_markdown, slack_summary
from vigil.sla.report import Check, IncidentSpan, MonitorSla, ProjectSla, SlaReport


def awkward_report() -> SlaReport:
    monitor = MonitorSla("API | edge", "http", "P0", 60.0, True, uptime_pct=97.9155, downtime_s=1801.0,
                         incidents=[IncidentSpan(1_700_000_000.0, 1_700_001_801.0, 1801.0)], mttr_s=1801.0,
                         avg_ms=123.4, p95_ms=290.123)  # fmt: skip
    monitor.checks = [
        Check("uptime", 97.9155, 99.0, "%", "at_least"),
        Check("mttr", 1801.0, 3600.0, "s", "at_most"),
    ]
    project = ProjectSla("backend", True, errors=1, transactions=3, error_rate_pct=33.3333, p95_ms=1905.5)
    project.checks = [Check("error_rate", 33.3333, 0.1, "%", "at_most")]
    return SlaReport("prod", "app", "24h", 1_699_990_000.0, 1_700_076_400.0, [monitor], [], [project])


def test_markdown_shows_the_json_figures_exactly() -> None:
    report = awkward_report()
    document, text = report.as_dict(), sla_markdown(report)
    [row] = _markdown_rows(text, "Uptime Robot monitors")
    [m] = document["monitors"]
    assert row[0] == "API \\| edge"  # a pipe in a name does not break the table
    assert _first_number(row[2]) == m["uptime_pct"] == 97.9155
    assert _first_number(row[3]) == m["downtime_min"] == 30.02
    assert _duration_s(row[5]) == m["incidents"]["longest_s"] == 1801.0  # "30m1s"
    assert _duration_s(row[7]) == m["mttr_s"]
    assert _first_number(row[8]) == m["avg_response_ms"] and _first_number(row[9]) == m["p95_response_ms"]
    [p_row] = _markdown_rows(text, "Sentry projects")
    [p] = document["projects"]
    assert (
        _first_number(p_row[3]) == p["error_rate_pct"] and _first_number(p_row[4]) == p["p95_transaction_ms"]
    )
    assert document["breaches"] == ["monitor 'API | edge' uptime", "project 'backend' error_rate"]


def test_the_slack_summary_names_each_breach_with_its_numbers() -> None:
    text = slack_summary(awkward_report())["text"]
    assert text.startswith("🔴 SLA of app/prod over 24h")
    assert "uptime 97.9155% (≥ 99%, breached)" in text and "error rate 33.3333% (≤ 0.1%, breached)" in text

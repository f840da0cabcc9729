"""`vigil validate`: offline checks, human and `--json`, SLA findings as warnings unless `--strict`, and
the validation rules, each named by its rule id, its file and line, and its fix."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ProjectDir

# The blocks every case shares; a case adds its own blocks on line CASE_LINE.
STACK_MODULE = """from vigil.spec import *


def build(env, values):
    return Stack(app="r", env=env, blocks=[
        SentryTeam(slug="core"),
        SentryProject(slug="backend", platform="python", team="core"),
        ErrorAlert(name="backend errors", project="backend"),
        HttpMonitor(name="API", url="https://api.example.com/health", every="5m"),
        {case}
    ])
"""
CASE_LINE = 10


def stack_with(project: ProjectDir, case: str) -> str:
    """Writes the stack module with ``case`` on CASE_LINE; returns the module's path."""
    path = project.root / "stacks" / "r.py"
    path.write_text(STACK_MODULE.replace("{case}", case))
    assert path.read_text().splitlines()[CASE_LINE - 1].strip() == case
    project.write_env("t", "app: r\n")
    return str(path)


def finding(rule: str, level: str, file: str, path: str, message: str, fix: str) -> dict[str, Any]:
    return {
        "rule": rule,
        "level": level,
        "file": file,
        "line": CASE_LINE,
        "path": path,
        "location": f"{file}:{CASE_LINE} ({path})",
        "message": message,
        "fix": fix,
    }


def test_a_valid_stack_passes_with_exit_0(project: ProjectDir) -> None:
    stack_with(project, "")
    result = project.vigil("validate", "--env", "t")
    assert result.exit_code == 0, result
    assert (result.stdout, result.stderr) == ("t: valid (0 error(s), 0 warning(s))\n", "")


def test_a_valid_stack_as_json_is_one_document(project: ProjectDir) -> None:
    stack_with(project, "")
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 0, result
    assert result.json == {"env": "t", "valid": True, "findings": []}
    assert result.stderr == ""


def test_an_error_names_file_line_and_fix_and_exits_1(project: ProjectDir) -> None:
    file = stack_with(project, 'HttpMonitor(name="Slow", url="https://api.example.com/slow", timeout="90s"),')
    result = project.vigil("validate", "--env", "t")
    assert result.exit_code == 1, result
    assert result.stdout == (
        f"error {file}:{CASE_LINE} (HttpMonitor.timeout): monitor 'Slow' timeout 90s exceeds Uptime "
        "Robot's 60 s\n"
        "    fix: use timeout='60s' or less\n"
        "t: invalid (1 error(s), 0 warning(s))\n"
    )


SLA_CASE = 'SlaTargets(mttd="5m"), HttpMonitor(name="Rare", url="https://api.example.com/rare", every="10m"),'
SLA_MESSAGE = "P1 monitor 'Rare' may take 10m to detect an outage, above the MTTD target of 5m"
SLA_FIX = "check more often, alert sooner, or lower its severity"


def test_an_sla_finding_is_a_warning_and_the_stack_stays_valid(project: ProjectDir) -> None:
    file = stack_with(project, SLA_CASE)
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 0, result
    assert result.json == {
        "env": "t",
        "valid": True,
        "findings": [finding("sla-mttd", "warning", file, "HttpMonitor.every", SLA_MESSAGE, SLA_FIX)],
    }


def test_strict_turns_sla_warnings_into_errors(project: ProjectDir) -> None:
    file = stack_with(project, SLA_CASE)
    result = project.vigil("validate", "--env", "t", "--strict", "--json")
    assert result.exit_code == 1, result
    assert result.json == {
        "env": "t",
        "valid": False,
        "findings": [finding("sla-mttd", "error", file, "HttpMonitor.every", SLA_MESSAGE, SLA_FIX)],
    }


def test_strict_in_human_output_counts_the_warning_as_an_error(project: ProjectDir) -> None:
    file = stack_with(project, SLA_CASE)
    result = project.vigil("validate", "--env", "t", "--strict")
    assert result.exit_code == 1, result
    assert result.stdout == (
        f"error {file}:{CASE_LINE} (HttpMonitor.every): {SLA_MESSAGE}\n"
        f"    fix: {SLA_FIX}\n"
        "t: invalid (1 error(s), 0 warning(s))\n"
    )


RULES = {
    "alert-trigger": (
        'ErrorAlert(name="silent", project="backend", new_issue=False, events_above=None),',
        "ErrorAlert.events_above",
        "alert 'silent' never triggers",
        "set new_issue=True or events_above=N",
    ),
    "sample-rate": (
        'SentryProject(slug="web", platform="javascript", team="core", traces_sample_rate=1.5), '
        'ErrorAlert(name="web errors", project="web"),',
        "SentryProject.traces_sample_rate",
        "traces_sample_rate 1.5 is outside 0..1",
        "use a fraction, e.g. 0.1 for 10 %",
    ),
    "timeout": (
        'HttpMonitor(name="Slow", url="https://api.example.com/slow", timeout="61s"),',
        "HttpMonitor.timeout",
        "monitor 'Slow' timeout 61s exceeds Uptime Robot's 60 s",
        "use timeout='60s' or less",
    ),
    "unknown-detector": (
        'Incident(title="API down", severity="P1", detected_by=("APII",)),',
        "Incident.detected_by",
        "incident 'API down' is detected by unknown monitor or alert 'APII'",
        "use one of the declared monitor/alerts: API, backend errors",
    ),
    "unknown-severity": (
        'Severity("P0", mttr="1h"), Severity("P1", mttr="4h"), '
        'HttpMonitor(name="Odd", url="https://api.example.com/odd", severity="P7"),',
        "HttpMonitor.severity",
        "monitor 'Odd' has severity 'P7', not declared",
        "use one of the declared severitys: P0, P1",
    ),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_reports_its_one_finding(project: ProjectDir, rule: str) -> None:
    case, path, message, fix = RULES[rule]
    file = stack_with(project, case)
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 1, result
    assert result.json == {
        "env": "t",
        "valid": False,
        "findings": [finding(rule, "error", file, path, message, fix)],
    }

"""The runbook of a new stack is never hollow: it renders what the stack has and says what it lacks.
The Conductor stacks' runbooks stay exactly the golden files (tests/cli/test_runbook.py)."""

from __future__ import annotations

from itertools import pairwise

from tests.conftest import ProjectDir

NEW_STACK = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def test_a_new_stacks_runbook_says_what_it_lacks(project: ProjectDir) -> None:
    project.write_env("t", NEW_STACK)
    result = project.vigil("runbook", "--env", "t")
    assert result.exit_code == 0, result
    text = result.stdout
    assert "| severity | resolve within |" not in text  # no empty table
    assert (
        "This stack declares no severities, so the levels its alerts use (P1) have no resolve-within" in text
    )
    assert '`Severity(level="P1", mttr="4h", description="...")`' in text
    assert "1. **Detect** (no MTTD target: the stack declares no `SlaTargets`):" in text
    assert "(MTTD target)" not in text
    assert "3. **Assess**: severity (none declared)," in text
    assert "This stack declares no common incidents." in text
    assert "| API | http: GET answers 2xx/3xx within 30s | http://127.0.0.1:9/health | 5m | 5m | P1 |" in text


def test_every_section_heading_has_something_under_it(project: ProjectDir) -> None:
    project.write_env("t", NEW_STACK)
    lines = [line for line in project.vigil("runbook", "--env", "t").stdout.splitlines() if line.strip()]
    for heading, following in pairwise(lines):
        if heading.startswith("## "):
            assert not following.startswith("#"), f"{heading!r} is empty"

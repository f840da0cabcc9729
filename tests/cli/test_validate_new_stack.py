"""What a new stack gets wrong that is allowed but worth saying (issue 20): warnings, errors with
--strict, each at the YAML line that causes it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ProjectDir

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"


def _line(path: Path, marker: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text)


def test_a_new_stack_hears_about_silent_monitors_public_heartbeats_and_unscoped_alerts(
    project: ProjectDir,
) -> None:
    stacks = project.root / "stacks"
    shutil.copy(HOSTILE / "hostile.py", stacks / "hostile.py")
    env = stacks / "t.yaml"
    shutil.copy(HOSTILE / "envs" / "new-stack-warnings.yaml", env)
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 0, result  # warnings only
    found = {(f["rule"], f["level"], f["line"]) for f in result.json["findings"]}
    assert found == {
        ("sla-routing", "warning", _line(env, "name: Web")),  # a production monitor alerting nobody
        ("heartbeat-public", "warning", _line(env, "nightly job")),  # a job on the public page
        ("alert-environment", "warning", _line(env, "name: api errors")),  # fires for every environment
    }
    strict = project.vigil("validate", "--env", "t", "--strict", "--json")
    assert strict.exit_code == 1
    assert sorted(f["rule"] for f in strict.json["findings"] if f["level"] == "error") == [
        "alert-environment",
        "heartbeat-public",
        "sla-routing",
    ]

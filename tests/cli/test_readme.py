"""The README's "Writing a stack" example is real: it type-checks and `vigil validate` accepts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.readme import readme_stack_files
from tests.conftest import ROOT, ProjectDir


def write_readme_stack(root: Path) -> None:
    for name, body in readme_stack_files().items():
        (root / "stacks" / name).write_text(body)


def test_the_readme_shows_a_stack_module_and_its_environment() -> None:
    assert sorted(readme_stack_files()) == ["myapp.py", "production.yaml"]


def test_the_readme_stack_module_type_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    module = tmp_path / "stacks" / "myapp.py"
    module.parent.mkdir()
    module.write_text(readme_stack_files()["myapp.py"])
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    stdout, stderr, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(module)]
    )
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found in 1 source file"), stdout


def test_the_readme_stack_passes_strict_validation(project: ProjectDir) -> None:
    """CI runs `vigil validate --strict`: the example a reader copies must pass it."""
    write_readme_stack(project.root)
    result = project.vigil("validate", "--env", "production", "--strict", "--json")
    assert result.exit_code == 0, result
    assert result.json == {"env": "production", "valid": True, "findings": []}

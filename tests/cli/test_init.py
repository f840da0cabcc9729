"""`vigil init`: a team's own repository, scaffolded; and vigil never acts on its own checkout elsewhere."""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from tests.conftest import Result

ENVIRONMENTS = ("sandbox", "dev", "staging", "production")


def vigil(*args: str) -> Result:
    from vigil.cli import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(list(args))
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory outside any project, as the current directory."""
    empty = tmp_path / "somewhere"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("VIGIL_PROJECT", raising=False)
    return empty


def test_init_writes_the_project_files(elsewhere: Path) -> None:
    result = vigil("init", "shop", "--app", "shopfront")
    assert result.exit_code == 0, result
    root = elsewhere / "shop"
    expected = {
        "Pulumi.yaml",
        "__main__.py",
        ".gitignore",
        "requirements.txt",
        "stacks/shopfront.py",
        *(f"stacks/{env}.yaml" for env in ENVIRONMENTS),
        ".github/workflows/vigil-pull-request.yml",
        ".github/workflows/vigil-deploy.yml",
        ".github/workflows/vigil-drift.yml",
    }
    written = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert written == expected
    assert yaml.safe_load((root / "Pulumi.yaml").read_text())["name"] == "shopfront-monitoring"
    for env in ENVIRONMENTS:
        assert yaml.safe_load((root / "stacks" / f"{env}.yaml").read_text())["app"] == "shopfront"
    ignored = (root / ".gitignore").read_text().splitlines()
    assert ".vigil/" in ignored and "Pulumi.sandbox.yaml" in ignored
    # GitHub's own expressions survive the template substitution untouched
    workflow = (root / ".github/workflows/vigil-pull-request.yml").read_text()
    assert "${{ matrix.env }}" in workflow and "{{ pulumi_version }}" not in workflow
    assert "Commit all of them" in result.stdout and "Pulumi.<env>.yaml" in result.stdout


def test_init_then_validate_all_passes_strict(elsewhere: Path) -> None:
    assert vigil("init", "--app", "shopfront").exit_code == 0
    result = vigil("validate", "--all", "--strict")
    assert result.exit_code == 0, result
    for env in ENVIRONMENTS:
        assert env in result.stdout + result.stderr


def test_init_never_overwrites_a_file(elsewhere: Path) -> None:
    (elsewhere / "Pulumi.yaml").write_text("name: theirs\n")
    result = vigil("init", "--app", "shopfront")
    assert result.exit_code == 1
    assert "Pulumi.yaml" in result.stderr and "never overwrites" in result.stderr
    assert (elsewhere / "Pulumi.yaml").read_text() == "name: theirs\n"
    assert not (elsewhere / "stacks").exists()


def test_init_refuses_an_app_name_that_is_no_module(elsewhere: Path) -> None:
    result = vigil("init", "--app", "Shop-Front")
    assert result.exit_code == 1
    assert "--app 'Shop-Front'" in result.stderr and "--app shopfront" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_outside_a_project_vigil_says_so_and_points_at_init(elsewhere: Path) -> None:
    result = vigil("validate", "--env", "production")
    assert result.exit_code == 1
    assert "is not inside a vigil project" in result.stderr
    assert "vigil init" in result.stderr
    # and it did not read vigil's own Conductor stacks instead
    assert "conductor" not in result.stdout + result.stderr


def test_a_project_dir_that_is_no_project_is_named(elsewhere: Path) -> None:
    result = vigil("--project", str(elsewhere), "validate", "--env", "sandbox")
    assert result.exit_code == 1
    assert f"{elsewhere} is not a vigil project" in result.stderr


def test_a_subdirectory_of_a_project_finds_it(elsewhere: Path) -> None:
    assert vigil("init", "--app", "shopfront").exit_code == 0
    os.chdir(elsewhere / "stacks")
    result = vigil("validate", "--env", "dev")
    assert result.exit_code == 0, result


def test_the_runbooks_on_call_hint_leads_to_a_valid_stack(elsewhere: Path) -> None:
    """Following the hint of a new stack's runbook (a stack that is not Conductor's) validates."""
    assert vigil("init", "--app", "shopfront").exit_code == 0
    runbook = vigil("runbook", "--env", "dev")
    assert runbook.exit_code == 0, runbook
    assert "add `OnCall(" in runbook.stdout and "`stacks/shopfront.py`" in runbook.stdout
    module = elsewhere / "stacks" / "shopfront.py"
    text = module.read_text().replace(
        "import EmailContact,",
        "import EmailContact, OnCall,",  # before and after the vigil.* rewrite
    )
    text = text.replace(
        '            EmailContact(name="ops"',
        '            OnCall(role="tech lead", name="Ana"),\n            EmailContact(name="ops"',
    )
    module.write_text(text)
    assert vigil("validate", "--all", "--strict").exit_code == 0
    after = vigil("runbook", "--env", "dev")
    assert "| tech lead | Ana |" in after.stdout and "No on-call rotation" not in after.stdout

"""Global flags and help: --version, -h, `vigil` alone, plain flags in help, --debug anywhere, and
an unknown environment that suggests the closest name."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from importlib.metadata import version

import pytest

from tests.conftest import ProjectDir, Result

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def vigil(*args: str) -> Result:
    """The CLI in-process with no --project: what a user types, word for word."""
    from vigil.cli import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(list(args))
    return Result(code, out.getvalue(), err.getvalue())


def test_version_prints_the_installed_version() -> None:
    result = vigil("--version")
    assert result.exit_code == 0, result
    assert result.stdout == f"vigil {version('vigil')}\n"


def test_vigil_alone_prints_help_and_exits_0() -> None:
    result = vigil()
    assert result.exit_code == 0, result
    assert result.stdout.startswith("Usage: vigil [OPTIONS] COMMAND [ARGS]...")
    assert "preview" in result.stdout and "sandbox" in result.stdout


def test_sandbox_alone_prints_its_help_and_exits_0() -> None:
    result = vigil("sandbox")
    assert result.exit_code == 0, result
    assert "Usage: vigil sandbox" in result.stdout and "status" in result.stdout


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_short_and_long_help_are_the_same(flag: str) -> None:
    root, command = vigil(flag), vigil("up", flag)
    assert root.exit_code == 0 and command.exit_code == 0
    assert root.stdout == vigil("--help").stdout
    assert command.stdout.startswith("Usage: vigil up [OPTIONS]")
    assert "-h, --help" in command.stdout


@pytest.mark.parametrize("command", [[], ["up"], ["drift"], ["validate"], ["outputs"], ["sandbox", "status"]])
def test_help_never_labels_a_flag_bool(command: list[str]) -> None:
    result = vigil(*command, "--help")
    assert result.exit_code == 0, result
    assert "bool" not in result.stdout.lower()
    assert "<str>" not in result.stdout  # values are named for what they are: ENV, DIR


def test_up_help_names_the_env_value() -> None:
    result = vigil("up", "--help")
    assert "-e, --env ENV" in result.stdout


def test_debug_is_accepted_after_the_command(project: ProjectDir) -> None:
    project.write_env("t", ONE_MONITOR)
    after = project.vigil("validate", "--env", "t", "--debug")
    assert after.exit_code == 0, after
    assert "t: valid" in after.stdout
    assert project.vigil("--debug", "validate", "--env", "t").stdout == after.stdout


def test_unknown_environment_suggests_the_closest_name(project: ProjectDir) -> None:
    for env in ("dev", "staging", "production"):
        project.write_env(env, ONE_MONITOR)
    result = project.vigil("preview", "--env", "prod", "--json")
    assert result.exit_code == 1, result
    error = result.json["error"]
    assert "unknown environment 'prod'" in error["message"]
    assert error["hint"] == "did you mean `--env production`? known environments: dev, production, staging"
    human = project.vigil("validate", "--env", "stagin")
    assert human.exit_code == 1
    assert "did you mean `--env staging`?" in human.stderr


def test_unknown_environment_with_nothing_close_lists_the_known_ones(project: ProjectDir) -> None:
    project.write_env("staging", ONE_MONITOR)
    result = project.vigil("runbook", "--env", "qa")
    assert result.exit_code == 1
    assert "did you mean" not in result.stderr
    assert "known environments: staging" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["up", "--env", "t", "--bogus", "--json"], "No such option: --bogus"),
        (["bogus", "--json"], "No such command 'bogus'."),
        (["preview", "--json"], "Missing option '--env'"),
        (["validate", "--json"], "pass --env ENV, or --all"),
    ],
)
def test_a_usage_error_with_json_is_still_one_json_document(
    project: ProjectDir, args: list[str], message: str
) -> None:
    result = project.vigil(*args)
    assert result.exit_code == 1, result
    document = json.loads(result.stdout)  # exactly one document, nothing else on stdout
    assert set(document) == {"error"}
    assert message in document["error"]["message"]
    assert document["error"]["exit_code"] == 1
    assert "--help" in document["error"]["hint"]
    assert "Usage:" in result.stderr  # the human still gets click's usage text


def test_a_usage_error_without_json_leaves_stdout_empty(project: ProjectDir) -> None:
    result = project.vigil("up", "--env", "t", "--bogus")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No such option: --bogus" in result.stderr

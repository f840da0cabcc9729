"""A broken environment around a valid stack: one line naming the cause and the fix, exit 1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, SandboxApi, UptimeRobotAccount

ONE_MONITOR = 'app: basic\nmonitors:\n  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}\n'


@pytest.mark.parametrize(
    ("backend", "says", "hint"),
    [
        ("foo://bar", "PULUMI_BACKEND_URL='foo://bar' is not a state backend vigil can use", "file:///"),
        ("relative/dir", "is not a state backend vigil can use", "s3://bucket"),
        ("file:///nonexistent/vigil-state", "/nonexistent/vigil-state does not exist", "mkdir -p"),
    ],
)
def test_an_unusable_backend_is_one_line_with_the_fix(
    backend: str,
    says: str,
    hint: str,
    project: ProjectDir,
    sandbox: SandboxApi,
    uptimerobot: UptimeRobotAccount,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project.write_env("t", ONE_MONITOR)
    monkeypatch.setenv("PULUMI_BACKEND_URL", backend)
    for command in (("preview", "--env", "t"), ("up", "--env", "t", "--yes"), ("drift", "--env", "t")):
        result = project.vigil(*command)
        assert result.exit_code == 1, result
        first, second = result.stderr.splitlines()[:2]
        assert first.startswith("error: ") and says in first, result
        assert second.startswith("  hint: ") and hint in second, result
        assert "PULUMI_ACCESS_TOKEN" not in result.stderr and "unexpected" not in result.stderr
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}


def test_a_read_only_backend_directory_is_one_line_with_the_fix(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project.write_env("t", ONE_MONITOR)
    if os.geteuid() == 0:  # root writes through file modes: /proc refuses new files to everyone
        read_only = Path("/proc")
    else:
        read_only = tmp_path / "read-only"
        read_only.mkdir()
        read_only.chmod(0o555)
    monkeypatch.setenv("PULUMI_BACKEND_URL", read_only.as_uri())
    result = project.vigil("preview", "--env", "t", "--json")
    assert result.exit_code == 1, result
    assert result.json["error"]["message"] == (
        f"the state backend directory {read_only} is not writable (PULUMI_BACKEND_URL)"
    )
    assert "write access" in result.json["error"]["hint"]


def test_validate_all_checks_every_environment_in_one_run(project: ProjectDir) -> None:
    project.write_env("good", ONE_MONITOR)
    project.write_env("typo", ONE_MONITOR.replace("every: 5m", "every: 5 minutes"))
    project.write_env("broken", "app: basic\nmonitors: [\n")
    result = project.vigil("validate", "--all", "--json")
    assert result.exit_code == 1
    document = result.json
    assert document["valid"] is False
    verdicts = {e["env"]: (e["valid"], [f["rule"] for f in e["findings"]]) for e in document["environments"]}
    assert verdicts == {"broken": (False, ["yaml"]), "good": (True, []), "typo": (False, ["duration"])}
    assert project.vigil("validate", "--all").exit_code == 1
    project.root.joinpath("stacks", "typo.yaml").unlink()
    project.root.joinpath("stacks", "broken.yaml").unlink()
    assert project.vigil("validate", "--all").exit_code == 0

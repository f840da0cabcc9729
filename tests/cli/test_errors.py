"""Bad input and broken environments give one clear error line and exit 1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, SandboxApi, UptimeRobotAccount

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def test_unknown_environment_lists_the_known_ones(project: ProjectDir) -> None:
    project.write_env("staging", ONE_MONITOR)
    result = project.vigil("preview", "--env", "prod", "--json")
    assert result.exit_code == 1
    assert "unknown environment 'prod'" in result.json["error"]["message"]
    assert "staging" in result.json["error"]["hint"]


def test_missing_engine_says_how_to_install(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from vigil.engine.pulumi_cli import find_pulumi

    project.write_env("t", ONE_MONITOR)
    monkeypatch.setenv("VIGIL_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    find_pulumi.cache_clear()
    try:
        result = project.vigil("up", "--env", "t", "--yes")
    finally:
        find_pulumi.cache_clear()
    assert result.exit_code == 1
    assert "no Pulumi CLI" in result.stderr and "make setup" in result.stderr


@pytest.mark.engine
def test_wrong_api_key_names_the_api_and_the_fix(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write_env("t", ONE_MONITOR)
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", "ur_sbx_not-a-real-key")
    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 1
    assert "401" in result.stderr and "Uptime Robot" in result.stderr
    assert "UPTIMEROBOT_API_KEY" in result.stderr


def test_sandbox_port_taken_is_a_clear_error(project: ProjectDir) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = project.vigil("sandbox", "start", "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr


def test_passphrase_is_required_outside_the_sandbox(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write_env("t", ONE_MONITOR)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    result = project.vigil("preview", "--env", "t")
    assert result.exit_code == 1
    assert "PULUMI_CONFIG_PASSPHRASE is not set" in result.stderr


def test_invalid_stack_sends_nothing(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, sandbox: SandboxApi
) -> None:
    project.write_env("t", 'app: basic\nmonitors:\n  - {name: AI, url: "ftp://x", keyword: ""}\n')
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 1
    rules = sorted(f["rule"] for f in result.json["error"]["details"])
    assert rules == ["keyword-required", "url"]
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}

"""Passphrase errors name the environment, the variable and how to check; a new stack is never
pinned to a passphrase silently."""

from __future__ import annotations

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

ONE_MONITOR = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


def test_a_first_preview_says_it_created_the_stack_with_this_passphrase(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", ONE_MONITOR)
    first = project.vigil("preview", "--env", "t")
    assert first.exit_code == 0, first
    assert "created the stack 't'" in first.stderr
    assert "encrypted with the passphrase from PULUMI_CONFIG_PASSPHRASE" in first.stderr
    assert "?" not in first.stderr.split("created the stack 't' in ", 1)[1].split(":", 2)[1]  # no query
    second = project.vigil("preview", "--env", "t")
    assert "created the stack" not in second.stderr  # only when it happens


@pytest.mark.parametrize("command", [["preview"], ["up", "--yes"], ["drift"]])
def test_a_wrong_passphrase_names_the_environment_and_the_variable(
    project: ProjectDir, uptimerobot: UptimeRobotAccount, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not-the-right-one")
    result = project.vigil(command[0], "--env", "t", *command[1:])
    assert result.exit_code == 1, result
    assert "the passphrase from PULUMI_CONFIG_PASSPHRASE does not decrypt the secrets of 't'" in result.stderr
    assert "set only one of PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE" in result.stderr
    assert "Traceback" not in result.stderr and "code: " not in result.stderr

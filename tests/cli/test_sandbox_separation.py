"""The sandbox never crosses into real environments (issue 20): a shell prepared with
`vigil sandbox env` and the sandbox's passphrase are refused for them; the sandbox's own settings
(target port, plan, release credentials) are what its stack expects."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import ROOT, ProjectDir

pytestmark = pytest.mark.engine  # the conductor fixture runs the sandbox daemon


def _exports(project: ProjectDir) -> dict[str, str]:
    result = project.vigil("sandbox", "env")
    assert result.exit_code == 0, result
    found = {}
    for line in result.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        found[name] = value.strip("'")
    return found


@pytest.fixture
def started(conductor: ProjectDir) -> ProjectDir:
    assert conductor.vigil("sandbox", "start").exit_code == 0
    conductor.write_env("staging", (ROOT / "stacks" / "staging.yaml").read_text())
    return conductor


def test_a_real_environment_refuses_a_shell_prepared_for_the_sandbox(
    started: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _exports(started).items():
        monkeypatch.setenv(name, value)
    result = started.vigil("preview", "--env", "staging")
    assert result.exit_code == 1, result
    assert "'staging'" in result.stderr and "open a new shell" in result.stderr
    assert not (started.root / "Pulumi.staging.yaml").exists()  # nothing salted with the sandbox's


def test_a_real_environment_refuses_the_sandbox_passphrase(
    started: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "vigil-sandbox")
    result = started.vigil("preview", "--env", "staging")
    assert result.exit_code == 1, result
    assert "the sandbox's passphrase is set for 'staging'" in result.stderr
    assert not (started.root / "Pulumi.staging.yaml").exists()


def test_a_real_environment_refuses_the_running_sandboxs_credentials(
    started: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "the-teams-passphrase")
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", _exports(started)["UPTIMEROBOT_API_KEY"])
    result = started.vigil("preview", "--env", "staging")
    assert result.exit_code == 1, result
    assert "UPTIMEROBOT_API_KEY is the local sandbox's" in result.stderr


def test_status_shows_the_stand_in_target_on_the_port_after_the_sandboxs(started: ProjectDir) -> None:
    document = started.vigil("sandbox", "status", "--json").json
    api_port = int(document["uptimerobot"]["url"].split(":")[2].split("/")[0])
    assert document["target"]["url"] == f"http://127.0.0.1:{api_port + 1}"
    table = started.vigil("sandbox", "status").stdout
    assert f"target       http://127.0.0.1:{api_port + 1}" in table


def test_the_default_account_plan_is_the_demo_stacks(started: ProjectDir) -> None:
    document = started.vigil("sandbox", "status", "--json").json
    template = ROOT / "templates" / "init" / "stacks" / "sandbox.yaml.tmpl"
    for text in (
        (ROOT / "stacks" / "sandbox.yaml").read_text(),
        template.read_text().replace("{{ app }}", "x"),
    ):
        assert yaml.safe_load(text)["uptime_plan"] == document["uptimerobot"]["plan"] == "team"


def test_release_on_the_sandbox_posts_with_the_sandboxs_webhook(started: ProjectDir) -> None:
    import requests

    result = started.vigil("release", "--env", "sandbox", "--version", "1.2.3")
    assert result.exit_code == 0, result
    slack = started.vigil("sandbox", "status", "--json").json["slack"]
    origin = slack["url"].split("/slack/")[0]
    messages = requests.get(
        f"{origin}/_sandbox/slack/messages", params={"account": slack["token"]}, timeout=10
    ).json()["messages"]
    assert [m["text"] for m in messages] == ["Release `1.2.3` of *backend* deployed to *sandbox*."]

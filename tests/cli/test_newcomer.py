"""Issue 20's "Done when": a newcomer runs `vigil init`, writes the shopfront stack from the README
and the block reference alone, has every mistake of a new stack caught by `validate`, and gets it up
on the sandbox.

The stack files are the README's own code blocks (those opening with ``# in your project: stacks/…``),
so the README cannot show a stack that does not work. The project lives outside the checkout and
vigil runs in it as a user runs it: from the project's directory, no --project.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, Result
from vigil.spec.reference import render_reference

MARKER = "# in your project: stacks/"
BLOCKS = ("SentryProject", "ErrorAlert", "HeartbeatMonitor", "HttpMonitor", "StatusPage", "Severity")


def readme_project_files() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    found = {}
    for body in re.findall(r"```(?:python|yaml)\n(.*?)```", text, re.S):
        first = body.splitlines()[0]
        if first.startswith(MARKER):
            found[first.removeprefix(MARKER)] = body
    return found


@dataclass
class Newcomer:
    root: Path

    def vigil(self, *args: str) -> Result:
        from vigil.cli import run

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run(list(args))
        return Result(code, out.getvalue(), err.getvalue())

    def file(self, name: str) -> Path:
        return self.root / "stacks" / name

    def edit(self, name: str, old: str, new: str) -> int:
        """Replace ``old`` (present once) and return its line number."""
        path = self.file(name)
        text = path.read_text()
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new))
        return text[: text.index(old)].count("\n") + 1

    def findings(self, env: str, *flags: str) -> list[dict[str, Any]]:
        result = self.vigil("validate", "--env", env, "--json", *flags)
        document = result.json
        if "error" in document:  # a stack that cannot be built at all: the findings are the details
            return list(document["error"]["details"])
        return list(document["findings"])


def _production(sandbox_yaml: str) -> str:
    """The README's other environments 'take the same keys with real URLs'."""
    text = sandbox_yaml.replace("sandbox: true\n", "protected: true\n")
    text = text.replace("uptime_plan: team", "uptime_plan: free")
    text = re.sub(r"^api: .*$", "api: https://api.shop.example.com", text, flags=re.M)
    text = re.sub(r"^web: .*$", "web: https://shop.example.com", text, flags=re.M)
    return text + "status_domain: status.shop.example.com\n"


@pytest.fixture
def newcomer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pulumi_home: Path) -> Iterator[Newcomer]:
    root = tmp_path / "shopfront-monitoring"
    root.mkdir()
    monkeypatch.chdir(root)
    for name in (
        "VIGIL_PROJECT",
        "VIGIL_ENV",
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "PULUMI_CONFIG_PASSPHRASE_FILE",
        "CI",
        *(f"{p}_{s}" for p in ("UPTIMEROBOT",) for s in ("API_KEY", "API_URL")),
        "SENTRY_AUTH_TOKEN",
        "SENTRY_URL",
        "SENTRY_ORG",
        "SLACK_BOT_TOKEN",
        "SLACK_API_URL",
        "SLACK_WEBHOOK_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PULUMI_HOME", str(pulumi_home))
    person = Newcomer(root)
    assert person.vigil("init", "--app", "shopfront").exit_code == 0
    files = readme_project_files()
    assert sorted(files) == ["sandbox.yaml", "shopfront.py"]
    person.file("shopfront.py").write_text(files["shopfront.py"])
    person.file("sandbox.yaml").write_text(files["sandbox.yaml"])
    person.file("production.yaml").write_text(_production(files["sandbox.yaml"]))
    yield person


def test_the_block_reference_documents_every_block_the_readme_stack_uses() -> None:
    reference = render_reference()
    stack = readme_project_files()["shopfront.py"]
    for block in BLOCKS:
        assert f"{block}(" in stack and f"\n## {block}\n" in reference


def test_the_readme_stack_validates_strictly_in_every_environment(newcomer: Newcomer) -> None:
    for env in ("sandbox", "production"):
        result = newcomer.vigil("validate", "--env", env, "--strict", "--json")
        assert result.exit_code == 0, result
        assert result.json["findings"] == []
    every = newcomer.vigil("validate", "--all", "--json")
    assert [e["env"] for e in every.json["environments"]] == ["dev", "production", "sandbox", "staging"]


def test_an_undeclared_severity_is_an_error_at_the_stack_line(newcomer: Newcomer) -> None:
    line = newcomer.edit("shopfront.py", 'severity="P0", alert=alert', 'severity="P5", alert=alert')
    found = [f for f in newcomer.findings("production") if f["rule"] == "unknown-severity"]
    assert [(f["level"], f["line"]) for f in found] == [("error", line)]
    assert "'P5'" in found[0]["message"]


def test_a_monitor_alerting_nobody_is_a_warning_and_with_strict_an_error_in_production(
    newcomer: Newcomer,
) -> None:
    newcomer.edit("production.yaml", "alert: [ops]", "alert: []")
    assert {f["level"] for f in newcomer.findings("production") if f["rule"] == "sla-routing"} == {"warning"}
    strict = [f for f in newcomer.findings("production", "--strict") if f["rule"] == "sla-routing"]
    assert len(strict) == 3 and {f["level"] for f in strict} == {"error"}


def test_a_heartbeat_on_the_public_status_page_is_a_warning(newcomer: Newcomer) -> None:
    newcomer.edit("shopfront.py", ", on_status_page=False", "")
    found = [f for f in newcomer.findings("production") if f["rule"] == "heartbeat-public"]
    assert len(found) == 1 and "Nightly export" in found[0]["message"]


def test_an_error_alert_without_environment_is_a_warning(newcomer: Newcomer) -> None:
    newcomer.edit("shopfront.py", ", environment=env", "")
    found = [f for f in newcomer.findings("production") if f["rule"] == "alert-environment"]
    assert len(found) == 1 and "every environment" in found[0]["message"]


def test_an_email_that_is_not_one_is_an_error_at_the_yaml_line(newcomer: Newcomer) -> None:
    line = newcomer.edit("production.yaml", "ops_email: ops@shopfront.example", "ops_email: ops-at-shopfront")
    found = [f for f in newcomer.findings("production") if f["rule"] == "email"]
    assert [(f["level"], Path(f["file"]).name, f["line"]) for f in found] == [
        ("error", "production.yaml", line)
    ]


def test_a_mistyped_key_is_named_with_the_key_it_resembles(newcomer: Newcomer) -> None:
    line = newcomer.edit("production.yaml", "severities:", "severitys:")
    (found,) = newcomer.findings("production")
    assert found["rule"] == "missing-value" and found["line"] == line
    assert "severitys" in found["message"] and "rename `severitys:` to `severities:`" in found["fix"]


def test_a_bad_url_points_at_the_yaml_value_it_came_from(newcomer: Newcomer) -> None:
    line = newcomer.edit(
        "production.yaml", "api: https://api.shop.example.com", "api: https://api shop.example.com"
    )
    found = [f for f in newcomer.findings("production") if f["rule"] == "url"]
    assert [(Path(f["file"]).name, f["line"]) for f in found] == [("production.yaml", line)]


@pytest.mark.engine
def test_the_readme_stack_goes_up_on_the_sandbox(
    newcomer: Newcomer, monkeypatch: pytest.MonkeyPatch, sandbox_port: int
) -> None:
    port = sandbox_port
    monkeypatch.setenv("VIGIL_SANDBOX_PORT", str(port))
    assert "8711" not in newcomer.file("sandbox.yaml").read_text()  # {sandbox: target} follows the port
    try:
        up = newcomer.vigil("up", "--env", "sandbox", "--yes", "--json")
        assert up.exit_code == 0, up
        status = newcomer.vigil("sandbox", "status", "--json").json
        ur = status["uptimerobot"]
        monitors = requests.get(
            f"{ur['url']}/monitors", headers={"Authorization": f"Bearer {ur['api_key']}"}, timeout=10
        ).json()["data"]
        assert sorted((m["friendlyName"], m["type"]) for m in monitors) == [
            ("API", "HTTP"),
            ("Nightly export", "HEARTBEAT"),
            ("Web", "HTTP"),
        ]
        target = f"http://127.0.0.1:{port + 1}"
        assert status["target"]["url"] == target
        urls = {m["friendlyName"]: m.get("url") for m in monitors if m["type"] == "HTTP"}
        assert urls == {"API": f"{target}/health", "Web": target}
        sentry = status["sentry"]
        projects = requests.get(
            f"{sentry['url']}/api/0/organizations/{sentry['org']}/projects/",
            headers={"Authorization": f"Bearer {sentry['token']}"},
            timeout=10,
        ).json()
        assert [p["slug"] for p in projects] == ["shopfront-api"]
        outputs = newcomer.vigil("outputs", "--env", "sandbox", "--json")
        assert outputs.exit_code == 0, outputs
        assert "[secret]" in outputs.stdout  # the DSN and the heartbeat URL, masked
        clean = newcomer.vigil("preview", "--env", "sandbox", "--expect-no-changes")
        assert clean.exit_code == 0, clean
        # what vigil init's .gitignore leaves out is what the run left behind
        assert (newcomer.root / ".vigil").is_dir() and (newcomer.root / "Pulumi.sandbox.yaml").is_file()
    finally:
        newcomer.vigil("sandbox", "stop")

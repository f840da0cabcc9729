"""Hostile and mistaken stacks (issue 15): each one is exactly one finding at the line to fix, exit 1,
from validate and from every command that loads the stack, with no request to any API.

The bad inputs are fixtures: tests/fixtures/hostile/envs/*.yaml (read by hostile.py, which passes
every YAML field to the blocks as written) and tests/fixtures/hostile/modules/*.py (stack modules).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, ProjectDir, SandboxApi, SentryAccount, UptimeRobotAccount

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    marker: str  # text on the line the finding must point at
    message: str = ""  # text the message must hold
    module: str | None = None  # modules/<module>.py is the stack module (else hostile.py + envs/<id>.yaml)
    at_module: bool = False  # the finding points at the block's call in the stack module (no YAML value)

    def __str__(self) -> str:
        return self.id


CASES = [
    # secrets that would sit in plain text in state
    Case("secret-url-userinfo", "literal-secret", "admin:pw@", "user name or password"),
    Case("secret-url-token", "literal-secret", "?token=", "query parameter 'token'"),
    Case("secret-header-bearer", "literal-secret", "Authorization:", "header 'Authorization'"),
    Case("secret-header-basic", "literal-secret", "X-Forwarded-Auth:", "is a credential"),
    Case("secret-header-api-key", "literal-secret", "X-Api-Key:", "header 'X-Api-Key'"),
    # YAML and input size
    Case("duplicate-keys", "yaml", "monitors:\n  - {name: Status", "lines 2 and 6"),
    Case("alias-bomb", "yaml", "monitors: [", "through YAML aliases"),
    Case("alias-loop", "yaml", "monitors: &loop", "a loop"),
    Case("syntax-error", "yaml", "", "not valid YAML"),
    Case("non-utf8", "yaml", "# Caf", "not UTF-8"),
    Case("yaml-not-mapping", "yaml", "- app: hostile", "must be a mapping"),
    # stack modules
    Case("exit-in-build", "stack-module", "# EXIT", "sys.exit(0) in build()", module="exit_in_build"),
    Case("exit-at-import", "stack-module", "# EXIT", "sys.exit(0) importing it", module="exit_at_import"),
    Case("raises-in-build", "stack-module", "# RAISE", "RuntimeError in build()", module="raises_in_build"),
    Case("raises-at-import", "stack-module", "# RAISE", "ModuleNotFoundError", module="raises_at_import"),
    Case("recursion", "stack-module", "# RECURSE", "recursed without end", module="recursion"),
    Case("dict-block", "not-a-block", "# BLOCKS", "holds a dict", module="dict_block"),
    Case("string-block", "not-a-block", "# BLOCKS", "holds a str", module="string_block"),
    Case("object-block", "not-a-block", "# BLOCKS", "holds a Monitor", module="object_block"),
    Case("returns-none", "app", "", "returned NoneType, not a Stack", module="returns_none"),
    Case("no-build", "app", "", "no build(env, values)", module="no_build"),
    Case("typo-keyword", "schema", "# CALL", "did you mean 'severity'", module="typo_keyword"),
    Case("app-outside", "app", "app: ../../x", "modules outside stacks/ are never imported"),
    Case("app-missing", "app", "", "does not name its stack module"),
    # what the providers reject
    Case("name-empty", "name-empty", 'name: ""', "empty name"),
    Case("name-collision", "name-collision", "API ✗", "both become the resource name 'monitor-api'"),
    Case("name-collision-emoji", "name-collision", "🚀", "resource name 'monitor-'"),
    Case("name-escape", "name-characters", "API\\e", "API\\x1b[2J\\x1b[31m"),
    Case("name-rtl", "name-characters", "\\u202e", "API \\u202egnp.exe"),
    Case("interval-inf", "duration", "every: .inf", "not a usable duration"),
    Case("interval-nan", "duration", "every: .nan", "not a usable duration"),
    Case("interval-100000d", "duration", "every: 100000d", "not a usable duration"),
    Case("interval-1e26", "duration", "every: 1e26", "'1e26' is not a duration"),
    Case("timeout-over-interval", "timeout-interval", "timeout: 45s", "checks every 30s"),
    Case("timeout-over-60", "timeout", "timeout: 2m", "60 s"),
    Case("url-crlf", "url", "X-Injected", "line breaks"),
    Case("url-space", "url", "my health", "spaces"),
    Case("url-not-http", "url", "javascript:", "not an http(s) URL"),
    Case("env-empty", "secret-ref", "{env: ''}", "does not name an environment variable"),
    Case("sandbox-no", "sandbox-flag", 'sandbox: "no"', "must be true or false"),
    Case("sandbox-false-string", "sandbox-flag", 'sandbox: "false"', "must be true or false"),
    Case("protected-string", "schema", 'protected: "yes"', "must be true or false"),
    Case("bool-field-string", "field-type", "on_status_page", "not true or false"),
    Case("method-unknown", "field-type", "FETCH", "method is 'FETCH'"),
    Case("expect-status-bad", "expect-status", "200x", "not status codes"),
    Case("header-crlf", "header", "X-Source:", "not one line of text"),
    Case("port-range", "port-range", "port: 70000", "outside 1..65535"),
    Case("host-with-scheme", "host", "https://db.example.com", "host only"),
    Case("keyword-missing", "keyword-required", "type: keyword", "has no keyword"),
    Case("free-plan-alert-after", "free-plan-alert-delay", "alert_after: 5m", "free plan"),
    Case("interval-below-plan", "interval-minimum", "every: 1m", "free plan's minimum"),
    Case("email-invalid", "email", "ops at example.com", "not an e-mail address"),
    Case("severity-p5", "unknown-severity", "severity: P5", "not one of P0-P3"),
    Case("unknown-field", "schema", "", "did you mean 'severity'", at_module=True),
    Case("status-domain", "status-domain", "https://status.example.com/", "not a host name"),
    Case("window-start", "window-start", '"2am"', "start '2am'"),
    Case("window-days-daily", "window-days", "days: [1, 2]", "weekly and monthly"),
    Case("sentry-slug", "sentry-slug", "Backend Team!", "not a valid slug"),
    Case("sentry-reserved-slug", "sentry-slug", "slug: settings", "reserved by Sentry"),
    Case("sentry-platform", "platform", "pyhton", "did you mean python"),
    Case("sentry-interval", "sentry-interval", "per: 2m", "Sentry does not offer"),
    Case("sentry-window", "sentry-window", "for_: 7m", "Sentry does not offer"),
    Case("dashboard-empty", "dashboard-widgets", "title: Health", "has no widgets"),
    Case("sentry-key-rate", "sentry-key-rate", "lots", "key_rate_limit 'lots'"),
    Case("interval-40d", "interval-maximum", "every: 40d", "at most 31 days"),
    Case("heartbeat-grace", "grace", "grace: 2d", "exceeds 24 h"),
    Case("name-long", "name-length", "NNNN", "10,000 characters; the API allows 250"),
    Case("webhook-name-long", "name-length", "wwww", "allows 60"),
    Case("page-name-long", "name-length", "pppp", "allows 255"),
    Case("team-name-long", "sentry-name", "tttt", "1-64 characters"),
    Case("project-name-long", "sentry-name", "pppp", "1-50 characters"),
    Case("key-name-long", "sentry-key", "kkkk", "1-64 characters"),
    Case("alert-name-long", "name-length", "aaaa", "allows 256"),
    Case("metric-name-long", "name-length", "mmmm", "allows 200"),
    Case("dashboard-title-long", "name-length", "dddd", "allows 255"),
    Case("slack-channel-empty", "slack-channel", 'channel: ""', "has no channel"),
    Case("contact-notify-bad", "field-type", "sometimes", "notify_on is 'sometimes'"),
    Case("window-duration", "window-duration", "duration: 30s", "whole minutes"),
    Case("window-once-no-date", "window-start", "repeat: once", "2026-12-24 02:00"),
    Case("window-repeat-bad", "field-type", "hourly", "repeat is 'hourly'"),
    Case("alert-events-negative", "sentry-events", "events_above: -1", "negative"),
    Case("alert-never-fires", "alert-trigger", "new_issue: false", "never triggers"),
    Case("widget-title-duplicate", "dashboard-widgets", "title: Health", "used twice"),
    Case("widget-display-bad", "field-type", "display: pie", "display is 'pie'"),
    # a value built in Python from YAML (f"{values.api}/health") is reported at the YAML value
    Case("url-built-from-yaml", "url", "api:", "built from this value at", module="url_from_yaml"),
    Case("url-secret-built-from-yaml", "literal-secret", "api:", "api_key", module="url_from_yaml"),
    Case("key-escape", "unknown-key", '"ops\\e[2J', "ops\\x1b[2J\\x1b]0;pwned\\x07"),
    Case("keyword-alert-when", "field-type", "alert_when: sometimes", "alert_when is 'sometimes'"),
]


def install(project: ProjectDir, case: Case) -> Path:
    """Put the case into the project as environment ``t``; returns the file the finding points at."""
    stacks = project.root / "stacks"
    env_file = HOSTILE / "envs" / f"{case.id}.yaml"
    if case.module:
        shutil.copy(HOSTILE / "modules" / f"{case.module}.py", stacks / f"{case.module}.py")
        if not env_file.exists():
            project.write_env("t", f"app: {case.module}\n")
            return stacks / f"{case.module}.py"
        shutil.copy(env_file, stacks / "t.yaml")
        return stacks / "t.yaml"
    shutil.copy(HOSTILE / "hostile.py", stacks / "hostile.py")
    target = stacks / "t.yaml"
    shutil.copy(env_file, target)
    return stacks / "hostile.py" if case.at_module else target


def expected_line(path: Path, marker: str) -> int | None:
    if not marker:
        return None
    text = path.read_bytes().decode("utf-8", errors="replace")
    index = text.find(marker)
    assert index >= 0, f"{marker!r} not in {path}"
    return text[:index].count("\n") + 1


def findings_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    if "error" in document:
        return list(document["error"].get("details") or [])
    return list(document["findings"])


def errors_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in findings_of(document) if f["level"] == "error"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_hostile_input_is_one_finding_at_its_line_before_any_request(
    case: Case,
    project: ProjectDir,
    sandbox: SandboxApi,
    uptimerobot: UptimeRobotAccount,
    sentry: SentryAccount,
) -> None:
    path = install(project, case)
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 1, result
    [finding] = errors_of(json.loads(result.stdout))  # one JSON document, one error
    assert finding["rule"] == case.rule, finding
    assert case.message in finding["message"] or case.message in finding["fix"], finding
    assert Path(finding["file"]).name == path.name, finding
    line = expected_line(path, case.marker)
    if line is not None:
        assert finding["line"] == line, finding
    assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stdout + result.stderr
    shown = project.vigil("validate", "--env", "t")  # the terminal rendering escapes them too
    assert shown.exit_code == 1 and "\x1b" not in shown.stdout + shown.stderr, shown
    assert "\u202e" not in shown.stdout + shown.stderr
    for command in (
        ("preview", "--env", "t", "--expect-no-changes", "--json"),
        ("up", "--env", "t", "--yes", "--json"),
        ("drift", "--env", "t", "--json"),
    ):
        refused = project.vigil(*command)
        assert refused.exit_code == 1, (command, str(refused))
        rules = [f["rule"] for f in errors_of(json.loads(refused.stdout))]
        assert rules == [case.rule], (command, str(refused))
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}
    assert sandbox.requests_made("sentry", sentry.token) == {}


HANG_COMMANDS = [
    ("validate", "--env", "t", "--json"),
    ("preview", "--env", "t", "--expect-no-changes", "--json"),
    ("up", "--env", "t", "--yes", "--json"),
    ("drift", "--env", "t", "--json"),
]


def test_a_stack_module_that_hangs_fails_after_the_timeout_in_every_command(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    """Each command loads the stack under the 30 s limit: the four run at once, as the user's CLI
    processes (the limit is wall time, so running them side by side waits 30 s once, not four times)."""
    path = install(project, Case("hangs", "stack-module", "# HANG", module="hangs"))
    runs = {
        command[0]: subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "--project", str(project.root), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in HANG_COMMANDS
    }
    for name, process in runs.items():
        stdout, stderr = process.communicate(timeout=300)  # a guard against a hang, not a timing check
        assert process.returncode == 1, (name, stdout, stderr)
        [finding] = errors_of(json.loads(stdout))
        assert finding["rule"] == "stack-module", (name, finding)
        assert "did not finish in build() within 30 s" in finding["message"], (name, finding)
        assert Path(finding["file"]).name == path.name, (name, finding)
        assert finding["line"] == expected_line(path, "# HANG"), (name, finding)
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}


def test_prints_of_a_stack_module_go_to_stderr_not_into_the_json(project: ProjectDir) -> None:
    install(project, Case("prints", "", "", module="prints"))
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 0, result
    assert result.json["valid"] is True  # stdout is exactly one document
    assert "NOISE at import" in result.stderr and "NOISE in build" in result.stderr


def test_an_oversized_environment_file_is_refused_before_parsing(project: ProjectDir) -> None:
    shutil.copy(HOSTILE / "hostile.py", project.root / "stacks" / "hostile.py")
    line = '  - {name: "M%06d", url: "https://api.example.com/health"}\n'
    project.write_env("t", "app: hostile\nmonitors:\n" + "".join(line % i for i in range(20_000)))
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 1
    [finding] = errors_of(result.json)
    assert finding["rule"] == "yaml" and finding["line"] == 1
    assert "above vigil's limit of 1,000,000" in finding["message"]


def test_more_monitors_than_the_plan_holds_is_refused(
    project: ProjectDir, sandbox: SandboxApi, uptimerobot: UptimeRobotAccount
) -> None:
    shutil.copy(HOSTILE / "hostile.py", project.root / "stacks" / "hostile.py")
    line = '  - {name: "M%02d", url: "https://api.example.com/health"}\n'
    project.write_env(
        "t", "app: hostile\nuptime_plan: free\nmonitors:\n" + "".join(line % i for i in range(51))
    )
    result = project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 1
    [finding] = errors_of(result.json)
    assert finding["rule"] == "plan-monitor-limit"
    assert "51 monitors; the free plan holds 50" in finding["message"]
    assert sandbox.requests_made("uptimerobot", uptimerobot.api_key) == {}
    # an account with more monitors than its plan's default says so
    project.write_env(
        "t",
        "app: hostile\nuptime_plan: free\nuptime_monitor_limit: 60\nmonitors:\n"
        + "".join(line % i for i in range(51)),
    )
    assert project.vigil("validate", "--env", "t").exit_code == 0

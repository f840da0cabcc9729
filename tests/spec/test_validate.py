"""Validation: each rule yields exactly the expected finding, located at the line that caused it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from vigil.spec.findings import InvalidStack
from vigil.spec.loader import UnknownEnvironment, load_stack, read_stack

STACK = textwrap.dedent("""
    from vigil.spec import *
    from vigil.spec.values import Values


    def build(env: str, values: Values) -> Stack:
        return Stack(app="t", env=env, uptime_plan=values.get("plan", "team"), protected=bool(values.get("protected")),
                     blocks=[BLOCKS])
""")

BASE_YAML = "app: t\n"


def write(tmp_path: Path, blocks: str, yaml: str = BASE_YAML) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir(exist_ok=True)
    (stacks / "t.py").write_text(STACK.replace("BLOCKS", blocks))
    (stacks / "env.yaml").write_text(yaml)
    return stacks


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


CASES = [
    # (case id, blocks, yaml, rule, level, file, line marker)
    (
        "keyword-without-keyword",
        'KeywordMonitor(name="AI", url="https://a.example/ai")',
        BASE_YAML,
        "keyword-required",
        "error",
        "t.py",
        "KeywordMonitor(",
    ),
    (
        "interval-below-plan",
        'HttpMonitor(name="API", url="https://a.example", every=values.every)',
        "app: t\nplan: free\nevery: 1m\n",
        "interval-minimum",
        "error",
        "env.yaml",
        "every: 1m",
    ),
    (
        "bad-url",
        'HttpMonitor(name="API", url="ftp://a.example")',
        BASE_YAML,
        "url",
        "error",
        "t.py",
        "HttpMonitor(",
    ),
    (
        "port-out-of-range",
        'PortMonitor(name="DB", host="db.example", port=70000)',
        BASE_YAML,
        "port-range",
        "error",
        "t.py",
        "PortMonitor(",
    ),
    (
        "unknown-contact",
        'HttpMonitor(name="API", url="https://a.example", alert=("nobody",))',
        BASE_YAML,
        "unknown-contact",
        "error",
        "t.py",
        "HttpMonitor(",
    ),
    (
        "duplicate-monitor",
        'HttpMonitor(name="API", url="https://a.example"), HttpMonitor(name="API", url="https://b.example")',
        BASE_YAML,
        "duplicate-name",
        "error",
        "t.py",
        "HttpMonitor(",
    ),
    (
        "status-page-unknown-monitor",
        'HttpMonitor(name="API", url="https://a.example"), StatusPage(name="Status", monitors=("Nope",))',
        BASE_YAML,
        "unknown-monitor",
        "error",
        "t.py",
        "StatusPage(",
    ),
    (
        "invalid-platform",
        'SentryTeam(slug="core"), SentryProject(slug="api", platform=values.platform, '
        'team="core"), ErrorAlert(name="e", project="api")',
        "app: t\nplatform: python-fastapy\n",
        "platform",
        "error",
        "env.yaml",
        "platform: python-fastapy",
    ),
    (
        "unknown-team",
        'SentryProject(slug="api", platform="python", team="ghost"), ErrorAlert(name="e", project="api")',
        BASE_YAML,
        "unknown-team",
        "error",
        "t.py",
        "SentryProject(",
    ),
    (
        "unknown-project",
        'ErrorAlert(name="e", project="ghost")',
        BASE_YAML,
        "unknown-project",
        "error",
        "t.py",
        "ErrorAlert(",
    ),
    (
        "literal-secret",
        'SlackWebhook(name="s", url=env_secret("X"), channel=values.channel)',
        "app: t\nchannel: https://hooks.slack.com/services/TAAAA/BBBBB/cccccccccccccccc\n",
        "literal-secret",
        "error",
        "env.yaml",
        "channel:",
    ),
    (
        "unknown-yaml-key",
        'HttpMonitor(name="API", url="https://a.example")',
        "app: t\nintervall: 5m\n",
        "unknown-key",
        "error",
        "env.yaml",
        "intervall",
    ),
    (
        "sla-mttd",
        'SlaTargets(mttd="5m"), HttpMonitor(name="API", url="https://a.example", every="10m", severity="P0")',
        BASE_YAML,
        "sla-mttd",
        "warning",
        "t.py",
        "HttpMonitor(",
    ),
    (
        "sla-routing",
        'HttpMonitor(name="API", url="https://a.example")',
        "app: t\nprotected: true\n",
        "sla-routing",
        "warning",
        "t.py",
        "HttpMonitor(",
    ),
    (
        "sla-error-alert",
        'SentryTeam(slug="core"), SentryProject(slug="api", platform="python", team="core")',
        BASE_YAML,
        "sla-error-alert",
        "warning",
        "t.py",
        "SentryProject(",
    ),
]


@pytest.mark.parametrize(
    ("blocks", "yaml", "rule", "level", "file", "marker"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_yields_exactly_its_finding(
    tmp_path: Path, blocks: str, yaml: str, rule: str, level: str, file: str, marker: str
) -> None:
    stacks = write(tmp_path, blocks, yaml)
    findings = read_stack("env", stacks).findings
    assert [(f.rule, f.level) for f in findings] == [(rule, level)], [str(f) for f in findings]
    finding = findings[0]
    assert Path(finding.where.file).name == file
    assert finding.where.line == line_of(stacks / file, marker)
    assert finding.fix and finding.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    stacks = write(
        tmp_path,
        'KeywordMonitor(name="AI", url="ftp://x"), HttpMonitor(name="B", url="https://b", alert=("ghost",))',
    )
    with pytest.raises(InvalidStack) as caught:
        load_stack("env", stacks)
    assert sorted(f.rule for f in caught.value.findings) == ["keyword-required", "unknown-contact", "url"]


def test_sla_warnings_become_errors_when_strict(tmp_path: Path) -> None:
    stacks = write(
        tmp_path,
        'SlaTargets(mttd="5m"), HttpMonitor(name="API", url="https://a.example", every="10m", severity="P0")',
    )
    assert load_stack("env", stacks).warnings
    with pytest.raises(InvalidStack):
        load_stack("env", stacks, strict=True)


def test_missing_value_names_the_file_and_key(tmp_path: Path) -> None:
    stacks = write(tmp_path, 'HttpMonitor(name="API", url=values.api)')
    with pytest.raises(InvalidStack) as caught:
        load_stack("env", stacks)
    finding = caught.value.findings[0]
    assert finding.rule == "missing-value" and "'api'" in finding.message
    assert "env.yaml" in finding.fix


def test_bad_duration_is_located(tmp_path: Path) -> None:
    stacks = write(
        tmp_path,
        'HttpMonitor(name="API", url="https://a.example", every=values.every)',
        "app: t\nevery: five minutes\n",
    )
    findings = read_stack("env", stacks).findings
    assert [f.rule for f in findings] == ["duration"]
    assert findings[0].where.line == 2


def test_unknown_environment_lists_the_known_ones(tmp_path: Path) -> None:
    stacks = write(tmp_path, "")
    with pytest.raises(UnknownEnvironment) as caught:
        load_stack("prod", stacks)
    assert caught.value.known == ["env"]
    assert "Known environments: env" in str(caught.value)


@pytest.mark.parametrize("env", ["dev", "staging", "production", "sandbox"])
def test_shipped_conductor_stacks_are_valid_even_strict(env: str) -> None:
    loaded = load_stack(env, Path(__file__).resolve().parents[2] / "stacks", strict=True)
    assert len(loaded.stack.monitors) == 4
    assert {p.slug for p in loaded.stack.sentry_projects} == {"backend", "frontend"}

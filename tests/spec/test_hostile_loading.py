"""Loading hostile or mistaken stacks offline: bounded, located, and never a traceback (issue 15)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from vigil.spec import HttpMonitor, Stack, env_secret
from vigil.spec.api_rules import shown
from vigil.spec.findings import InvalidStack
from vigil.spec.loader import read_stack
from vigil.spec.secrets import secret_in_header, secret_in_url
from vigil.spec.validate import missing_environment, validate

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "tests" / "fixtures" / "hostile" / "modules"


def _stacks(tmp_path: Path, module: str, yaml: str) -> Path:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "m.py").write_text(textwrap.dedent(module))
    (stacks / "t.yaml").write_text(textwrap.dedent(yaml))
    return stacks


def test_a_module_sleeping_at_import_is_stopped_by_the_timeout(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    shutil.copy(MODULES / "sleeps_at_import.py", stacks / "sleeps_at_import.py")
    (stacks / "t.yaml").write_text("app: sleeps_at_import\n")
    with pytest.raises(InvalidStack) as raised:
        read_stack("t", stacks, timeout_s=0.5)
    [finding] = raised.value.findings
    assert finding.rule == "stack-module"
    assert finding.message == "the stack module did not finish importing it within 0.5 s"
    assert (finding.where.file, finding.where.line) == (str((stacks / "sleeps_at_import.py").resolve()), 3)


def test_a_misspelt_required_key_names_the_key_it_resembles(tmp_path: Path) -> None:
    module = """
        from vigil.spec import Stack
        def build(env, values):
            return Stack(app="m", env=env, sentry_environment=values.sentry_environment)
    """
    stacks = _stacks(tmp_path, module, "app: m\nsentry_enviroment: production\n")
    with pytest.raises(InvalidStack) as raised:
        read_stack("t", stacks)
    [finding] = raised.value.findings
    assert finding.rule == "missing-value" and finding.where.line == 2
    assert "did you mean 'sentry_environment' instead of 'sentry_enviroment'?" in finding.message
    assert finding.fix == "rename `sentry_enviroment:` to `sentry_environment:`"


def test_a_misspelt_optional_key_is_unknown_with_a_did_you_mean(tmp_path: Path) -> None:
    module = """
        from vigil.spec import Severity, Stack
        def build(env, values):
            levels = values.get("severities") or ["P0"]
            return Stack(app="m", env=env, blocks=[Severity(str(level), mttr="1h") for level in levels])
    """
    stacks = _stacks(tmp_path, module, "app: m\nseveritys: [P0, P1]\n")
    [finding] = read_stack("t", stacks).findings
    assert finding.rule == "unknown-key" and finding.where.line == 2
    assert finding.message == "'severitys' is not used by the stack: did you mean 'severities'?"


def test_duplicate_keys_inside_a_list_item_name_both_lines(tmp_path: Path) -> None:
    stacks = _stacks(
        tmp_path, "def build(env, values): ...\n", "app: m\nm:\n  - name: A\n    url: x\n    name: B\n"
    )
    with pytest.raises(InvalidStack) as raised:
        read_stack("t", stacks)
    [finding] = raised.value.findings
    assert (finding.rule, finding.where.line) == ("yaml", 5)
    assert finding.message == "the key 'name' appears twice, on lines 3 and 5"


def test_a_python_stack_over_the_plan_limit_fails_without_yaml() -> None:
    monitors = [HttpMonitor(name=f"M{i}", url="https://a.example.com") for i in range(101)]
    findings = validate(Stack(app="a", env="e", uptime_plan="team", blocks=monitors))
    assert [f.rule for f in findings if f.level == "error"] == ["plan-monitor-limit"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://admin:pw@host/health", "user name or password"),
        ("https://token@host/health", "user name or password"),
        ("https://host/health?token=abc", "'token'"),
        ("https://host/health?x=1&api_key=abc", "'api_key'"),
        ("https://host/health?access_token=abc", "'access_token'"),
        ("https://host/health?sig=abc", "'sig'"),
        ("https://hooks.slack.com/services/T0/B0/abcdefghij", "a webhook or DSN"),
        ("https://host/health?page=2&sort=desc", None),
        ("https://host/health?token=", None),  # no value, no secret
    ],
)
def test_credentials_in_urls_are_recognised(url: str, reason: str | None) -> None:
    found = secret_in_url(url)
    assert (found is None) if reason is None else (found is not None and reason in found)


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("Authorization", "Bearer sntrys_abc", True),
        ("authorization", "anything", True),
        ("X-Custom", "Basic YWRtaW46cHc=", True),
        ("X-Custom", "bearer abc", True),
        ("X-Api-Key", "u1234567-0a1b2c3d4e5f6a7b8c9d0e1f", True),
        ("X-Service-Token", "abc", True),
        ("Cookie", "session=abc", True),
        ("Accept", "application/json", False),
        ("User-Agent", "vigil", False),
        ("Authorization", env_secret("API_AUTH"), False),  # a reference is the fix
    ],
)
def test_credentials_in_headers_are_recognised(name: str, value: object, secret: bool) -> None:
    assert (secret_in_header(name, value) is not None) is secret


def test_an_unset_environment_variable_is_reported_at_its_yaml_line(tmp_path: Path) -> None:
    module = """
        from vigil.spec import HttpMonitor, Stack
        def build(env, values):
            return Stack(app="m", env=env, uptime_plan="team", blocks=[HttpMonitor(
                name="API", url="https://a.example.com", headers=(("Authorization", values.secret("auth")),))])
    """
    stacks = _stacks(tmp_path, module, "app: m\nauth: {env: VIGIL_TEST_UNSET_AUTH}\n")
    loaded = read_stack("t", stacks)
    assert loaded.findings == []
    [finding] = missing_environment(loaded.stack, {})
    assert (finding.rule, finding.where.line) == ("secret-missing", 2)
    assert "VIGIL_TEST_UNSET_AUTH, which is not set" in finding.message
    assert missing_environment(loaded.stack, {"VIGIL_TEST_UNSET_AUTH": "Bearer x"}) == []


def test_names_are_shown_with_control_characters_escaped() -> None:
    assert shown("API\x1b[2J") == "API\\x1b[2J"
    assert shown("a\u202eb\u200fc") == "a\\u202eb\\u200fc"
    assert shown("Статус ✓ 🚀") == "Статус ✓ 🚀"  # letters and symbols stay as written

"""A provider's failure is one vigil line per object (the object, the API, the fix); the traceback
the provider process sent only with ``--debug``.

One deployment: a 5-monitor stack on an Uptime Robot account whose plan allows 3 monitors, so two
creates are refused by the emulator (HTTP 403, "monitor limit of your plan").
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import FIXTURE_PROJECT, ROOT, Result, SandboxApi
from vigil.engine.operations import provider_message

FIVE_MONITORS = "app: basic\nmonitors:\n" + "".join(
    f'  - {{name: M{i}, url: "http://127.0.0.1:9/m{i}", every: 5m}}\n' for i in range(5)
)


@dataclass
class Run:
    plain: Result
    debug: Result
    monitors: list[str]
    copy: Result  # a preview of a copy of the stack: its monitors are the other stack's


def _vigil(root: Path, *args: str) -> Result:
    from vigil.cli import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(["--project", str(root), *args])
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def over_the_limit(
    sandbox: SandboxApi, tmp_path_factory: pytest.TempPathFactory, pulumi_home: Path
) -> Iterator[Run]:
    base = tmp_path_factory.mktemp("provider-errors")
    root, state = base / "project", base / "state"
    shutil.copytree(FIXTURE_PROJECT, root)
    (root / "Pulumi.yaml").write_text("name: vigil-test\nruntime: python\n")
    shutil.copy(ROOT / "__main__.py", root / "__main__.py")
    (root / "stacks" / "t.yaml").write_text(FIVE_MONITORS)
    state.mkdir()
    account = sandbox.account("uptimerobot", plan="team", monitor_limit=3, rate_limit_per_minute=600)
    variables = {
        "UPTIMEROBOT_API_URL": account["url"],
        "UPTIMEROBOT_API_KEY": account["api_key"],
        "PULUMI_BACKEND_URL": state.as_uri(),
        "PULUMI_HOME": str(pulumi_home),
        "PULUMI_CONFIG_PASSPHRASE": "provider-errors-test",
        "VIGIL_SANDBOX_PORT": "0",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        for name in ("CI", "VIGIL_ENV", "VIGIL_PROJECT", "SENTRY_AUTH_TOKEN", "SLACK_BOT_TOKEN"):
            patch.delenv(name, raising=False)
        saved = dict(os.environ)
        plain = _vigil(root, "up", "--env", "t", "--yes")
        debug = _vigil(root, "up", "--env", "t", "--yes", "--debug")
        (root / "stacks" / "copy.yaml").write_text(FIVE_MONITORS)
        copy = _vigil(root, "preview", "--env", "copy")
        os.environ.clear()
        os.environ.update(saved)
    listed = requests.get(
        f"{account['url']}/monitors",
        headers={"Authorization": f"Bearer {account['api_key']}"},
        params={"limit": 200},
        timeout=10,
    ).json()["data"]
    yield Run(plain, debug, sorted(m["friendlyName"] for m in listed), copy)


@pytest.mark.engine
def test_each_refused_create_is_one_line_naming_object_api_and_fix(over_the_limit: Run) -> None:
    result = over_the_limit.plain
    assert result.exit_code == 1, result
    assert len(over_the_limit.monitors) == 3  # the plan's limit: the other two were refused
    failed = [line for line in result.stderr.splitlines() if "monitor limit of your plan" in line]
    assert len(failed) == 2, result  # the two monitors over the plan's 3, once each
    created = set(over_the_limit.monitors)
    named = {line.split("Uptime Robot monitor '", 1)[1].split("'", 1)[0] for line in failed}
    assert named == {f"M{i}" for i in range(5)} - created, result
    for line in failed:
        assert "Uptime Robot API: POST" in line and "HTTP 403" in line
        assert "remove monitors from the stack or upgrade the plan" in line  # the fix
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr, result
    assert "update failed" not in result.stderr  # the engine's closing line adds nothing
    assert "--debug" in result.stderr  # the hint says where the traceback is


@pytest.mark.engine
def test_debug_shows_the_providers_tracebacks(over_the_limit: Run) -> None:
    result = over_the_limit.debug
    assert result.exit_code == 1, result
    # One traceback per refused create, beside its one-line error. How many creates are refused in
    # this second `up` depends on whether the engine had started the second create before the first
    # failed (it starts no new step after a failure), so the count is matched, not fixed.
    objects = [line for line in result.stderr.splitlines() if line.startswith("  Uptime Robot monitor '")]
    assert 1 <= len(objects) <= 2, result
    assert result.stderr.count("Traceback (most recent call last):") == len(objects), result
    assert result.stderr.count("core.errors.AuthError") >= len(objects), result
    assert len([line for line in result.stderr.splitlines() if line.startswith("error: ")]) == 1


def test_pulumis_check_failure_wrapper_is_cut_to_vigils_message() -> None:
    wrapped = (
        "pulumi-python:dynamic/uptimerobot:Monitor resource 'monitor-api': property name value "
        "{API} has a problem: Uptime Robot monitor 'API': interval 30s is below the plan's 1m; fix: every: 1m"
    )
    assert provider_message(wrapped) == (
        "Uptime Robot monitor 'API': interval 30s is below the plan's 1m; fix: every: 1m",
        "",
    )
    packed = (
        "pulumi-python:dynamic/uptimerobot:Monitor resource 'monitor-api': property settings value "
        "{map[interval:{30}]} has a problem: Uptime Robot monitor 'API': interval too short"
    )
    assert provider_message(packed)[0] == "Uptime Robot monitor 'API': interval too short"
    unnamed = "pulumi-python:dynamic/slack:SlackChannel resource 'channel-ops' has a problem: no such team"
    assert provider_message(unnamed)[0] == "no such team"


def test_an_unexpected_provider_exception_is_named_by_its_resource() -> None:
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/x/pulumi/dynamic/__main__.py", line 84, in wrapper\n'
        "    return fn(self, request, context)\n"
        "KeyError: 'id'"
    )
    urn = "urn:pulumi:t::vigil-test::pulumi-python:dynamic/uptimerobot:Monitor::monitor-api"
    short, kept = provider_message(trace, urn)
    assert short == "uptimerobot:Monitor monitor-api: KeyError: 'id'"
    assert kept == trace


@pytest.mark.engine
def test_a_check_failure_reads_as_vigils_message_without_pulumis_wrapper(over_the_limit: Run) -> None:
    result = over_the_limit.copy  # a new stack declaring the monitors stack 't' owns
    assert result.exit_code == 1, result
    assert "has a problem" not in result.stderr and "property name value" not in result.stderr, result
    refused = [line for line in result.stderr.splitlines() if "belongs to the stack 't'" in line]
    assert refused and all(line.startswith("  Uptime Robot monitor 'M") for line in refused), result
    assert "Fixes: reference it as shared" in refused[0]

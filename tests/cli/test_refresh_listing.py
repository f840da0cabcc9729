"""`vigil refresh` lists what it would pull in, field by field in the stack's units, before asking;
declining writes nothing to the state.

One deployment: a one-monitor stack is up, then someone changes the monitor's interval from 5 to
10 minutes in the Uptime Robot account.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.cli.test_prompts import on_a_terminal
from tests.conftest import FIXTURE_PROJECT, ROOT, ProjectDir, Result, SandboxApi

pytestmark = pytest.mark.engine

STACK = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
"""


@dataclass
class Drifted:
    project: ProjectDir
    state: Path
    account: dict[str, str]

    def vigil(self, *args: str) -> Result:
        from vigil.cli import run

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run(["--project", str(self.project.root), *args])
        return Result(code, out.getvalue(), err.getvalue())

    def checkpoint(self) -> Path:
        [found] = [p for p in self.state.rglob("t.json") if ".pulumi/stacks" in str(p)]
        return found

    def state_interval(self) -> int:
        """The monitor's interval as the stack's state holds it (the file backend's checkpoint)."""
        latest = json.loads(self.checkpoint().read_text())["checkpoint"]["latest"]
        [monitor] = [r for r in latest["resources"] if r["type"].endswith("uptimerobot:Monitor")]
        outputs = monitor["outputs"]
        return int({**outputs, **(outputs.get("settings") or {})}["interval"])


@pytest.fixture(scope="module")
def drifted(
    sandbox: SandboxApi, tmp_path_factory: pytest.TempPathFactory, pulumi_home: Path
) -> Iterator[Drifted]:
    base = tmp_path_factory.mktemp("refresh-listing")
    root, state = base / "project", base / "state"
    shutil.copytree(FIXTURE_PROJECT, root)
    (root / "Pulumi.yaml").write_text("name: vigil-test\nruntime: python\n")
    shutil.copy(ROOT / "__main__.py", root / "__main__.py")
    (root / "stacks" / "t.yaml").write_text(STACK)
    state.mkdir()
    account = sandbox.account("uptimerobot", plan="team")
    variables = {
        "UPTIMEROBOT_API_URL": account["url"],
        "UPTIMEROBOT_API_KEY": account["api_key"],
        "PULUMI_BACKEND_URL": state.as_uri(),
        "PULUMI_HOME": str(pulumi_home),
        "PULUMI_CONFIG_PASSPHRASE": "refresh-listing-test",
        "VIGIL_SANDBOX_PORT": "0",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        for name in ("CI", "VIGIL_ENV", "VIGIL_PROJECT", "SENTRY_AUTH_TOKEN", "SLACK_BOT_TOKEN"):
            patch.delenv(name, raising=False)
        saved = dict(os.environ)
        world = Drifted(ProjectDir(root), state, account)
        up = world.vigil("up", "--env", "t", "--yes")
        assert up.exit_code == 0, up
        headers = {"Authorization": f"Bearer {account['api_key']}"}
        [monitor] = requests.get(f"{account['url']}/monitors", headers=headers, timeout=10).json()["data"]
        changed = requests.patch(
            f"{account['url']}/monitors/{monitor['id']}", json={"interval": 600}, headers=headers, timeout=10
        )
        assert changed.status_code == 200, changed.text
        yield world
        os.environ.clear()
        os.environ.update(saved)


def test_declining_lists_the_pulled_fields_first_and_writes_nothing(drifted: Drifted) -> None:
    before = drifted.checkpoint().read_bytes()
    assert drifted.state_interval() == 300
    code, screen = on_a_terminal(drifted.project, "refresh", "--env", "t", answer="n")
    assert code == 0, screen
    question = screen.index("Write these live values into the state of 't'? [y/N]")
    listing = screen[:question]
    assert "~ uptimerobot:Monitor monitor-api (live differs)" in listing, screen
    assert "    interval: 5m → 10m\n" in listing, screen  # state → live, in the stack's units
    assert listing.count(" → ") == 1, screen  # only the field that differs
    assert "t: 1 resource(s) differ from the state" in listing
    assert "Cancelled, nothing applied" in screen[question:]
    assert drifted.checkpoint().read_bytes() == before  # declining wrote nothing
    assert drifted.state_interval() == 300


def test_without_a_terminal_it_lists_then_needs_yes(drifted: Drifted) -> None:
    before = drifted.checkpoint().read_bytes()
    result = drifted.vigil("refresh", "--env", "t")
    assert result.exit_code == 3, result
    assert "    interval: 5m → 10m\n" in result.stdout, result
    assert "refresh of 't' needs confirmation" in result.stderr
    assert drifted.checkpoint().read_bytes() == before


def test_yes_pulls_the_value_in_and_lists_it(drifted: Drifted) -> None:
    result = drifted.vigil("refresh", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    [pulled] = result.json["pulled"]
    assert (pulled["type"], pulled["name"], pulled["op"]) == ("uptimerobot:Monitor", "monitor-api", "update")
    assert [(f["field"], f["old"], f["new"]) for f in pulled["fields"]] == [("interval", 300, 600)]
    assert drifted.state_interval() == 600
    again = drifted.vigil("refresh", "--env", "t")  # nothing differs now: nothing asked, nothing written
    assert again.exit_code == 0, again
    assert "t: the state matches what is live" in again.stdout


def test_an_object_deleted_outside_vigil_is_listed_as_leaving_the_state(drifted: Drifted) -> None:
    headers = {"Authorization": f"Bearer {drifted.account['api_key']}"}
    url = drifted.account["url"]
    [monitor] = requests.get(f"{url}/monitors", headers=headers, timeout=10).json()["data"]
    assert requests.delete(f"{url}/monitors/{monitor['id']}", headers=headers, timeout=10).ok
    before = drifted.checkpoint().read_bytes()
    result = drifted.vigil("refresh", "--env", "t")
    assert result.exit_code == 3, result
    assert "- uptimerobot:Monitor monitor-api (deleted outside vigil: leaves the state)" in result.stdout, (
        result
    )
    assert drifted.checkpoint().read_bytes() == before

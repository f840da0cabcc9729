"""Pending operations a killed run left in the state are resolved by the next `up`, and reported."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount

pytestmark = pytest.mark.engine

TWO = """
app: basic
monitors:
  - {name: API, url: "http://127.0.0.1:9/health", every: 5m}
  - {name: Web, url: "http://127.0.0.1:9/", every: 5m}
"""


def test_pending_creates_are_resolved_by_the_next_up_and_reported(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", TWO)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    path = Path(os.environ["PULUMI_BACKEND_URL"].removeprefix("file://")) / ".pulumi/stacks/vigil-test/t.json"
    document = json.loads(path.read_text())
    latest = document["checkpoint"]["latest"]
    monitor = next(r for r in latest["resources"] if r["urn"].endswith("::monitor-api"))
    gone = {**monitor, "urn": monitor["urn"].replace("monitor-api", "monitor-old")}
    # What a kill between "create sent" and "create recorded" leaves: the engine keeps these forever.
    latest["pending_operations"] = [
        {"resource": monitor, "type": "creating"},
        {"resource": gone, "type": "creating"},
    ]
    path.write_text(json.dumps(document))
    Path(str(path) + ".attrs").unlink(missing_ok=True)

    result = project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 0, result
    assert "resolved 1 pending operation(s)" in result.stderr and "monitor-api" in result.stderr
    assert (
        "cleared 1 pending operation(s) of resources no longer in the stack (creating monitor-old)"
        in result.stderr
    )
    after = json.loads(path.read_text())["checkpoint"]["latest"]
    assert after.get("pending_operations") in (None, [])
    assert sorted(m["friendlyName"] for m in uptimerobot.monitors()) == ["API", "Web"]
    again = project.vigil("up", "--env", "t", "--yes")
    assert again.exit_code == 0 and "pending operation" not in again.stderr


@pytest.mark.parametrize(("given", "engine_gets"), [(None, "true"), ("false", "false"), ("true", "true")])
def test_the_engine_saves_only_the_final_snapshot_unless_the_caller_asks_for_checkpoints(
    tmp_path: Path, given: str | None, engine_gets: str
) -> None:
    """Pending operations come from checkpoints: vigil's default skips them (engine/workspace.py);
    PULUMI_SKIP_CHECKPOINTS=false in the caller's environment is the way back to the engine's."""
    from vigil.engine.workspace import Project, engine_environment

    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    environ = {"PULUMI_CONFIG_PASSPHRASE": "x", **({"PULUMI_SKIP_CHECKPOINTS": given} if given else {})}
    engine = engine_environment(Project(tmp_path), environ, env_name="t")
    assert engine.variables["PULUMI_SKIP_CHECKPOINTS"] == engine_gets

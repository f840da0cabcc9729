"""`vigil sla` finds what `vigil up` created: the monitors by the ids in the state (so a monitor
renamed in the dashboard is still the stack's) and the Sentry project by its slug (one engine
deployment in this module)."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ProjectDir
from tests.sla.sla_world import make_world, own_sandbox  # noqa: F401 (a fixture)
from vigil.sandbox.core.server import SandboxServer


@pytest.mark.engine
def test_sla_reads_the_objects_vigil_up_created(
    own_sandbox: SandboxServer,  # noqa: F811 (the imported fixture)
    project: ProjectDir,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = make_world(own_sandbox, project.root, monkeypatch, create=False)
    applied = project.vigil("up", "--env", "prod", "--yes")
    assert applied.exit_code == 0, applied
    world.find_live()
    assert set(world.monitor_ids) == {"API", "Docs"} and world.project_id
    world.status("API", "UP", response_ms=80)
    world.advance(300)
    world.status("API", "DOWN")
    world.advance(240)
    world.status("API", "UP", response_ms=120)
    at = world.now() - 30
    world.send(world.transactions([300.0] * 1000, at) + world.errors(1, at))
    world.advance(2)  # the report's window ends at the API's clock in whole seconds: past the new issue
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result  # 4 min down in a day: 99.72% ≥ 99%; 1 error in 1000 = 0.1% ≤ 0.1%
    document = result.json
    api = next(m for m in document["monitors"] if m["name"] == "API")
    assert (
        api["found"] and api["incidents"]["count"] == 1 and api["downtime_min"] == pytest.approx(4, abs=0.1)
    )
    [backend] = document["projects"]
    assert backend["found"] and (backend["errors"], backend["transactions"]) == (1, 1000)
    assert backend["issues_opened"] == 1  # the one error became one issue (the emulator's issues search)
    assert not [note for note in document["notes"] if "issues search" in note]
    # edited in the dashboard: the state's id still says which monitor is the stack's
    auth = {"Authorization": f"Bearer {world.ur_key}"}
    renamed = requests.patch(
        f"{world.ur_url}/monitors/{world.monitor_ids['API']}",
        json={"friendlyName": "API (renamed by hand)", "url": "https://moved.example/health"},
        headers=auth,
        timeout=10,
    )
    assert renamed.status_code == 200, renamed.text
    gone = requests.delete(f"{world.ur_url}/monitors/{world.monitor_ids['Docs']}", headers=auth, timeout=10)
    assert gone.status_code == 200, gone.text
    again = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert again.exit_code == 0, again
    api = next(m for m in again.json["monitors"] if m["name"] == "API")
    assert api["found"] and api["incidents"]["count"] == 1
    docs = next(m for m in again.json["monitors"] if m["name"] == "Docs")
    assert docs["found"] is False
    assert (
        f"monitor 'Docs' (id {world.monitor_ids['Docs']} in the state) is gone from the Uptime Robot account"
        in " ".join(again.json["notes"])
    )

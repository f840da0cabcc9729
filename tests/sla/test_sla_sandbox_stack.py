"""`vigil sla --env sandbox` on the shipped Conductor stack reads the running sandbox's accounts."""

from __future__ import annotations

from tests.conftest import ProjectDir


def test_the_conductor_sandbox_stack_is_measured_against_its_targets(conductor: ProjectDir) -> None:
    result = conductor.vigil("sla", "--env", "sandbox", "--window", "24h", "--json")
    assert result.exit_code == 0, result  # nothing deployed yet: nothing measured, nothing breached
    document = result.json
    assert [m["name"] for m in document["monitors"]] == [
        "Backend API",
        "Frontend",
        "Database health",
        "AI endpoints",
    ]
    assert not any(m["found"] for m in document["monitors"])
    assert [d["severity"] for d in document["detection"]] == ["P0", "P2"]
    p0 = document["detection"][0]
    assert p0["worst_case_s"] == 300.0 and {c["name"]: c["target"] for c in p0["checks"]} == {"mttd": 300.0}
    assert "monitor 'Backend API' is not in the Uptime Robot account" in document["notes"][0]
    assert "Sentry project 'backend' is not in the organization: run `vigil up`" in document["notes"]
    assert document["calls"] == {"sentry list_projects": 1, "uptimerobot list_monitors": 1}

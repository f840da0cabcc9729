"""A shared S3 state backend, for real: the Pulumi engine against an S3 server process on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
import requests

from tests.conftest import ProjectDir
from tests.engine.s3 import S3Server

pytestmark = pytest.mark.engine


def _monitor_names(project: ProjectDir) -> list[str]:
    status = project.vigil("sandbox", "status", "--json").json["uptimerobot"]
    headers = {"Authorization": f"Bearer {status['api_key']}"}
    data = requests.get(f"{status['url']}/monitors", headers=headers, timeout=5).json()["data"]
    return sorted(m["friendlyName"] for m in data)


def test_the_sandbox_stack_lives_in_an_s3_bucket_up_preview_drift_destroy(
    conductor: ProjectDir, s3_server: S3Server, s3_bucket: str
) -> None:
    up = conductor.vigil("up", "--env", "sandbox", "--yes", "--json")
    assert up.exit_code == 0, up
    assert _monitor_names(conductor) == ["AI endpoints", "Backend API", "Database health", "Frontend"]
    keys = s3_server.keys(s3_bucket)
    assert ".pulumi/stacks/vigil-test/sandbox.json" in keys
    assert not [k for k in keys if k.startswith(".pulumi/locks/") and k.endswith(".json")]  # released
    assert not (conductor.root / ".vigil" / "state").exists()  # nothing on this laptop
    checkpoint = json.loads(
        s3_server.client()
        .get_object(Bucket=s3_bucket, Key=keys[keys.index(".pulumi/stacks/vigil-test/sandbox.json")])["Body"]
        .read()
    )
    assert len(checkpoint["checkpoint"]["latest"]["resources"]) > 10

    clean = conductor.vigil("preview", "--env", "sandbox", "--expect-no-changes")
    assert clean.exit_code == 0, clean
    drift = conductor.vigil("drift", "--env", "sandbox", "--json")
    assert drift.exit_code == 0, drift
    assert drift.json["drifted"] is False and drift.json["summary"]["unmanaged"] == 0

    gone = conductor.vigil("destroy", "--env", "sandbox", "--yes")
    assert gone.exit_code == 0, gone
    assert _monitor_names(conductor) == []
    after = json.loads(
        s3_server.client()
        .get_object(Bucket=s3_bucket, Key=".pulumi/stacks/vigil-test/sandbox.json")["Body"]
        .read()
    )
    assert after["checkpoint"]["latest"].get("resources") in (None, [])

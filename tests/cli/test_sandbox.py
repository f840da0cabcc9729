"""`vigil sandbox start|status|stop` and the Conductor sandbox stack, end to end on the real daemon."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ProjectDir

pytestmark = pytest.mark.engine


def test_sandbox_start_status_stop(conductor: ProjectDir) -> None:
    started = conductor.vigil("sandbox", "start", "--json")
    assert started.exit_code == 0, started
    status = conductor.vigil("sandbox", "status", "--json")
    assert status.exit_code == 0, status
    document = status.json
    assert set(document) == {"uptimerobot", "sentry", "slack", "target"}
    target = document.pop("target")  # the stand-in application, beside the three services
    assert document["uptimerobot"]["url"].endswith("/uptimerobot/v3") and document["uptimerobot"]["api_key"]
    assert {"url", "token", "org"} <= set(document["sentry"]) and document["sentry"]["url"].endswith(
        "/sentry"
    )
    assert {"url", "token", "webhook_url"} <= set(document["slack"]) and document["slack"]["url"].endswith(
        "/api"
    )
    wrong = requests.get(
        f"{document['uptimerobot']['url']}/monitors", timeout=5, headers={"Authorization": "Bearer wrong"}
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "003-005"
    table = conductor.vigil("sandbox", "status")
    assert table.exit_code == 0, table
    rows = [line.split(maxsplit=2) for line in table.stdout.splitlines()]
    assert rows == [["service", "url", "credentials"]] + [
        [service, info["url"], ", ".join(k for k in info if k != "url") + " (see --json)"]
        for service, info in document.items()
    ] + [["target", target["url"], "the stand-in app the sandbox stack monitors"]], table
    secrets = [
        v for info in document.values() for k, v in info.items() if k in ("api_key", "token", "webhook_url")
    ]
    assert secrets and not [v for v in secrets if v in table.stdout]
    assert conductor.vigil("sandbox", "stop").exit_code == 0
    assert conductor.vigil("sandbox", "status").exit_code == 1


def test_up_on_the_sandbox_starts_it_and_creates_the_whole_plan(conductor: ProjectDir) -> None:
    result = conductor.vigil("up", "--env", "sandbox", "--yes", "--json")
    assert result.exit_code == 0, result
    status = conductor.vigil("sandbox", "status", "--json").json
    ur = status["uptimerobot"]
    headers = {"Authorization": f"Bearer {ur['api_key']}"}
    monitors = requests.get(f"{ur['url']}/monitors", headers=headers, timeout=5).json()["data"]
    assert sorted(m["friendlyName"] for m in monitors) == [
        "AI endpoints",
        "Backend API",
        "Database health",
        "Frontend",
    ]
    by_name = {m["friendlyName"]: m for m in monitors}
    assert by_name["Backend API"]["interval"] == 300 and by_name["Database health"]["interval"] == 600
    assert by_name["AI endpoints"]["keywordValue"] == '"status":"healthy"'
    psps = requests.get(f"{ur['url']}/psps", headers=headers, timeout=5).json()["data"]
    assert len(psps) == 1 and sorted(psps[0]["monitorIds"]) == sorted(m["id"] for m in monitors)
    sentry = status["sentry"]
    projects = requests.get(
        f"{sentry['url']}/api/0/organizations/{sentry['org']}/projects/",
        timeout=5,
        headers={"Authorization": f"Bearer {sentry['token']}"},
    ).json()
    assert sorted((p["slug"], p["platform"]) for p in projects) == [
        ("backend", "python-fastapi"),
        ("frontend", "javascript-angular"),
    ]
    clean = conductor.vigil("preview", "--env", "sandbox", "--refresh", "--expect-no-changes")
    assert clean.exit_code == 0, clean
    verify = conductor.vigil("verify", "--env", "sandbox", "--slack", "--json")
    assert verify.exit_code == 0, verify
    assert verify.json["passed"] is True and verify.json["would_alert"] == []


def test_plain_pulumi_runs_the_same_program(conductor: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import subprocess

    from vigil.engine.pulumi_cli import find_pulumi

    assert conductor.vigil("sandbox", "start").exit_code == 0
    exports = conductor.vigil("sandbox", "env").stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    # What plain `pulumi` needs comes from the exports alone: the built CLI on PATH, the backend,
    # the interpreter that has vigil (no variable of this test's process helps it).
    for name in ("PULUMI_BACKEND_URL", "PULUMI_PYTHON_CMD", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE"):
        assert f"export {name}=" in exports, exports
    for line in exports.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value.strip("'")
    binary = find_pulumi()
    assert str(binary.bin_dir) in env["PATH"].split(os.pathsep)[:2]
    run = subprocess.run(
        [str(binary.path), "up", "--stack", "sandbox", "--yes", "--non-interactive", "--skip-preview"],
        cwd=conductor.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if run.returncode != 0 and "no stack named" in run.stderr:
        subprocess.run(
            [str(binary.path), "stack", "init", "sandbox", "--non-interactive"],
            cwd=conductor.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        run = subprocess.run(
            [str(binary.path), "up", "--stack", "sandbox", "--yes", "--non-interactive"],
            cwd=conductor.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "created" in run.stdout
    after = conductor.vigil("preview", "--env", "sandbox", "--expect-no-changes")
    assert after.exit_code == 0, after

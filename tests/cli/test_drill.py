"""`vigil drill` on the sandbox stack: the real engine deploys the Conductor stack once for the
module, the sandbox daemon monitors it at 60× (a sandbox minute per real second), and each test
drills it — a pass, then each way an alert path breaks — and checks what the emulators hold.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import FIXTURE_PROJECT, ROOT, ProjectDir, Result, reserved_ports

pytestmark = pytest.mark.engine
SPEED = 60.0


def _yaml(port: int) -> str:
    text = (ROOT / "stacks" / "sandbox.yaml").read_text().replace("8711", str(port + 1))
    # a plan that allows 1-minute checks, so every P0 path fits the 5-minute MTTD with room to spare
    text = text.replace("uptime_plan: free", "uptime_plan: team")
    return text.replace("intervals: {api: 5m, frontend: 5m, database: 10m, ai: 10m}",
                        "intervals: {api: 1m, frontend: 1m, database: 2m, ai: 2m}")  # fmt: skip


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory, pulumi_home: Path) -> Iterator[ProjectDir]:
    with reserved_ports() as port:  # the sandbox's API port and its stand-in's, held until it stops
        yield from _deploy(tmp_path_factory, pulumi_home, port)


def _deploy(tmp_path_factory: pytest.TempPathFactory, pulumi_home: Path, port: int) -> Iterator[ProjectDir]:
    base = tmp_path_factory.mktemp("drill")
    root = base / "project"
    shutil.copytree(FIXTURE_PROJECT, root)
    (root / "Pulumi.yaml").write_text("name: vigil-test\nruntime: python\n")
    shutil.copy(ROOT / "__main__.py", root / "__main__.py")
    shutil.copy(ROOT / "stacks" / "conductor.py", root / "stacks" / "conductor.py")
    (base / "state").mkdir()
    project = ProjectDir(root)
    project.write_env("sandbox", _yaml(port))
    saved = dict(os.environ)
    for name in ("SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SLACK_BOT_TOKEN", "SLACK_API_URL",
                 "SLACK_WEBHOOK_URL", "VIGIL_ENV", "UPTIMEROBOT_API_KEY", "UPTIMEROBOT_API_URL", "CI",
                 "PULUMI_CONFIG_PASSPHRASE", "VIGIL_PROJECT"):  # fmt: skip
        os.environ.pop(name, None)
    os.environ.update({"PULUMI_BACKEND_URL": (base / "state").as_uri(), "PULUMI_HOME": str(pulumi_home),
                       "VIGIL_SANDBOX_PORT": str(port)})  # fmt: skip
    try:
        up = project.vigil("up", "--env", "sandbox", "--yes")
        assert up.exit_code == 0, up
        requests.post(
            f"http://127.0.0.1:{port}/_sandbox/clock", json={"speed": SPEED}, timeout=10
        ).raise_for_status()
        yield project
    finally:
        project.vigil("sandbox", "stop")
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def project(deployed: ProjectDir) -> ProjectDir:
    """Overrides conftest's: every test here shares the module's deployment."""
    return deployed


def _status(project: ProjectDir) -> dict[str, Any]:
    result = project.vigil("sandbox", "status", "--json")
    assert result.exit_code == 0, str(result)
    return dict(result.json)


def _ur(project: ProjectDir, method: str, path: str, body: Any = None) -> Any:
    status = _status(project)["uptimerobot"]
    response = requests.request(method, f"{status['url']}{path}", json=body, timeout=10,
                                headers={"Authorization": f"Bearer {status['api_key']}"})  # fmt: skip
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _sentry(project: ProjectDir, method: str, path: str, body: Any = None) -> Any:
    status = _status(project)["sentry"]
    response = requests.request(method, f"{status['url']}/api/0/{path.format(org=status['org'])}", json=body,
                                timeout=10, headers={"Authorization": f"Bearer {status['token']}"})  # fmt: skip
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _monitor(project: ProjectDir, name: str) -> dict[str, Any]:
    return next(m for m in _ur(project, "GET", "/monitors")["data"] if m["friendlyName"] == name)


def _drill(project: ProjectDir, *args: str) -> Result:
    return project.vigil("drill", "--env", "sandbox", "--json", *args)


def _by_channel(result: Result) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["name"], r["channel"]): r for r in result.json["results"]}


def _target_failing(project: ProjectDir) -> list[str]:
    server = json.loads((project.root / ".vigil" / "sandbox" / "server.json").read_text())
    return list(requests.get(f"{server['target_url']}/_target/health", timeout=10).json()["failing"])


def test_the_drill_passes_and_the_alerts_are_where_people_read_them(project: ProjectDir) -> None:
    before = {m["id"] for m in _ur(project, "GET", "/monitors")["data"]}
    result = _drill(project)
    assert result.exit_code == 0, str(result)
    rows = _by_channel(result)
    assert set(rows) == {("Backend API", "slack"), ("Backend API", "email"), ("Database health", "slack"),
                         ("Database health", "email"), ("backend errors", "#incidents"),
                         ("backend errors", "email"), ("frontend errors", "#incidents"),
                         ("frontend errors", "email")}  # fmt: skip
    for row in rows.values():
        assert row["passed"] and row["notify_s"] is not None and row["notify_s"] <= row["target_s"], row
    api = rows[("Backend API", "slack")]
    # detected no sooner than the confirmation check (the upper bound is the target, asserted above)
    assert api["detect_s"] >= 30
    messages = project.vigil("sandbox", "messages", "--json").json["messages"]
    slack_texts = [m["text"] for m in messages if m["source"] == "slack"]
    assert any(t.startswith("Monitor is DOWN: Backend API") for t in slack_texts)
    assert any("VigilDrillError" in t for t in slack_texts)
    mails = [m for m in messages if m["source"] == "uptimerobot" and m["channel"] == "email"]
    assert any(
        m["to"] == "ops@conductor.example" and m["text"] == "Monitor is DOWN: Backend API" for m in mails
    )
    # the incident was opened by the drill and is closed after it; nothing temporary is left
    incidents = result.json["incidents"]
    assert len(incidents) == 2
    for incident_id in incidents:
        assert _ur(project, "GET", f"/incidents/{incident_id}")["resolvedAt"] is not None
    assert _target_failing(project) == []
    assert {m["id"] for m in _ur(project, "GET", "/monitors")["data"]} == before
    # the history beside the state holds the results, for `vigil sla`
    from vigil.engine.backend import open_store
    from vigil.engine.drill_history import DrillHistory

    store = open_store(os.environ["PULUMI_BACKEND_URL"], dict(os.environ))
    kept = DrillHistory.in_store(store, "vigil-test", "sandbox").load()
    assert [(r.name, r.channel, r.passed) for r in kept[-8:]] == [
        (r["name"], r["channel"], r["passed"]) for r in result.json["results"]
    ]
    table = project.vigil("sandbox", "messages")
    assert (
        table.exit_code == 0
        and "Monitor is DOWN: Backend API" in table.stdout
        and "status pages:" in table.stdout
    )


def test_the_terminal_shows_a_row_per_monitor_and_channel_and_the_verdict(project: ProjectDir) -> None:
    result = project.vigil("drill", "--env", "sandbox", "--monitor", "Backend API", "--no-sentry")
    assert result.exit_code == 0, str(result)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["what", "severity", "channel", "detect", "notify", "target", "result"]
    rows = [line.split() for line in lines if line.startswith("monitor Backend API")]
    assert sorted(row[4] for row in rows) == ["email", "slack"]
    assert all(row[3] == "P0" and row[-2] == "5m" and row[-1] == "pass" for row in rows)
    assert "drill of 'sandbox' passed: 2 alert path(s) within target" in result.stdout


def test_an_active_maintenance_window_is_reported_as_suppressed_with_its_name(project: ProjectDir) -> None:
    api = _monitor(project, "Backend API")
    window = _ur(project, "POST", "/maintenance-windows", {"name": "deploy freeze", "interval": "daily",
                                                           "time": "00:00:00", "duration": 1440,
                                                           "monitorIds": [api["id"]]})  # fmt: skip
    try:
        result = _drill(project, "--monitor", "Backend API", "--no-sentry")
    finally:
        _ur(project, "DELETE", f"/maintenance-windows/{window['id']}")
    assert result.exit_code == 1, str(result)
    for channel in ("slack", "email"):
        row = _by_channel(result)[("Backend API", channel)]
        assert row["passed"] is False
        assert row["detail"] == "alert suppressed by maintenance window 'deploy freeze'"
    assert _target_failing(project) == []


def test_a_slack_integration_removed_from_the_monitor_fails_that_channel(project: ProjectDir) -> None:
    api = _monitor(project, "Backend API")
    original = api["assignedAlertContacts"]
    integrations = {i["id"] for i in _ur(project, "GET", "/integrations")["data"]}
    kept = [c for c in original if c["alertContactId"] not in integrations]
    _ur(project, "PATCH", f"/monitors/{api['id']}", {"assignedAlertContacts": kept})
    try:
        result = _drill(project, "--monitor", "Backend API", "--no-sentry")
    finally:
        _ur(project, "PATCH", f"/monitors/{api['id']}", {"assignedAlertContacts": original})
    assert result.exit_code == 1, str(result)
    rows = _by_channel(result)
    assert rows[("Backend API", "slack")]["detail"].startswith(
        "the Slack integration 'slack' is not among monitor 'Backend API''s alert contacts"
    )
    assert rows[("Backend API", "email")]["passed"] is True


def test_a_burst_below_the_threshold_is_named_when_the_alert_stays_silent(project: ProjectDir) -> None:
    [workflow] = [
        w for w in _sentry(project, "GET", "organizations/{org}/workflows/") if w["name"] == "backend errors"
    ]
    original = dict(workflow)
    spike_only = dict(workflow)
    spike_only["triggers"] = {**workflow["triggers"],
                              "conditions": [c for c in workflow["triggers"]["conditions"]
                                             if c["type"] != "first_seen_event"]}  # fmt: skip
    _sentry(project, "PUT", f"organizations/{{org}}/workflows/{workflow['id']}/", spike_only)
    try:
        result = _drill(project, "--no-uptime", "--burst", "5")
    finally:
        _sentry(project, "PUT", f"organizations/{{org}}/workflows/{workflow['id']}/", original)
    assert result.exit_code == 1, str(result)
    row = _by_channel(result)[("backend errors", "#incidents")]
    assert row["detail"] == "the burst of 5 events does not cross the alert's threshold (more than 10 in 1m)"


def test_two_drills_of_one_environment_never_run_at_once(project: ProjectDir) -> None:
    from vigil.drill.lock import DrillLock
    from vigil.engine.backend import open_store

    store = open_store(os.environ["PULUMI_BACKEND_URL"], dict(os.environ))
    lock = DrillLock.in_store(store, "vigil-test", "sandbox")
    lock.acquire("sandbox")
    try:
        result = _drill(project, "--no-sentry")
    finally:
        lock.release()
    assert result.exit_code == 1
    assert "a drill of 'sandbox' is already running" in result.json["error"]["message"]
    assert _target_failing(project) == []


def test_ctrl_c_during_a_drill_switches_the_target_back_on(project: ProjectDir) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--project", str(project.root), "drill", "--env", "sandbox",
         "--no-sentry", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _target_failing(project):
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    assert _target_failing(project), "the drill never switched the target off"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert _target_failing(project) == []
    from vigil.drill.lock import DrillLock
    from vigil.engine.backend import open_store

    store = open_store(os.environ["PULUMI_BACKEND_URL"], dict(os.environ))
    assert DrillLock.in_store(store, "vigil-test", "sandbox").holder() is None


def test_a_webhook_that_answers_404_fails_the_slack_channel(project: ProjectDir) -> None:
    """Last: the revoked webhook stays revoked."""
    webhook = _status(project)["slack"]["webhook_url"]
    url = _status(project)["slack"]["url"].rsplit("/slack", 1)[0]
    requests.post(
        f"{url}/_sandbox/slack/webhooks/revoke", json={"webhook_url": webhook}, timeout=10
    ).raise_for_status()
    result = _drill(project, "--monitor", "Backend API", "--no-sentry")
    assert result.exit_code == 1, str(result)
    row = _by_channel(result)[("Backend API", "slack")]
    assert row["detail"] == "alert not delivered: the receiver answered HTTP 404"

"""`vigil sla`: live figures against the stack's targets, on a sandbox whose clock the tests advance.

Downtime is driven through the control plane (``POST /_sandbox/uptimerobot/monitor-status``) while
the clock moves on, events arrive through the project's DSN, drills are written with
engine/drill_history.py — then the CLI reads them as it reads real accounts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.conftest import ProjectDir
from tests.sla.sla_world import World, make_world, own_sandbox  # noqa: F401 (a fixture)
from vigil.commands.context import AppContext
from vigil.engine.drill_history import DrillHistory, DrillResult
from vigil.sandbox.core.server import SandboxServer
from vigil.spec.units import seconds

DOWN_S = 1800  # the API monitor is down for 30 minutes
DAY = 86400


@pytest.fixture
def world(own_sandbox: SandboxServer, project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: F811
    return make_world(own_sandbox, project.root, monkeypatch)


def healthy(world: World) -> None:
    for name in ("API", "Docs"):
        world.status(name, "UP", response_ms=100)
    world.advance(600)
    for name in ("API", "Docs"):
        world.status(name, "UP", response_ms=300)


def outage(world: World) -> None:
    """API: up, then down for DOWN_S (the clock moves through it), then up again."""
    world.status("API", "UP", response_ms=100)
    world.status("Docs", "UP", response_ms=100)
    world.advance(600)
    world.status("API", "DOWN", reason="Connection Timeout")
    world.advance(DOWN_S)
    world.status("API", "UP", response_ms=300)
    world.status("Docs", "UP", response_ms=300)
    world.advance(600)


def monitor(document: dict, name: str) -> dict:
    return next(m for m in document["monitors"] if m["name"] == name)


def test_a_known_outage_gives_its_downtime_uptime_and_one_incident_and_breaches_p0(
    world: World, project: ProjectDir
) -> None:
    outage(world)
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 2, result
    document = result.json
    api = monitor(document, "API")
    assert api["found"] is True
    assert abs(api["downtime_min"] * 60 - DOWN_S) <= 60  # ±1 check interval (API: every 1m)
    assert api["uptime_pct"] == pytest.approx(100 * (DAY - DOWN_S) / DAY, abs=0.07)
    assert api["incidents"]["count"] == 1
    assert api["incidents"]["longest_s"] == pytest.approx(DOWN_S, abs=1)
    assert api["incidents"]["open_now"] is False
    assert api["mttr_s"] == pytest.approx(DOWN_S, abs=1)
    states = {c["name"]: c["state"] for c in api["checks"]}
    assert states == {"uptime": "breached", "mttr": "met"}  # 97.92% < 99%; 30m ≤ 1h
    assert api["avg_response_ms"] == 200 and api["p95_response_ms"] == pytest.approx(290)
    docs = monitor(document, "Docs")
    assert docs["uptime_pct"] == 100 and docs["incidents"]["count"] == 0
    assert document["verdict"] == "breached"
    assert document["breaches"] == ["monitor 'API' uptime"]


def test_a_healthy_environment_exits_0_and_says_met(world: World, project: ProjectDir) -> None:
    healthy(world)
    world.send(world.transactions([100.0] * 10, world.now() - 60))
    result = project.vigil("sla", "--env", "prod", "--window", "24h")
    assert result.exit_code == 0, result
    assert "SLA of slaapp/prod over 24h" in result.stdout and ": met" in result.stdout
    assert "100% (≥ 99%, met)" in result.stdout


def test_an_open_incident_counts_as_open_now_with_its_duration_so_far(
    world: World, project: ProjectDir
) -> None:
    world.status("API", "UP", response_ms=100)
    world.advance(300)
    world.status("API", "DOWN")
    world.advance(5400)  # 1h30 down, still down
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 2, result
    api = monitor(result.json, "API")
    assert api["incidents"]["open_now"] is True and api["incidents"]["count"] == 1
    assert api["mttr_s"] == pytest.approx(5400, abs=2)
    assert {c["name"]: c["state"] for c in api["checks"]}["mttr"] == "breached"  # 1h30 > 1h (P0)


def test_a_p2_outage_is_reported_beside_no_uptime_target_and_its_own_mttr(
    world: World, project: ProjectDir
) -> None:
    world.status("API", "UP", response_ms=100)
    world.status("Docs", "UP", response_ms=100)
    world.advance(300)
    world.status("Docs", "DOWN")
    world.advance(7200)  # 2h: far below 99% of a day, within P2's 1d
    world.status("Docs", "UP", response_ms=100)
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result
    docs = monitor(result.json, "Docs")
    assert docs["uptime_pct"] == pytest.approx(100 * (DAY - 7200) / DAY, abs=0.01)
    assert {c["name"]: (c["state"], c["target"]) for c in docs["checks"]} == {"mttr": ("met", 86400.0)}


def test_sentry_error_rate_is_exact_and_above_the_target_breaches(world: World, project: ProjectDir) -> None:
    healthy(world)
    at = world.now() - 120
    durations = [100.0 * i for i in range(1, 21)]  # 20 transactions, 100 ms … 2 s
    world.send(world.transactions(durations * 50, at) + world.errors(3, at))  # 1000 transactions, 3 errors
    world.send(world.errors(2, world.now() - 2 * DAY))  # outside the window
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 2, result
    [backend] = result.json["projects"]
    assert (backend["errors"], backend["transactions"]) == (3, 1000)
    assert backend["error_rate_pct"] == 0.3  # 3 / 1000, sample rate 1.0
    assert backend["p95_transaction_ms"] == pytest.approx(1905.0, abs=0.5)  # 1900 + 0.05 × 100
    assert {c["name"]: c["state"] for c in backend["checks"]} == {"error_rate": "breached", "p95": "breached"}
    assert sorted(result.json["breaches"]) == ["project 'backend' error_rate", "project 'backend' p95"]


def test_sentry_error_rate_below_the_target_is_met(world: World, project: ProjectDir) -> None:
    healthy(world)
    at = world.now() - 60
    world.send(world.transactions([200.0] * 2000, at) + world.errors(1, at))
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result
    [backend] = result.json["projects"]
    assert backend["error_rate_pct"] == 0.05 and backend["p95_transaction_ms"] == 200.0


def _drill(world: World, name: str, severity: str, detect_s: float | None, ago_s: float) -> DrillResult:
    started = datetime.fromtimestamp(world.now() - ago_s, UTC)
    return DrillResult(
        started, "uptimerobot", name, severity, "slack", detect_s, detect_s, 300.0, detect_s is not None
    )


def test_detection_reads_the_drill_history_beside_the_worst_case(world: World, project: ProjectDir) -> None:
    healthy(world)
    store, name = AppContext(project_dir=project.root).state_store("prod")
    history = DrillHistory.in_store(store, name, "prod")
    history.append(
        [
            _drill(world, "API", "P0", 120.0, 3600),
            _drill(world, "API", "P0", 480.0, 1800),  # mean 5m: at the target, met
            _drill(world, "API", "P0", 900.0, 3 * DAY),  # outside a 24h window, inside 7d
        ]
    )
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result
    p0 = next(d for d in result.json["detection"] if d["severity"] == "P0")
    assert (p0["drills"], p0["missed"], p0["mttd_s"], p0["worst_case_s"]) == (2, 0, 300.0, 60.0)
    history.append([_drill(world, "API", "P0", None, 60)])  # never detected
    result = project.vigil("sla", "--env", "prod", "--window", "7d", "--json")
    assert result.exit_code == 2, result
    p0 = next(d for d in result.json["detection"] if d["severity"] == "P0")
    assert (p0["drills"], p0["missed"], p0["mttd_s"]) == (4, 1, 500.0)  # (120 + 480 + 900) / 3
    assert {c["name"]: c["state"] for c in p0["checks"]} == {"mttd": "breached", "missed_drills": "breached"}


def _markdown_rows(text: str, heading: str) -> list[list[str]]:
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def _duration_s(cell: str) -> float | None:
    """A duration as render/sla.py writes it (spec.units.human_duration: ``30m``, ``30m1s``, ``2h``)."""
    if cell.startswith("–"):
        return None
    minutes_seconds = re.match(r"(\d+)m(\d+)s", cell)
    if minutes_seconds:
        return int(minutes_seconds.group(1)) * 60.0 + int(minutes_seconds.group(2))
    return seconds(cell.split()[0])


def _first_number(cell: str) -> float:
    found = re.match(r"-?\d+(?:\.\d+)?", cell)
    assert found, cell
    return float(found.group(0))


def test_markdown_and_json_carry_the_same_numbers(world: World, project: ProjectDir) -> None:
    outage(world)
    at = world.now() - 60
    world.send(world.transactions([150.0, 250.0, 350.0, 450.0] * 25, at) + world.errors(7, at))
    report = project.root / "sla.md"
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json", "--markdown", str(report))
    assert result.exit_code == 2, result
    document, text = result.json, report.read_text()
    rows = {row[0]: row for row in _markdown_rows(text, "Uptime Robot monitors")}
    assert set(rows) == {"API", "Docs"}
    for m in document["monitors"]:
        row = rows[m["name"]]
        assert _first_number(row[2]) == m["uptime_pct"]
        assert _first_number(row[3]) == m["downtime_min"]
        assert int(row[4]) == m["incidents"]["count"]
        assert _duration_s(row[5]) == m["incidents"]["longest_s"]
        assert _first_number(row[8]) == m["avg_response_ms"] and _first_number(row[9]) == m["p95_response_ms"]
    [project_row] = _markdown_rows(text, "Sentry projects")
    [backend] = document["projects"]
    assert (int(project_row[1]), int(project_row[2])) == (backend["errors"], backend["transactions"])
    assert _first_number(project_row[3]) == backend["error_rate_pct"] == 7.0
    assert _first_number(project_row[4]) == backend["p95_transaction_ms"]
    assert f"{len(document['breaches'])} breached" in text


def test_notify_slack_posts_the_summary_to_the_webhook(world: World, project: ProjectDir) -> None:
    outage(world)
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--notify", "slack")
    assert result.exit_code == 2, result
    [message] = world.slack_messages()
    assert "SLA of slaapp/prod over 24h" in message["text"] and "breached" in message["text"]
    assert re.search(r"API \(P0\): uptime 97\.91\d*% \(≥ 99%, breached\), 1 incident", message["text"])


def test_reads_are_batched_list_calls_plus_two_statistics_calls_per_monitor(
    world: World, project: ProjectDir
) -> None:
    healthy(world)
    world.reset_requests("uptimerobot", world.ur_key)
    result = project.vigil("sla", "--env", "prod", "--json")
    assert result.exit_code == 0, result
    made = world.requests_made("uptimerobot", world.ur_key)
    assert made.get("list_monitors") == 1 and made.get("list_incidents") == 1
    assert made.get("get_monitor_uptime_stats") == 2 and made.get("get_monitor_response_times") == 2
    assert made.get("get_monitor", 0) == 0
    assert result.json["calls"]["uptimerobot list_monitors"] == 1


def test_an_unknown_window_is_an_error_naming_the_choices(world: World, project: ProjectDir) -> None:
    result = project.vigil("sla", "--env", "prod", "--window", "1y")
    assert result.exit_code == 1, result
    assert "--window '1y' is not one of 24h, 7d, 30d, 90d" in result.stderr


def test_a_monitor_missing_from_the_account_is_named_in_the_notes(world: World, project: ProjectDir) -> None:
    (project.root / "stacks" / "prod.yaml").write_text("app: slaapp\napi: https://elsewhere.example\n")
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result
    assert [m["found"] for m in result.json["monitors"]] == [False, False]
    assert any("monitor 'API' is not in the Uptime Robot account" in n for n in result.json["notes"])


def test_missing_credentials_are_an_error_naming_the_variable(
    world: World, project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UPTIMEROBOT_API_KEY")
    result = project.vigil("sla", "--env", "prod")
    assert result.exit_code == 1, result
    assert "UPTIMEROBOT_API_KEY is not set" in result.stderr


def test_the_window_ends_at_the_api_clock(world: World, project: ProjectDir) -> None:
    world.advance(3 * DAY)  # the sandbox clock runs ahead of this machine's
    healthy(world)
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result
    end = datetime.fromisoformat(result.json["end"].replace("Z", "+00:00")).timestamp()
    assert abs(end - world.now()) < 5
    assert end - datetime.now(UTC).timestamp() > timedelta(days=2).total_seconds()


def test_an_unwritable_report_file_is_an_error_naming_the_option(world: World, project: ProjectDir) -> None:
    healthy(world)
    result = project.vigil("sla", "--env", "prod", "--markdown", str(project.root / "missing" / "sla.md"))
    assert result.exit_code == 1, result
    assert "--markdown" in result.stderr and "cannot write it" in result.stderr


def test_a_free_plan_key_is_paced_under_its_10_requests_a_minute(
    own_sandbox: SandboxServer,  # noqa: F811 (the imported fixture)
    project: ProjectDir,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two reports in a row cost 12 calls: the second waits for the window instead of being refused."""
    free = make_world(own_sandbox, project.root, monkeypatch, plan="free")
    healthy(free)
    free.reset_requests("uptimerobot", free.ur_key)
    free.clock.set_speed(6)  # a minute of the plan's window passes in 10 s: both runs fall in one
    try:
        first = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
        second = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    finally:
        free.clock.set_speed(1)
    assert (first.exit_code, second.exit_code) == (0, 0), f"{first}\n{second}"
    made = free.requests_made("uptimerobot", free.ur_key)
    assert sum(v for k, v in made.items() if not k.startswith("throttled:")) == 12
    assert not any(k.startswith("throttled:") for k in made), made  # paced, never refused
    assert [m["uptime_pct"] for m in second.json["monitors"]] == [100, 100]


def test_no_credential_reaches_any_output(world: World, project: ProjectDir) -> None:
    outage(world)
    markdown, html = project.root / "sla.md", project.root / "sla.html"
    options = ["--json", "--markdown", str(markdown), "--html", str(html), "--notify", "slack"]
    result = project.vigil("sla", "--env", "prod", "--window", "24h", *options)
    assert result.exit_code == 2, result
    outputs = [
        result.stdout,
        result.stderr,
        markdown.read_text(),
        html.read_text(),
        str(world.slack_messages()),
    ]
    for secret in (world.ur_key, world.sentry_token, world.webhook_url, world.webhook_url.rsplit("/", 1)[-1]):
        assert not any(secret in text for text in outputs)


def test_two_live_monitors_matching_one_stack_monitor_are_named(world: World, project: ProjectDir) -> None:
    twin = requests.post(
        f"{world.ur_url}/monitors",
        json={
            "type": "HTTP",
            "friendlyName": "API",
            "url": "https://api.slaapp.example/health",
            "interval": 60,
        },
        headers={"Authorization": f"Bearer {world.ur_key}"},
        timeout=10,
    )
    assert twin.status_code == 201, twin.text
    healthy(world)
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json")
    assert result.exit_code == 0, result
    assert any(n.startswith("2 monitors in the account match 'API'") for n in result.json["notes"])

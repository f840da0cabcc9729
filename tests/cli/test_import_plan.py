"""`vigil import` without the engine: the plan, the refusals, and the files it writes (or leaves alone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount


def _monitor(account: UptimeRobotAccount, **values: object) -> str:
    from vigil.monitors.monitor import to_wire

    response = account.post("/monitors", to_wire({"type": "http", "interval": 300, **values}, creating=True))
    assert response.status_code < 300, response.text
    return str(response.json()["id"])


def _files(project: ProjectDir) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((project.root / "stacks").iterdir()) if p.is_file()}


@pytest.fixture
def account(project: ProjectDir, uptimerobot: UptimeRobotAccount) -> UptimeRobotAccount:
    _monitor(uptimerobot, name="API health", url="https://api.example.com/health")
    _monitor(uptimerobot, name="API v2", url="https://api.example.com/v2")
    _monitor(uptimerobot, name="Frontend", url="https://example.com/", interval=900)
    project.write_env("t", "uptime_plan: team\n")
    return uptimerobot


def test_dry_run_lists_every_object_and_writes_nothing(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    before = _files(project)
    result = project.vigil("import", "--env", "t", "--dry-run", "--json")
    assert result.exit_code == 0, result
    assert sorted(c["name"] for c in result.json["offered"]) == ["API health", "API v2", "Frontend"]
    assert {c["block"] for c in result.json["offered"]} == {"HttpMonitor"}
    assert _files(project) == before


def test_without_a_choice_and_without_a_terminal_nothing_is_written(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    before = _files(project)
    result = project.vigil("import", "--env", "t")
    assert result.exit_code == 1, result
    assert "--all, --select PATTERN" in result.stderr
    assert _files(project) == before


def test_select_imports_only_the_matches_and_a_second_import_only_the_rest(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    result = project.vigil("import", "--env", "t", "--select", "monitor:API*", "--json")
    assert result.exit_code == 0, result
    assert sorted(c["name"] for c in result.json["offered"] if c["chosen"]) == ["API health", "API v2"]
    assert result.json["written"] == ["stacks/t_stack.py", "stacks/t.yaml"]
    values = (project.root / "stacks" / "t.yaml").read_text()
    assert "name: API health" in values and "Frontend" not in values
    assert values.startswith("app: t_stack\nuptime_plan: team\n")
    # Declared now: the next import offers only what is left, and keeps what the first one wrote.
    again = project.vigil("import", "--env", "t", "--all", "--json")
    assert again.exit_code == 0, again
    assert [c["name"] for c in again.json["offered"]] == ["Frontend"]
    values = (project.root / "stacks" / "t.yaml").read_text()
    assert values.count("imported:") == 1 and "name: API health" in values and "name: Frontend" in values
    module = (project.root / "stacks" / "t_stack.py").read_text()
    assert module.count("# --- vigil import: begin") == 1
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 0, result


def test_generated_yaml_keeps_line_accurate_validation_errors(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    assert project.vigil("import", "--env", "t", "--all").exit_code == 0
    path = project.root / "stacks" / "t.yaml"
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip() == "every: 15m")
    lines[line - 1] = lines[line - 1].replace("15m", "15x")
    path.write_text("\n".join(lines) + "\n")
    result = project.vigil("validate", "--env", "t", "--json")
    assert result.exit_code == 1, result
    [finding] = [f for f in result.json["findings"] if f["level"] == "error"]
    assert (Path(finding["file"]).name, finding["line"]) == ("t.yaml", line), finding


def test_an_unknown_kind_is_refused(project: ProjectDir, account: UptimeRobotAccount) -> None:
    result = project.vigil("import", "--env", "t", "--select", "monitors:API*")
    assert result.exit_code == 1, result
    assert "unknown kind 'monitors'" in result.stderr


def test_what_the_blocks_cannot_express_is_refused_unless_lossy(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    _monitor(account, name="Webhook receiver", url="https://hooks.example.com/in", body={"ping": True})
    from vigil.monitors.alert_contact import AlertContactProvider

    body = AlertContactProvider().to_wire(
        {"name": "quiet", "value": "q@example.com", "notify_on": "None"}, creating=True
    )
    assert account.post("/alert-contacts", body).status_code < 300
    before = _files(project)
    refused = project.vigil("import", "--env", "t", "--all", "--json")
    assert refused.exit_code == 1, refused
    assert refused.json["lossy"] == ["contact:quiet", "monitor:Webhook receiver"]
    [entry] = [c for c in refused.json["offered"] if c["name"] == "Webhook receiver"]
    assert [(x["field"], x["effect"]) for x in entry["losses"]] == [
        ("body", "keeps it as is (vigil's blocks do not manage it)")
    ]
    assert "refusing to import" in refused.stderr and "--lossy" in refused.stderr
    assert _files(project) == before  # nothing written
    accepted = project.vigil("import", "--env", "t", "--all", "--lossy")
    assert accepted.exit_code == 0, accepted
    assert "the next `up` changes these fields" in accepted.stdout
    assert "Webhook receiver: body: a request body" in accepted.stdout
    assert "quiet: notify_on: 'None' — the next `up` overwrites it with down-and-up" in accepted.stdout


def test_a_result_that_would_not_validate_leaves_the_files_unchanged(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    _monitor(account, name="Fast", url="https://fast.example.com/", interval=60)
    project.write_env("t", "app: basic\nuptime_plan: free\n")  # the free plan checks every 5 minutes at most
    before = _files(project)
    result = project.vigil("import", "--env", "t", "--all")
    assert result.exit_code == 1, result
    assert "t.yaml" in result.stderr and "Fast" in result.stderr
    assert _files(project) == before


def test_an_existing_stack_module_gets_the_generated_section_and_keeps_its_blocks(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    project.write_env(
        "t", 'app: basic\nmonitors:\n  - {name: Own, url: "https://own.example.com/", every: 5m}\n'
    )
    project.write_env("dev", 'app: basic\nmonitors:\n  - {name: Dev, url: "https://dev.example.com/"}\n')
    original = (project.root / "stacks" / "basic.py").read_text()
    result = project.vigil("import", "--env", "t", "--select", "Frontend", "--json")
    assert result.exit_code == 0, result
    assert result.json["written"] == ["stacks/basic.py", "stacks/t.yaml"]
    module = (project.root / "stacks" / "basic.py").read_text()
    assert module.startswith(original.rstrip("\n")) and module.count("# --- vigil import: end ---") == 1
    assert "- {name: Own," in (project.root / "stacks" / "t.yaml").read_text()  # its own lines kept
    result = project.vigil("validate", "--all", "--json")
    assert result.exit_code == 0, result
    from vigil.spec.loader import load_stack

    stack = load_stack("t", project.root / "stacks").stack
    assert [m.name for m in stack.monitors] == ["Own", "Frontend"]
    assert [m.name for m in load_stack("dev", project.root / "stacks").stack.monitors] == ["Dev"]


def test_the_checklist_takes_numbers_ranges_and_all(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from vigil.commands.import_ import _pick
    from vigil.importer.blocks import Candidate
    from vigil.importer.plan import Plan
    from vigil.render.console import Output

    offered = [
        Candidate("monitor", f"m{i}", "HttpMonitor", "http_monitors", {"name": f"m{i}"}, (("k", str(i)),))
        for i in range(5)
    ]
    out = Output(interactive=True)
    for answer, picked in (("1,3-4\n", {0, 2, 3}), ("all\n", {0, 1, 2, 3, 4}), ("\n", set())):
        monkeypatch.setattr("sys.stdin", io.StringIO(answer))
        assert _pick(out, Plan("t", offered)) == picked


def test_yes_without_the_secrets_writes_the_stack_and_names_what_to_set(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    _monitor(
        account, name="Private", url="https://private.example.com/", headers={"Authorization": "Bearer t0ken"}
    )
    result = project.vigil("import", "--env", "t", "--select", "monitor:Private", "--yes", "--json")
    assert result.exit_code == 1, result
    assert result.json["written"] == ["stacks/t_stack.py", "stacks/t.yaml"] and result.json["applied"] is None
    assert "PRIVATE_AUTHORIZATION" in result.json["adopt_error"] and "Bearer t0ken" not in result.stdout
    assert "authorization: {env: PRIVATE_AUTHORIZATION}" in (project.root / "stacks" / "t.yaml").read_text()


def test_the_human_plan_says_what_each_object_becomes(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    result = project.vigil("import", "--env", "t", "--dry-run")
    assert result.exit_code == 0, result
    assert "3 object(s) no stack owns can be imported into 't'" in result.stdout
    assert "monitor:API health → HttpMonitor" in result.stdout


def test_two_live_objects_with_one_name_are_not_imported(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    _monitor(account, name="Twin", url="https://one.example.com/")
    _monitor(account, name="Twin", url="https://two.example.com/")
    before = _files(project)
    result = project.vigil("import", "--env", "t", "--all")
    assert result.exit_code == 1, result
    assert "monitor 'Twin' has the name of 'Twin'" in result.stderr
    assert _files(project) == before


def test_a_write_interrupted_after_the_module_leaves_a_stack_that_declares_what_it_did(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    """The module is replaced first: without the YAML's `imported:` it declares nothing more."""
    from vigil.importer import generate
    from vigil.importer.live import read_accounts
    from vigil.importer.plan import choose, offer
    from vigil.spec.loader import load_stack
    from vigil.spec.stack import Stack

    stacks = project.root / "stacks"
    project.write_env("t", 'app: basic\nmonitors:\n  - {name: Own, url: "https://own.example.com/"}\n')
    before = load_stack("t", stacks).stack
    plan = offer(read_accounts(os.environ), set(), {}, Stack(app="basic", env="t"))
    choose(plan, before, None)
    files = generate.plan_files(stacks, "t", "basic", None, plan.chosen, None)
    module = stacks / "basic.py"
    generate.write_files({module: files[module]})  # what an interruption before the YAML leaves
    after = load_stack("t", stacks).stack
    assert [m.name for m in after.monitors] == [m.name for m in before.monitors] == ["Own"]
    generate.write_files(files)
    assert [m.name for m in load_stack("t", stacks).stack.monitors] == [
        "Own",
        "API health",
        "API v2",
        "Frontend",
    ]


def test_to_another_module_than_the_environments_is_refused(
    project: ProjectDir, account: UptimeRobotAccount
) -> None:
    project.write_env("t", "app: basic\n")
    before = _files(project)
    result = project.vigil("import", "--env", "t", "--all", "--to", "stacks/elsewhere.py")
    assert result.exit_code == 1, result
    assert "'t' is built by stacks/basic.py" in result.stderr and "omit --to" in result.stderr
    assert _files(project) == before

"""The resource graph of each Conductor environment, under Pulumi mocks (fast; no engine, no API).

Mocks never run provider code: these tests check which resources the program declares, with which
inputs, per environment.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pulumi
import pytest

ROOT = Path(__file__).resolve().parents[2]


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def graph(env: str, monkeypatch: pytest.MonkeyPatch) -> list[pulumi.runtime.MockResourceArgs]:
    from vigil.components.build import build_stack
    from vigil.spec.loader import load_stack

    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.example.invalid/services/T0/B0/graph-test")
    asyncio.set_event_loop(asyncio.new_event_loop())  # engine tests before may have closed the loop
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="conductor-monitoring", stack=env, preview=False)
    stack = load_stack(env, ROOT / "stacks").stack

    @pulumi.runtime.test
    def run() -> None:
        build_stack(stack)

    run()
    return recorder.resources


def by_type(resources: list[pulumi.runtime.MockResourceArgs], suffix: str) -> list[dict[str, Any]]:
    """The inputs of each resource of one type, field by field (packed settings unpacked)."""
    from vigil.core.inputs import unpack

    return [unpack(dict(r.inputs)) for r in resources if r.typ == f"pulumi-python:dynamic/{suffix}"]


@pytest.mark.parametrize("env", ["dev", "staging", "production", "sandbox"])
def test_every_environment_declares_the_plans_monitors_and_projects(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources = graph(env, monkeypatch)
    monitors = {m["name"]: m for m in by_type(resources, "uptimerobot:Monitor")}
    assert sorted(monitors) == ["AI endpoints", "Backend API", "Database health", "Frontend"]
    # a monitor registers name, type and its packed settings, not one property per field
    registered = [set(r.inputs) for r in resources if r.typ.endswith("uptimerobot:Monitor")]
    assert all(keys <= {"__provider", "name", "type", "settings"} for keys in registered), registered
    assert monitors["Backend API"]["interval"] == 300 and monitors["AI endpoints"]["type"] == "keyword"
    assert {p["slug"]: p["platform"] for p in by_type(resources, "sentry:Project")} == {
        "backend": "python-fastapi",
        "frontend": "javascript-angular",
    }
    assert len(by_type(resources, "sentry:ClientKey")) == 2
    # dev, staging and production share one Sentry organisation: their alerts are named per environment
    suffix = "" if env == "sandbox" else f" in {stack_environment(env)}"
    expected = {f"backend errors{suffix}", f"frontend errors{suffix}"}
    assert {a["name"] for a in by_type(resources, "sentry:Alert")} >= expected


SHARED_TYPES = ("sentry:Team", "sentry:Project", "sentry:ClientKey")


def stack_environment(env: str) -> str:
    from vigil.spec.loader import load_stack

    return str(load_stack(env, ROOT / "stacks").stack.sentry_environment)


@pytest.mark.parametrize("env", ["dev", "staging", "production"])
def test_environments_reference_the_shared_team_projects_and_keys(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources = graph(env, monkeypatch)
    shared = [
        r for r in resources if r.typ.startswith("pulumi-python:dynamic/") and r.typ.endswith(SHARED_TYPES)
    ]
    assert len(shared) == 5 and all(r.inputs.get("__reference") is True for r in shared)
    owned = [r for r in resources if r.typ.endswith(("sentry:Alert", "uptimerobot:Monitor"))]
    assert owned and not any(r.inputs.get("__reference") for r in owned)


def test_the_shared_stack_owns_the_team_projects_keys_contact_and_webhook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resources = graph("shared", monkeypatch)
    kinds = sorted(r.typ.rsplit("/", 1)[-1] for r in resources if r.typ.startswith("pulumi-python:dynamic/"))
    assert kinds == [
        "sentry:ClientKey",
        "sentry:ClientKey",
        "sentry:Project",
        "sentry:Project",
        "sentry:Team",
        "uptimerobot:AlertContact",
        "uptimerobot:Integration",
    ]
    assert not any(r.inputs.get("__reference") for r in resources)


def test_production_has_the_public_status_page_and_dev_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    production = by_type(graph("production", monkeypatch), "uptimerobot:StatusPage")
    assert [(p["name"], p["custom_domain"]) for p in production] == [
        ("Conductor CRM status", "status.conductor-crm.com")
    ]
    assert by_type(graph("dev", monkeypatch), "uptimerobot:StatusPage") == []


def test_sampling_differs_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from vigil.spec.loader import load_stack

    rates = {
        env: {p.slug: p.traces_sample_rate for p in load_stack(env, ROOT / "stacks").stack.sentry_projects}
        for env in ("dev", "production")
    }
    assert rates == {
        "dev": {"backend": 1.0, "frontend": 1.0},
        "production": {"backend": 0.1, "frontend": 0.1},
    }

"""Sentry and Slack through the real engine under injected 5xx and dropped connections (core/policy.py)."""

from __future__ import annotations

import pytest

from tests.cli.test_sentry import STACK_MODULE
from tests.conftest import ProjectDir, SandboxApi, SentryAccount, SlackAccount

pytestmark = pytest.mark.engine


@pytest.fixture
def sentry_project(project: ProjectDir) -> ProjectDir:
    (project.root / "stacks" / "s.py").write_text(STACK_MODULE)
    project.write_env("t", "app: s\n")
    return project


def inject(sandbox: SandboxApi, sentry: SentryAccount, slack: SlackAccount, **faults: object) -> None:
    sandbox.control("faults", service="sentry", account=sentry.token, **faults)
    sandbox.control("faults", service="slack", account=slack.token, **faults)


def names(items: list[dict[str, object]], key: str = "name") -> list[str]:
    return sorted(str(item[key]) for item in items)


def test_faults_on_sentry_and_slack_end_in_one_up_with_exactly_the_stack(
    sentry_project: ProjectDir, sandbox: SandboxApi, sentry: SentryAccount, slack: SlackAccount
) -> None:
    # seed 12: Slack's 2nd request (the channel's create) answers 500, its 3rd loses the connection
    inject(sandbox, sentry, slack, error_rate=0.2, drop_rate=0.1, seed=12)
    result = sentry_project.vigil("up", "--env", "t", "--yes", "--json")
    assert result.exit_code == 0, result
    faulted = {
        service: sum(v for k, v in sandbox.requests_made(service, key).items() if k.startswith("fault:"))
        for service, key in (("sentry", sentry.token), ("slack", slack.token))
    }
    assert faulted["sentry"] > 0 and faulted["slack"] > 0, faulted  # the faults did happen
    inject(sandbox, sentry, slack)  # read the truth calmly
    org = sentry.org
    assert names(sentry.get(f"organizations/{org}/teams/").json(), "slug") == ["core"]
    [project] = sentry.get(f"organizations/{org}/projects/").json()
    assert project["slug"] == "backend"
    assert names(sentry.get(f"projects/{org}/{project['id']}/keys/").json()) == ["Default"]
    workflows = sentry.get(f"organizations/{org}/workflows/").json()
    assert names(workflows) == ["backend errors", "backend p95 alert"]  # none missing, no duplicate
    detectors = sentry.get(f"organizations/{org}/detectors/", query="type:metric_issue").json()
    assert names(detectors) == ["backend p95"]
    assert names(sentry.get(f"organizations/{org}/dashboards/").json(), "title") == ["Health"]
    channels = slack.call("conversations.list", exclude_archived=False)["channels"]
    assert [c["name"] for c in channels].count("incidents") == 1
    inject(sandbox, sentry, slack, error_rate=0.2, drop_rate=0.1, seed=9)
    clean = sentry_project.vigil("preview", "--env", "t", "--refresh", "--expect-no-changes", "--json")
    assert clean.exit_code == 0, clean


def test_a_failure_that_outlasts_the_retries_is_reported_once_naming_the_resource(
    sentry_project: ProjectDir, sandbox: SandboxApi, sentry: SentryAccount, slack: SlackAccount
) -> None:
    sandbox.control("faults", service="sentry", account=sentry.token, error_rate=1.0, methods=["POST"])
    result = sentry_project.vigil("up", "--env", "t", "--yes")
    assert result.exit_code == 1, result
    output = result.stdout + result.stderr
    failures = [line for line in output.splitlines() if "Sentry team 'core'" in line]
    assert len(failures) == 1, output  # one line for the one failure, the resource named first
    assert "HTTP 500" in failures[0], output
    assert "core/http.py" not in output and "core/policy.py" not in output, output  # no client frames

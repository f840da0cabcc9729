"""`vigil release --version V`: one message per ReleaseNotification, through the Slack webhook of its
channel; clear errors, and nothing posted, when the stack cannot say where to post."""

from __future__ import annotations

import pytest

from tests.conftest import ProjectDir, SlackAccount

STACK_MODULE = """
from vigil.spec import *


def build(env, values):
    blocks = [
        SentryTeam(slug="core"),
        SentryProject(slug="backend", platform="python", team="core"),
        ErrorAlert(name="backend errors", project="backend"),
        SlackWebhook(name="deploys", url=env_secret("SLACK_WEBHOOK_URL"), channel="#deploys"),
    ]
    if values.get("announce", True):
        blocks.append(ReleaseNotification(project="backend", channel="#deploys"))
    return Stack(app="rel", env=env, blocks=blocks)
"""


def release_project(project: ProjectDir, values: str = "app: rel\n") -> ProjectDir:
    (project.root / "stacks" / "rel.py").write_text(STACK_MODULE)
    project.write_env("t", values)
    return project


def test_release_posts_one_message_to_the_declared_channel(project: ProjectDir, slack: SlackAccount) -> None:
    result = release_project(project).vigil("release", "--env", "t", "--version", "1.4.2")
    assert result.exit_code == 0, result
    assert result.stdout == "posted release 1.4.2 of backend to #deploys\n"
    assert [(m["via"], m["text"]) for m in slack.messages()] == [
        ("webhook", "Release `1.4.2` of *backend* deployed to *t*.")
    ]


def test_release_as_json_is_one_document(project: ProjectDir, slack: SlackAccount) -> None:
    result = release_project(project).vigil("release", "--env", "t", "--version", "1.4.2", "--json")
    assert result.exit_code == 0, result
    assert result.json == {
        "env": "t",
        "posted": [{"project": "backend", "channel": "#deploys", "version": "1.4.2"}],
    }
    assert len(slack.messages()) == 1


def test_release_without_a_release_notification_says_so_and_posts_nothing(
    project: ProjectDir, slack: SlackAccount
) -> None:
    result = release_project(project, "app: rel\nannounce: false\n").vigil(
        "release", "--env", "t", "--version", "1.4.2"
    )
    assert result.exit_code == 1, result
    assert result.stderr == (
        "error: the 't' stack declares no ReleaseNotification\n  hint: add one to the stack\n"
    )
    assert slack.messages() == []


def test_release_with_the_webhook_variable_unset_names_it_and_posts_nothing(
    project: ProjectDir, slack: SlackAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_WEBHOOK_URL")
    result = release_project(project).vigil("release", "--env", "t", "--version", "1.4.2")
    assert result.exit_code == 1, result
    assert result.stderr == "error: SLACK_WEBHOOK_URL is not set (the webhook for #deploys)\n"
    assert slack.messages() == []

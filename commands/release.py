"""vigil release: announce a deployed release in Slack, for each ReleaseNotification of the stack.

Sentry's API has no setting that posts releases to Slack (reference/sentry-api.md §8: releases and
deploys are CI-time calls, and deploy e-mails are per-user settings). So the stack declares the
notification and the deploy pipeline runs ``vigil release --env production --version "$SHA"``,
which posts to the Slack webhook of the declared channel.
"""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.commands.context import EnvOption, JsonOption, app_context, refuse_sandbox_settings
from vigil.commands.errors import VigilError


def release(
    ctx: typer.Context,
    env: EnvOption,
    version: Annotated[
        str, typer.Option("--version", metavar="VERSION", help="the release that was deployed")
    ],
    json: JsonOption = False,
) -> None:
    """Post 'release X of <project> deployed to <env>' to the Slack channel each ReleaseNotification names."""
    from vigil.core.errors import ClientError
    from vigil.core.slack import post_webhook

    context = app_context(ctx)
    out = context.output(json)
    loaded = context.stack(env)
    stack = loaded.stack
    # The sandbox's webhook comes from the running sandbox, as verify and drift get it; a real
    # environment reads what the user exported, never the sandbox's.
    if loaded.sandbox:
        variables = context.run_environment(env, loaded).variables
    else:
        refuse_sandbox_settings(context.project(), env, context.environ)
        variables = context.environ
    if not stack.release_notifications:
        raise VigilError(f"the '{env}' stack declares no ReleaseNotification", hint="add one to the stack")
    posted: list[dict[str, str]] = []
    for notification in stack.release_notifications:
        webhook = next((w for w in stack.slack_webhooks if w.channel == notification.channel), None)
        if webhook is None or not webhook.url.env:
            raise VigilError(
                f"no Slack webhook of the stack posts to {notification.channel}",
                hint="declare a SlackWebhook(channel=...) with an {env: NAME} reference",
            )
        url = variables.get(webhook.url.env)
        if not url:
            raise VigilError(f"{webhook.url.env} is not set (the webhook for {notification.channel})")
        text = f"Release `{version}` of *{notification.project}* deployed to *{env}*."
        try:
            post_webhook(url, {"text": text})
        except ClientError as error:
            raise VigilError(str(error)) from None
        posted.append({"project": notification.project, "channel": notification.channel, "version": version})
    if json:
        out.document({"env": env, "posted": posted})
    else:
        from vigil.render.release import render_release

        render_release(out, posted)

"""Post a clearly marked test message to each Slack webhook of a stack and to its incidents channel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from vigil.core.errors import ClientError
from vigil.core.slack import post_webhook
from vigil.probes.report import Check
from vigil.spec import outputs as names
from vigil.spec.stack import Stack

if TYPE_CHECKING:
    from vigil.core.slack import SlackClient


def post_test_message(name: str, url: str, env: str) -> Check:
    try:
        post_webhook(
            url,
            {"text": f"vigil verify ({env}): test message from the Slack webhook '{name}' (safe to ignore)"},
        )
    except ClientError as error:
        return Check("slack", name, False, str(error))
    return Check("slack", name, True, "the webhook accepted the test message")


def post_to_channel(name: str, channel_id: Any, env: str, connect: Callable[[], SlackClient | None]) -> Check:
    client = connect() if channel_id else None
    if client is None:
        return Check("slack", f"#{name}", True, "channel unmanaged (no SLACK_BOT_TOKEN): not tested")
    try:
        client.call("chat.postMessage", channel=channel_id, text=f"vigil verify ({env}): test message")
    except ClientError as error:
        return Check("slack", f"#{name}", False, str(error))
    return Check("slack", f"#{name}", True, "posted a test message")


def slack_checks(
    stack: Stack,
    outputs: Mapping[str, tuple[Any, bool]],
    environ: Mapping[str, str],
    connect: Callable[[], SlackClient | None],
) -> list[Check]:
    """A test message through each webhook (its URL read from ``environ``) and to the channel.

    ``connect()`` gives the Web API client, None without a bot token (the channel is then unmanaged).
    """
    checks = []
    for webhook in stack.slack_webhooks:
        url = environ.get(webhook.url.env) if webhook.url.env else None
        if not url:
            checks.append(
                Check(
                    "slack",
                    webhook.name,
                    False,
                    f"the webhook reference {webhook.url.describe()} is not set in this environment",
                )
            )
            continue
        checks.append(post_test_message(webhook.name, url, stack.env))
    channel = stack.slack_channel
    if channel is not None:
        channel_id, _ = outputs.get(names.SLACK_CHANNEL_ID, (None, False))
        checks.append(post_to_channel(channel.name, channel_id, stack.env, connect))
    return checks

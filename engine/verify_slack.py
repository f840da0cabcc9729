"""Post a clearly marked test message to a Slack webhook or the incidents channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.verify import Check


def post_test_message(name: str, url: str, env: str) -> Check:
    from core.errors import ClientError
    from core.slack import post_webhook

    try:
        post_webhook(
            url,
            {"text": f"vigil verify ({env}): test message from the Slack webhook '{name}' (safe to ignore)"},
        )
    except ClientError as error:
        return Check("slack", name, False, str(error))
    return Check("slack", name, True, "the webhook accepted the test message")


def post_to_channel(name: str, channel_id: Any, env: str, environ: Mapping[str, str] | None = None) -> Check:
    from core import credentials
    from core.errors import ClientError
    from core.slack import SlackClient

    credential = credentials.slack(environ)
    client = SlackClient(credential) if credential else None
    if client is None or not channel_id:
        return Check("slack", f"#{name}", True, "channel unmanaged (no SLACK_BOT_TOKEN): not tested")
    try:
        client.call("chat.postMessage", channel=channel_id, text=f"vigil verify ({env}): test message")
    except ClientError as error:
        return Check("slack", f"#{name}", False, str(error))
    return Check("slack", f"#{name}", True, "posted a test message")

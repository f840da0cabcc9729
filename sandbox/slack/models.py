"""Slack workspace state: channels, incoming webhooks and the messages they received."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.slack.errors import SlackApiError, WebhookError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


@dataclass
class Channel:
    id: str
    name: str
    purpose: str = ""
    is_archived: bool = False
    created: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Webhook:
    path: str  # T…/B…/secret
    channel: str
    revoked: bool = False


@dataclass
class Message:
    via: str  # "webhook" or "chat.postMessage"
    channel: str
    text: str
    blocks: Any = None
    ts: str = field(default_factory=lambda: f"{time.time():.6f}")


class SlackBackend:
    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.channels: dict[str, Channel] = {}
        self.webhooks: dict[str, Webhook] = {}
        self.messages: list[Message] = []
        self._ids = itertools.count(1)
        self.create_channel("general")

    def new_webhook(self, channel: str = "#incidents") -> Webhook:
        path = f"{self.team_id}/B{secrets.token_hex(4).upper()}/{secrets.token_urlsafe(18)}"
        webhook = Webhook(path, channel)
        self.webhooks[path] = webhook
        return webhook

    # --- channels -----------------------------------------------------------------------------
    def _channel(self, channel_id: str | None) -> Channel:
        channel = self.channels.get(channel_id or "")
        if channel is None:
            raise SlackApiError("channel_not_found")
        return channel

    def create_channel(self, name: str) -> Channel:
        if not name:
            raise SlackApiError("invalid_name_required")
        if not _NAME.match(name):
            raise SlackApiError("invalid_name_specials" if name.lower() == name else "invalid_name")
        if any(c.name == name for c in self.channels.values()):
            raise SlackApiError("name_taken")
        channel = Channel(f"C{next(self._ids):08d}", name)
        self.channels[channel.id] = channel
        return channel

    def info(self, channel_id: str | None) -> Channel:
        return self._channel(channel_id)

    def rename(self, channel_id: str | None, name: str) -> Channel:
        channel = self._channel(channel_id)
        if channel.is_archived:
            raise SlackApiError("is_archived")
        if not _NAME.match(name or ""):
            raise SlackApiError("invalid_name")
        if any(c.name == name and c.id != channel.id for c in self.channels.values()):
            raise SlackApiError("name_taken")
        channel.name = name
        return channel

    def set_purpose(self, channel_id: str | None, purpose: str) -> Channel:
        channel = self._channel(channel_id)
        channel.purpose = purpose
        return channel

    def archive(self, channel_id: str | None) -> Channel:
        channel = self._channel(channel_id)
        if channel.is_archived:
            raise SlackApiError("already_archived")
        channel.is_archived = True
        return channel

    def unarchive(self, channel_id: str | None) -> Channel:
        channel = self._channel(channel_id)
        if not channel.is_archived:
            raise SlackApiError("not_archived")
        channel.is_archived = False
        return channel

    def post_message(self, channel_ref: str | None, text: str, blocks: Any) -> Message:
        channel = self.channels.get(channel_ref or "") or next(
            (c for c in self.channels.values() if "#" + c.name == channel_ref or c.name == channel_ref), None
        )
        if channel is None:
            raise SlackApiError("channel_not_found")
        if channel.is_archived:
            raise SlackApiError("is_archived")
        if not text and not blocks:
            raise SlackApiError("no_text")
        message = Message("chat.postMessage", channel.id, text, blocks)
        self.messages.append(message)
        return message

    # --- incoming webhooks --------------------------------------------------------------------
    def receive(self, path: str, payload: Any) -> Message:
        webhook = self.webhooks.get(path)
        if webhook is None or webhook.revoked:
            raise WebhookError("no_service", status=404)
        if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
            raise WebhookError("invalid_payload", status=400)
        message = Message("webhook", webhook.channel, str(payload.get("text") or ""), payload.get("blocks"))
        self.messages.append(message)
        return message

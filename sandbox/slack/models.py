"""Slack workspace state: channels, incoming webhooks and the messages they received.

No HTTP or JSON here; failures raise the typed errors of ``errors.py``. The backend's methods take
keyword arguments with Python names (moto's shape); ``responses.py`` decodes the arguments a client
sent (query, form or JSON) through its wire tables and builds the documents from these dataclasses.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from vigil.sandbox.slack.errors import (
    AlreadyArchived,
    CantArchiveGeneral,
    ChannelIsArchived,
    ChannelNotFound,
    InvalidName,
    IsArchived,
    NameTaken,
    NoService,
    NotArchived,
    NoText,
    WebhookNoText,
)

MAX_NAME = 80
_NAME = re.compile(r"^[a-z0-9_-]+$")  # lowercase letters, digits, hyphens, underscores; no spaces
_PUNCTUATION = re.compile(r"^[_-]+$")


def check_name(name: str) -> None:
    """Slack's channel-name rules, with the error code each broken rule gives."""
    if not name:
        raise InvalidName("invalid_name_required")
    if len(name) > MAX_NAME:
        raise InvalidName("invalid_name_maxlength")
    if _PUNCTUATION.match(name):
        raise InvalidName("invalid_name_punctuation")
    if not _NAME.match(name):
        raise InvalidName("invalid_name_specials")


@dataclass
class Channel:
    id: str
    name: str
    is_general: bool = False
    purpose: str = ""
    topic: str = ""
    is_archived: bool = False
    is_member: bool = True  # whether the bot is in it (it is in every channel it created)
    previous_names: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Webhook:
    path: str  # T…/B…/secret, below /services/
    channel: str  # "#name" the webhook posts to
    revoked: bool = False


@dataclass
class Message:
    via: str  # "webhook" or "chat.postMessage"
    channel: str  # a channel id, or the webhook's "#name"
    text: str
    blocks: Any = None
    attachments: Any = None
    ts: str = ""


class SlackBackend:
    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        self.channels: dict[str, Channel] = {}
        self.webhooks: dict[str, Webhook] = {}
        self.messages: list[Message] = []
        self._counter = 0  # channel ids and message ts; a plain int so the state file can pickle it
        general = self.create_channel("general")
        general.is_general = True
        general.is_member = False  # a bot joins #general only when asked (conversations.join)

    def new_webhook(self, channel: str = "#incidents", path: str | None = None) -> Webhook:
        path = path or f"{self.team_id}/B{secrets.token_hex(5).upper()}/{secrets.token_urlsafe(18)}"
        webhook = Webhook(path, "#" + channel.lstrip("#"))
        self.webhooks[path] = webhook
        return webhook

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _message_ts(self, now: float | None = None) -> str:
        """``<seconds>.<sequence>``: on the sandbox clock when given (so a fast clock's alerts and
        messages line up), always increasing."""
        return f"{int(time.time() if now is None else now)}.{self._next():06d}"

    # --- channels -----------------------------------------------------------------------------
    def channel(self, ref: str | None) -> Channel:
        """By id (C…), or by name with or without "#" (as chat.postMessage accepts)."""
        ref = ref or ""
        found = self.channels.get(ref) or next(
            (c for c in self.channels.values() if c.name == ref.lstrip("#")), None
        )
        if found is None:
            raise ChannelNotFound()
        return found

    def list_channels(self, exclude_archived: bool) -> list[Channel]:
        channels = sorted(self.channels.values(), key=lambda c: c.id)
        return [c for c in channels if not (exclude_archived and c.is_archived)]

    def create_channel(self, name: str = "") -> Channel:
        check_name(name)
        if any(c.name == name for c in self.channels.values()):  # archived channels keep their names
            raise NameTaken()
        channel = Channel(f"C{self.team_id[1:5]}{self._next():06d}", name)
        self.channels[channel.id] = channel
        return channel

    def rename(self, channel_id: str | None, *, name: str = "") -> Channel:
        channel = self.channel(channel_id)
        if channel.is_archived:
            raise IsArchived()
        check_name(name)
        if any(c.name == name and c.id != channel.id for c in self.channels.values()):
            raise NameTaken()
        if name != channel.name:
            channel.previous_names.append(channel.name)
            channel.name = name
        return channel

    def set_purpose(self, channel_id: str | None, *, purpose: str = "") -> Channel:
        channel = self.channel(channel_id)
        if channel.is_archived:
            raise IsArchived()
        channel.purpose = purpose
        return channel

    def archive(self, channel_id: str | None) -> Channel:
        channel = self.channel(channel_id)
        if channel.is_general:
            raise CantArchiveGeneral()
        if channel.is_archived:
            raise AlreadyArchived()
        channel.is_archived = True
        return channel

    def join(self, channel_id: str | None) -> tuple[Channel, bool]:
        """conversations.join: (the channel, whether the bot was in it already)."""
        channel = self.channel(channel_id)
        if channel.is_archived:
            raise IsArchived()
        already = channel.is_member
        channel.is_member = True
        return channel, already

    def unarchive(self, channel_id: str | None) -> Channel:
        channel = self.channel(channel_id)
        if not channel.is_archived:
            raise NotArchived()
        channel.is_archived = False
        return channel

    def post_message(
        self,
        channel_ref: str | None,
        *,
        text: str = "",
        blocks: Any = None,
        attachments: Any = None,
        now: float | None = None,
    ) -> Message:
        channel = self.channel(channel_ref)
        if channel.is_archived:
            raise IsArchived()
        if not text and not blocks and not attachments:
            raise NoText()
        message = Message("chat.postMessage", channel.id, text, blocks, attachments, self._message_ts(now))
        self.messages.append(message)
        return message

    # --- incoming webhooks --------------------------------------------------------------------
    def webhook(self, path: str) -> Webhook:
        """A live incoming webhook by its path (below /services/)."""
        webhook = self.webhooks.get(path)
        if webhook is None or webhook.revoked:
            raise NoService()
        return webhook

    def receive(
        self,
        path: str,
        *,
        text: str = "",
        blocks: Any = None,
        attachments: Any = None,
        now: float | None = None,
    ) -> Message:
        webhook = self.webhook(path)
        if not (text or blocks or attachments):
            raise WebhookNoText()
        target = next((c for c in self.channels.values() if "#" + c.name == webhook.channel), None)
        if target is not None and target.is_archived:
            raise ChannelIsArchived()
        message = Message("webhook", webhook.channel, text, blocks, attachments, self._message_ts(now))
        self.messages.append(message)
        return message

    def revoke_webhook(self, path: str) -> Webhook:
        webhook = self.webhooks.get(path)
        if webhook is None:
            raise NoService()
        webhook.revoked = True
        return webhook

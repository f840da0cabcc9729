"""Slack's wire format, the only file with its field names: arguments from the query, a form or a
JSON body; {"ok": true, …} out; cursor pagination in ``response_metadata.next_cursor``. Incoming
webhooks take JSON (or a form field ``payload``) and answer the text ``ok``.

One wire table per resource (``vigil.sandbox.core.wire``): the arguments a method takes are decoded
through it into the backend's keyword arguments, the documents built from the backend's dataclasses
through it. Slack's keys are snake_case like the Python names; the tables say where the wire form
differs (a channel's topic and purpose are objects, blocks arrive as JSON text in a form post)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from vigil.sandbox.core.http import Response
from vigil.sandbox.core.service import Call
from vigil.sandbox.core.wire import Table, Wire
from vigil.sandbox.slack.errors import InvalidArguments, InvalidCursor, InvalidJson, InvalidPayload, NoService
from vigil.sandbox.slack.models import Channel, Message, SlackBackend

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def _args(call: Call) -> dict[str, Any]:
    request = call.request
    args: dict[str, Any] = {k: v[-1] for k, v in request.query.items()}
    if request.body:
        if "json" in (request.header("content-type") or ""):
            try:
                body = request.json()
            except ValueError:
                raise InvalidJson() from None
            if not isinstance(body, dict):
                raise InvalidJson()
            args.update(body)
        else:
            args.update(request.form())
    return args


def _flag(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _structured(value: Any) -> Any:
    """Blocks and attachments arrive as JSON strings in form posts, as lists in JSON posts."""
    if isinstance(value, str) and value:
        try:
            return json.loads(value)
        except ValueError:
            raise InvalidArguments() from None
    return value or None


def _ok(**fields: Any) -> Response:
    return Response(200, {"ok": True, **fields})


def _text(value: Any) -> str:
    return str(value or "")


def _about(value: str) -> dict[str, Any]:
    return {"value": value, "creator": "", "last_set": 0}


CHANNEL = Table(
    "id",
    Wire("name", decode=_text),
    "is_archived",
    "is_general",
    "is_member",
    "created",
    Wire("previous_names", encode=list),
    Wire("topic", encode=_about),
    Wire("purpose", decode=_text, encode=_about),
)
MESSAGE = Table(
    "via",
    "channel",
    Wire("text", decode=_text),
    Wire("blocks", decode=_structured),
    Wire("attachments", decode=_structured),
    "ts",
)
WEBHOOK_PAYLOAD = Table(Wire("text", decode=_text), "blocks", "attachments")  # JSON already, never form text
WEBHOOK = Table("channel")


def channel_document(backend: SlackBackend, channel: Channel) -> dict[str, Any]:
    return {
        **CHANNEL.encode(channel),
        "name_normalized": channel.name,
        "is_channel": True,
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": False,
        "is_shared": False,
        "creator": "U0SANDBOX",
        "context_team_id": backend.team_id,
        "num_members": 1,
    }


def message_document(message: Message) -> dict[str, Any]:
    return MESSAGE.encode(message)


def _history_item(message: Message) -> dict[str, Any]:
    sender = {"subtype": "bot_message"} if message.via == "webhook" else {"bot_id": "B0SANDBOX"}
    return {"type": "message", **MESSAGE.encode(message, ["text", "ts", "blocks"]), **sender}


def _cursor(channel_id: str) -> str:
    return base64.b64encode(f"next:{channel_id}".encode()).decode()


def _after(cursor: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidCursor() from None
    if not decoded.startswith("next:"):
        raise InvalidCursor()
    return decoded[5:]


class SlackResponses:
    def auth_test(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        return _ok(
            url="https://sandbox.slack.com/",
            team="Sandbox",
            user="vigil",
            team_id=backend.team_id,
            user_id="U0SANDBOX",
            bot_id="B0SANDBOX",
            is_enterprise_install=False,
        )

    # --- conversations ------------------------------------------------------------------------
    def conversations_list(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        args = _args(call)
        try:
            limit = min(max(int(args.get("limit") or DEFAULT_LIMIT), 1), MAX_LIMIT)
        except ValueError:
            raise InvalidArguments() from None
        channels = backend.list_channels(_flag(args.get("exclude_archived", False)))
        cursor = str(args.get("cursor") or "")
        if cursor:
            after = _after(cursor)
            channels = [c for c in channels if c.id > after]
        page = channels[:limit]
        following = _cursor(page[-1].id) if len(channels) > limit else ""
        return _ok(
            channels=[channel_document(backend, c) for c in page],
            response_metadata={"next_cursor": following},
        )

    def conversations_info(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        return _ok(channel=channel_document(backend, backend.channel(_args(call).get("channel"))))

    def conversations_create(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        channel = backend.create_channel(**CHANNEL.decode(_args(call), ["name"]))
        return _ok(channel=channel_document(backend, channel))

    def conversations_rename(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        args = _args(call)
        channel = backend.rename(args.get("channel"), **CHANNEL.decode(args, ["name"]))
        return _ok(channel=channel_document(backend, channel))

    def conversations_set_purpose(self, call: Call) -> Response:
        args = _args(call)
        channel = call.backend.set_purpose(args.get("channel"), **CHANNEL.decode(args, ["purpose"]))
        return _ok(purpose=channel.purpose)

    def conversations_archive(self, call: Call) -> Response:
        call.backend.archive(_args(call).get("channel"))
        return _ok()

    def conversations_join(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        channel, already = backend.join(_args(call).get("channel"))
        if already:  # Slack answers ok with a warning, not an error
            return _ok(
                channel=channel_document(backend, channel),
                warning="already_in_channel",
                response_metadata={"warnings": ["already_in_channel"]},
            )
        return _ok(channel=channel_document(backend, channel))

    def conversations_unarchive(self, call: Call) -> Response:
        call.backend.unarchive(_args(call).get("channel"))
        return _ok()

    def conversations_history(self, call: Call) -> Response:
        """A channel's messages, newest first (``oldest``/``latest`` bound the ts, ``limit`` ≤ 999):
        what a bot with ``channels:history`` reads, webhook posts included."""
        backend: SlackBackend = call.backend
        args = _args(call)
        channel = backend.channel(args.get("channel"))
        try:
            limit = min(max(int(args.get("limit") or 100), 1), 999)
            oldest = float(args.get("oldest") or 0)
            latest = float(args.get("latest") or "inf")
        except ValueError:
            raise InvalidArguments() from None
        found = [
            m
            for m in backend.messages
            if m.channel in (channel.id, "#" + channel.name) and oldest < float(m.ts or 0) <= latest
        ]
        found.sort(key=lambda m: float(m.ts or 0), reverse=True)
        page = found[:limit]
        return _ok(
            messages=[_history_item(m) for m in page],
            has_more=len(found) > limit,
            response_metadata={"next_cursor": ""},
        )

    # --- messages -----------------------------------------------------------------------------
    def chat_post_message(self, call: Call) -> Response:
        args = _args(call)
        message = call.backend.post_message(
            args.get("channel"),
            **MESSAGE.decode(args, ["text", "blocks", "attachments"]),
            now=call.service.clock.epoch(),
        )
        return _ok(
            channel=message.channel,
            ts=message.ts,
            message={"type": "message", "text": message.text, "ts": message.ts, "bot_id": "B0SANDBOX"},
        )

    def incoming_webhook(self, call: Call, team: str, bot: str, secret: str) -> Response:
        request = call.request
        payload: Any = None
        try:
            if "json" in (request.header("content-type") or "") or request.body.lstrip()[:1] == b"{":
                payload = request.json()
            else:
                payload = json.loads(request.form().get("payload") or "null")
        except ValueError:
            payload = None  # the backend answers invalid_payload
        path = f"{team}/{bot}/{secret}"
        call.backend.webhook(path)  # an unknown or revoked webhook answers no_service first
        if not isinstance(payload, dict):
            raise InvalidPayload()
        fields = WEBHOOK_PAYLOAD.decode(payload)
        call.backend.receive(path, **fields, now=call.service.clock.epoch())
        return Response(200, "ok", {"Content-Type": "text/html"})

    # --- control plane (/_sandbox/slack/…) ----------------------------------------------------
    def control_messages(self, call: Call) -> Response:
        channel = call.request.arg("channel")
        messages = [m for m in call.backend.messages if channel in (None, m.channel)]
        return Response(200, {"messages": [message_document(m) for m in messages]})

    def control_revoke_webhook(self, call: Call) -> Response:
        url = str((call.request.json() or {}).get("webhook_url") or "")
        try:
            call.backend.revoke_webhook(url.split("/services/")[-1])
        except NoService:
            return Response(404, {"error": "no such webhook in this account"})
        return Response(200, {"revoked": True})

    def control_create_webhook(self, call: Call) -> Response:
        channel = str((call.request.json() or {}).get("channel") or "#incidents")
        webhook = call.backend.new_webhook(channel)
        base = call.request.base_url.rsplit("/_sandbox", 1)[0] + "/slack"
        return Response(201, {"webhook_url": f"{base}/services/{webhook.path}", **WEBHOOK.encode(webhook)})

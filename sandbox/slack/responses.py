"""Slack wire format: form or JSON arguments in, {"ok": true, …} out; webhooks answer text."""

from __future__ import annotations

import json
from typing import Any

from sandbox.core.http import Response
from sandbox.core.service import Call
from sandbox.slack.errors import SlackApiError
from sandbox.slack.models import Channel, Message, SlackBackend

PAGE = 100


def _args(call: Call) -> dict[str, Any]:
    request = call.request
    args: dict[str, Any] = {k: v[-1] for k, v in request.query.items()}
    content_type = request.header("content-type") or ""
    if request.body:
        if "json" in content_type:
            try:
                args.update(request.json() or {})
            except ValueError:
                raise SlackApiError("invalid_json") from None
        else:
            args.update(request.form())
    return args


def channel_document(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": True,
        "is_archived": channel.is_archived,
        "created": channel.created,
        "purpose": {"value": channel.purpose},
        "topic": {"value": ""},
    }


def _ok(**fields: Any) -> Response:
    return Response(200, {"ok": True, **fields})


def message_document(message: Message) -> dict[str, Any]:
    return {
        "via": message.via,
        "channel": message.channel,
        "text": message.text,
        "blocks": message.blocks,
        "ts": message.ts,
    }


class SlackResponses:
    def auth_test(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        return _ok(team_id=backend.team_id, team="Sandbox", user="vigil", bot_id="B0SANDBOX")

    def conversations_list(self, call: Call) -> Response:
        args = _args(call)
        backend: SlackBackend = call.backend
        limit = min(int(args.get("limit") or PAGE), 1000)
        exclude_archived = str(args.get("exclude_archived", "false")).lower() == "true"
        channels = sorted(
            (c for c in backend.channels.values() if not (exclude_archived and c.is_archived)),
            key=lambda c: c.id,
        )
        cursor = args.get("cursor") or ""
        after = [c for c in channels if c.id > cursor] if cursor else channels
        page = after[:limit]
        next_cursor = page[-1].id if len(after) > limit else ""
        return _ok(
            channels=[channel_document(c) for c in page], response_metadata={"next_cursor": next_cursor}
        )

    def conversations_info(self, call: Call) -> Response:
        return _ok(channel=channel_document(call.backend.info(_args(call).get("channel"))))

    def conversations_create(self, call: Call) -> Response:
        return _ok(channel=channel_document(call.backend.create_channel(str(_args(call).get("name") or ""))))

    def conversations_rename(self, call: Call) -> Response:
        args = _args(call)
        return _ok(
            channel=channel_document(call.backend.rename(args.get("channel"), str(args.get("name") or "")))
        )

    def conversations_set_purpose(self, call: Call) -> Response:
        args = _args(call)
        channel = call.backend.set_purpose(args.get("channel"), str(args.get("purpose") or ""))
        return _ok(purpose=channel.purpose)

    def conversations_archive(self, call: Call) -> Response:
        call.backend.archive(_args(call).get("channel"))
        return _ok()

    def conversations_unarchive(self, call: Call) -> Response:
        call.backend.unarchive(_args(call).get("channel"))
        return _ok()

    def chat_post_message(self, call: Call) -> Response:
        args = _args(call)
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        message = call.backend.post_message(args.get("channel"), str(args.get("text") or ""), blocks)
        return _ok(channel=message.channel, ts=message.ts)

    def incoming_webhook(self, call: Call, team: str, bot: str, secret: str) -> Response:
        try:
            payload = call.request.json()
        except ValueError:
            payload = None
        call.backend.receive(f"{team}/{bot}/{secret}", payload)
        return Response(200, "ok", {"Content-Type": "text/html"})

    # --- control plane ------------------------------------------------------------------------
    def list_messages(self, call: Call) -> Response:
        return Response(200, {"messages": [message_document(m) for m in call.backend.messages]})

    def revoke_webhook(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        path = str((call.request.json() or {}).get("webhook_url", "")).split("/services/")[-1]
        webhook = backend.webhooks.get(path)
        if webhook is None:
            return Response(404, {"error": "no such webhook"})
        webhook.revoked = True
        return Response(200, {"revoked": True})

    def create_webhook(self, call: Call) -> Response:
        backend: SlackBackend = call.backend
        channel = str((call.request.json() or {}).get("channel") or "#incidents")
        webhook = backend.new_webhook(channel)
        base = call.request.base_url.split("/_sandbox")[0] + "/slack"
        return Response(201, {"webhook_url": f"{base}/services/{webhook.path}", "channel": channel})

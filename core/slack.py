"""Slack: the Web API (bot token) for the incidents channel, and incoming webhooks for messages.

The Web API answers HTTP 200 with ``{"ok": false, "error": …}``; those become the core errors.
Webhook URLs are secrets: no error, log or message ever contains one (``core/redact``).
"""

from __future__ import annotations

from typing import Any

import requests

from core import credentials
from core.credentials import Credential
from core.errors import ApiError, AuthError, Conflict, NotFound, TransportError, ValidationError
from core.http import ApiClient, session_for

_AUTH = {
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "missing_scope",
    "not_allowed_token_type",
}
_NOT_FOUND = {"channel_not_found"}
_CONFLICT = {"name_taken", "already_archived", "not_archived"}


class SlackClient(ApiClient):
    api = "Slack"

    @classmethod
    def from_env(cls) -> SlackClient | None:
        """None when no bot token is configured: the channel is then unmanaged."""
        credential = credentials.slack()
        return cls(credential) if credential else None

    def __init__(self, credential: Credential, **kwargs: Any) -> None:
        super().__init__(credential, **kwargs)

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        reading = method in ("conversations.list", "conversations.info", "auth.test")
        response = self.request(
            "POST", method, json={k: v for k, v in args.items() if v is not None}, idempotent=reading
        )
        data = response.data if isinstance(response.data, dict) else {}
        if data.get("ok"):
            return data
        code = str(data.get("error") or "unknown_error")
        shown = self.url(method)
        if code in _AUTH:
            hint = "check SLACK_BOT_TOKEN" + (
                f" (needs scope {data.get('needed')})" if data.get("needed") else ""
            )
            raise AuthError(self.api, "POST", shown, 200, code, code=code, hint=hint)
        if code in _NOT_FOUND:
            raise NotFound(self.api, "POST", shown, 200, code, code=code)
        if code in _CONFLICT:
            raise Conflict(self.api, "POST", shown, 200, code, code=code)
        raise ValidationError(self.api, "POST", shown, 200, code, code=code, fields={"slack": [code]})

    def channels(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor = ""
        for _ in range(1000):
            page = self.call("conversations.list", limit=200, cursor=cursor or None, exclude_archived=False)
            found.extend(page.get("channels") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                break
        return found

    def find_channel(self, name: str) -> dict[str, Any] | None:
        wanted = name.lstrip("#")
        return next((c for c in self.channels() if c.get("name") == wanted), None)


def post_webhook(url: str, payload: dict[str, Any], *, timeout: float = 15.0) -> None:
    """Post to an incoming webhook; errors name "the Slack webhook", never its URL."""
    try:
        response = session_for(url).post(url, json=payload, timeout=timeout, allow_redirects=False)
    except requests.RequestException as error:
        raise TransportError("Slack webhook", "POST", "(the Slack webhook)", type(error).__name__) from None
    if response.status_code == 200:
        return
    text = response.text.strip()[:80]
    shown = "(the Slack webhook)"
    if response.status_code in (403, 404, 410):
        raise NotFound(
            "Slack webhook",
            "POST",
            shown,
            response.status_code,
            text or "no_service",
            hint="the webhook was revoked or its channel archived: create a new one in Slack and "
            "update SLACK_WEBHOOK_URL",
        )
    raise ApiError("Slack webhook", "POST", shown, response.status_code, text or "error")

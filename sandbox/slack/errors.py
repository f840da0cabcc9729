"""Slack's errors. The Web API answers HTTP 200 with {"ok": false, "error": code}; webhooks use text."""

from __future__ import annotations

from sandbox.core.errors import SandboxError


class SlackApiError(SandboxError):
    status = 200

    def __init__(self, code: str) -> None:
        super().__init__(code, code=code)


class NotAuthed(SlackApiError):
    def __init__(self) -> None:
        super().__init__("not_authed")


class InvalidAuth(SlackApiError):
    def __init__(self) -> None:
        super().__init__("invalid_auth")


class WebhookError(SandboxError):
    """Incoming webhooks answer plain text: 404 no_service, 400 invalid_payload, 410 channel_is_archived."""


class RateLimited(SandboxError):
    status, code, message = 429, "ratelimited", "ratelimited"

"""Slack's errors. The Web API answers HTTP 200 with {"ok": false, "error": code} (429 for rate limits);
incoming webhooks answer a plain-text code with a real HTTP status. ``SlackService.render_error``
writes both."""

from __future__ import annotations

from vigil.sandbox.core.errors import SandboxError


class SlackApiError(SandboxError):
    """A Web API error: HTTP 200, {"ok": false, "error": code}."""

    status = 200
    code: str | None = "unknown_error"

    def __init__(self, code: str | None = None) -> None:
        super().__init__(code or type(self).code, code=code or type(self).code)


class NotAuthed(SlackApiError):
    code = "not_authed"


class InvalidAuth(SlackApiError):
    code = "invalid_auth"


class UnknownMethod(SlackApiError):
    code = "unknown_method"


class InvalidJson(SlackApiError):
    code = "invalid_json"


class InvalidArguments(SlackApiError):
    code = "invalid_arguments"


class InvalidCursor(SlackApiError):
    code = "invalid_cursor"


class ChannelNotFound(SlackApiError):
    code = "channel_not_found"


class NameTaken(SlackApiError):
    code = "name_taken"


class InvalidName(SlackApiError):
    """One of invalid_name, invalid_name_required, invalid_name_maxlength, invalid_name_specials,
    invalid_name_punctuation."""

    code = "invalid_name"


class IsArchived(SlackApiError):
    code = "is_archived"


class AlreadyArchived(SlackApiError):
    code = "already_archived"


class NotArchived(SlackApiError):
    code = "not_archived"


class CantArchiveGeneral(SlackApiError):
    code = "cant_archive_general"


class NoText(SlackApiError):
    code = "no_text"


class WebhookError(SandboxError):
    """An incoming-webhook error: plain text ``message`` with its HTTP status."""


class NoService(WebhookError):
    status, message = 404, "no_service"  # unknown, revoked or disabled webhook


class InvalidPayload(WebhookError):
    status, message = 400, "invalid_payload"


class WebhookNoText(WebhookError):
    status, message = 400, "no_text"


class ChannelIsArchived(WebhookError):
    status, message = 410, "channel_is_archived"


class RateLimited(SandboxError):
    """429 with Retry-After; JSON for the Web API, text for webhooks."""

    status, code, message = 429, "ratelimited", "ratelimited"

    def __init__(self, retry_after: int, webhook: bool) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})
        self.webhook = webhook

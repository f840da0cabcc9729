"""Slack: the Web API (bot token) for the incidents channel, and incoming webhooks for messages.

The Web API answers HTTP 200 with ``{"ok": false, "error": "<code>"}``; ``SlackClient.call`` maps
those codes to the core errors (auth codes → ``AuthError`` naming the missing scope when Slack
says which, ``channel_not_found`` → ``NotFound``, ``name_taken`` → ``Conflict``, argument codes →
``ValidationError``). A 429 carries ``Retry-After``: ``core/http`` waits that long and retries.
Reads go as GET with query arguments (Slack ignores JSON bodies on several read methods); writes
as POST with a JSON body.

Incoming webhook URLs are secrets: ``post_webhook`` registers the URL with ``core/redact`` and no
error, log or message ever contains it — errors say "the Slack webhook".
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests

from vigil.core import credentials, policy
from vigil.core.credentials import Credential
from vigil.core.errors import (
    ApiError,
    AuthError,
    Conflict,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationError,
)
from vigil.core.http import DEFAULT_TIMEOUT_S, ApiClient, session_for
from vigil.core.policy import Throttled
from vigil.core.ratelimit import seconds_until
from vigil.core.redact import redact, register_secret

READ_METHODS = frozenset({"auth.test", "conversations.list", "conversations.info"})
_AUTH = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "not_allowed_token_type",
        "no_permission",
        "ekm_access_denied",
        "restricted_action",
    }
)
_NOT_FOUND = frozenset({"channel_not_found", "not_in_channel", "unknown_method"})
_CONFLICT = frozenset({"name_taken", "already_archived", "not_archived", "is_archived"})
_INVALID = frozenset(
    {
        "invalid_name",
        "invalid_name_required",
        "invalid_name_maxlength",
        "invalid_name_specials",
        "invalid_name_punctuation",
        "invalid_arguments",
        "invalid_array_arg",
        "invalid_cursor",
        "invalid_json",
        "json_not_object",
        "no_text",
        "msg_too_long",
        "too_long",
        "cant_archive_general",
    }
)
_FIELD_OF = {"invalid_name": "name", "no_text": "text", "msg_too_long": "text", "too_long": "purpose"}

WEBHOOK_LABEL = "the Slack webhook"
WEBHOOK_MAX_WAIT_S = 30.0


class SlackClient(ApiClient):
    api: ClassVar[str] = "Slack"

    @classmethod
    def from_env(cls) -> SlackClient | None:
        """None when SLACK_BOT_TOKEN is not set: the channel is then unmanaged."""
        credential = credentials.slack()
        return cls(credential) if credential else None

    def __init__(self, credential: Credential, **kwargs: Any) -> None:
        super().__init__(credential, **kwargs)

    def error_message(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        try:
            body = response.json()
        except ValueError:
            return (response.text.strip()[:200] or response.reason or "error", None, {})
        if isinstance(body, dict) and body.get("error"):
            return (str(body["error"]), str(body["error"]), {})
        return (str(body)[:200], None, {})

    def auth_hint(self, status: int, code: str | None = None, message: str = "") -> str:
        return "check SLACK_BOT_TOKEN (a bot token, xoxb-…, of the workspace) and its scopes"

    # --- one Web API method -----------------------------------------------------------------------
    def call(self, method: str, **args: Any) -> dict[str, Any]:
        """Call a Web API method; ``{"ok": false}`` answers raise the matching core error."""
        given = {k: v for k, v in args.items() if v is not None}
        if method in READ_METHODS:
            query = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in given.items()}
            response = self.request("GET", method, params=query, idempotent=True)
        else:
            response = self.request("POST", method, json=given, idempotent=False)
        data = response.data if isinstance(response.data, dict) else {}
        if data.get("ok"):
            return data
        raise _web_api_error(self.url(method), method, data)

    # --- conversations ---------------------------------------------------------------------------
    def auth_test(self) -> dict[str, Any]:
        return self.call("auth.test")

    def channels(self, *, include_archived: bool = True, max_pages: int = 100) -> list[dict[str, Any]]:
        """Every public channel (cursor pagination, bounded)."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(max_pages):
            page = self.call(
                "conversations.list",
                limit=200,
                cursor=cursor,
                exclude_archived=not include_archived,
                types="public_channel",
            )
            found.extend(c for c in page.get("channels") or [] if isinstance(c, dict))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return found

    def find_channel(self, name: str) -> dict[str, Any] | None:
        wanted = normalise_channel_name(name)
        return next((c for c in self.channels() if c.get("name") == wanted), None)

    def channel_info(self, channel_id: str) -> dict[str, Any]:
        return dict(self.call("conversations.info", channel=channel_id)["channel"])

    def create_channel(self, name: str) -> dict[str, Any]:
        return dict(self.call("conversations.create", name=normalise_channel_name(name))["channel"])

    def rename_channel(self, channel_id: str, name: str) -> dict[str, Any]:
        renamed = self.call("conversations.rename", channel=channel_id, name=normalise_channel_name(name))
        return dict(renamed["channel"])

    def set_purpose(self, channel_id: str, purpose: str) -> None:
        self.call("conversations.setPurpose", channel=channel_id, purpose=purpose)

    def archive_channel(self, channel_id: str) -> None:
        self.call("conversations.archive", channel=channel_id)

    def unarchive_channel(self, channel_id: str) -> None:
        self.call("conversations.unarchive", channel=channel_id)

    def post_message(self, channel: str, text: str, **extra: Any) -> dict[str, Any]:
        return self.call("chat.postMessage", channel=channel, text=text, **extra)


def normalise_channel_name(name: str) -> str:
    """'#Incidents ' → 'incidents' (Slack channel names are lower case, without '#')."""
    return str(name).strip().lstrip("#").lower()


def _web_api_error(url: str, method: str, data: dict[str, Any]) -> ApiError:
    code = str(data.get("error") or "unknown_error")
    args = ("Slack", "POST" if method not in READ_METHODS else "GET", url, 200, f"{method}: {code}")
    if code in _AUTH:
        needed = data.get("needed")
        hint = (
            f"give the bot token the scope {needed}" if needed else "check SLACK_BOT_TOKEN and its scopes"
        ) + " (the token in SLACK_BOT_TOKEN)"
        return AuthError(*args, code=code, hint=hint)
    if code in _NOT_FOUND:
        return NotFound(*args, code=code, hint="the channel does not exist or the bot cannot see it")
    if code in _CONFLICT:
        taken = "another channel already has that name: pick another name"
        return Conflict(*args, code=code, hint=taken if code == "name_taken" else None)
    if code in _INVALID or code.startswith("invalid_"):
        field = _FIELD_OF.get(code, "name" if code.startswith("invalid_name") else "arguments")
        return ValidationError(*args, code=code, fields={field: [code]})
    if code in ("ratelimited", "rate_limited"):
        return RateLimited(*args, code=code)
    return ApiError(*args, code=code)


def post_webhook(url: str, payload: dict[str, Any], *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """Post one message to an incoming webhook. Errors say "the Slack webhook", never its URL.

    A 429 is waited out (``Retry-After``, bounded) and retried (``core.policy``, "Slack webhook");
    nothing else is retried, since a webhook post is not idempotent (a 5xx may still have posted).
    """
    register_secret(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            "Slack webhook",
            "POST",
            f"({WEBHOOK_LABEL})",
            0,
            f"{WEBHOOK_LABEL} URL is not an http(s) URL",
            fields={"webhook_url": ["not an http(s) URL"]},
            hint="set SLACK_WEBHOOK_URL to the incoming-webhook URL Slack gave you",
        )
    session = session_for(f"{parts.scheme}://{parts.netloc}/")
    shown = f"({WEBHOOK_LABEL})"

    def exchange() -> requests.Response:
        try:
            response = session.post(url, json=payload, timeout=timeout, allow_redirects=False)
        except requests.Timeout:
            raise TransportError("Slack webhook", "POST", shown, "timed out") from None
        except requests.RequestException as error:
            raise TransportError("Slack webhook", "POST", shown, type(error).__name__) from None
        if response.status_code == 429:
            raise Throttled(response)
        return response

    def waited(response: requests.Response) -> float:
        wait = seconds_until(response.headers.get("Retry-After"))
        return min(wait if wait is not None else 1.0, WEBHOOK_MAX_WAIT_S)

    response = policy.call(policy.policy_for("Slack webhook"), exchange, throttle_wait=waited)
    status = response.status_code
    if 200 <= status < 300:
        return
    text = redact(response.text.strip()[:80]) if response.content else ""
    raise _webhook_error(status, text, shown, response.headers.get("Retry-After"))


def _webhook_error(status: int, text: str, shown: str, retry_after: str | None) -> ApiError:
    code: str | None = text or None
    args = ("Slack webhook", "POST", shown, status)
    if status == 404 or code in ("no_service", "channel_not_found", "no_active_hooks"):
        return NotFound(
            *args,
            f"{WEBHOOK_LABEL} does not exist any more ({code or 'no_service'})",
            code=code,
            hint="it was revoked or its app removed: create a new incoming webhook in Slack and update "
            "SLACK_WEBHOOK_URL",
        )
    if status == 410 or code == "channel_is_archived":
        return NotFound(
            *args,
            f"{WEBHOOK_LABEL} posts to an archived channel ({code or 'channel_is_archived'})",
            code=code,
            hint="unarchive the channel, or create a webhook for another channel and update "
            "SLACK_WEBHOOK_URL",
        )
    if status == 403:
        return AuthError(
            *args,
            f"{WEBHOOK_LABEL} refused the message ({code or 'forbidden'})",
            code=code,
            hint="the workspace forbids this post (e.g. posting to #general): use another channel's webhook",
        )
    if status == 400:
        return ValidationError(
            *args,
            f"{WEBHOOK_LABEL} rejected the message ({code or 'invalid_payload'})",
            code=code,
            fields={"payload": [code or "invalid_payload"]},
            hint="the message needs a non-empty 'text' (or valid blocks)",
        )
    if status == 429:
        return RateLimited(
            *args,
            f"{WEBHOOK_LABEL} is rate limited",
            code=code,
            retry_after=seconds_until(retry_after),
        )
    if status >= 500:
        return ServerError(*args, f"{WEBHOOK_LABEL} failed ({code or status})", code=code)
    return ApiError(*args, f"{WEBHOOK_LABEL} answered {code or status}", code=code)


__all__ = ["SlackClient", "normalise_channel_name", "post_webhook"]

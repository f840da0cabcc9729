"""The Slack emulator as a sandbox service: a bot token for the Web API, secret URLs for webhooks.

Account options (POST /_sandbox/accounts {"service": "slack", …}): ``token``, ``team_id``,
``channel`` (where the default webhook posts, default "#incidents"), ``rate_limit_per_minute``
(one limit for every method, overriding the tiers), ``burst`` (multiplier on Slack's documented tier
minimums, default 5). Webhook URLs are secrets: nothing here logs a path.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from vigil.sandbox.core.accounts import Account, RateWindow, new_key
from vigil.sandbox.core.errors import SandboxError
from vigil.sandbox.core.http import Request, Response
from vigil.sandbox.core.routing import Route
from vigil.sandbox.core.service import Call, Service
from vigil.sandbox.slack.errors import (
    InvalidAuth,
    NoService,
    NotAuthed,
    RateLimited,
    SlackApiError,
    UnknownMethod,
    WebhookError,
)
from vigil.sandbox.slack.models import SlackBackend
from vigil.sandbox.slack.responses import SlackResponses
from vigil.sandbox.slack.routes import CONTROL_ROUTES, ROUTES

_RESPONSES = SlackResponses()
WEBHOOKS = "/services/"
# Slack's rate-limit tiers (per method, per workspace, per minute; "Tier 2: 20+ per minute"). The
# tiers are minimums that tolerate bursts, so the sandbox allows DEFAULT_BURST times as many.
TIER_PER_MINUTE = {"tier1": 1, "tier2": 20, "tier3": 50, "tier4": 100, "special": 60}
METHOD_TIERS = {
    "auth_test": "tier4",
    "conversations_list": "tier2",
    "conversations_info": "tier3",
    "conversations_history": "tier3",
    "conversations_create": "tier2",
    "conversations_rename": "tier2",
    "conversations_set_purpose": "tier2",
    "conversations_archive": "tier2",
    "conversations_unarchive": "tier2",
    "conversations_join": "tier3",
    "chat_post_message": "special",  # about one message per second per channel
    "incoming_webhook": "special",  # one per second, short bursts allowed
}
DEFAULT_BURST = 5


class SlackService(Service):
    name = "slack"
    prefix = "/slack"
    routes = ROUTES

    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        # Letters right after "xoxb-": it can never match a real bot token (xox[bp]-<digits>…).
        token = str(options.pop("token", None) or new_key("xoxb-sandbox-"))
        options.setdefault("team_id", "T" + secrets.token_hex(4).upper())
        options.setdefault("channel", "#incidents")
        account = Account(self.name, token, plan=plan or "free", options=options)
        account.backend = self.new_backend(account)
        return account

    def new_backend(self, account: Account) -> SlackBackend:
        """Also after a reset: the default webhook keeps its URL, as credentials promised it."""
        backend = SlackBackend(account.options["team_id"])
        webhook = backend.new_webhook(account.options["channel"], account.options.get("webhook"))
        account.options["webhook"] = webhook.path
        return backend

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        return {
            "url": base_url + "/api",
            "token": account.key,
            "webhook_url": f"{base_url}{WEBHOOKS}{account.options['webhook']}",
            "team_id": account.options["team_id"],
        }

    # --- authentication: bearer (or form) token for the Web API, the URL itself for webhooks ----
    def account_key(self, request: Request) -> str | None:
        if request.path.startswith(WEBHOOKS):
            return self._webhook_owner(request.path[len(WEBHOOKS) :].rstrip("/"))
        token = request.bearer_token()
        if token is None and request.body and "json" not in (request.header("content-type") or ""):
            token = request.form().get("token")
        return token

    def _webhook_owner(self, path: str) -> str | None:
        for (service, key), account in self.accounts.items():
            if service != self.name:
                continue
            backend = account.backend
            if account.options.get("webhook") == path or (backend is not None and path in backend.webhooks):
                return key
        return None

    def unauthorized(self, request: Request) -> SandboxError:
        if request.path.startswith(WEBHOOKS):
            return NoService()
        has_token = request.bearer_token() is not None or b"token=" in request.body
        return InvalidAuth() if has_token else NotAuthed()

    def not_found(self, request: Request) -> SandboxError:
        return UnknownMethod() if request.path.startswith("/api/") else NoService()

    def responses(self) -> SlackResponses:
        return _RESPONSES

    # --- wire ---------------------------------------------------------------------------------
    def render_error(self, error: SandboxError) -> Response:
        if isinstance(error, SlackApiError):
            return Response(200, {"ok": False, "error": error.code}, error.headers)
        if isinstance(error, WebhookError):
            return Response(error.status, error.message, {"Content-Type": "text/html", **error.headers})
        if isinstance(error, RateLimited):
            if error.webhook:
                return Response(429, "rate_limited", {"Content-Type": "text/html", **error.headers})
            return Response(429, {"ok": False, "error": "ratelimited"}, error.headers)
        return Response(error.status, {"ok": False, "error": error.message}, error.headers)

    def server_error(self, status: int) -> Response:
        return Response(status, {"ok": False, "error": "internal_error"})

    def admit(self, call: Call) -> dict[str, str]:
        """Per-method fixed windows of one minute; over the limit → 429 with Retry-After."""
        options = call.account.options
        tier = METHOD_TIERS.get(call.operation, "tier3")
        limit = options.get("rate_limit_per_minute")
        if limit is None:
            limit = TIER_PER_MINUTE[tier] * int(options.get("burst", DEFAULT_BURST))
        windows: dict[str, RateWindow] = call.account.windows
        window = windows.get(call.operation)
        if window is None or window.limit != int(limit):
            window = windows[call.operation] = RateWindow(int(limit), 60.0)
        allowed, _, reset_in = window.hit(self.clock.now())
        if not allowed:
            call.account.requests["throttled:" + call.operation] += 1
            retry_after = max(1, math.ceil(self.clock.real_seconds(reset_in)))
            raise RateLimited(retry_after, webhook=call.operation == "incoming_webhook")
        return {}

    def control_routes(self) -> list[Route]:
        return CONTROL_ROUTES

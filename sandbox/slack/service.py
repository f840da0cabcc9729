"""The Slack emulator as a sandbox service: bot token for the Web API, secret URLs for webhooks."""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.core.accounts import Account, new_key
from sandbox.core.errors import SandboxError
from sandbox.core.http import Request, Response
from sandbox.core.routing import Route
from sandbox.core.service import Service
from sandbox.slack.errors import InvalidAuth, NotAuthed, SlackApiError, WebhookError
from sandbox.slack.models import SlackBackend
from sandbox.slack.responses import SlackResponses
from sandbox.slack.routes import CONTROL_ROUTES, ROUTES

_RESPONSES = SlackResponses()


class SlackService(Service):
    name = "slack"
    prefix = "/slack"
    routes = ROUTES

    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        # Letters right after "xoxb-" so it can never look like a real bot token.
        token = str(options.pop("token", None) or new_key("xoxb-sandbox-"))
        options.setdefault("team_id", "T" + secrets.token_hex(4).upper())
        account = Account(self.name, token, plan=plan or "free", options=options)
        backend = SlackBackend(options["team_id"])
        webhook = backend.new_webhook(options.get("channel", "#incidents"))
        account.backend = backend
        account.options["webhook"] = webhook.path
        return account

    def new_backend(self, account: Account) -> SlackBackend:
        backend = SlackBackend(account.options["team_id"])
        backend.webhooks.clear()
        webhook = backend.new_webhook()
        account.options["webhook"] = webhook.path
        return backend

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        return {
            "url": base_url + "/api",
            "token": account.key,
            "webhook_url": f"{base_url}/services/{account.options['webhook']}",
            "team_id": account.options["team_id"],
        }

    def account_key(self, request: Request) -> str | None:
        if request.path.startswith("/services/"):
            return self._webhook_owner(request.path[len("/services/") :])
        token = request.bearer_token()
        if token is None and request.body and "json" not in (request.header("content-type") or ""):
            token = request.form().get("token")
        return token

    def _webhook_owner(self, path: str) -> str | None:
        for (service, key), account in self.accounts.items():
            if service == self.name and account.options.get("webhook") == path:
                return key
            backend = account.backend
            if service == self.name and backend is not None and path in backend.webhooks:
                return key
        return ""

    def responses(self) -> SlackResponses:
        return _RESPONSES

    def unauthorized(self, request: Request) -> SandboxError:
        if request.path.startswith("/services/"):
            return WebhookError("no_service", status=404)
        return NotAuthed() if request.bearer_token() is None else InvalidAuth()

    def not_found(self, request: Request) -> SandboxError:
        if request.path.startswith("/api/"):
            return SlackApiError("unknown_method")
        return WebhookError("no_service", status=404)

    def render_error(self, error: SandboxError) -> Response:
        if isinstance(error, SlackApiError):
            return Response(200, {"ok": False, "error": error.code})
        if isinstance(error, WebhookError):
            return Response(error.status, error.message, {"Content-Type": "text/html"})
        if error.status == 429:
            return Response(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1", **error.headers})
        return Response(error.status, {"ok": False, "error": error.message})

    def control_routes(self) -> list[Route]:
        return CONTROL_ROUTES

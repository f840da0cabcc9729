"""The Sentry emulator as a sandbox service: one organization per token, with Slack installed."""

from __future__ import annotations

import math
import time
from typing import Any

from sandbox.core.accounts import Account, RateWindow, new_key
from sandbox.core.errors import SandboxError
from sandbox.core.http import Request, Response
from sandbox.core.routing import Route
from sandbox.core.service import Call, Service
from sandbox.sentry.errors import Forbidden, Invalid, Moved, NotFound, Retired, TooManyRequests, Unauthorized
from sandbox.sentry.models import SentryBackend
from sandbox.sentry.responses import SentryResponses, dsn_key
from sandbox.sentry.routes import CONTROL_ROUTES, RETIRED, ROUTES

_RESPONSES = SentryResponses()
ALL_SCOPES = ("org:read", "team:write", "project:write", "project:admin", "alerts:write", "org:integrations")
DEFAULT_CHANNELS = {"incidents": "C0INCIDENTS", "alerts": "C0ALERTS", "staging-alerts": "C0STAGING"}

# The scope each write needs (reference §0); reads need org:read.
_SCOPES = {
    "create_team": "team:write",
    "update_team": "team:write",
    "delete_team": "team:write",
    "create_team_project": "project:write",
    "update_project": "project:write",
    "delete_project": "project:admin",
    "create_key": "project:write",
    "update_key": "project:write",
    "delete_key": "project:write",
    "create_detector": "alerts:write",
    "create_project_detector": "alerts:write",
    "update_detector": "alerts:write",
    "delete_detector": "alerts:write",
    "create_workflow": "alerts:write",
    "update_workflow": "alerts:write",
    "delete_workflow": "alerts:write",
    "create_dashboard": "org:read",
    "list_integrations": "org:integrations",
}


class SentryService(Service):
    name = "sentry"
    prefix = "/sentry"
    routes = ROUTES + RETIRED

    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        token = str(options.pop("token", None) or new_key("sntry_sbx_"))
        options.setdefault("org", "sandbox-org")
        options.setdefault("org_id", 1_000_000 + len(self.accounts) + 1)
        options.setdefault("scopes", list(ALL_SCOPES))
        options.setdefault("features", ["organizations:incidents"])
        options.setdefault("slack_channels", dict(DEFAULT_CHANNELS))
        options.setdefault("rate_limit_per_second", 40)
        return Account(self.name, token, plan=plan or "business", options=options)

    def new_backend(self, account: Account) -> SentryBackend:
        options = account.options
        return SentryBackend(
            options["org"], int(options["org_id"]), list(options["features"]), dict(options["slack_channels"])
        )

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        return {
            "url": base_url,
            "token": account.key,
            "org": account.options["org"],
            "org_id": str(account.options["org_id"]),
        }

    def account_key(self, request: Request) -> str | None:
        if request.path.endswith("/envelope") or request.path.endswith("/envelope/"):
            public = dsn_key(request)
            for (service, key), account in self.accounts.items():
                if service == self.name and account.backend is not None and public in account.backend.keys:
                    return key
            return ""
        return request.bearer_token()

    def responses(self) -> SentryResponses:
        return _RESPONSES

    def unauthorized(self, request: Request) -> SandboxError:
        if request.path.endswith(("/envelope", "/envelope/")):
            return Forbidden("An event submission was rejected: unknown or disabled DSN key")
        return Unauthorized()

    def not_found(self, request: Request) -> SandboxError:
        return NotFound()

    def render_error(self, error: SandboxError) -> Response:
        if isinstance(error, Invalid):
            return Response(400, error.fields, error.headers)
        if isinstance(error, Retired):
            return Response(410, {"message": error.message}, error.headers)
        if isinstance(error, Moved):
            return Response(
                302,
                {
                    "detail": {
                        "code": "resource-moved",
                        "message": "Resource has been moved",
                        "extra": error.extra,
                    }
                },
                error.headers,
            )
        body: dict[str, Any] = {"detail": error.message}
        body.update(error.extra)
        return Response(error.status, body, error.headers)

    def server_error(self, status: int) -> Response:
        return Response(status, {"detail": "Internal Error"})

    def admit(self, call: Call) -> dict[str, str]:
        account = call.account
        needed = _SCOPES.get(call.operation, "org:read")
        if call.operation not in ("ingest_envelope",) and needed not in account.options["scopes"]:
            raise Forbidden(f"You do not have permission to perform this action. Missing scope: {needed}")
        limit = int(account.options.get("rate_limit_per_second", 40))
        window_key = f"_rate:{call.operation}"
        window = account.options.get(window_key)
        if not isinstance(window, RateWindow) or window.limit != limit:
            window = RateWindow(limit, 1.0)
            account.options[window_key] = window
        allowed, remaining, reset_in = window.hit(self.clock.now())
        reset_epoch = math.ceil(time.time() + self.clock.real_seconds(reset_in))
        headers = {
            "X-Sentry-Rate-Limit-Limit": str(limit),
            "X-Sentry-Rate-Limit-Remaining": str(remaining),
            "X-Sentry-Rate-Limit-Reset": str(reset_epoch),
            "X-Sentry-Rate-Limit-ConcurrentLimit": "25",
            "X-Sentry-Rate-Limit-ConcurrentRemaining": "24",
        }
        if not allowed:
            raise TooManyRequests(
                f"You are attempting to use this endpoint too frequently. Limit is {limit} "
                "requests in 1 seconds",
                headers=headers,
            )
        return headers

    def control_routes(self) -> list[Route]:
        return CONTROL_ROUTES

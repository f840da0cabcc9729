"""The Sentry emulator as a sandbox service: one organization per token, with Slack installed.

Account options (POST /_sandbox/accounts {"service": "sentry", …}): ``org`` (slug, default
"sandbox-org"), ``org_id``, ``token``, ``scopes`` (default: all vigil needs), ``features``
(default ["organizations:incidents"]; add "projects:rate-limits" for key rate limits to stick),
``slack_channels`` (name → channel id), ``rate_limit_per_second`` (per endpoint, default 40),
``concurrent_limit`` (default 25).
"""

from __future__ import annotations

import math
import time
from typing import Any

from vigil.sandbox.core.accounts import Account, RateWindow, new_key
from vigil.sandbox.core.errors import SandboxError
from vigil.sandbox.core.http import Request, Response
from vigil.sandbox.core.routing import Route
from vigil.sandbox.core.service import Call, Service
from vigil.sandbox.sentry.errors import (
    EnvelopeRejected,
    EnvelopeUnauthorized,
    Forbidden,
    Invalid,
    Moved,
    NotFound,
    Retired,
    TooManyRequests,
    Unauthorized,
)
from vigil.sandbox.sentry.models import SentryBackend
from vigil.sandbox.sentry.responses import SentryResponses, dsn_key
from vigil.sandbox.sentry.routes import CONTROL_ROUTES, RETIRED, ROUTES

_RESPONSES = SentryResponses()
ALL_SCOPES = ("org:read", "team:write", "project:write", "project:admin", "alerts:write", "org:integrations")
DEFAULT_CHANNELS = {"incidents": "C0INCIDENTS", "alerts": "C0ALERTS", "staging-alerts": "C0STAGING"}
RATE_WINDOW_SECONDS = 1
INGEST = "ingest_envelope"

# Which scopes let a token call an operation (reference §0); any one of them is enough.
_READ = ("org:read", "org:write", "org:admin")
_TEAM = ("team:write", "team:admin", "org:write", "org:admin")
_PROJECT_WRITE = ("project:write", "project:admin")
_ALERTS = ("alerts:write", "org:write", "org:admin")
_SCOPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("create_team", "update_team", "delete_team"), _TEAM),
    **dict.fromkeys(
        ("create_team_project", "update_project", "add_project_team", "remove_project_team",
         "create_key", "update_key", "delete_key"),
        _PROJECT_WRITE,
    ),
    "delete_project": ("project:admin",),
    **dict.fromkeys(
        ("create_detector", "create_project_detector", "update_detector", "delete_detector",
         "create_workflow", "update_workflow", "delete_workflow"),
        _ALERTS,
    ),
    **dict.fromkeys(
        ("invite_member", "update_member", "remove_member"), ("member:write", "member:admin", "org:admin")
    ),
    **dict.fromkeys(
        ("enable_spike_protection", "disable_spike_protection"),
        ("project:write", "project:admin", "org:write"),
    ),
    "update_integration": ("org:integrations", "org:write", "org:admin"),
    "update_ownership": ("project:write", "project:admin"),
    "health_check": (),  # any valid token (clients call it before anything else)
    "list_integrations": ("org:integrations", *_READ),
    "get_integration": ("org:integrations", *_READ),
}  # fmt: skip


class SentryService(Service):
    name = "sentry"
    prefix = "/sentry"
    routes = ROUTES + RETIRED

    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        token = str(options.pop("token", None) or new_key("sntry_sbx_"))  # never a real sntrys_/sntryu_
        options.setdefault("org", "sandbox-org")
        options.setdefault("org_id", 1_000_000 + len(self.accounts) + 1)
        options.setdefault("scopes", list(ALL_SCOPES))
        options.setdefault("features", ["organizations:incidents"])
        options.setdefault("slack_channels", dict(DEFAULT_CHANNELS))
        options.setdefault("rate_limit_per_second", 40)
        options.setdefault("concurrent_limit", 25)
        if not isinstance(options["scopes"], list) or not isinstance(options["features"], list):
            raise ValueError("'scopes' and 'features' must be lists of strings")
        return Account(self.name, token, plan=plan or "business", options=options)

    def new_backend(self, account: Account) -> SentryBackend:
        options = account.options
        return SentryBackend(
            str(options["org"]),
            int(options["org_id"]),
            list(options["features"]),
            dict(options["slack_channels"]),
        )

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        return {
            "url": base_url,
            "token": account.key,
            "org": account.options["org"],
            "org_id": str(account.options["org_id"]),
        }

    # --- authentication: a bearer token for the API, the DSN public key for ingest --------------
    def account_key(self, request: Request) -> str | None:
        if _is_ingest(request):
            public = dsn_key(request)
            for (service, key), account in self.accounts.items():
                if service == self.name and account.backend is not None and public in account.backend.keys:
                    return key
            return None
        return request.bearer_token()

    def unauthorized(self, request: Request) -> SandboxError:
        if _is_ingest(request):
            return EnvelopeRejected() if dsn_key(request) else EnvelopeUnauthorized()
        return Unauthorized()

    def not_found(self, request: Request) -> SandboxError:
        return NotFound()

    def responses(self) -> SentryResponses:
        return _RESPONSES

    # --- wire ---------------------------------------------------------------------------------
    def render_error(self, error: SandboxError) -> Response:
        if isinstance(error, Invalid):
            return Response(400, error.fields, error.headers)
        if isinstance(error, Retired):
            return Response(410, {"message": error.message}, error.headers)
        if isinstance(error, Moved):
            detail = {"code": "resource-moved", "message": error.message, "extra": error.extra}
            return Response(302, {"detail": detail}, error.headers)
        return Response(error.status, {"detail": error.message, **error.extra}, error.headers)

    def server_error(self, status: int) -> Response:
        return Response(status, {"detail": "Internal Error"})

    def admit(self, call: Call) -> dict[str, str]:
        """Scope check, then the per-endpoint fixed window every Sentry response reports."""
        if call.operation == INGEST:
            return {}  # Relay, not the API: no scopes, no X-Sentry-Rate-Limit-* headers
        account = call.account
        allowed_scopes = _SCOPES.get(call.operation, _READ)
        if allowed_scopes and not set(allowed_scopes) & set(account.options["scopes"]):
            raise Forbidden()
        limit = int(account.options.get("rate_limit_per_second", 40))
        windows: dict[str, RateWindow] = account.windows
        window = windows.get(call.operation)
        if window is None or window.limit != limit:
            window = windows[call.operation] = RateWindow(limit, float(RATE_WINDOW_SECONDS))
        allowed, remaining, reset_in = window.hit(self.clock.now())
        concurrent = int(account.options.get("concurrent_limit", 25))
        # Reset is UTC epoch seconds; the wait it implies is real time, even on a sped-up clock.
        headers = {
            "X-Sentry-Rate-Limit-Limit": str(limit),
            "X-Sentry-Rate-Limit-Remaining": str(remaining),
            "X-Sentry-Rate-Limit-Reset": str(math.ceil(time.time() + self.clock.real_seconds(reset_in))),
            "X-Sentry-Rate-Limit-ConcurrentLimit": str(concurrent),
            "X-Sentry-Rate-Limit-ConcurrentRemaining": str(concurrent - 1),
        }
        if not allowed:
            account.requests["throttled:" + call.operation] += 1
            raise TooManyRequests(limit, RATE_WINDOW_SECONDS, headers)
        return headers

    def control_routes(self) -> list[Route]:
        return CONTROL_ROUTES


def _is_ingest(request: Request) -> bool:
    return request.path.rstrip("/").endswith("/envelope") and not request.path.startswith("/api/0/")

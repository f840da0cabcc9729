"""The Uptime Robot v3 emulator as a sandbox service: accounts, plans, error bodies, the throttler.

Account options (``POST /_sandbox/accounts {"service": "uptimerobot", "plan": ..., ...}``): plan
``free`` | ``solo`` | ``team`` | ``enterprise``; overrides ``rate_limit_per_minute``,
``monitor_limit``, ``min_interval``; ``email``; ``api_key`` to choose the key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from vigil.sandbox.core.accounts import Account, RateWindow, new_key
from vigil.sandbox.core.errors import SandboxError
from vigil.sandbox.core.http import Request, Response
from vigil.sandbox.core.routing import Route
from vigil.sandbox.core.service import Call, Service
from vigil.sandbox.uptimerobot.errors import NotFound, TooManyRequests, Unauthorized, ValidationFailed
from vigil.sandbox.uptimerobot.models import ACCOUNT_OPTIONS, PLANS, Limits, UptimeRobotBackend
from vigil.sandbox.uptimerobot.responses import UptimeRobotResponses
from vigil.sandbox.uptimerobot.routes import CONTROL_ROUTES, ROUTES
from vigil.sandbox.uptimerobot.scheduler import MonitorScheduler

_RESPONSES = UptimeRobotResponses()
WINDOW_SECONDS = 60.0


class UptimeRobotService(Service):
    name = "uptimerobot"
    prefix = "/uptimerobot/v3"
    # The demo account is a team plan, so `make demo` does not wait out the free plan's 10 requests a
    # minute (tests of the free plan create free accounts of their own).
    default_plan = "team"
    routes = ROUTES
    scheduler: MonitorScheduler | None = None  # set while the sandbox monitors (Sandbox(monitoring=True))

    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        plan = plan or "free"
        if plan not in PLANS:
            raise ValueError(f"unknown plan {plan!r}; known: {sorted(PLANS)}")
        key = str(options.pop("api_key", None) or new_key("ur_sbx_"))
        unknown = set(options) - set(ACCOUNT_OPTIONS)
        if unknown:
            raise ValueError(f"unknown uptimerobot options {sorted(unknown)}; known: {list(ACCOUNT_OPTIONS)}")
        for name in ("rate_limit_per_minute", "monitor_limit", "min_interval"):
            if name in options and (not isinstance(options[name], int) or options[name] < 1):
                raise ValueError(f"{name} must be a positive integer")
        return Account(self.name, key, plan=plan, options=options)

    def new_backend(self, account: Account) -> UptimeRobotBackend:
        email = str(account.options.get("email") or "owner@sandbox.invalid")
        return UptimeRobotBackend(Limits.of(account.plan, account.options), email)

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        # heartbeat_url: where a job calls its monitor's push URL here (the live service's is
        # https://heartbeat.uptimerobot.com/<token>); the control route in routes.py serves it
        origin = base_url.removesuffix(self.prefix)
        heartbeats = f"{origin}/_sandbox/uptimerobot/heartbeat/"
        return {"url": base_url, "api_key": account.key, "plan": account.plan, "heartbeat_url": heartbeats}

    def responses(self) -> UptimeRobotResponses:
        return _RESPONSES

    def unauthorized(self, request: Request) -> SandboxError:
        return Unauthorized()

    def not_found(self, request: Request) -> SandboxError:
        return NotFound(f"Cannot {request.method} /v3{request.path}")

    def render_error(self, error: SandboxError) -> Response:
        if isinstance(error, TooManyRequests):
            return Response(
                429, error.message, {**error.headers, "Content-Type": "text/plain; charset=utf-8"}
            )
        if isinstance(error, ValidationFailed):
            body = {"message": error.messages, "error": "Bad Request", "statusCode": 400}
            return Response(400, body, error.headers)
        body = {"message": error.message, "statusCode": error.status}
        if error.code:
            body["code"] = error.code
        return Response(error.status, body, error.headers)

    def server_error(self, status: int) -> Response:
        return Response(status, {"statusCode": status, "message": "Internal server error"})

    def admit(self, call: Call) -> dict[str, str]:
        """The throttler: a fixed 60 s window opened by the first counted request (reference §2).

        A malformed JSON body is refused before it, so like a bad key it carries no rate-limit headers.
        """
        request = call.request
        multipart = (request.header("content-type") or "").startswith("multipart/form-data")
        if request.body and request.method in ("POST", "PATCH", "PUT") and not multipart:
            try:
                request.json()
            except ValueError:
                raise ValidationFailed("Unexpected token in JSON body") from None
        account = call.account
        per_minute = Limits.of(account.plan, account.options).rate_limit_per_minute
        if account.rate is None or account.rate.limit != per_minute:
            account.rate = RateWindow(per_minute, WINDOW_SECONDS)
        allowed, remaining, reset_in = account.rate.hit(self.clock.now())
        # Live accounts send X-RateLimit-Reset as SECONDS REMAINING (reference §2, GS), in real seconds
        # here so a client waits the right time when the control plane speeds the clock up.
        wait = max(1, math.ceil(self.clock.real_seconds(reset_in)))
        headers = {
            "X-RateLimit-Limit": str(per_minute),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(wait),
        }
        if not allowed:
            account.requests["throttled:" + call.operation] += 1
            raise TooManyRequests(headers={**headers, "Retry-After": str(wait)})
        return headers

    def control_routes(self) -> list[Route]:
        return CONTROL_ROUTES

    # --- monitoring: the scheduler that checks monitors and sends their alerts ------------------
    def start(self, backend_of: Callable[[Account], Any]) -> None:
        if self.scheduler is None:
            self.scheduler = MonitorScheduler(self.accounts, self.clock, backend_of)
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()

"""The Uptime Robot v3 emulator as a sandbox service."""

from __future__ import annotations

import math
from typing import Any

from sandbox.core.accounts import Account, RateWindow, new_key
from sandbox.core.errors import SandboxError
from sandbox.core.http import Request, Response
from sandbox.core.service import Call, Service
from sandbox.uptimerobot.errors import NotFound, TooManyRequests, Unauthorized, ValidationFailed
from sandbox.uptimerobot.models import PLANS, UptimeRobotBackend
from sandbox.uptimerobot.responses import UptimeRobotResponses
from sandbox.uptimerobot.routes import ROUTES

_RESPONSES = UptimeRobotResponses()


class UptimeRobotService(Service):
    name = "uptimerobot"
    prefix = "/uptimerobot/v3"
    routes = ROUTES

    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        plan = plan or "free"
        if plan not in PLANS:
            raise ValueError(f"unknown plan {plan!r}; known: {sorted(PLANS)}")
        key = str(options.pop("api_key", None) or new_key("ur_sbx_"))
        return Account(self.name, key, plan=plan, options=options)

    def new_backend(self, account: Account) -> UptimeRobotBackend:
        return UptimeRobotBackend(account.plan, account.options)

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        return {"url": base_url, "api_key": account.key, "plan": account.plan}

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
            return Response(
                400, {"message": error.messages, "error": "Bad Request", "statusCode": 400}, error.headers
            )
        body: dict[str, Any] = {"message": error.message, "statusCode": error.status}
        if error.code:
            body["code"] = error.code
        return Response(error.status, body, error.headers)

    def admit(self, call: Call) -> dict[str, str]:
        account = call.account
        limits = PLANS.get(account.plan, PLANS["free"])
        per_minute = int(account.options.get("rate_limit_per_minute", limits["rate_limit_per_minute"]))
        if account.rate is None or account.rate.limit != per_minute:
            account.rate = RateWindow(per_minute, 60.0)
        allowed, remaining, reset_in = account.rate.hit(self.clock.now())
        # Live accounts report X-RateLimit-Reset as seconds remaining (reference §2, GS), here in real
        # seconds so a client waits correctly when the control plane speeds the clock up.
        headers = {
            "X-RateLimit-Limit": str(per_minute),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(self.clock.real_seconds(reset_in))),
        }
        if not allowed:
            wait = max(1, math.ceil(self.clock.real_seconds(reset_in)))
            account.requests["throttled:" + call.operation] += 1
            raise TooManyRequests(headers={**headers, "Retry-After": str(wait)})
        return headers

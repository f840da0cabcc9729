"""The dispatcher: prefix → service, route → operation, auth, faults, rate limit, errors, state.

``/_sandbox/…`` is the control plane (status, accounts, reset, faults, quirks, request counters,
clock); it cannot clash with any emulated API because none of them has a path starting with ``_``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from vigil.sandbox.core.accounts import Account, Faults, Quirks
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.errors import DroppedConnection, MethodNotAllowed, SandboxError
from vigil.sandbox.core.http import Request, Response
from vigil.sandbox.core.routing import Route, allowed_methods, match
from vigil.sandbox.core.service import Call, Service
from vigil.sandbox.core.store import Store

log = logging.getLogger("vigil.sandbox")

CONTROL_PREFIX = "/_sandbox"
# The control plane's route table; ``/_sandbox/<service>/…`` adds each service's control_routes().
CONTROL_ROUTES = [
    Route("GET", "/status", "control_status"),
    Route("POST", "/accounts", "control_accounts"),
    Route("POST", "/reset", "control_reset"),
    Route("POST", "/faults", "control_faults"),
    Route("POST", "/quirks", "control_quirks"),
    *(Route(method, "/requests", "control_requests") for method in ("GET", "POST", "DELETE")),
    Route("POST", "/clock", "control_clock"),
]


class ControlError(SandboxError):
    status = 400


class Sandbox:
    def __init__(
        self,
        services: list[Service],
        state_path: Path | None = None,
        clock: Clock | None = None,
        *,
        monitoring: bool = False,
    ) -> None:
        self.clock = clock or Clock()
        # Whether the services' background work runs while serving (Uptime Robot checks its
        # monitors): on for the daemon, off for a sandbox whose tests append the history themselves.
        self.monitoring = monitoring
        self.services = {service.name: service for service in services}
        for service in services:
            service.clock = self.clock
        self.store = Store(state_path)
        self._lock = threading.RLock()
        self.accounts: dict[tuple[str, str], Account] = {}
        self.defaults: dict[str, str] = {}  # service → key of its default account
        loaded = self.store.load()
        if loaded:
            self.accounts = loaded["accounts"]
            self.defaults = loaded["defaults"]
            for account in self.accounts.values():
                # Windows are measured on this process's clock, which restarts at 0: a saved window
                # would stay shut for as long as the last run lasted. A restart opens them all.
                account.rate = None
                account.windows.clear()
        for service in services:
            service.accounts = self.accounts
            if service.name not in self.defaults:
                account = self._add_account(service, service.default_plan, {})
                self.defaults[service.name] = account.key
        self.save()

    # --- accounts -----------------------------------------------------------------------------
    def _add_account(self, service: Service, plan: str | None, options: dict[str, Any]) -> Account:
        account = service.new_account(plan, **options)
        with self._lock:
            self.accounts[(service.name, account.key)] = account
        return account

    def account(self, service: str, key: str | None) -> Account | None:
        if key is None:
            return None
        return self.accounts.get((service, key))

    def backend(self, account: Account) -> Any:
        if account.backend is None:
            account.backend = self.services[account.service].new_backend(account)
        return account.backend

    def save(self) -> None:
        if self.store.path is None:
            return
        with self._lock:  # one writer at a time; each account is copied under its own lock
            self.store.save(Store.snapshot(list(self.accounts.items())), self.defaults)

    def start_background(self) -> None:
        if self.monitoring:
            for service in self.services.values():
                service.start(self.backend)

    def stop_background(self) -> None:
        for service in self.services.values():
            service.stop()

    # --- dispatch -----------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes, origin: str
    ) -> Response:
        if path.startswith(CONTROL_PREFIX + "/") or path == CONTROL_PREFIX:
            return self._control(method, path[len(CONTROL_PREFIX) :], query, headers, body, origin)
        for service in self.services.values():
            if path == service.prefix or path.startswith(service.prefix + "/"):
                request = Request.build(
                    method, path[len(service.prefix) :] or "/", query, headers, body, origin + service.prefix
                )
                return self._dispatch(service, request)
        return Response(404, {"message": f"Cannot {method} {path}", "statusCode": 404})

    def _dispatch(self, service: Service, request: Request) -> Response:
        found = match(service.routes, request.method, request.path)
        extra_headers: dict[str, str] = {}  # rate-limit headers admitted calls carry, errors included
        try:
            account = self.account(service.name, service.account_key(request))
            if account is None:
                raise service.unauthorized(request)
            if found is None:
                allowed = allowed_methods(service.routes, request.path)
                if allowed and request.method not in allowed:
                    raise MethodNotAllowed(request.method, allowed)
                raise service.not_found(request)
            route, params = found
            call = Call(request, account, None, service, route.operation)
            self._inject_faults(service, call)
            with account.lock:
                extra_headers = service.admit(call)
                account.requests[route.operation] += 1
                call.backend = self.backend(account)
                handler = getattr(service.responses(), route.operation, None)
                if handler is None:
                    raise NotImplementedError(f"{service.name}: no handler for {route.operation}")
                response = handler(call, **params)
                response.headers = {**extra_headers, **response.headers}
            if request.method != "GET":
                self.save()
            return response
        except SandboxError as error:
            rendered = render(service, error)
            rendered.headers = {**extra_headers, **rendered.headers}
            return rendered
        except DroppedConnection:
            raise
        except NotImplementedError:
            raise
        except Exception:  # an emulator bug: answer like a real 500, keep the traceback in the log
            # The operation, never the path: some paths are secrets (Slack incoming-webhook URLs).
            operation = found[0].operation if found else "?"
            log.exception("sandbox %s: unhandled error on %s %s", service.name, request.method, operation)
            return service.server_error(500)

    def _inject_faults(self, service: Service, call: Call) -> None:
        faults = call.account.faults
        if not faults.applies(call.request.method, call.operation):
            return
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        rng = call.account.rng
        if faults.drop_rate and rng.random() < faults.drop_rate:
            raise DroppedConnection()
        if faults.error_rate and rng.random() < faults.error_rate:
            call.account.requests["fault:" + call.operation] += 1
            raise _InjectedServerError(service, faults.error_status)

    # --- control plane ------------------------------------------------------------------------
    def _control(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes, origin: str
    ) -> Response:
        request = Request.build(method, path or "/", query, headers, body, origin + CONTROL_PREFIX)
        try:
            payload = request.json() or {}
        except ValueError:
            return Response(400, {"error": "control plane requests take a JSON body"})
        if not isinstance(payload, dict):
            return Response(400, {"error": "control plane requests take a JSON object"})
        try:
            found = match(CONTROL_ROUTES, method, request.path)
            if found:
                handler = getattr(self, found[0].operation)
                response: Response = handler(request, payload, origin)
                return response
            for service in self.services.values():
                prefix = "/" + service.name
                if request.path.startswith(prefix + "/"):
                    found = match(service.control_routes(), method, request.path[len(prefix) :])
                    if found:
                        route, params = found
                        account = self._control_account(
                            {
                                "service": service.name,
                                **payload,
                                **{k: v[-1] for k, v in request.query.items()},
                            }
                        )
                        with account.lock:
                            call = Call(request, account, self.backend(account), service, route.operation)
                            try:
                                response = getattr(service.responses(), route.operation)(call, **params)
                            except SandboxError as error:
                                return Response(error.status, {"error": error.message})
                        self.save()
                        return response
        except ControlError as error:
            return Response(error.status, {"error": error.message})
        return Response(404, {"error": f"no control route {method} {path}"})

    # --- the control plane's own routes (CONTROL_ROUTES) ---------------------------------------
    def control_status(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        return Response(200, self.status(origin))

    def control_accounts(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        return self._create_account(payload, origin)

    def control_reset(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        return self._reset(payload)

    def control_faults(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        return self._set_faults(payload)

    def control_quirks(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        account = self._control_account(payload)
        wanted = payload.get("quirks") or {}
        known = {f.name for f in fields(Quirks)}
        if not isinstance(wanted, dict) or set(wanted) - known:
            raise ControlError(f"'quirks' takes the switches {sorted(known)}")
        account.quirks = Quirks(**wanted)
        self.save()
        return Response(200, {"quirks": asdict(account.quirks)})

    def control_requests(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        return self._requests(request.method, payload or {k: v[-1] for k, v in request.query.items()})

    def control_clock(self, request: Request, payload: dict[str, Any], origin: str) -> Response:
        try:
            if "speed" in payload:
                self.clock.set_speed(float(payload["speed"]))
            if "advance_seconds" in payload:
                self.clock.advance(float(payload["advance_seconds"]))
        except (TypeError, ValueError) as error:
            raise ControlError(f"'speed' (positive) and 'advance_seconds' take numbers: {error}") from None
        return Response(
            200, {"speed": self.clock.speed, "now": self.clock.now(), "epoch": self.clock.epoch()}
        )

    def status(self, origin: str) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for name, service in self.services.items():
            account = self.accounts[(name, self.defaults[name])]
            document[name] = service.credentials(account, origin + service.prefix)
        return document

    def _service(self, payload: dict[str, Any]) -> Service:
        name = payload.get("service")
        if name not in self.services:
            raise ControlError(f"'service' must be one of {sorted(self.services)}")
        return self.services[name]

    def _control_account(self, payload: dict[str, Any]) -> Account:
        service = self._service(payload)
        key = payload.get("account") or self.defaults[service.name]
        account = self.account(service.name, key)
        if account is None:
            raise ControlError(f"no {service.name} account with that key", status=404)
        return account

    def _create_account(self, payload: dict[str, Any], origin: str) -> Response:
        service = self._service(payload)
        options = {k: v for k, v in payload.items() if k not in {"service", "plan"}}
        try:
            account = self._add_account(service, payload.get("plan"), options)
        except (TypeError, ValueError) as error:
            raise ControlError(str(error)) from error
        self.save()
        return Response(201, service.credentials(account, origin + service.prefix))

    def _reset(self, payload: dict[str, Any]) -> Response:
        with self._lock:
            if payload.get("account"):
                targets = [self._control_account(payload)]
            elif payload.get("service"):
                targets = [a for a in self.accounts.values() if a.service == self._service(payload).name]
            else:
                targets = list(self.accounts.values())
            for account in targets:
                with account.lock:
                    account.backend = None
                    account.requests.clear()
                    account.rate = None
                    account.windows.clear()  # Sentry's and Slack's per-method throttle windows
                    account.faults = Faults()
                    account.quirks = Quirks()
        self.save()
        return Response(200, {"reset": len(targets)})

    def _set_faults(self, payload: dict[str, Any]) -> Response:
        account = self._control_account(payload)
        known = {f.name for f in fields(Faults)}
        unknown = set(payload) - known - {"service", "account"}
        if unknown:
            raise ControlError(f"unknown fault settings {sorted(unknown)}; known: {sorted(known)}")
        account.faults = Faults(**{k: v for k, v in payload.items() if k in known})
        account.rng.seed(account.faults.seed)
        self.save()
        return Response(200, {"faults": json.loads(json.dumps(account.faults.__dict__))})

    def _requests(self, method: str, payload: dict[str, Any]) -> Response:
        account = self._control_account(payload)
        counts = dict(account.requests)
        if method in {"DELETE", "POST"}:
            account.requests.clear()
        return Response(
            200,
            {"requests": counts, "total": sum(v for k, v in counts.items() if not k.startswith("fault:"))},
        )


class _InjectedServerError(SandboxError):
    def __init__(self, service: Service, status: int) -> None:
        super().__init__("injected fault", status=status)
        self.service = service


def render(service: Service, error: SandboxError) -> Response:
    if isinstance(error, _InjectedServerError):
        return service.server_error(error.status)
    return service.render_error(error)

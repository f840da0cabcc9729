"""The contract every emulated API fulfils, so one dispatcher serves them all.

A service declares its URL prefix, its route table, a responses object (one method per operation),
how a request authenticates (which account), how its errors look on the wire, and what rate-limit
headers it sends. Adding an endpoint is one route row, one responses method, one backend method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from vigil.sandbox.core.accounts import Account
from vigil.sandbox.core.clock import Clock
from vigil.sandbox.core.errors import SandboxError
from vigil.sandbox.core.http import Request, Response
from vigil.sandbox.core.routing import Route


@dataclass
class Call:
    """Everything one handler invocation needs."""

    request: Request
    account: Account
    backend: Any
    service: Service
    operation: str

    def quirk(self, name: str, default: Any = None) -> Any:
        return getattr(self.account.quirks, name, default)


class Service:
    name: ClassVar[str]
    prefix: ClassVar[str]  # path prefix on the sandbox server, e.g. "/uptimerobot/v3"
    routes: ClassVar[list[Route]]
    # The plan of the account a fresh sandbox creates for `vigil sandbox status` (None: the service's
    # own default). Test accounts choose theirs.
    default_plan: ClassVar[str | None] = None

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        # The sandbox's account map (service, key) → Account, shared by reference: a service whose
        # requests authenticate by something other than a key (Slack webhook URLs) looks owners up here.
        self.accounts: dict[tuple[str, str], Account] = {}

    # --- accounts -----------------------------------------------------------------------------
    def new_account(self, plan: str | None = None, **options: Any) -> Account:
        raise NotImplementedError

    def new_backend(self, account: Account) -> Any:
        raise NotImplementedError

    def credentials(self, account: Account, base_url: str) -> dict[str, Any]:
        """What a client needs to reach this account (the ``sandbox status`` document)."""
        raise NotImplementedError

    def account_key(self, request: Request) -> str | None:
        """The credential a request presents (None when it presents none)."""
        return request.bearer_token()

    # --- wire ---------------------------------------------------------------------------------
    def responses(self) -> Any:
        raise NotImplementedError

    def unauthorized(self, request: Request) -> SandboxError:
        raise NotImplementedError

    def not_found(self, request: Request) -> SandboxError:
        raise NotImplementedError

    def render_error(self, error: SandboxError) -> Response:
        raise NotImplementedError

    def server_error(self, status: int) -> Response:
        """The body an injected (or unexpected) 5xx carries."""
        return Response(status, {"statusCode": status, "message": "Internal server error"})

    def admit(self, call: Call) -> dict[str, str]:
        """Rate limiting: raise the service's 429, or return headers to add to the response."""
        return {}

    def control_routes(self) -> list[Route]:
        """Extra ``/_sandbox/<service>/…`` routes for test hooks (received messages, revocation)."""
        return []

    # --- background work (a service that monitors: Uptime Robot's checks) ----------------------
    def start(self, backend_of: Callable[[Account], Any]) -> None:
        """Start the service's background work, if it has any; ``backend_of`` gives an account's
        backend (created on first use). Called when the server starts serving."""

    def stop(self) -> None:
        """Stop the background work and wait for it (called when the server stops)."""

"""Errors the emulators raise; each service renders them in its real API's shape.

Handlers and backends raise; they never write error bodies. ``SandboxError`` carries what every
renderer needs: the HTTP status, the API's error code (if it has codes), a message, and extra
headers (``Retry-After``…). Services subclass it once per documented error (see
``sandbox/<service>/errors.py``) and supply a renderer in their ``Service``.
"""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    status: int = 500
    code: str | None = None
    message: str = "Internal Server Error"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        self.message = message if message is not None else type(self).message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        super().__init__(self.message)


class DroppedConnection(Exception):
    """Raised by fault injection: the server closes the socket without answering."""


class MethodNotAllowed(SandboxError):
    """A method no route takes on a path that exists: 405 with the ``Allow`` header."""

    status = 405

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f'Method "{method}" not allowed.', headers={"Allow": ", ".join(allowed)})
        self.method = method

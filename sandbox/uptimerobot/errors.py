"""Uptime Robot v3's documented errors (reference/uptimerobot-api.md §2, §4.1): HTTP status + code.

Bodies: ``{"message": ..., "code": ..., "statusCode": ...}``; a validation 400 carries a LIST of
messages and no code; a 429 is the plain text ``ThrottlerException: Too Many Requests``.
"""

from __future__ import annotations

from vigil.sandbox.core.errors import SandboxError


class Unauthorized(SandboxError):
    status, code, message = 401, "003-005", "Unauthorized: invalid or missing API key"


class NotFound(SandboxError):
    status, code, message = 404, "000-004", "Not found"


class IntegrationNotFound(SandboxError):
    """Also what a personal alert contact's id gives on /integrations."""

    status, code, message = 404, "021-005", "Integration not found"


class PlanLimit(SandboxError):
    status, code, message = 403, "000-003", "This feature is not available on your plan"


class ForeignResource(SandboxError):
    """An id that is not this account's: the API cannot tell "someone else's" from "no such"."""

    status, code, message = 403, "000-006", "The resource belongs to another account"


class IntegrationPlanLimit(SandboxError):
    status, code, message = 403, "021-003", "This integration type is not available on your plan"


class IntegrationExists(SandboxError):
    status, message = 409, "Integration already exists"


class ValidationFailed(SandboxError):
    """400 with a LIST of messages and no code, as the v3 validator answers."""

    status = 400

    def __init__(self, *messages: str) -> None:
        super().__init__(messages[0] if messages else "Bad Request")
        self.messages = list(messages) or ["Bad Request"]


class InvalidField(ValidationFailed):
    """A 400 about one field that only the state can tell (a member that does not exist…), raised by
    the backend with the field's Python name; responses.py puts the wire name into the message
    (``{}``), since the live API names the field the client sent."""

    def __init__(self, field: str, template: str) -> None:
        super().__init__(template.format(field))
        self.field, self.template = field, template


class TooManyRequests(SandboxError):
    status, message = 429, "ThrottlerException: Too Many Requests"

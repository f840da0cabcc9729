"""Sentry's errors: {"detail": …} for 401/403/404/409/429, DRF field maps for 400, 410 for retired APIs."""

from __future__ import annotations

from typing import Any

from sandbox.core.errors import SandboxError


class SentryError(SandboxError):
    def __init__(self, detail: str, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)


class Unauthorized(SentryError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Invalid token")


class Forbidden(SentryError):
    status = 403

    def __init__(self, detail: str = "You do not have permission to perform this action.") -> None:
        super().__init__(detail)


class NotFound(SentryError):
    status = 404

    def __init__(self, detail: str = "The requested resource does not exist") -> None:
        super().__init__(detail)


class Conflict(SentryError):
    status = 409


class Invalid(SandboxError):
    """400 with a DRF validation map, possibly nested: {"platform": ["Invalid platform"]}."""

    status = 400

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__("Invalid request")
        self.fields = fields


class Retired(SandboxError):
    status = 410
    message = "This API no longer exists."

    def __init__(self, replacement: str) -> None:
        super().__init__(
            headers={
                "X-Sentry-Deprecation-Date": "2026-05-14T00:00:00+00:00",
                "X-Sentry-Replacement-Endpoint": replacement,
            }
        )


class Moved(SandboxError):
    status = 302

    def __init__(self, url: str, slug: str) -> None:
        super().__init__("resource-moved", headers={"Location": url}, extra={"url": url, "slug": slug})


class TooManyRequests(SentryError):
    status = 429

"""Sentry's errors (reference/sentry-api.md §0): {"detail": …} for 401/403/404/409/429, DRF field maps
for 400 (possibly nested), 410 {"message": …} with deprecation headers for retired APIs, 302
``resource-moved`` for a renamed project slug. ``SentryService.render_error`` writes them."""

from __future__ import annotations

from typing import Any

from vigil.sandbox.core.errors import SandboxError

PERMISSION_DENIED = "You do not have permission to perform this action."


class SentryError(SandboxError):
    """An error whose body is {"detail": message} (plus ``extra`` keys)."""

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)


class Unauthorized(SentryError):
    status, message = 401, "Invalid token"


class Forbidden(SentryError):
    status, message = 403, PERMISSION_DENIED


class NotFound(SentryError):
    status, message = 404, "The requested resource does not exist"


class Conflict(SentryError):
    status = 409


class TeamSlugTaken(Conflict):
    message = "A team with this slug already exists."

    def __init__(self) -> None:
        super().__init__(extra={"non_field_errors": [type(self).message]})


class ProjectSlugTaken(Conflict):
    message = "A project with this slug already exists."


class TooManyRequests(SentryError):
    status = 429

    def __init__(self, limit: int, window: int, headers: dict[str, str]) -> None:
        super().__init__(
            "You are attempting to use this endpoint too frequently. "
            f"Limit is {limit} requests in {window} seconds",
            headers=headers,
        )


class Invalid(SandboxError):
    """400 with a DRF validation map, possibly nested: {"platform": ["Invalid platform"]}."""

    status, message = 400, "Invalid request"

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__()
        self.fields = fields


class Retired(SandboxError):
    """A legacy alert endpoint after its removal (§4a, §5a): 410 whatever the method."""

    status, message = 410, "This API no longer exists."
    deprecation_date = "2026-05-14T00:00:00+00:00"

    def __init__(self, replacement: str) -> None:
        super().__init__(
            headers={
                "X-Sentry-Deprecation-Date": self.deprecation_date,
                "X-Sentry-Replacement-Endpoint": replacement,
            }
        )


class Moved(SandboxError):
    """A project addressed by a slug it had before a rename (``ProjectMoved``)."""

    status, message = 302, "Resource has been moved"

    def __init__(self, url: str, slug: str) -> None:
        super().__init__(headers={"Location": url}, extra={"url": url, "slug": slug})


class EnvelopeUnauthorized(SentryError):
    """Ingest without any DSN key (Relay: ``missing authorization information``)."""

    status, message = 401, "missing authorization information"


class EnvelopeRejected(SentryError):
    """Ingest with an unknown or disabled DSN key, or one of another project (Relay answers 403)."""

    status, message = 403, "event submission rejected with_reason: ProjectId"


class BadEnvelope(SentryError):
    status, message = 400, "invalid event envelope"

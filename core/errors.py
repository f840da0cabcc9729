"""The one exception tree of vigil's API clients. Every message is redacted and says what to do.

ClientError                   base of everything a client raises
├── ApiError                  an API answered with an error: api, method, redacted URL, status,
│   │                         API error code, request id, message, hint (what to do)
│   ├── AuthError             401/403: names the variable holding the credential and the scope
│   ├── NotFound              404
│   ├── Gone                  410: a retired endpoint, never retried; ``replacement`` is what the
│   │                         API announced in ``X-Sentry-Replacement-Endpoint``
│   ├── Conflict              409: e.g. a slug or integration that already exists
│   ├── RateLimited           429 after the bounded waits were spent
│   ├── ValidationError       400/422: the API rejected fields (``fields`` maps field → messages)
│   └── ServerError           5xx after the bounded retries
├── TransportError            no response at all: timeout, refused or dropped connection
└── MissingCredential         an environment variable the call needs is not set
"""

from __future__ import annotations

from typing import Any

from vigil.core.redact import redact

_DEFAULT_HINTS: dict[str, str] = {
    "NotFound": "it may have been deleted outside vigil: run `vigil refresh` (or `vigil drift`)",
    "Conflict": "an object with the same name or value already exists: adopt or rename it",
    "RateLimited": "the API's rate limit stayed exhausted; wait a minute and retry",
    "ValidationError": "fix the field(s) named above in the stack",
    "ServerError": "the API failed; retry later (vigil already retried what was safe to retry)",
}


class ClientError(Exception):
    """Base of everything a client raises."""


class ApiError(ClientError):
    """An error response. ``str()`` is one line: API, method, URL, status, code, message, hint."""

    def __init__(
        self,
        api: str,
        method: str,
        url: str,
        status: int,
        message: str,
        *,
        code: str | None = None,
        hint: str | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        self.api, self.method, self.url, self.status = api, method, redact(url), status
        self.code, self.request_id = code, request_id
        self.detail = redact(message)
        self.hint = redact(hint) if hint else _DEFAULT_HINTS.get(type(self).__name__)
        self.body = body
        text = f"{api} API: {method} {self.url} → HTTP {status}"
        if code:
            text += f" (code {code})"
        text += f": {self.detail}"
        if self.hint:
            text += f". {self.hint}"
        if request_id:
            text += f" [request id {redact(request_id)}]"
        super().__init__(text)

    @property
    def message(self) -> str:
        return str(self)


class AuthError(ApiError):
    pass


class NotFound(ApiError):
    pass


class Gone(ApiError):
    def __init__(self, *args: Any, replacement: str | None = None, **kwargs: Any) -> None:
        self.replacement = replacement
        if "hint" not in kwargs or kwargs["hint"] is None:
            kwargs["hint"] = (
                f"this endpoint was retired; use {replacement}"
                if replacement
                else "this endpoint was retired"
            )
        super().__init__(*args, **kwargs)


class Conflict(ApiError):
    pass


class RateLimited(ApiError):
    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ValidationError(ApiError):
    def __init__(self, *args: Any, fields: dict[str, list[str]] | None = None, **kwargs: Any) -> None:
        self.fields = {k: [redact(m) for m in v] for k, v in (fields or {}).items()}
        super().__init__(*args, **kwargs)


class ServerError(ApiError):
    pass


class TransportError(ClientError):
    """No response came: the request may or may not have been processed."""

    def __init__(self, api: str, method: str, url: str, reason: str) -> None:
        self.api, self.method, self.url, self.reason = api, method, redact(url), redact(reason)
        super().__init__(
            f"{api} API: {method} {self.url}: no response ({self.reason}); check the URL, the "
            "network and the service's status, then retry"
        )


class MissingCredential(ClientError):
    """A variable is not set; the message names it and how to set it."""

    def __init__(self, message: str, variable: str | None = None) -> None:
        self.variable = variable
        super().__init__(message)


def error_for_status(
    status: int,
    api: str,
    method: str,
    url: str,
    message: str,
    *,
    code: str | None = None,
    request_id: str | None = None,
    fields: dict[str, list[str]] | None = None,
    auth_hint: str | None = None,
    replacement: str | None = None,
    retry_after: float | None = None,
    body: Any = None,
) -> ApiError:
    """The right ``ApiError`` subclass for an HTTP status (one mapping, used by every client)."""
    common: dict[str, Any] = {"code": code, "request_id": request_id, "body": body}
    args = (api, method, url, status, message)
    if status in (401, 403):
        return AuthError(*args, hint=auth_hint, **common)
    if status == 404:
        return NotFound(*args, **common)
    if status == 409:
        return Conflict(*args, **common)
    if status == 410:
        return Gone(*args, replacement=replacement, **common)
    if status == 429:
        return RateLimited(*args, retry_after=retry_after, **common)
    if status in (400, 422):
        return ValidationError(*args, fields=fields, **common)
    if status >= 500:
        return ServerError(*args, **common)
    return ApiError(*args, **common)

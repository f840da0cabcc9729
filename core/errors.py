"""The one exception tree of vigil's API clients. Every message is redacted and says what to do.

ApiError                      an API answered with an error (method, redacted URL, status, code)
├── AuthError                 401/403: wrong or missing credential, or a missing scope
├── NotFound                  404
├── Gone                      410: a retired endpoint; carries the replacement it announces
├── Conflict                  409: e.g. a slug or integration that already exists
├── RateLimited               429 after the bounded waits were spent
├── ValidationError           400/422: the API rejected fields (``fields`` maps them to messages)
└── ServerError               5xx after the bounded retries
TransportError                no response at all: timeout, refused or dropped connection
"""

from __future__ import annotations

from typing import Any

from core.redact import redact


class ClientError(Exception):
    """Base of everything a client raises."""


class ApiError(ClientError):
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
        self.code, self.hint, self.request_id = code, hint, request_id
        self.detail = redact(message)
        self.body = body
        text = f"{api} API: {method} {self.url} → {status}"
        if code:
            text += f" ({code})"
        text += f": {self.detail}"
        if hint:
            text += f". {redact(hint)}"
        super().__init__(text)


class AuthError(ApiError):
    pass


class NotFound(ApiError):
    pass


class Gone(ApiError):
    def __init__(self, *args: Any, replacement: str | None = None, **kwargs: Any) -> None:
        self.replacement = replacement
        super().__init__(*args, **kwargs)


class Conflict(ApiError):
    pass


class RateLimited(ApiError):
    pass


class ValidationError(ApiError):
    def __init__(self, *args: Any, fields: dict[str, list[str]] | None = None, **kwargs: Any) -> None:
        self.fields = fields or {}
        super().__init__(*args, **kwargs)


class ServerError(ApiError):
    pass


class TransportError(ClientError):
    def __init__(self, api: str, method: str, url: str, reason: str) -> None:
        self.api, self.method, self.url, self.reason = api, method, redact(url), reason
        super().__init__(
            f"{api} API: {method} {self.url}: no response ({reason}); check the URL and the network"
        )


class MissingCredential(ClientError):
    pass

"""``ApiClient``: the one place vigil's HTTP calls go through (``_send``).

- base URL joined like httpx's ``base_url``; Bearer auth read from the credential at call time;
- a default timeout on every call (requests has none);
- the shared per-credential ``RateLimiter`` (``core/ratelimit.py``);
- retries only where repeating is safe: idempotent methods on 5xx, timeouts and dropped
  connections, with exponential backoff and jitter, bounded; a 429 is retried for every method after
  the announced wait (the request was not processed); never another 4xx, never a 410;
- redirects handled here: Authorization never follows a redirect to another host;
- ``requests`` exceptions translated to ``core.errors`` here and nowhere else; URLs redacted.
Subclasses add paths and error parsing only.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from core.credentials import Credential
from core.errors import (
    ApiError,
    AuthError,
    Conflict,
    Gone,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationError,
)
from core.ratelimit import RateLimiter, limiter_for

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
DEFAULT_TIMEOUT_S = 30.0
MAX_ATTEMPTS = 5  # 5xx/transport retries of idempotent calls
MAX_THROTTLED = 10  # 429 retries
BACKOFF_BASE_S = 0.2
MAX_REDIRECTS = 3

_SESSIONS: dict[str, requests.Session] = {}
_SESSIONS_LOCK = threading.Lock()


def session_for(base_url: str) -> requests.Session:
    """A pooled session per API host, per process (never pickled: it lives here, not on providers)."""
    host = urlsplit(base_url).netloc
    with _SESSIONS_LOCK:
        if host not in _SESSIONS:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            _SESSIONS[host] = session
        return _SESSIONS[host]


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    data: Any
    url: str

    def link(self, rel: str) -> dict[str, str] | None:
        """An RFC 5988 Link header entry (``rel="next"``) with its attributes (``results``, ``cursor``)."""
        for part in self.headers.get("Link", self.headers.get("link", "")).split(","):
            pieces = [p.strip() for p in part.split(";")]
            if not pieces or not pieces[0].startswith("<"):
                continue
            attrs = {"url": pieces[0][1:-1]}
            for piece in pieces[1:]:
                key, _, value = piece.partition("=")
                attrs[key.strip()] = value.strip().strip('"')
            if attrs.get("rel") == rel:
                return attrs
        return None


class ApiClient:
    api: ClassVar[str] = "API"

    def __init__(self, credential: Credential, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.credential = credential
        self.timeout = timeout
        self.base_url = credential.base_url.rstrip("/") + "/"
        self.session = session_for(self.base_url)
        self.limiter: RateLimiter = limiter_for(self.api, self.base_url, credential.token)

    def __reduce__(self) -> Any:
        raise TypeError("API clients hold credentials and sessions: build one per call, never pickle it")

    # --- hooks for subclasses -----------------------------------------------------------------
    def error_message(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        """(message, API error code, field errors) from an error response."""
        return (response.text[:300] or response.reason or "error", None, {})

    def auth_hint(self, status: int) -> str:
        return f"check {self.credential.token_variable}"

    # --- the one send -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return urljoin(self.base_url, path.lstrip("/"))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> ApiResponse:
        return self._send(
            method.upper(),
            self.url(path),
            params=params,
            json=json,
            idempotent=method.upper() in IDEMPOTENT if idempotent is None else idempotent,
        )

    def _send(
        self, method: str, url: str, *, params: dict[str, Any] | None, json: Any, idempotent: bool
    ) -> ApiResponse:
        attempts = throttled = 0
        while True:
            attempts += 1
            try:
                response = self._once(method, url, params, json)
            except (requests.Timeout, requests.ConnectionError) as error:
                if idempotent and attempts < MAX_ATTEMPTS:
                    self._backoff(attempts)
                    continue
                raise TransportError(self.api, method, url, type(error).__name__) from None
            except requests.RequestException as error:
                raise TransportError(self.api, method, url, type(error).__name__) from None
            status = response.status_code
            if status == 429 and throttled < MAX_THROTTLED:
                throttled += 1
                continue  # the limiter already blocks every thread until the window resets
            if status >= 500 and idempotent and attempts < MAX_ATTEMPTS:
                self._backoff(attempts)
                continue
            if status >= 400:
                raise self._error(method, url, response)
            return ApiResponse(status, dict(response.headers), _json(response), url)

    def _once(self, method: str, url: str, params: dict[str, Any] | None, json: Any) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {self.credential.token}",
            "Accept": "application/json",
            "User-Agent": "vigil/0.1",
        }
        for _ in range(MAX_REDIRECTS + 1):
            self.limiter.acquire()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            finally:
                self.limiter.release()
            self.limiter.observe(response.status_code, response.headers)
            if response.status_code not in (301, 302, 303, 307, 308) or "Location" not in response.headers:
                return response
            target = urljoin(url, response.headers["Location"])
            if urlsplit(target).netloc != urlsplit(url).netloc:
                headers.pop("Authorization", None)  # never send the token to another host
            if response.status_code == 303:
                method, json = "GET", None
            url, params = target, None
        return response

    @staticmethod
    def _backoff(attempt: int) -> None:
        delay = min(BACKOFF_BASE_S * (2 ** (attempt - 1)), 5.0)
        time.sleep(delay * random.uniform(0.75, 1.25))

    def _error(self, method: str, url: str, response: requests.Response) -> ApiError:
        status = response.status_code
        message, code, fields = self.error_message(response)
        request_id = response.headers.get("X-Request-Id")
        args = (self.api, method, url, status, message)
        if status in (401, 403):
            return AuthError(*args, code=code, hint=self.auth_hint(status), request_id=request_id)
        if status == 404:
            return NotFound(*args, code=code, request_id=request_id)
        if status == 409:
            return Conflict(*args, code=code, request_id=request_id)
        if status == 410:
            replacement = response.headers.get("X-Sentry-Replacement-Endpoint")
            hint = (
                f"this endpoint was retired; use {replacement}"
                if replacement
                else "this endpoint was retired"
            )
            return Gone(*args, code=code, hint=hint, replacement=replacement, request_id=request_id)
        if status == 429:
            return RateLimited(
                *args, code=code, hint="the rate limit stayed exhausted; retry later", request_id=request_id
            )
        if status in (400, 422):
            return ValidationError(*args, code=code, fields=fields, request_id=request_id)
        if status >= 500:
            return ServerError(*args, code=code, request_id=request_id)
        return ApiError(*args, code=code, request_id=request_id)

    def paginate_links(
        self, path: str, params: dict[str, Any] | None = None, max_pages: int = 1000
    ) -> Iterator[Any]:
        """Follow RFC 5988 ``rel="next"`` links while ``results="true"`` (Sentry)."""
        url, query = self.url(path), dict(params or {})
        seen: set[str] = set()
        for _ in range(max_pages):
            response = self._send("GET", url, params=query, json=None, idempotent=True)
            yield from response.data or []
            following = response.link("next")
            if not following or following.get("results") != "true" or following["url"] in seen:
                return
            seen.add(following["url"])
            url, query = following["url"], {}


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text

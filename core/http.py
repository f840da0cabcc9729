"""``ApiClient``: the one place vigil's HTTP calls go through (``_send``).

Every call gets, in ``_send`` and nowhere else:
- the base URL joined like httpx's ``base_url`` (``"monitors"`` and ``"/monitors"`` both land under
  the base's path; absolute URLs are kept);
- Bearer auth from a small auth object that reads the token when the request is prepared;
- a default timeout (requests has none, which is how calls hang forever);
- the shared per-credential ``RateLimiter`` (``core/ratelimit.py``);
- retries only where repeating is safe, by the service's policy (``core.policy.call``): idempotent
  methods (GET, HEAD, PUT, DELETE, OPTIONS) on 5xx, timeouts and dropped connections, with
  exponential backoff and jitter, bounded in attempts and total time; a 429 is retried for every
  method after the announced wait (the request was not processed); never another 4xx, never a 410;
- redirects handled here: Authorization never follows a redirect to another host;
- ``requests`` exceptions translated to ``core.errors``; URLs and messages redacted.

Subclasses add paths and error parsing only: set ``api``, override ``parse_error`` (message, API
code, field errors) and ``auth_hint``; call ``get``/``post``/``patch``/``put``/``delete`` or
``request``; paginate with ``paginate_cursor`` (``nextLink``) or ``paginate_links`` (RFC 5988
``Link`` headers, parsed by requests: ``Response.links``).

Test seam: ``session_for(base_url)`` returns the process's pooled session for that base; mounting a
``requests`` adapter on it (``session.mount(base_url, adapter)``) replaces the transport — only for
cases the sandbox emulators cannot produce.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from vigil.core import policy
from vigil.core.credentials import Credential
from vigil.core.errors import ApiError, ClientError, TransportError, error_for_status
from vigil.core.policy import Throttled, Transient
from vigil.core.ratelimit import RateLimiter, limiter_for, seconds_until

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
DEFAULT_TIMEOUT_S = 30.0
MAX_ATTEMPTS = policy.DEFAULT.call_attempts  # the same for every service (core/policy.py)
MAX_REDIRECTS = 3
POOL_SIZE = 32
USER_AGENT = "vigil/0.1 (+monitoring as code)"

_SESSIONS: dict[str, requests.Session] = {}
_SESSIONS_LOCK = threading.Lock()


def session_for(base_url: str) -> requests.Session:
    """The pooled session of one API base, per process (module state: never on a provider)."""
    parts = urlsplit(base_url)
    key = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = requests.Session()
            # The provider serves up to 200 calls at once (engine/dynamic_host.py): at most
            # POOL_SIZE connections per API, the other threads wait for one (never a throwaway
            # connection per call, which urllib3 reports as "pool is full" on stderr).
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, pool_block=True, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            _SESSIONS[key] = session
        return session


def reset_sessions() -> None:
    """Close and forget every pooled session (tests that mounted a seam adapter)."""
    with _SESSIONS_LOCK:
        for session in _SESSIONS.values():
            session.close()
        _SESSIONS.clear()


class BearerAuth(requests.auth.AuthBase):
    """Sets ``Authorization: Bearer …`` when the request is prepared; its repr never shows the token."""

    def __init__(self, credential: Credential) -> None:
        self._credential = credential

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._credential.token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    data: Any
    url: str
    links: dict[str, dict[str, str]] = field(default_factory=dict)  # requests' ``Response.links``

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lower), None)

    def link(self, rel: str) -> dict[str, str] | None:
        """An RFC 5988 ``Link`` entry (``rel="next"``) with its attributes (``results``, ``cursor``)."""
        return self.links.get(rel)


class ApiClient:
    """Base of every API client. Built per call or operation from a ``Credential``; never pickled."""

    api: ClassVar[str] = "API"

    def __init__(self, credential: Credential, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.credential = credential
        self.timeout = timeout
        self.base_url = credential.base_url.rstrip("/") + "/"
        self.session = session_for(self.base_url)
        self.auth = BearerAuth(credential)
        self.limiter: RateLimiter = limiter_for(self.api, self.base_url, credential.token)

    def __reduce__(self) -> Any:
        raise TypeError("API clients hold credentials and sessions: build one per call, never pickle it")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    # --- hooks for subclasses -----------------------------------------------------------------
    def parse_error(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        """(message, API error code, field errors) from an error response."""
        return (response.text.strip()[:300] or response.reason or "error", None, {})

    def error_message(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        """What ``_error`` calls; overriding either this or ``parse_error`` works."""
        return self.parse_error(response)

    def auth_hint(self, status: int, code: str | None = None, message: str = "") -> str:
        """What to do about a 401 or 403; ``code`` and ``message`` are the API's own, so a service
        whose 403s mean different things can tell them apart."""
        if status == 401:
            return f"{self.credential.token_variable} is missing, wrong or revoked: set a valid token"
        return f"the token in {self.credential.token_variable} lacks the permission (scope) this call needs"

    # --- URLs and verbs -----------------------------------------------------------------------
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
        verb = method.upper()
        return self._send(
            verb,
            self.url(path),
            params=params,
            json=json,
            idempotent=verb in IDEMPOTENT if idempotent is None else idempotent,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None}).data

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, json=body).data

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, json=body).data

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, json=body).data

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path).data

    # --- the one send -------------------------------------------------------------------------
    def _send(
        self, method: str, url: str, *, params: dict[str, Any] | None, json: Any, idempotent: bool
    ) -> ApiResponse:
        """One exchange under the service's policy (``core.policy.call``): what may be repeated is."""

        def exchange() -> requests.Response:
            try:
                response = self._exchange(method, url, params, json)
            except (requests.Timeout, requests.ConnectionError) as error:
                reason = "timed out" if isinstance(error, requests.Timeout) else "connection failed"
                failure = TransportError(self.api, method, url, reason)
                if idempotent:
                    raise Transient(failure) from None
                raise failure from None
            except requests.RequestException as error:
                raise TransportError(self.api, method, url, type(error).__name__) from None
            if response.status_code == 429:
                raise Throttled(response)  # ``release`` already blocked every thread for the wait
            if response.status_code >= 500 and idempotent:
                raise Transient(response)
            return response

        response = policy.call(policy.policy_for(self.api), exchange)
        if response.status_code >= 400:
            raise self._error(method, url, response)
        return ApiResponse(
            response.status_code,
            dict(response.headers),
            _json(response),
            response.url or url,
            links=dict(response.links),
        )

    def _exchange(self, method: str, url: str, params: dict[str, Any] | None, json: Any) -> requests.Response:
        """One request with redirects followed by hand (the token stays on its own host)."""
        auth: BearerAuth | None = self.auth
        origin = urlsplit(url).netloc
        for _ in range(MAX_REDIRECTS + 1):
            permit = self.limiter.acquire()
            response: requests.Response | None = None
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers={"Accept": "application/json"},
                    auth=auth,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            finally:
                self.limiter.release(
                    permit,
                    None if response is None else response.status_code,
                    None if response is None else response.headers,
                )
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            response.close()
            url = urljoin(response.url or url, location)
            params = None  # the Location carries its own query
            if urlsplit(url).netloc != origin:
                auth = None  # never send the token to another host
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, json = "GET", None
        raise TransportError(self.api, method, url, f"more than {MAX_REDIRECTS} redirects")

    def _error(self, method: str, url: str, response: requests.Response) -> ApiError:
        status = response.status_code
        try:
            message, code, fields = self.error_message(response)
        except Exception:  # a malformed error body must not hide the status
            message, code, fields = (response.reason or "error", None, {})
        headers = response.headers
        request_id = headers.get("X-Request-Id") or headers.get("X-Sentry-Request-Id")
        return error_for_status(
            status,
            self.api,
            method,
            url,
            message,
            code=code,
            request_id=request_id,
            fields=fields,
            auth_hint=self.auth_hint(status, code, message) if status in (401, 403) else None,
            replacement=headers.get("X-Sentry-Replacement-Endpoint"),
            retry_after=seconds_until(headers.get("Retry-After")),
        )

    # --- pagination ---------------------------------------------------------------------------
    def paginate_cursor(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        items_keys: tuple[str, ...] = ("data",),
        cursor_param: str = "cursor",
        max_pages: int = 10_000,
    ) -> Iterator[Any]:
        """Follow ``nextLink`` / ``nextCursorId`` pages (Uptime Robot v3): the cursor is the last id.

        Stops on a page without a next link, an empty page (the API sends a ``nextLink`` after every
        full page, even the last one) and a cursor seen before.
        """
        query = {k: v for k, v in (params or {}).items() if v is not None}
        seen: set[str] = set()
        for _ in range(max_pages):
            page = self.request("GET", path, params=query).data
            if isinstance(page, list):  # a plain array: no pagination
                yield from page
                return
            page = page or {}
            items: list[Any] = next((page[k] for k in items_keys if isinstance(page.get(k), list)), [])
            yield from items
            cursor = page.get("nextCursorId")
            if cursor is None and page.get("nextLink") and items:
                cursor = items[-1].get("id")
            if cursor is None or not items or str(cursor) in seen:
                return
            seen.add(str(cursor))
            query = {**query, cursor_param: cursor}

    def paginate_links(
        self, path: str, params: dict[str, Any] | None = None, *, max_pages: int = 1000
    ) -> Iterator[Any]:
        """Follow RFC 5988 ``Link: <…>; rel="next"; results="true"`` pages (Sentry)."""
        url, query = self.url(path), dict(params or {})
        seen: set[str] = set()
        for _ in range(max_pages):
            response = self._send("GET", url, params=query or None, json=None, idempotent=True)
            data = response.data
            if isinstance(data, list):
                yield from data
            elif data:
                yield data
            following = response.link("next")
            if not following or following.get("results", "true") != "true" or following["url"] in seen:
                return
            seen.add(following["url"])
            url, query = self.url(following["url"]), {}


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


__all__ = [
    "DEFAULT_TIMEOUT_S",
    "IDEMPOTENT",
    "ApiClient",
    "ApiResponse",
    "BearerAuth",
    "ClientError",
    "reset_sessions",
    "session_for",
]

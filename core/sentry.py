"""Sentry API client on the current org-scoped API: paths and error parsing over ``ApiClient``.

What it adds to ``core/http`` (which does auth, timeouts, the shared rate limiter — it reads
``X-Sentry-Rate-Limit-*``, waits until ``Reset`` on a 429 and caps concurrency at
``ConcurrentLimit`` — retries and redirects):

- **paths**: every path carries the organization; after a create, callers pass NUMERIC ids, so a
  renamed project slug never answers 302 ``resource-moved``;
- **the retired alert APIs cannot be called**: ``/projects/{org}/{project}/rules/`` (and
  ``rule-task``) and ``/organizations/{org}/alert-rules/`` (and the project-scoped ``alert-rules``)
  raise ``RetiredEndpoint`` before anything is sent, whatever the method or how the URL was built
  (``_send`` is the one funnel, pagination included). Alerts are workflows, monitors detectors;
- **errors**: a 400 DRF validation map, however nested, becomes ``ValidationError`` whose
  ``fields`` are dotted paths (``dataSources.timeWindow``, ``actionFilters[0].actions``); 401/403
  become ``AuthError`` naming the scope the call needs (Sentry's 403 body does not, so vigil says
  which); 404 ``NotFound``; 409 (slug taken) ``Conflict``; 410 ``Gone`` carrying
  ``X-Sentry-Replacement-Endpoint`` (never retried: ``core/http`` retries only 5xx and 429);
- **pagination**: RFC 5988 ``Link`` headers, following ``rel="next"`` while ``results="true"``,
  100 per page (client keys default to 10 per page otherwise).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import requests

from vigil.core import credentials
from vigil.core.credentials import Credential
from vigil.core.errors import ClientError, NotFound
from vigil.core.http import ApiClient, ApiResponse

PER_PAGE = 100

# The retired legacy alert endpoints (reference/sentry-api.md §4a, §5a).
_RETIRED = (
    re.compile(r"/api/0/projects/[^/]+/[^/]+/(rules|rule-task|alert-rules|alert-rule-task)(/|$)"),
    re.compile(r"/api/0/organizations/[^/]+/alert-rules(/|$)"),
)

# Which scope a call needs (reference §0), for the 403 message: (method or "*", path regex, scope).
_SCOPES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("DELETE", re.compile(r"/api/0/projects/[^/]+/[^/]+/?$"), "project:admin"),
    ("*", re.compile(r"/api/0/organizations/[^/]+/integrations/"), "org:integrations (or org:read)"),
    ("*", re.compile(r"/api/0/organizations/[^/]+/(workflows|detectors|projects/[^/]+/detectors)/"),
     "alerts:write"),
    ("*", re.compile(r"/api/0/teams/[^/]+/[^/]+/projects/"), "project:write"),
    ("*", re.compile(r"/api/0/projects/"), "project:write"),
    ("*", re.compile(r"/api/0/(organizations/[^/]+/teams/|teams/)"), "team:write"),
    ("*", re.compile(r"/api/0/organizations/[^/]+/dashboards/"), "org:write"),
)  # fmt: skip

ALL_SCOPES = "org:read, team:write, project:write, project:admin, alerts:write and org:integrations"


class RetiredEndpoint(ClientError):
    """A call to one of Sentry's retired alert APIs: refused before it is sent."""


def is_retired(url: str) -> bool:
    path = url.split("?", 1)[0]
    return any(pattern.search(path) for pattern in _RETIRED)


def required_scope(method: str, url: str) -> str:
    """The token scope a call needs, as vigil knows it (reads need org:read)."""
    path = url.split("?", 1)[0]
    if method.upper() in ("GET", "HEAD", "OPTIONS") and "/integrations/" not in path:
        return "org:read"
    for verb, pattern, scope in _SCOPES:
        if verb in ("*", method.upper()) and pattern.search(path):
            return scope
    return "org:write"


def flatten_fields(fields: Any, prefix: str = "") -> dict[str, list[str]]:
    """A (nested) DRF validation map as dotted paths: {"dataSources.timeWindow": ["…"]}.

    Lists of strings are messages; lists of maps are per-item errors (``actions[1].config``); empty
    maps (items without errors) are skipped.
    """
    flat: dict[str, list[str]] = {}
    if isinstance(fields, dict):
        for key, value in fields.items():
            flat.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(fields, list):
        if all(not isinstance(v, (dict, list)) for v in fields):
            if fields:
                flat.setdefault(prefix or "detail", []).extend(str(v) for v in fields)
        else:
            for index, value in enumerate(fields):
                if isinstance(value, (dict, list)):
                    flat.update(flatten_fields(value, f"{prefix}[{index}]"))
                else:
                    flat.setdefault(prefix or "detail", []).append(str(value))
    elif fields is not None:
        flat[prefix or "detail"] = [str(fields)]
    return flat


class SentryClient(ApiClient):
    """Sentry's org-scoped API for one organization (``SENTRY_ORG``)."""

    api: ClassVar[str] = "Sentry"

    @classmethod
    def from_env(cls) -> SentryClient:
        """A client from SENTRY_AUTH_TOKEN, SENTRY_URL (default https://sentry.io) and SENTRY_ORG."""
        return cls(credentials.sentry())

    def __init__(self, credential: Credential, **kwargs: Any) -> None:
        super().__init__(credential, **kwargs)
        self.org = credential.get("org")

    # --- the funnel: refuse retired endpoints, whatever built the URL ---------------------------
    def _send(
        self, method: str, url: str, *, params: dict[str, Any] | None, json: Any, idempotent: bool
    ) -> ApiResponse:
        if is_retired(url):
            raise RetiredEndpoint(
                f"Sentry API: {method} {url.split('?', 1)[0]} is one of the alert endpoints Sentry "
                "retired in 2026 (HTTP 410); vigil manages alerts as workflows "
                "(/organizations/{org}/workflows/) and monitors as detectors (/detectors/)"
            )
        return super()._send(method, url, params=params, json=json, idempotent=idempotent)

    # --- errors -------------------------------------------------------------------------------
    def error_message(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        try:
            body = response.json()
        except ValueError:
            text = response.text.strip()[:300]
            return (text or response.reason or "error", None, {})
        status = response.status_code
        message, code, fields = _parse_body(body)
        if status == 403:
            request = response.request
            scope = required_scope(str(request.method or "GET"), str(request.url or ""))
            message = f"{message} (this call needs the token scope {scope})"
        return (message, code, fields)

    def auth_hint(self, status: int, code: str | None = None, message: str = "") -> str:
        if status == 401:
            return (
                "SENTRY_AUTH_TOKEN is missing, wrong or revoked: set an internal-integration token of "
                "the organization in SENTRY_ORG"
            )
        return f"give the token in SENTRY_AUTH_TOKEN the scope named above (vigil needs {ALL_SCOPES})"

    # --- paths --------------------------------------------------------------------------------
    def org_path(self, rest: str = "") -> str:
        return f"api/0/organizations/{self.org}/{rest}"

    def project_path(self, project: str | int, rest: str = "") -> str:
        return f"api/0/projects/{self.org}/{project}/{rest}"

    def team_path(self, team: str | int, rest: str = "") -> str:
        return f"api/0/teams/{self.org}/{team}/{rest}"

    # --- generic helpers ------------------------------------------------------------------------
    def get_or_none(self, path: str, **params: Any) -> Any:
        """The object, or None on 404."""
        try:
            return self.request("GET", path, params=params or None).data
        except NotFound:
            return None

    def list_all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a list (``per_page`` 100; repeated parameters as lists)."""
        query = {"per_page": PER_PAGE, **{k: v for k, v in params.items() if v is not None}}
        return [item for item in self.paginate_links(path, query) if isinstance(item, dict)]

    def _write(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        data = self.request(method, path, json=body).data
        return dict(data) if isinstance(data, dict) else {}

    def _delete(self, path: str) -> None:
        self.request("DELETE", path)

    # --- organization ----------------------------------------------------------------------------
    def list_members(self) -> list[dict[str, Any]]:
        """The organization's members, invitations included (``pending``)."""
        return self.list_all(self.org_path("members/"))

    def get_organization(self) -> dict[str, Any]:
        return dict(self.request("GET", self.org_path()).data)

    # --- teams --------------------------------------------------------------------------------
    def list_teams(self, slug: str | None = None) -> list[dict[str, Any]]:
        return self.list_all(self.org_path("teams/"), detailed=0, query=f"slug:{slug}" if slug else None)

    def get_team(self, team: str | int) -> dict[str, Any] | None:
        found = self.get_or_none(self.team_path(team))
        return dict(found) if isinstance(found, dict) else None

    def create_team(self, slug: str, name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"slug": slug}
        if name:
            body["name"] = name
        return self._write("POST", self.org_path("teams/"), body)

    def update_team(self, team: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("PUT", self.team_path(team), body)

    def delete_team(self, team: str | int) -> None:
        self._delete(self.team_path(team))

    # --- projects -----------------------------------------------------------------------------
    def list_projects(self) -> list[dict[str, Any]]:
        return self.list_all(self.org_path("projects/"))

    def get_project(self, project: str | int) -> dict[str, Any] | None:
        found = self.get_or_none(self.project_path(project))
        return dict(found) if isinstance(found, dict) else None

    def create_project(self, team: str, body: dict[str, Any]) -> dict[str, Any]:
        """Team-bound create (``POST /teams/{org}/{team}/projects/``): the org-level create would bind
        the project to an auto-made personal team."""
        return self._write("POST", self.team_path(team, "projects/"), body)

    def update_project(self, project: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("PUT", self.project_path(project), body)

    def delete_project(self, project: str | int) -> None:
        self._delete(self.project_path(project))

    def add_project_team(self, project: str | int, team: str | int) -> dict[str, Any]:
        return self._write("POST", self.project_path(project, f"teams/{team}/"))

    def remove_project_team(self, project: str | int, team: str | int) -> dict[str, Any]:
        return self._write("DELETE", self.project_path(project, f"teams/{team}/"))

    # --- client keys ----------------------------------------------------------------------------
    def list_keys(self, project: str | int) -> list[dict[str, Any]]:
        return self.list_all(self.project_path(project, "keys/"))

    def get_key(self, project: str | int, key_id: str) -> dict[str, Any] | None:
        found = self.get_or_none(self.project_path(project, f"keys/{key_id}/"))
        return dict(found) if isinstance(found, dict) else None

    def create_key(self, project: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("POST", self.project_path(project, "keys/"), body)

    def update_key(self, project: str | int, key_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("PUT", self.project_path(project, f"keys/{key_id}/"), body)

    def delete_key(self, project: str | int, key_id: str) -> None:
        self._delete(self.project_path(project, f"keys/{key_id}/"))

    # --- detectors (Sentry's "monitors") ---------------------------------------------------------
    def list_detectors(
        self, project: str | int | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        return self.list_all(
            self.org_path("detectors/"),
            project=str(project) if project is not None else None,
            query=f"type:{kind}" if kind else None,
        )

    def list_metric_monitors(self) -> list[dict[str, Any]]:
        return self.list_detectors(kind="metric_issue")

    def project_detector(self, project: str | int, kind: str) -> dict[str, Any] | None:
        """A project's system detector: ``issue_stream`` (all issues) or ``error``."""
        return next(
            (d for d in self.list_detectors(project, kind) if d.get("type") == kind),
            None,
        )

    def get_detector(self, detector_id: str | int) -> dict[str, Any] | None:
        found = self.get_or_none(self.org_path(f"detectors/{detector_id}/"))
        return dict(found) if isinstance(found, dict) else None

    def create_detector(self, project: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("POST", self.org_path(f"projects/{project}/detectors/"), body)

    def update_detector(self, detector_id: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("PUT", self.org_path(f"detectors/{detector_id}/"), body)

    def delete_detector(self, detector_id: str | int) -> None:
        self._delete(self.org_path(f"detectors/{detector_id}/"))

    # --- workflows (Sentry's "alerts") -----------------------------------------------------------
    def list_workflows(
        self, project: str | int | None = None, query: str | None = None
    ) -> list[dict[str, Any]]:
        return self.list_all(
            self.org_path("workflows/"),
            project=str(project) if project is not None else None,
            query=query,
        )

    def get_workflow(self, workflow_id: str | int) -> dict[str, Any] | None:
        found = self.get_or_none(self.org_path(f"workflows/{workflow_id}/"))
        return dict(found) if isinstance(found, dict) else None

    def create_workflow(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("POST", self.org_path("workflows/"), body)

    def update_workflow(self, workflow_id: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("PUT", self.org_path(f"workflows/{workflow_id}/"), body)

    def delete_workflow(self, workflow_id: str | int) -> None:
        self._delete(self.org_path(f"workflows/{workflow_id}/"))

    # --- integrations -----------------------------------------------------------------------------
    def list_integrations(self, provider_key: str | None = None) -> list[dict[str, Any]]:
        return self.list_all(self.org_path("integrations/"), providerKey=provider_key, includeConfig=0)

    def slack_integration_id(self) -> str:
        """The id of the organization's ACTIVE Slack integration (the list also holds disabled and
        pending-deletion ones). Looked up at call time, never stored in a stack."""
        integrations = self.list_integrations("slack")
        active = [
            i
            for i in integrations
            if (i.get("provider") or {}).get("key", "slack") == "slack" and i.get("status") == "active"
        ]
        if not active:
            raise NotFound(
                self.api,
                "GET",
                self.url(self.org_path("integrations/")),
                404,
                "the organization has no active Slack integration",
                hint="install Slack in Sentry (Settings → Integrations → Slack) before routing alerts "
                "to a Slack channel, or notify by e-mail only",
            )
        return str(active[0]["id"])

    # --- dashboards -------------------------------------------------------------------------------
    def list_dashboards(self) -> list[dict[str, Any]]:
        return self.list_all(self.org_path("dashboards/"))

    def get_dashboard(self, dashboard_id: str | int) -> dict[str, Any] | None:
        found = self.get_or_none(self.org_path(f"dashboards/{dashboard_id}/"))
        return dict(found) if isinstance(found, dict) else None

    def create_dashboard(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("POST", self.org_path("dashboards/"), body)

    def update_dashboard(self, dashboard_id: str | int, body: dict[str, Any]) -> dict[str, Any]:
        return self._write("PUT", self.org_path(f"dashboards/{dashboard_id}/"), body)

    def delete_dashboard(self, dashboard_id: str | int) -> None:
        self._delete(self.org_path(f"dashboards/{dashboard_id}/"))

    list = list_all  # the short name callers outside the providers use


def _parse_body(body: Any) -> tuple[str, str | None, dict[str, list[str]]]:
    """(message, code, field errors) from one of Sentry's error bodies (reference §0)."""
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, dict):  # {"detail": {"code": "resource-moved", "message": …}}
            code = detail.get("code")
            return (str(detail.get("message") or code or detail), str(code) if code else None, {})
        if isinstance(detail, str):  # {"detail": "…"} (401/403/404/409/429), maybe non_field_errors
            return (detail, None, {})
        if isinstance(body.get("message"), str) and len(body) == 1:  # 410 {"message": …}
            return (body["message"], None, {})
    fields = flatten_fields(body)
    text = "; ".join(f"{path}: {' '.join(messages)}" for path, messages in fields.items())
    return (text or str(body)[:300], None, fields)


__all__ = [
    "PER_PAGE",
    "RetiredEndpoint",
    "SentryClient",
    "flatten_fields",
    "is_retired",
    "required_scope",
]

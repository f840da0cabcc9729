"""Sentry API client (current org-scoped API): paths and error parsing over ``ApiClient``.

Never calls the retired alert endpoints (``/projects/{org}/{project}/rules/``,
``/organizations/{org}/alert-rules/``): ``request`` refuses them. Uses numeric ids in paths once
known, so a renamed slug never answers 302. Link pagination follows ``rel="next"`` while
``results="true"``.
"""

from __future__ import annotations

from typing import Any

import requests

from core import credentials
from core.credentials import Credential
from core.errors import NotFound
from core.http import ApiClient, ApiResponse

RETIRED = ("/rules/", "/alert-rules/")


class RetiredEndpoint(ValueError):
    pass


def _flatten(fields: Any, prefix: str = "") -> dict[str, list[str]]:
    """A (nested) DRF validation map as {"dataSources.timeWindow": ["…"]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(fields, dict):
        for key, value in fields.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(fields, list) and all(isinstance(v, str) for v in fields):
        flat[prefix or "detail"] = [str(v) for v in fields]
    elif isinstance(fields, list):
        for value in fields:
            flat.update(_flatten(value, prefix))
    else:
        flat[prefix or "detail"] = [str(fields)]
    return flat


class SentryClient(ApiClient):
    api = "Sentry"

    @classmethod
    def from_env(cls) -> SentryClient:
        return cls(credentials.sentry())

    def __init__(self, credential: Credential, **kwargs: Any) -> None:
        super().__init__(credential, **kwargs)
        self.org = credential.get("org")

    def request(self, method: str, path: str, **kwargs: Any) -> ApiResponse:
        if any(marker in path for marker in RETIRED):
            raise RetiredEndpoint(
                f"vigil never calls Sentry's retired alert endpoints ({path}); "
                "use /organizations/{org}/workflows/ and /detectors/"
            )
        return super().request(method, path, **kwargs)

    def error_message(self, response: requests.Response) -> tuple[str, str | None, dict[str, list[str]]]:
        try:
            body = response.json()
        except ValueError:
            return (response.text.strip()[:300] or response.reason or "error", None, {})
        if isinstance(body, dict) and "detail" in body and len(body) <= 2:
            detail = body["detail"]
            if isinstance(detail, dict):
                return (str(detail.get("message") or detail), str(detail.get("code") or "") or None, {})
            return (str(detail), None, {})
        if isinstance(body, dict) and "message" in body:
            return (str(body["message"]), None, {})
        fields = _flatten(body)
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        return (text or str(body)[:300], None, fields)

    def auth_hint(self, status: int) -> str:
        if status == 401:
            return (
                "SENTRY_AUTH_TOKEN is wrong or revoked: use an internal-integration token of the organization"
            )
        return (
            "the token lacks a scope: give it org:read, team:write, project:write, project:admin, "
            "alerts:write and org:integrations"
        )

    # --- paths --------------------------------------------------------------------------------
    def org_path(self, rest: str = "") -> str:
        return f"api/0/organizations/{self.org}/{rest}"

    def project_path(self, project: str | int, rest: str = "") -> str:
        return f"api/0/projects/{self.org}/{project}/{rest}"

    def team_path(self, team: str | int, rest: str = "") -> str:
        return f"api/0/teams/{self.org}/{team}/{rest}"

    def get_or_none(self, path: str, **params: Any) -> Any:
        try:
            return self.request("GET", path, params=params or None).data
        except NotFound:
            return None

    def list(self, path: str, **params: Any) -> list[dict[str, Any]]:
        return list(self.paginate_links(path, {"per_page": 100, **params}))

    # --- lookups used by providers and the drift inventory --------------------------------------
    def list_projects(self) -> list[dict[str, Any]]:
        return self.list(self.org_path("projects/"))

    def list_workflows(self) -> list[dict[str, Any]]:
        return self.list(self.org_path("workflows/"))

    def list_metric_monitors(self) -> list[dict[str, Any]]:
        return self.list(self.org_path("detectors/"), query="type:metric_issue")

    def project_detector(self, project_id: str, kind: str) -> dict[str, Any] | None:
        found = self.list(self.org_path("detectors/"), project=project_id, query=f"type:{kind}")
        return found[0] if found else None

    def slack_integration_id(self) -> str:
        integrations = self.list(self.org_path("integrations/"), providerKey="slack", includeConfig=0)
        active = [i for i in integrations if i.get("status") == "active"]
        if not active:
            raise NotFound(
                self.api,
                "GET",
                self.url(self.org_path("integrations/")),
                404,
                "the organization has no active Slack integration",
                hint="install Slack in Sentry (Settings → Integrations) before routing alerts to it",
            )
        return str(active[0]["id"])

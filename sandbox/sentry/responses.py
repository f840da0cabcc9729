"""Sentry wire format (the only file with Sentry's field names): JSON in, JSON + Link headers out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from sandbox.core.http import Response
from sandbox.core.service import Call
from sandbox.sentry.errors import Invalid, Moved, NotFound, Retired
from sandbox.sentry.models import ClientKey, Dashboard, Detector, Project, SentryBackend, Team, Workflow


def dsn_key(request: Any) -> str | None:
    """The public key a client sends with an envelope (X-Sentry-Auth header or ?sentry_key=)."""
    auth = request.header("x-sentry-auth") or ""
    for part in auth.replace("Sentry ", "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "sentry_key":
            return str(value)
    return request.arg("sentry_key")


def _body(call: Call) -> dict[str, Any]:
    try:
        body = call.request.json()
    except ValueError:
        raise Invalid({"detail": ["Malformed request: the body is not JSON."]}) from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise Invalid({"non_field_errors": ["Invalid data. Expected a dictionary."]})
    return body


def _org(call: Call, org: str) -> SentryBackend:
    backend: SentryBackend = call.backend
    if org not in (backend.org_slug, str(backend.org_id)):
        raise NotFound()
    return backend


def paginate(call: Call, items: Sequence[Any], default: int = 100) -> tuple[list[Any], dict[str, str]]:
    """RFC 5988 Link pagination, as Sentry does it: cursor "0:<offset>:0", results="true|false"."""
    request = call.request
    try:
        per_page = max(1, min(int(request.arg("per_page") or default), 100))
        offset = int((request.arg("cursor") or "0:0:0").split(":")[1])
    except (ValueError, IndexError):
        raise Invalid({"detail": ["Invalid cursor parameter."]}) from None
    page = list(items[offset : offset + per_page])
    base = (
        request.base_url + "/api" + request.path
        if not request.path.startswith("/api")
        else request.base_url + request.path
    )
    keep = {k: v[-1] for k, v in request.query.items() if k != "cursor"}

    def link(rel: str, cursor_offset: int, results: bool) -> str:
        query = urlencode({**keep, "cursor": f"0:{max(cursor_offset, 0)}:0"})
        return (
            f'<{base}?{query}>; rel="{rel}"; results="{"true" if results else "false"}"; '
            f'cursor="0:{max(cursor_offset, 0)}:0"'
        )

    header = ", ".join(
        [
            link("previous", offset - per_page, offset > 0),
            link("next", offset + per_page, offset + per_page < len(items)),
        ]
    )
    return page, {"Link": header}


def team_document(team: Team) -> dict[str, Any]:
    return {
        "id": str(team.id),
        "slug": team.slug,
        "name": team.name,
        "dateCreated": team.created,
        "isMember": True,
        "teamRole": "admin",
        "hasAccess": True,
        "isPending": False,
        "memberCount": 1,
        "avatar": {"avatarType": "letter_avatar"},
    }


def project_document(backend: SentryBackend, project: Project) -> dict[str, Any]:
    teams = [team_document(backend.teams[t]) for t in project.team_ids if t in backend.teams]
    return {
        "id": str(project.id),
        "slug": project.slug,
        "name": project.name,
        "platform": project.platform,
        "dateCreated": project.created,
        "isMember": True,
        "hasAccess": True,
        "teams": teams,
        "team": teams[0] if teams else None,
        "features": [],
        "status": "active",
        "firstEvent": None,
        "options": dict(project.options),
        **{k: v for k, v in project.options.items() if k[0].islower()},
    }


def key_document(call: Call, key: ClientKey) -> dict[str, Any]:
    root = call.request.base_url  # the emulator's origin + /sentry, where envelopes are ingested
    scheme, _, host_path = root.partition("://")
    public_dsn = f"{scheme}://{key.public}@{host_path}/{key.project_id}"
    return {
        "id": key.public,
        "name": key.name,
        "label": key.name,
        "public": key.public,
        "secret": key.secret,
        "projectId": key.project_id,
        "isActive": key.is_active,
        "rateLimit": key.rate_limit,
        "dateCreated": key.created,
        "browserSdkVersion": "8.x",
        "dynamicSdkLoaderOptions": {},
        "dsn": {
            "public": public_dsn,
            "secret": f"{scheme}://{key.public}:{key.secret}@{host_path}/{key.project_id}",
            "csp": f"{root}/api/{key.project_id}/csp-report/?sentry_key={key.public}",
            "security": f"{root}/api/{key.project_id}/security/?sentry_key={key.public}",
            "minidump": f"{root}/api/{key.project_id}/minidump/?sentry_key={key.public}",
            "cdn": f"{root}/js-sdk-loader/{key.public}.min.js",
        },
    }


def detector_document(backend: SentryBackend, detector: Detector) -> dict[str, Any]:
    body = detector.body
    workflows = [
        str(w.id) for w in backend.workflows.values() if str(detector.id) in (w.body.get("detectorIds") or [])
    ]
    sources = []
    for source in body.get("dataSources") or []:
        sources.append(
            {
                "id": str(detector.id + 1),
                "type": "snuba_query_subscription",
                "queryObj": {
                    "snubaQuery": {
                        "dataset": source.get("dataset"),
                        "aggregate": source.get("aggregate"),
                        "query": source.get("query", ""),
                        "timeWindow": source.get("timeWindow"),
                        "environment": source.get("environment"),
                        "eventTypes": source.get("eventTypes", []),
                    }
                },
            }
        )
    owner = body.get("owner")
    owner_doc = None
    if isinstance(owner, str) and ":" in owner:
        kind, _, owner_id = owner.partition(":")
        owner_doc = {"type": kind, "id": owner_id, "name": kind}
    return {
        "id": str(detector.id),
        "projectId": str(detector.project_id),
        "name": detector.name,
        "type": detector.type,
        "enabled": body.get("enabled", True),
        "dateCreated": detector.created,
        "dataSources": sources or None,
        "conditionGroup": body.get("conditionGroup"),
        "config": body.get("config", {}),
        "owner": owner_doc,
        "workflowIds": workflows,
    }


def workflow_document(backend: SentryBackend, workflow: Workflow) -> dict[str, Any]:
    return {
        "id": str(workflow.id),
        "name": workflow.name,
        "organizationId": str(backend.org_id),
        "createdBy": None,
        "dateCreated": workflow.created,
        "dateUpdated": workflow.created,
        "lastTriggered": None,
        **{k: v for k, v in workflow.body.items() if k != "name"},
    }


def dashboard_document(dashboard: Dashboard) -> dict[str, Any]:
    return {
        "id": str(dashboard.id),
        "title": dashboard.title,
        **{k: v for k, v in dashboard.body.items() if k != "title"},
    }


class SentryResponses:
    # --- teams --------------------------------------------------------------------------------
    def list_teams(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        page, headers = paginate(call, sorted(backend.teams.values(), key=lambda t: t.id))
        return Response(200, [team_document(t) for t in page], headers)

    def create_team(self, call: Call, org: str) -> Response:
        body = _body(call)
        return Response(201, team_document(_org(call, org).create_team(body.get("slug"), body.get("name"))))

    def get_team(self, call: Call, org: str, team: str) -> Response:
        return Response(200, team_document(_org(call, org).team(team)))

    def update_team(self, call: Call, org: str, team: str) -> Response:
        return Response(200, team_document(_org(call, org).update_team(team, _body(call))))

    def delete_team(self, call: Call, org: str, team: str) -> Response:
        _org(call, org).delete_team(team)
        return Response(204, None)

    # --- projects -----------------------------------------------------------------------------
    def create_team_project(self, call: Call, org: str, team: str) -> Response:
        backend = _org(call, org)
        return Response(201, project_document(backend, backend.create_project(team, _body(call))))

    def list_projects(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        page, headers = paginate(call, sorted(backend.projects.values(), key=lambda p: p.id))
        return Response(200, [project_document(backend, p) for p in page], headers)

    def _project(self, call: Call, org: str, project: str) -> Project:
        backend = _org(call, org)
        try:
            return backend.project(project)
        except NotFound:
            moved = backend.moved_project(project)
            if moved is None:
                raise
            url = f"{call.request.base_url}/api/0/projects/{org}/{moved.slug}/"
            raise Moved(url, moved.slug) from None

    def get_project(self, call: Call, org: str, project: str) -> Response:
        return Response(200, project_document(call.backend, self._project(call, org, project)))

    def update_project(self, call: Call, org: str, project: str) -> Response:
        found = self._project(call, org, project)
        return Response(
            200, project_document(call.backend, call.backend.update_project(str(found.id), _body(call)))
        )

    def delete_project(self, call: Call, org: str, project: str) -> Response:
        call.backend.delete_project(str(self._project(call, org, project).id))
        return Response(204, None)

    def add_project_team(self, call: Call, org: str, project: str, team: str) -> Response:
        found = self._project(call, org, project)
        return Response(201, project_document(call.backend, call.backend.add_team(str(found.id), team)))

    def remove_project_team(self, call: Call, org: str, project: str, team: str) -> Response:
        found = self._project(call, org, project)
        return Response(200, project_document(call.backend, call.backend.remove_team(str(found.id), team)))

    # --- client keys --------------------------------------------------------------------------
    def list_keys(self, call: Call, org: str, project: str) -> Response:
        found = self._project(call, org, project)
        keys = call.backend.project_keys(found)
        status = call.request.arg("status")
        if status in ("active", "inactive"):
            keys = [k for k in keys if k.is_active == (status == "active")]
        page, headers = paginate(call, keys, default=10)  # client keys default to 10 per page
        return Response(200, [key_document(call, k) for k in page], headers)

    def create_key(self, call: Call, org: str, project: str) -> Response:
        found = self._project(call, org, project)
        body = _body(call)
        key = call.backend.create_key(found, body.get("name"), body.get("rateLimit"))
        return Response(201, key_document(call, key))

    def get_key(self, call: Call, org: str, project: str, key: str) -> Response:
        return Response(200, key_document(call, call.backend.key(self._project(call, org, project), key)))

    def update_key(self, call: Call, org: str, project: str, key: str) -> Response:
        found = self._project(call, org, project)
        return Response(200, key_document(call, call.backend.update_key(found, key, _body(call))))

    def delete_key(self, call: Call, org: str, project: str, key: str) -> Response:
        call.backend.delete_key(self._project(call, org, project), key)
        return Response(204, None)

    # --- detectors ----------------------------------------------------------------------------
    def list_detectors(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        detectors = sorted(backend.detectors.values(), key=lambda d: d.id)
        projects = call.request.args("project")
        if projects:
            detectors = [d for d in detectors if str(d.project_id) in projects]
        ids = call.request.args("id")
        if ids:
            detectors = [d for d in detectors if str(d.id) in ids]
        query = call.request.arg("query") or ""
        if query.startswith("type:"):
            wanted = {
                "metric": "metric_issue",
                "uptime": "uptime_domain_failure",
                "cron": "monitor_check_in_failure",
            }.get(query[5:], query[5:])
            detectors = [d for d in detectors if d.type == wanted]
        page, headers = paginate(call, detectors)
        return Response(200, [detector_document(backend, d) for d in page], headers)

    def create_project_detector(self, call: Call, org: str, project: str) -> Response:
        found = self._project(call, org, project)
        detector = call.backend.create_detector(found, _body(call))
        return Response(201, detector_document(call.backend, detector))

    def create_detector(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        body = _body(call)
        found = backend.project(str(body.get("projectId") or ""))
        return Response(201, detector_document(backend, backend.create_detector(found, body)))

    def get_detector(self, call: Call, org: str, detector: str) -> Response:
        backend = _org(call, org)
        return Response(200, detector_document(backend, backend.detector(detector)))

    def update_detector(self, call: Call, org: str, detector: str) -> Response:
        backend = _org(call, org)
        return Response(200, detector_document(backend, backend.update_detector(detector, _body(call))))

    def delete_detector(self, call: Call, org: str, detector: str) -> Response:
        _org(call, org).delete_detector(detector)
        return Response(204, None)

    # --- workflows ----------------------------------------------------------------------------
    def list_workflows(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        workflows = sorted(backend.workflows.values(), key=lambda w: w.id)
        ids = call.request.args("id")
        if ids:
            workflows = [w for w in workflows if str(w.id) in ids]
        projects = call.request.args("project")
        if projects:
            detectors = {str(d.id) for d in backend.detectors.values() if str(d.project_id) in projects}
            workflows = [
                w
                for w in workflows
                if not w.body.get("detectorIds") or detectors & set(w.body.get("detectorIds") or [])
            ]
        query = (call.request.arg("query") or "").lower()
        if query:
            workflows = [w for w in workflows if query in w.name.lower()]
        page, headers = paginate(call, workflows)
        return Response(200, [workflow_document(backend, w) for w in page], headers)

    def create_workflow(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        return Response(201, workflow_document(backend, backend.create_workflow(_body(call))))

    def get_workflow(self, call: Call, org: str, workflow: str) -> Response:
        backend = _org(call, org)
        return Response(200, workflow_document(backend, backend.workflow(workflow)))

    def update_workflow(self, call: Call, org: str, workflow: str) -> Response:
        backend = _org(call, org)
        return Response(200, workflow_document(backend, backend.update_workflow(workflow, _body(call))))

    def delete_workflow(self, call: Call, org: str, workflow: str) -> Response:
        _org(call, org).delete_workflow(workflow)
        return Response(204, None)

    # --- integrations, dashboards -------------------------------------------------------------
    def list_integrations(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        provider = call.request.arg("providerKey") or call.request.arg("provider_key")
        integration = {k: v for k, v in backend.slack_integration.items() if k != "channels"}
        items = [integration] if provider in (None, "slack") else []
        return Response(200, items)

    def list_dashboards(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        page, headers = paginate(call, sorted(backend.dashboards.values(), key=lambda d: d.id))
        return Response(200, [{"id": str(d.id), "title": d.title} for d in page], headers)

    def create_dashboard(self, call: Call, org: str) -> Response:
        return Response(201, dashboard_document(_org(call, org).create_dashboard(_body(call))))

    def get_dashboard(self, call: Call, org: str, dashboard: str) -> Response:
        return Response(200, dashboard_document(_org(call, org).dashboard(dashboard)))

    def update_dashboard(self, call: Call, org: str, dashboard: str) -> Response:
        return Response(200, dashboard_document(_org(call, org).update_dashboard(dashboard, _body(call))))

    def delete_dashboard(self, call: Call, org: str, dashboard: str) -> Response:
        _org(call, org).delete_dashboard(dashboard)
        return Response(204, None)

    # --- events (ingest and read back) --------------------------------------------------------
    def ingest_envelope(self, call: Call, project_id: str) -> Response:
        backend: SentryBackend = call.backend
        lines = call.request.body.decode("utf-8", "replace").splitlines()
        header = json.loads(lines[0]) if lines else {}
        payload: dict[str, Any] = {}
        for index in range(1, len(lines) - 1, 2):
            item_header = json.loads(lines[index])
            if item_header.get("type") in ("event", "transaction"):
                payload = json.loads(lines[index + 1])
        payload.setdefault("event_id", header.get("event_id"))
        event = backend.ingest(int(project_id), dsn_key(call.request) or "", payload)
        return Response(200, {"id": event.event_id})

    def list_project_events(self, call: Call, org: str, project: str) -> Response:
        found = self._project(call, org, project)
        events = [e for e in call.backend.events if e.project_id == found.id]
        page, headers = paginate(call, events)
        return Response(
            200,
            [
                {
                    "id": e.event_id,
                    "eventID": e.event_id,
                    "projectID": str(e.project_id),
                    "message": e.payload.get("message") or "",
                    "tags": e.payload.get("tags") or {},
                    "dateReceived": e.received,
                }
                for e in page
            ],
            headers,
        )

    # --- retired --------------------------------------------------------------------------------
    def retired_rules(self, call: Call, **_: str) -> Response:
        call.backend.retired_calls += 1
        raise Retired("/api/0/organizations/{organization_id_or_slug}/workflows/")

    def retired_alert_rules(self, call: Call, **_: str) -> Response:
        call.backend.retired_calls += 1
        raise Retired("/api/0/organizations/{organization_id_or_slug}/detectors/")

    # --- control plane ------------------------------------------------------------------------
    def control_retired_calls(self, call: Call) -> Response:
        return Response(200, {"retired_calls": call.backend.retired_calls})

    def control_events(self, call: Call) -> Response:
        return Response(
            200,
            {
                "events": [
                    {"id": e.event_id, "project_id": e.project_id, "payload": e.payload}
                    for e in call.backend.events
                ]
            },
        )

    def control_revoke_key(self, call: Call) -> Response:
        public = str((call.request.json() or {}).get("public_key", ""))
        key = call.backend.keys.get(public)
        if key is None:
            return Response(404, {"error": "no such key"})
        key.is_active = False
        return Response(200, {"revoked": public})

    def control_workflow_churn(self, call: Call) -> Response:
        return Response(200, {str(w.id): w.recreated_subobjects for w in call.backend.workflows.values()})

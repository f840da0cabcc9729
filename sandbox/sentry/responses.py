"""Sentry's wire format, the only file with its field names: JSON in, JSON + Link headers out.

One method per operation (routes.py names them); path parameters arrive by name. Handlers read the
query and body, check the body at the wire level (validation.py, errors keyed as the client sent
them), decode it through the resource's wire table into the backend's keyword arguments, and build
the documents from the backend's dataclasses through the same table (``vigil.sandbox.core.wire``).
An error the backend raises naming a Python field is renamed to its wire key (``_named``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import requests

from vigil.sandbox.core.http import Request, Response
from vigil.sandbox.core.service import Call
from vigil.sandbox.core.values import whole
from vigil.sandbox.core.wire import Table, Wire
from vigil.sandbox.sentry import alerting, envelope, validation
from vigil.sandbox.sentry.errors import EnvelopeUnauthorized, Invalid, Moved, NotFound, Retired
from vigil.sandbox.sentry.models import (
    SYSTEM_DETECTORS,
    ClientKey,
    Dashboard,
    Detector,
    Event,
    Member,
    Ownership,
    Project,
    RateLimit,
    SentryBackend,
    Team,
    Workflow,
)
from vigil.sandbox.sentry.stats import StatsResponses

MAX_PER_PAGE = 100
_MEMBER_SCOPES = [
    "alerts:read", "alerts:write", "event:admin", "event:read", "event:write", "member:read",
    "org:read", "project:read", "project:releases", "team:read",
]  # fmt: skip
_ADMIN_SCOPES = sorted(
    {*_MEMBER_SCOPES, "org:integrations", "project:admin", "project:write", "team:admin", "team:write"}
)
_MANAGER_SCOPES = sorted({*_ADMIN_SCOPES, "member:admin", "member:invite", "member:write", "org:write"})
_OWNER_SCOPES = sorted({*_MANAGER_SCOPES, "org:admin", "org:billing"})
# Sentry's default roles (sentry.conf.server SENTRY_ROLES / SENTRY_TEAM_ROLES) as the organization
# detail lists them: every field OrganizationRoleListItem / TeamRoleListItem requires.
ORG_ROLES: tuple[dict[str, Any], ...] = (
    {
        "id": "member",
        "name": "Member",
        "desc": "Members can view and act on events, as well as view most other data within the "
        "organization.",
        "scopes": _MEMBER_SCOPES,
        "isAllowed": True,
        "isRetired": False,
        "isGlobal": False,
        "minimumTeamRole": "contributor",
    },
    {
        "id": "admin",
        "name": "Admin",
        "desc": "Admin privileges on any teams of which they're a member. They can create new teams and "
        "projects, as well as remove teams and projects on which they already hold membership.",
        "scopes": _ADMIN_SCOPES,
        "isAllowed": True,
        "isRetired": False,
        "isGlobal": False,
        "minimumTeamRole": "admin",
    },
    {
        "id": "manager",
        "name": "Manager",
        "desc": "Gains admin access on all teams as well as the ability to add and remove members.",
        "scopes": _MANAGER_SCOPES,
        "isAllowed": True,
        "isRetired": False,
        "isGlobal": True,
        "minimumTeamRole": "admin",
    },
    {
        "id": "owner",
        "name": "Owner",
        "desc": "Unrestricted access to the organization, its data, and its settings. Can add, modify, "
        "and delete projects and members, as well as make billing and plan changes.",
        "scopes": _OWNER_SCOPES,
        "isAllowed": True,
        "isRetired": False,
        "isGlobal": True,
        "minimumTeamRole": "admin",
    },
)
TEAM_ROLES: tuple[dict[str, Any], ...] = (
    {
        "id": "contributor",
        "name": "Contributor",
        "desc": "Contributors can view and act on events, as well as view most other data within the "
        "team's projects.",
        "scopes": _MEMBER_SCOPES,
        "isAllowed": True,
        "isRetired": False,
        "isMinimumRoleFor": "member",
    },
    {
        "id": "admin",
        "name": "Team Admin",
        "desc": "Admin privileges on the team. They can create and remove projects, and can manage the "
        "team's memberships.",
        "scopes": _ADMIN_SCOPES,
        "isAllowed": True,
        "isRetired": False,
        "isMinimumRoleFor": "admin",
    },
)
RETIRED_REPLACEMENTS = {
    "retired_rules": "/api/0/organizations/{organization_id_or_slug}/workflows/",
    "retired_alert_rules": "/api/0/organizations/{organization_id_or_slug}/detectors/",
}


def dsn_key(request: Request) -> str | None:
    """The public key an SDK sends with an envelope: X-Sentry-Auth ``sentry_key=…`` or ?sentry_key=."""
    auth = request.header("x-sentry-auth") or ""
    if auth.lower().startswith("sentry "):
        auth = auth[7:]
    for part in auth.split(","):
        name, _, value = part.strip().partition("=")
        if name == "sentry_key" and value:
            return value
    return request.arg("sentry_key") or None


def _body(call: Call) -> dict[str, Any]:
    """The JSON body every write operation requires (an absent or null one is a 400)."""
    if not call.request.body.strip():
        raise Invalid({"detail": ["Malformed request: a JSON body is required."]})
    try:
        body = call.request.json()
    except ValueError:
        raise Invalid({"detail": ["Malformed request: the body is not JSON."]}) from None
    if body is None:
        raise Invalid({"non_field_errors": ["No data provided"]})
    if not isinstance(body, dict):
        raise Invalid({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
    return body


def _org(call: Call, org: str) -> SentryBackend:
    backend: SentryBackend = call.backend
    if org not in (backend.org_slug, str(backend.org_id)):
        raise NotFound()
    return backend


def _project(call: Call, org: str, ref: str) -> Project:
    """A project by id or slug; a slug it had before a rename answers 302 resource-moved."""
    backend = _org(call, org)
    try:
        return backend.project(ref)
    except NotFound:
        moved = backend.moved_project(ref)
        if moved is None:
            raise
        rest = call.request.path.split(f"/{ref}/", 1)[1] if f"/{ref}/" in call.request.path else ""
        raise Moved(f"{call.request.base_url}/api/0/projects/{org}/{moved.slug}/{rest}", moved.slug) from None


def paginate(
    call: Call, items: Sequence[Any], default: int = MAX_PER_PAGE
) -> tuple[list[Any], dict[str, str]]:
    """RFC 5988 Link pagination as Sentry sends it: rel="previous"/"next", results, cursor."""
    request = call.request
    try:
        per_page = max(1, min(_number(request.arg("per_page") or str(default)), MAX_PER_PAGE))
        cursor = request.arg("cursor")
        parts = (cursor if cursor is not None else "0:0:0").split(":")
        if len(parts) != 3 or parts[2] not in ("0", "1"):
            raise ValueError(cursor)
        _number(parts[0])
        offset = _number(parts[1])
    except (ValueError, IndexError):
        raise Invalid({"detail": ["Invalid cursor parameter."]}) from None
    base = request.base_url + request.path
    keep = {k: v[-1] for k, v in request.query.items() if k != "cursor"}

    def link(rel: str, cursor: str, results: bool) -> str:
        url = f"{base}?{urlencode({**keep, 'cursor': cursor})}"
        return f'<{url}>; rel="{rel}"; results="{str(results).lower()}"; cursor="{cursor}"'

    previous = link("previous", f"0:{max(offset - per_page, 0)}:1", offset > 0)
    following = link("next", f"0:{offset + per_page}:0", offset + per_page < len(items))
    return list(items[offset : offset + per_page]), {"Link": f"{previous}, {following}"}


def _number(raw: str) -> int:
    value = whole(raw)
    if value is None:
        raise ValueError(raw)
    return value


def _listing(call: Call, documents: list[Any]) -> Response:
    page, headers = paginate(call, documents)
    return Response(200, page, headers)


_SLACK_POSTS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="vigil-sentry-slack")


def _post_to_slack(call: Call, note: alerting.Notification) -> None:
    """Sentry's Slack integration posts with its own bot token: the sandbox's Slack account
    (``slack_token`` of the Sentry account, else the sandbox's first Slack account)."""
    token = call.account.options.get("slack_token") or next(
        (a.key for a in list(call.service.accounts.values()) if a.service == "slack"), None
    )
    if not token:
        note.status, note.detail = "failed", "no Slack workspace in the sandbox"
        return
    base = call.request.base_url.rsplit(call.service.prefix, 1)[0] + "/slack/api/chat.postMessage"
    try:
        answer = requests.post(
            base, json={"channel": note.target, "text": note.text},
            headers={"Authorization": f"Bearer {token}"}, timeout=5,
        ).json()  # fmt: skip
    except (requests.RequestException, ValueError) as error:
        note.status, note.detail = "failed", f"Slack did not answer: {type(error).__name__}"
        return
    if answer.get("ok"):
        note.status, note.detail = "delivered", f"ts {answer.get('ts')}"
    else:
        note.status, note.detail = "failed", f"Slack answered {answer.get('error')}"


# --- wire tables: Python field ↔ JSON key, one per resource, used to decode and to encode -----------
def _as_str(value: Any) -> str:
    return str(value)


def _rate_limit_in(value: Any) -> RateLimit | None:
    return None if value is None else RateLimit(int(value["window"]), int(value["count"]))


def _rate_limit_out(value: RateLimit | None) -> dict[str, int] | None:
    return None if value is None else RATE_LIMIT.encode(value)  # int64, as documented


def _loader_in(value: dict[str, Any]) -> dict[str, bool]:
    return {name: bool(v) for name, v in LOADER.decode(value).items()}  # unknown options: ignored


def _team_roles_in(rows: list[dict[str, Any]] | None) -> list[tuple[str, str | None]] | None:
    return None if rows is None else [(row["teamSlug"], row.get("role")) for row in rows]


def _team_roles_out(roles: dict[str, str | None]) -> list[dict[str, Any]]:
    return [{"teamSlug": team, "role": role} for team, role in sorted(roles.items())]


def _ids_in(ids: Any) -> list[str]:
    return [str(i) for i in ids or []]


def _links_in(ids: list[Any] | None) -> list[str] | None:
    return None if ids is None else [str(i) for i in ids]  # null: the links stay as they are


def _list_in(value: Any) -> list[Any]:
    return list(value or [])


def _map_in(value: Any) -> dict[str, Any]:
    return dict(value or {})


TEAM = Table(Wire("id", encode=_as_str), "slug", "name", Wire("created", "dateCreated"))
PROJECT = Table(
    Wire("id", encode=_as_str),
    "slug",
    "name",
    "platform",
    Wire("created", "dateCreated"),
    Wire("options", encode=dict),
)
PROJECT_SETTINGS = Table(
    "color",
    Wire("is_public", "isPublic"),
    Wire("digests_min_delay", "digestsMinDelay"),
    Wire("digests_max_delay", "digestsMaxDelay"),
    Wire("resolve_age", "resolveAge"),
    Wire("subject_prefix", "subjectPrefix"),
    Wire("subject_template", "subjectTemplate"),
    Wire("fingerprinting_rules", "fingerprintingRules"),
    Wire("grouping_enhancements", "groupingEnhancements"),
    Wire("allowed_domains", "allowedDomains"),
    Wire("scrape_java_script", "scrapeJavaScript"),
    Wire("security_token", "securityToken"),
    Wire("security_token_header", "securityTokenHeader"),
    Wire("verify_ssl", "verifySSL"),
    Wire("highlight_tags", "highlightTags"),
    Wire("highlight_context", "highlightContext"),
    Wire("sensitive_fields", "sensitiveFields"),
    Wire("safe_fields", "safeFields"),
    Wire("scrub_ip_addresses", "scrubIPAddresses"),
    Wire("data_scrubber", "dataScrubber"),
    Wire("data_scrubber_defaults", "dataScrubberDefaults"),
    Wire("default_environment", "defaultEnvironment"),
    Wire("enable_auto_release_creation", "enableAutoReleaseCreation"),
    Wire("debug_files_role", "debugFilesRole"),
)
RATE_LIMIT = Table("window", "count")
LOADER = Table(
    Wire("has_replay", "hasReplay"), Wire("has_performance", "hasPerformance"), Wire("has_debug", "hasDebug")
)
CLIENT_KEY = Table(
    "name",
    "public",
    "secret",
    Wire("project_id", "projectId"),
    Wire("is_active", "isActive", decode=bool),  # null: inactive, as before
    Wire("rate_limit", "rateLimit", decode=_rate_limit_in, encode=_rate_limit_out),
    Wire("created", "dateCreated"),
    Wire("browser_sdk_version", "browserSdkVersion"),
    Wire("loader_options", "dynamicSdkLoaderOptions", decode=_loader_in, encode=LOADER.encode),
)
KEY_FIELDS = ("is_active", "browser_sdk_version", "loader_options")  # what a create takes besides these
MEMBER = Table(
    Wire("id", encode=_as_str),
    "email",
    Wire("role", "orgRole"),
    "pending",
    Wire("created", "dateCreated"),
    Wire("team_roles", "teamRoles", decode=_team_roles_in, encode=_team_roles_out),
)
OWNERSHIP = Table(
    "raw",
    "fallthrough",
    Wire("created", "dateCreated"),
    Wire("updated", "lastUpdated"),
    Wire("auto_assignment", "autoAssignment"),
    Wire("codeowners_auto_sync", "codeownersAutoSync"),
)
DETECTOR = Table(
    Wire("id", encode=_as_str),
    Wire("project_id", "projectId", encode=_as_str),
    Wire("name", decode=_as_str),
    "type",
    "description",
    Wire("enabled", encode=bool),
    "owner",  # encoded with its team: detector_document
    Wire("created", "dateCreated"),
    Wire("updated", "dateUpdated"),
    Wire("condition_group", "conditionGroup"),
    Wire("config", encode=_map_in),
    Wire("data_sources", "dataSources", decode=_list_in),  # encoded with their ids: _data_source
    Wire("workflow_ids", "workflowIds", decode=_links_in),  # the backend's links: detector_workflows
)
DETECTOR_FIELDS = ("name", "description", "enabled", "owner", "config", "condition_group", "data_sources")
WORKFLOW = Table(
    Wire("id", encode=_as_str),
    Wire("name", decode=_as_str),
    Wire("created", "dateCreated"),
    Wire("updated", "dateUpdated"),
    Wire("enabled", encode=bool),
    "environment",
    "config",
    Wire("detector_ids", "detectorIds", decode=_ids_in, encode=list),
    "triggers",
    Wire("action_filters", "actionFilters", decode=_list_in),
    "owner",
)
WORKFLOW_FIELDS = (
    "name", "enabled", "environment", "config", "detector_ids", "triggers", "action_filters", "owner"
)  # fmt: skip
DASHBOARD = Table(
    Wire("id", encode=_as_str),
    Wire("title", decode=_as_str),
    Wire("created", "dateCreated"),
    Wire("widgets", decode=_list_in),
    Wire("projects", decode=_list_in),
    Wire("environment", decode=_list_in),
    "period",
    Wire("filters", decode=_map_in),
)
DASHBOARD_FIELDS = ("title", "widgets", "projects", "environment", "period", "filters")


@contextmanager
def _named(table: Table) -> Iterator[None]:
    """The backend's errors name Python fields; the client is told the keys it sent."""
    try:
        yield
    except Invalid as error:
        error.fields = table.rename(error.fields)
        raise


# --- documents -------------------------------------------------------------------------------------
def organization_document(backend: SentryBackend) -> dict[str, Any]:
    return {
        "id": str(backend.org_id),
        "slug": backend.org_slug,
        "name": backend.org_name,
        "features": sorted(backend.features),
        "status": {"id": "active", "name": "active"},
        "orgRoleList": [dict(role) for role in ORG_ROLES],
        "teamRoleList": [dict(role) for role in TEAM_ROLES],
    }


def team_document(team: Team, projects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    document = {
        **TEAM.encode(team),
        "isMember": True,
        "teamRole": "admin",
        "hasAccess": True,
        "isPending": False,
        "memberCount": 1,
        "avatar": {"avatarType": "letter_avatar", "avatarUuid": None},
    }
    if projects is not None:
        document["projects"] = projects
    return document


def project_document(backend: SentryBackend, project: Project) -> dict[str, Any]:
    teams = [team_document(backend.teams[t]) for t in project.team_ids if t in backend.teams]
    return {
        **PROJECT.encode(project),
        **PROJECT_SETTINGS.encode(project.settings),
        "organization": organization_document(backend),
        "isMember": True,
        "hasAccess": True,
        "isBookmarked": False,
        "teams": teams,
        "team": teams[0] if teams else None,
        "features": ["alert-filters", "servicehooks", "similarity-indexing"],
        "status": "active",
        "firstEvent": None,
    }


def key_document(call: Call, key: ClientKey) -> dict[str, Any]:
    root = call.request.base_url  # the emulator's origin + /sentry: where SDKs send envelopes
    scheme, _, host = root.partition("://")
    dsn = f"{scheme}://{key.public}@{host}/{key.project_id}"
    api = f"{root}/api/{key.project_id}"
    return {
        **CLIENT_KEY.encode(key),
        "id": key.public,
        "label": key.name,
        "browserSdk": {"choices": [[v, v] for v in validation.BROWSER_SDK_VERSIONS]},
        "useCase": "user",
        "dsn": {
            "public": dsn,
            "secret": f"{scheme}://{key.public}:{key.secret}@{host}/{key.project_id}",
            "csp": f"{api}/csp-report/?sentry_key={key.public}",
            "security": f"{api}/security/?sentry_key={key.public}",
            "minidump": f"{api}/minidump/?sentry_key={key.public}",
            "nel": f"{api}/nel/?sentry_key={key.public}",
            "unreal": f"{api}/unreal/{key.public}/",
            "crons": f"{api}/cron/___MONITOR_SLUG___/{key.public}/",
            "cdn": f"{root}/js-sdk-loader/{key.public}.min.js",
            "playstation": f"{api}/playstation/?sentry_key={key.public}",
            "integration": f"{root}/",
            "otlp_traces": f"{api}/integration/otlp/v1/traces",
            "otlp_logs": f"{api}/integration/otlp/v1/logs",
        },
    }


def _data_source(
    backend: SentryBackend, detector: Detector, index: int, source: dict[str, Any]
) -> dict[str, Any]:
    source_id = str(detector.source_ids[index]) if index < len(detector.source_ids) else str(detector.id)
    wrapper: dict[str, Any] = {"id": source_id, "organizationId": str(backend.org_id), "sourceId": source_id}
    if detector.type == "metric_issue":
        query = {
            "id": source_id,
            "dataset": source.get("dataset", "events"),
            "query": source.get("query", ""),
            "aggregate": source.get("aggregate"),
            "timeWindow": source.get("timeWindow"),
            "environment": source.get("environment"),
            "eventTypes": list(source.get("eventTypes") or ["error", "default"]),
            "queryType": source.get("queryType", 0),
            "extrapolationMode": source.get("extrapolationMode"),
        }
        return {
            **wrapper,
            "type": "snuba_query_subscription",
            "queryObj": {"id": source_id, "status": 0, "subscription": source_id, "snubaQuery": query},
        }
    if detector.type == "uptime_domain_failure":
        query = {
            "url": source.get("url"),
            "method": source.get("method", "GET"),
            "body": source.get("body"),
            "headers": source.get("headers") or [],
            "intervalSeconds": source.get("intervalSeconds"),
            "timeoutMs": source.get("timeoutMs", 5000),
            "traceSampling": bool(source.get("traceSampling", False)),
            "assertion": source.get("assertion"),
        }
        return {**wrapper, "type": "uptime_subscription", "queryObj": query}
    return {**wrapper, "type": "cron_monitor", "queryObj": dict(source)}


def _owner(backend: SentryBackend, owner: Any) -> dict[str, Any] | None:
    if not isinstance(owner, str) or ":" not in owner:
        return None
    kind, _, owner_id = owner.partition(":")
    number = whole(owner_id)
    team = backend.teams.get(number) if kind == "team" and number is not None else None
    return {"type": kind, "id": owner_id, "name": team.slug if team else owner_id}


def detector_document(backend: SentryBackend, detector: Detector) -> dict[str, Any]:
    document = DETECTOR.encode(detector, [f.name for f in DETECTOR.fields if f.name != "workflow_ids"])
    document[DETECTOR.key("owner")] = _owner(backend, detector.owner)
    document[DETECTOR.key("data_sources")] = [
        _data_source(backend, detector, i, s) for i, s in enumerate(detector.data_sources)
    ]
    document[DETECTOR.key("workflow_ids")] = backend.detector_workflows(detector)
    return {**document, "createdBy": None, "latestGroup": None, "alertRuleId": None, "ruleId": None}


def workflow_document(backend: SentryBackend, workflow: Workflow) -> dict[str, Any]:
    return {
        **WORKFLOW.encode(workflow),
        "organizationId": str(backend.org_id),
        "createdBy": None,
        "lastTriggered": None,
    }


def integration_document(backend: SentryBackend) -> dict[str, Any]:
    return {
        "id": str(backend.slack_id),
        "name": f"{backend.org_name} Slack",
        "icon": None,
        "domainName": "sandbox.slack.com",
        "accountType": None,
        "scopes": ["chat:write", "channels:read", "links:read", "links:write", "team:read", "users:read"],
        "status": "active",
        "provider": {
            "key": "slack",
            "slug": "slack",
            "name": "Slack",
            "canAdd": True,
            "canDisable": False,
            "features": ["alert-rule", "chat-unfurl"],
            "aspects": {},
        },
        "configOrganization": [],
        "configData": {"installationType": "born_as_bot", **backend.integration_config},
        "externalId": "TSANDBOX",
        "organizationId": backend.org_id,
        "organizationIntegrationStatus": "active",
        "gracePeriodEnd": None,
    }


def member_document(member: Member, with_roles: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        **MEMBER.encode(member, ["id", "email", "role", "pending", "created"]),
        "name": member.email,
        "expired": False,
        "role": member.role,
        "user": {"id": str(member.id)},
    }
    if with_roles:
        document["orgRoleList"] = [dict(role) for role in ORG_ROLES]
        document["teamRoleList"] = [dict(role) for role in TEAM_ROLES]
        document.update(MEMBER.encode(member, ["team_roles"]))
    return document


def ownership_document(ownership: Ownership) -> dict[str, Any]:
    return {**OWNERSHIP.encode(ownership), "isActive": True}


def dashboard_document(dashboard: Dashboard, summary: bool = False) -> dict[str, Any]:
    if summary:
        widgets = dashboard.widgets
        return {
            **DASHBOARD.encode(dashboard, ["id", "title", "created"]),
            "createdBy": None,
            "widgetDisplay": [w.get("displayType") for w in widgets],
            "widgetPreview": [
                {"displayType": w.get("displayType"), "layout": w.get("layout")} for w in widgets
            ],
        }
    return {**DASHBOARD.encode(dashboard), "createdBy": None}


def default_workflow(backend: SentryBackend, project: Project) -> dict[str, Any]:
    """What ``default_rules`` makes now: "alert on high priority issues" as a workflow document."""
    stream = [str(d.id) for d in backend.project_detectors(project) if d.type == "issue_stream"]
    return {
        "name": f"Send a notification for high priority issues in {project.slug}",
        "enabled": True,
        "environment": None,
        "config": {"frequency": 30},
        "detectorIds": stream,
        "triggers": {
            "logicType": "any-short",
            "conditions": [
                {"type": "new_high_priority_issue", "comparison": True, "conditionResult": True},
                {"type": "existing_high_priority_issue", "comparison": True, "conditionResult": True},
            ],
        },
        "actionFilters": [
            {
                "logicType": "all",
                "conditions": [],
                "actions": [
                    {
                        "type": "email",
                        "integrationId": None,
                        "config": {"targetType": "issue_owners", "targetIdentifier": None},
                        "data": {"fallthroughType": "ActiveMembers"},
                    }
                ],
            }
        ],
    }


def _workflow_fields(backend: SentryBackend, body: dict[str, Any]) -> dict[str, Any]:
    """A workflow body checked, decoded, and its Slack actions resolved as Sentry resolves them."""
    validation.check_workflow(body, set(backend.detectors), str(backend.slack_id), backend.slack_channels)
    fields = WORKFLOW.decode(body, WORKFLOW_FIELDS)
    if not body.get("triggers"):
        fields["triggers"] = {"logicType": "any-short", "conditions": []}
    fields["action_filters"] = copy.deepcopy(fields.get("action_filters") or [])
    for action_filter in fields["action_filters"]:
        for action in action_filter.get("actions") or []:
            if action.get("type") == "slack":  # Sentry rewrites both with the resolved channel
                config = action["config"]
                channel = str(config["targetDisplay"]).lstrip("#")
                config["targetDisplay"] = "#" + channel
                config["targetIdentifier"] = backend.slack_channel(channel)
                action["integrationId"] = str(action["integrationId"])
    return fields


def _create_workflow(backend: SentryBackend, body: dict[str, Any]) -> Workflow:
    return backend.create_workflow(**_workflow_fields(backend, body))


def event_document(event: Event) -> dict[str, Any]:
    payload = event.payload
    tags = payload.get("tags") or {}
    pairs = (
        tags.items()
        if isinstance(tags, dict)
        else [tuple(t)[:2] for t in tags if isinstance(t, list | tuple)]
    )
    exception = ((payload.get("exception") or {}).get("values") or [{}])[-1]
    message = payload.get("message") or payload.get("logentry", {}).get("message") or ""
    if isinstance(message, dict):
        message = message.get("formatted") or message.get("message") or ""
    title = payload.get("transaction") if event.kind == "transaction" else None
    title = title or (f"{exception.get('type')}: {exception.get('value')}" if exception else message)
    return {
        "id": event.event_id,
        "eventID": event.event_id,
        "projectID": str(event.project_id),
        "groupID": None,
        "type": "transaction" if event.kind == "transaction" else "error" if exception else "default",
        "title": title or "<unlabeled event>",
        "message": message,
        "platform": payload.get("platform"),
        "environment": payload.get("environment"),
        "release": payload.get("release"),
        "level": payload.get("level", "error"),
        "tags": [{"key": str(k), "value": str(v)} for k, v in pairs],
        "dateCreated": _iso(payload.get("timestamp"), event.received),
        "dateReceived": _iso(None, event.received),
    }


def _iso(value: Any, fallback: float) -> str:
    if isinstance(value, str):
        return value
    seconds = float(value) if isinstance(value, int | float) else fallback
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SentryResponses(StatsResponses):  # stats_v2, events-stats: stats.py
    # --- organization, teams ------------------------------------------------------------------
    def health_check(self, call: Call) -> Response:
        """GET /api/0/internal/health/ (sentry-api.yaml healthCheck): 200 for a valid token."""
        return Response(200, {"problems": [], "healthy": {"WarningStatusCheck": True}})

    def get_organization(self, call: Call, org: str) -> Response:
        return Response(200, organization_document(_org(call, org)))

    def list_teams(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        query = call.request.arg("query") or ""
        slug = query[5:] if query.startswith("slug:") else None
        detailed = call.request.arg("detailed", "1") != "0"
        documents = []
        for team in backend.list_teams(slug):
            projects = [
                project_document(backend, p) for p in backend.list_projects() if team.id in p.team_ids
            ]
            documents.append(team_document(team, projects if detailed else None))
        return _listing(call, documents)

    def create_team(self, call: Call, org: str) -> Response:
        backend, body = _org(call, org), _body(call)
        validation.check_team(body)
        with _named(TEAM):
            team = backend.create_team(**TEAM.decode(body, ["slug", "name"]))
        return Response(201, team_document(team))

    def get_team(self, call: Call, org: str, team: str) -> Response:
        return Response(200, team_document(_org(call, org).team(team)))

    def update_team(self, call: Call, org: str, team: str) -> Response:
        backend = _org(call, org)
        found = backend.team(team)
        body = _body(call)
        validation.check_team_update(body)
        with _named(TEAM):
            updated = backend.update_team(str(found.id), **TEAM.decode(body, ["slug", "name"]))
        return Response(200, team_document(updated))

    def delete_team(self, call: Call, org: str, team: str) -> Response:
        _org(call, org).delete_team(team)
        return Response(204)

    # --- projects -----------------------------------------------------------------------------
    def create_team_project(self, call: Call, org: str, team: str) -> Response:
        backend = _org(call, org)
        backend.team(team)
        body = _body(call)
        validation.check_new_project(body)
        with _named(PROJECT):
            project = backend.create_project(team, **PROJECT.decode(body, ["name", "slug", "platform"]))
        if body.get("default_rules", True) is not False:
            _create_workflow(backend, default_workflow(backend, project))
        return Response(201, project_document(backend, project))

    def list_projects(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        return _listing(call, [project_document(backend, p) for p in backend.list_projects()])

    def get_project(self, call: Call, org: str, project: str) -> Response:
        return Response(200, project_document(call.backend, _project(call, org, project)))

    def update_project(self, call: Call, org: str, project: str) -> Response:
        found = _project(call, org, project)
        body = _body(call)
        validation.check_project_update(body)
        fields = {
            **PROJECT.decode(body, ["slug", "name", "platform", "options"]),
            **PROJECT_SETTINGS.decode(body),
        }
        with _named(PROJECT), _named(PROJECT_SETTINGS):
            updated = call.backend.update_project(str(found.id), **fields)
        return Response(200, project_document(call.backend, updated))

    def delete_project(self, call: Call, org: str, project: str) -> Response:
        call.backend.delete_project(str(_project(call, org, project).id))
        return Response(204)

    def add_project_team(self, call: Call, org: str, project: str, team: str) -> Response:
        found = _project(call, org, project)
        return Response(201, project_document(call.backend, call.backend.add_team(str(found.id), team)))

    def remove_project_team(self, call: Call, org: str, project: str, team: str) -> Response:
        found = _project(call, org, project)
        return Response(200, project_document(call.backend, call.backend.remove_team(str(found.id), team)))

    # --- client keys --------------------------------------------------------------------------
    def list_keys(self, call: Call, org: str, project: str) -> Response:
        found = _project(call, org, project)
        status = call.request.arg("status")
        validation.check_key_status(status)
        keys = call.backend.project_keys(found, status)
        page, headers = paginate(call, keys, default=10)  # Sentry's client-key list: 10 per page
        return Response(200, [key_document(call, k) for k in page], headers)

    def create_key(self, call: Call, org: str, project: str) -> Response:
        found = _project(call, org, project)
        body = _body(call)
        validation.check_new_key_name(body)
        validation.check_rate_limit(body)
        validation.check_key(
            {k: v for k, v in body.items() if k not in CLIENT_KEY.keys("name", "rate_limit")}
        )
        fields = CLIENT_KEY.decode(body, ["name", "rate_limit", *KEY_FIELDS])
        return Response(201, key_document(call, call.backend.create_key(found, **fields)))

    def get_key(self, call: Call, org: str, project: str, key: str) -> Response:
        return Response(200, key_document(call, call.backend.key(_project(call, org, project), key)))

    def update_key(self, call: Call, org: str, project: str, key: str) -> Response:
        found = _project(call, org, project)
        call.backend.key(found, key)
        body = _body(call)
        validation.check_key(body)
        validation.check_rate_limit(body)
        fields = CLIENT_KEY.decode(body, ["name", "rate_limit", *KEY_FIELDS])
        return Response(200, key_document(call, call.backend.update_key(found, key, **fields)))

    def delete_key(self, call: Call, org: str, project: str, key: str) -> Response:
        call.backend.delete_key(_project(call, org, project), key)
        return Response(204)

    # --- detectors (monitors) -----------------------------------------------------------------
    def list_detectors(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        query = call.request.arg("query") or ""
        kind = next((t[5:] for t in query.split() if t.startswith("type:")), None)
        kind = validation.DETECTOR_ALIASES.get(kind, kind) if kind else None
        found = backend.list_detectors(call.request.args("project"), call.request.args("id"), kind)
        return _listing(call, [detector_document(backend, d) for d in found])

    def _create_detector(self, backend: SentryBackend, project: Project, body: dict[str, Any]) -> Response:
        kind = body.get("type")
        if kind in SYSTEM_DETECTORS:
            raise Invalid({"type": [f"Monitors of type {kind} cannot be created manually."]})
        validation.check_detector(body, backend.has_feature("organizations:incidents"))
        validation.check_workflow_ids(body)
        fields = DETECTOR.decode(body, [*DETECTOR_FIELDS, "workflow_ids"])
        with _named(DETECTOR):
            detector = backend.create_detector(project, type=str(kind), **fields)
        return Response(201, detector_document(backend, detector))

    def create_project_detector(self, call: Call, org: str, project: str) -> Response:
        found = _project(call, org, project)
        return self._create_detector(call.backend, found, _body(call))

    def create_detector(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        body = _body(call)
        key = DETECTOR.key("project_id")
        if not body.get(key):
            raise Invalid({key: ["This field is required."]})
        try:
            found = backend.project(str(body[key]))
        except NotFound:
            raise Invalid({key: ["Project not found."]}) from None
        return self._create_detector(backend, found, body)

    def get_detector(self, call: Call, org: str, detector: str) -> Response:
        backend = _org(call, org)
        return Response(200, detector_document(backend, backend.detector(detector)))

    def update_detector(self, call: Call, org: str, detector: str) -> Response:
        """A partial update: the body is checked merged over the stored fields, as Sentry does."""
        backend = _org(call, org)
        found = backend.detector(detector)
        body = _body(call)
        if body.get("type", found.type) != found.type:
            raise Invalid({"type": ["A monitor's type cannot be changed."]})
        merged = {**DETECTOR.encode(found, DETECTOR_FIELDS), **body, "type": found.type}
        if found.type not in SYSTEM_DETECTORS:
            validation.check_detector(merged, backend.has_feature("organizations:incidents"))
        validation.check_workflow_ids(body)
        fields = DETECTOR.decode(merged, DETECTOR_FIELDS)
        links = DETECTOR.decode(body, ["workflow_ids"])
        with _named(DETECTOR):
            updated = backend.update_detector(str(found.id), **fields, **links)
        return Response(200, detector_document(backend, updated))

    def delete_detector(self, call: Call, org: str, detector: str) -> Response:
        _org(call, org).delete_detector(detector)
        return Response(204)

    # --- workflows (alerts) -------------------------------------------------------------------
    def list_workflows(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        request = call.request
        found = backend.list_workflows(
            request.args("id"), request.args("project"), request.arg("query") or ""
        )
        return _listing(call, [workflow_document(backend, w) for w in found])

    def create_workflow(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        return Response(201, workflow_document(backend, _create_workflow(backend, _body(call))))

    def get_workflow(self, call: Call, org: str, workflow: str) -> Response:
        backend = _org(call, org)
        return Response(200, workflow_document(backend, backend.workflow(workflow)))

    def update_workflow(self, call: Call, org: str, workflow: str) -> Response:
        backend = _org(call, org)
        found = backend.workflow(workflow)
        updated = backend.update_workflow(str(found.id), **_workflow_fields(backend, _body(call)))
        return Response(200, workflow_document(backend, updated))

    def delete_workflow(self, call: Call, org: str, workflow: str) -> Response:
        _org(call, org).delete_workflow(workflow)
        return Response(204)

    # --- integrations -------------------------------------------------------------------------
    def list_integrations(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        provider = call.request.arg("providerKey") or call.request.arg("provider_key")
        items = [integration_document(backend)] if provider in (None, "", "slack") else []
        return _listing(call, items)

    def get_integration(self, call: Call, org: str, integration: str) -> Response:
        backend = _org(call, org)
        if integration != str(backend.slack_id):
            raise NotFound()
        return Response(200, integration_document(backend))

    # --- members ------------------------------------------------------------------------------
    def list_members(self, call: Call, org: str) -> Response:
        return _listing(call, [member_document(m) for m in _org(call, org).list_members()])

    def invite_member(self, call: Call, org: str) -> Response:
        backend, body = _org(call, org), _body(call)
        validation.check_invite(body)
        fields = MEMBER.decode(body, ["email", "role"])
        return Response(201, member_document(backend.invite_member(**fields, teams=body.get("teams"))))

    def get_member(self, call: Call, org: str, member: str) -> Response:
        return Response(200, member_document(_org(call, org).member(member), with_roles=True))

    def update_member(self, call: Call, org: str, member: str) -> Response:
        backend = _org(call, org)
        found = backend.member(member)
        body = _body(call)
        validation.check_member_update(body)
        fields = {k: v for k, v in MEMBER.decode(body, ["role", "team_roles"]).items() if v is not None}
        updated = backend.update_member(str(found.id), **fields)
        return Response(200, member_document(updated, with_roles=True))

    def remove_member(self, call: Call, org: str, member: str) -> Response:
        _org(call, org).remove_member(member)
        return Response(204)

    # --- sentry app installations, spike protections, the integration's config ----------------
    def list_app_installations(self, call: Call, org: str) -> Response:
        _org(call, org)
        return _listing(call, [])  # the sandbox installs no Sentry apps: real data, an empty list

    def _spike_protection(self, call: Call, org: str, enabled: bool) -> None:
        backend, body = _org(call, org), _body(call)
        validation.check_spike_protection(body)
        backend.set_spike_protection([str(p) for p in body["projects"]], enabled=enabled)

    def enable_spike_protection(self, call: Call, org: str) -> Response:
        self._spike_protection(call, org, enabled=True)
        return Response(201)

    def disable_spike_protection(self, call: Call, org: str) -> Response:
        self._spike_protection(call, org, enabled=False)
        return Response(200)

    def update_integration(self, call: Call, org: str, integration: str) -> Response:
        backend = _org(call, org)
        if integration != str(backend.slack_id):
            raise NotFound()
        body = _body(call)
        validation.check_integration(body)
        tables = {k: body[k] for k in ("service_table", "team_table") if body.get(k) is not None}
        backend.update_integration(**tables)
        return Response(200, integration_document(backend))

    # --- ownership rules ----------------------------------------------------------------------
    def get_ownership(self, call: Call, org: str, project: str) -> Response:
        found = _project(call, org, project)
        ownership = call.backend.ownership.get(found.id) or Ownership()
        return Response(200, ownership_document(ownership))

    def update_ownership(self, call: Call, org: str, project: str) -> Response:
        found = _project(call, org, project)
        body = _body(call)
        validation.check_ownership(body)
        fields = OWNERSHIP.decode(body, ["raw", "fallthrough", "auto_assignment", "codeowners_auto_sync"])
        return Response(200, ownership_document(call.backend.update_ownership(found, **fields)))

    # --- dashboards ---------------------------------------------------------------------------
    def list_dashboards(self, call: Call, org: str) -> Response:
        backend = _org(call, org)
        return _listing(call, [dashboard_document(d, summary=True) for d in backend.list_dashboards()])

    def create_dashboard(self, call: Call, org: str) -> Response:
        backend, body = _org(call, org), _body(call)
        validation.check_dashboard(body)
        dashboard = backend.create_dashboard(**DASHBOARD.decode(body, DASHBOARD_FIELDS))
        return Response(201, dashboard_document(dashboard))

    def get_dashboard(self, call: Call, org: str, dashboard: str) -> Response:
        return Response(200, dashboard_document(_org(call, org).dashboard(dashboard)))

    def update_dashboard(self, call: Call, org: str, dashboard: str) -> Response:
        """PUT over the stored fields: the merge is checked, widgets sent with their id kept."""
        backend = _org(call, org)
        found = backend.dashboard(dashboard)
        merged = {**DASHBOARD.encode(found, DASHBOARD_FIELDS), **_body(call)}
        validation.check_dashboard(merged)
        updated = backend.update_dashboard(str(found.id), **DASHBOARD.decode(merged, DASHBOARD_FIELDS))
        return Response(200, dashboard_document(updated))

    def delete_dashboard(self, call: Call, org: str, dashboard: str) -> Response:
        _org(call, org).delete_dashboard(dashboard)
        return Response(204)

    # --- events: ingest (DSN-authenticated) and read back -------------------------------------
    def ingest_envelope(self, call: Call, project_id: str) -> Response:
        public = dsn_key(call.request)
        if public is None:
            raise EnvelopeUnauthorized()
        body = envelope.decompress(call.request.body, call.request.header("content-encoding"))
        parsed = envelope.parse(body)
        header_id = parsed.header.get("event_id")
        items = parsed.events()
        event_id = call.backend.ingest(project_id, public, items, str(header_id) if header_id else None)
        new_events = call.backend.events[len(call.backend.events) - len(items) :] if items else []
        for note in alerting.on_events(call.backend, new_events, call.service.clock.epoch()):
            if note.channel == "slack":
                # never while this account's lock is held: the Slack request saves the sandbox,
                # which takes every account's lock
                _SLACK_POSTS.submit(_post_to_slack, call, note)
        return Response(200, {"id": event_id})

    def list_project_events(self, call: Call, org: str, project: str) -> Response:
        events = call.backend.project_events(_project(call, org, project))
        newest_first = sorted(events, key=lambda e: e.received, reverse=True)
        return _listing(call, [event_document(e) for e in newest_first])

    # --- retired (410 whatever the method; counted) -------------------------------------------
    def retired_rules(self, call: Call, **_: str) -> Response:
        return self._retired(call)

    def retired_alert_rules(self, call: Call, **_: str) -> Response:
        return self._retired(call)

    def _retired(self, call: Call) -> Response:
        call.backend.retired_calls.append(f"{call.request.method} {call.request.path}")
        raise Retired(RETIRED_REPLACEMENTS[call.operation])

    # --- control plane (/_sandbox/sentry/…) ---------------------------------------------------
    def control_retired_calls(self, call: Call) -> Response:
        calls = list(call.backend.retired_calls)
        return Response(200, {"retired_calls": len(calls)})

    def control_events(self, call: Call) -> Response:
        project = call.request.arg("project")
        events = [e for e in call.backend.events if project in (None, str(e.project_id))]
        return Response(
            200,
            {
                "events": [
                    {"id": e.event_id, "project_id": e.project_id, "type": e.kind, "payload": e.payload}
                    for e in events
                ]
            },
        )

    def control_revoke_key(self, call: Call) -> Response:
        payload = call.request.json() or {}
        try:
            key = call.backend.revoke_key(str(payload.get("public_key") or payload.get("key") or ""))
        except NotFound:
            return Response(404, {"error": "no client key with that public key"})
        return Response(200, {"revoked": key.public, "isActive": key.is_active})

    def control_issues(self, call: Call) -> Response:
        """The issues ingested events were grouped into (and metric monitors opened)."""
        issues = alerting.state_of(call.backend).issues.values()
        return Response(200, {"issues": [i.document() for i in sorted(issues, key=lambda i: i.id)]})

    def control_notifications(self, call: Call) -> Response:
        """What workflows sent: Slack posts and e-mails, with how each went."""
        notes = alerting.state_of(call.backend).notifications
        return Response(200, {"notifications": [n.document() for n in notes]})

    def control_outbox(self, call: Call) -> Response:
        """The e-mails the organization's alerts sent."""
        notes = alerting.state_of(call.backend).notifications
        mails = [
            {
                "at": n.at,
                "to": n.target,
                "subject": f"[Sentry] {n.issue}",
                "body": n.text,
                "workflow": n.workflow,
            }
            for n in notes
            if n.channel == "email"
        ]
        return Response(200, {"emails": mails})

    def control_workflow_churn(self, call: Call) -> Response:
        return Response(200, {str(w.id): w.recreated_subobjects for w in call.backend.workflows.values()})

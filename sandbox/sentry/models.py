"""Sentry organization state: teams, projects, client keys, detectors, workflows, dashboards, events.

No HTTP or JSON here; ids are numeric (returned as strings on the wire by responses.py).
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.platforms import PLATFORMS
from sandbox.sentry.errors import Conflict, Invalid, NotFound

_SLUG = re.compile(r"^[a-z0-9_-]{1,50}$")
FREQUENCIES = (0, 5, 10, 30, 60, 180, 720, 1440)
INTERVALS = ("1m", "5m", "15m", "1h", "1d", "1w", "30d")
DETECTOR_TYPES = (
    "metric_issue",
    "error",
    "issue_stream",
    "uptime_domain_failure",
    "monitor_check_in_failure",
)
TIME_WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Team:
    id: int
    slug: str
    name: str
    created: str = field(default_factory=now)


@dataclass
class Project:
    id: int
    slug: str
    name: str
    platform: str | None
    team_ids: list[int]
    created: str = field(default_factory=now)
    old_slugs: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class ClientKey:
    public: str
    project_id: int
    name: str
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    is_active: bool = True
    rate_limit: dict[str, int] | None = None
    created: str = field(default_factory=now)


@dataclass
class Detector:
    id: int
    project_id: int
    type: str
    name: str
    body: dict[str, Any]
    created: str = field(default_factory=now)


@dataclass
class Workflow:
    id: int
    name: str
    body: dict[str, Any]
    recreated_subobjects: int = 0  # sub-objects deleted and created again by updates (churn)
    created: str = field(default_factory=now)


@dataclass
class Dashboard:
    id: int
    title: str
    body: dict[str, Any]


@dataclass
class Event:
    event_id: str
    project_id: int
    received: float
    payload: dict[str, Any]


class SentryBackend:
    def __init__(
        self, org_slug: str, org_id: int, features: list[str], slack_channels: dict[str, str]
    ) -> None:
        self.org_slug, self.org_id = org_slug, org_id
        self.features = set(features)
        self._ids = itertools.count(4_500_000_001)
        self.teams: dict[int, Team] = {}
        self.projects: dict[int, Project] = {}
        self.keys: dict[str, ClientKey] = {}
        self.detectors: dict[int, Detector] = {}
        self.workflows: dict[int, Workflow] = {}
        self.dashboards: dict[int, Dashboard] = {}
        self.events: list[Event] = []
        self.retired_calls = 0
        self.slack_integration = {
            "id": str(next(self._ids)),
            "name": "Sandbox Workspace",
            "status": "active",
            "externalId": "TSANDBOX",
            "domainName": "sandbox.slack.com",
            "provider": {"key": "slack", "name": "Slack"},
            "channels": dict(slack_channels),
        }

    def new_id(self) -> int:
        return next(self._ids)

    # --- lookups ------------------------------------------------------------------------------
    def team(self, ref: str) -> Team:
        for team in self.teams.values():
            if str(team.id) == ref or team.slug == ref:
                return team
        raise NotFound()

    def project(self, ref: str) -> Project:
        for project in self.projects.values():
            if str(project.id) == ref or project.slug == ref:
                return project
        raise NotFound()

    def moved_project(self, ref: str) -> Project | None:
        return next((p for p in self.projects.values() if ref in p.old_slugs), None)

    # --- teams --------------------------------------------------------------------------------
    def create_team(self, slug: str | None, name: str | None) -> Team:
        slug = slug or re.sub(r"[^a-z0-9_-]+", "-", (name or "").lower()).strip("-")
        if not slug or not _SLUG.match(slug):
            raise Invalid(
                {
                    "slug": [
                        "Enter a valid slug consisting of lowercase letters, numbers, underscores or "
                        "hyphens. It cannot be entirely numeric."
                    ]
                }
            )
        if any(t.slug == slug for t in self.teams.values()):
            raise Conflict(
                "A team with this slug already exists.",
                extra={"non_field_errors": ["A team with this slug already exists."]},
            )
        team = Team(self.new_id(), slug, name or slug)
        self.teams[team.id] = team
        return team

    def update_team(self, ref: str, data: dict[str, Any]) -> Team:
        team = self.team(ref)
        slug = data.get("slug")
        if slug and slug != team.slug:
            if any(t.slug == slug for t in self.teams.values()):
                raise Invalid({"slug": [f'The slug "{slug}" is already in use.']})
            team.slug = slug
        if data.get("name"):
            team.name = data["name"]
        return team

    def delete_team(self, ref: str) -> None:
        team = self.team(ref)
        del self.teams[team.id]
        for project in self.projects.values():
            project.team_ids = [t for t in project.team_ids if t != team.id]

    # --- projects -----------------------------------------------------------------------------
    def create_project(self, team_ref: str, data: dict[str, Any]) -> Project:
        team = self.team(team_ref)
        name = data.get("name")
        errors: dict[str, list[str]] = {}
        if not name:
            errors["name"] = ["This field is required."]
        elif len(str(name)) > 50:
            errors["name"] = ["Ensure this field has no more than 50 characters."]
        platform = data.get("platform")
        if platform not in (None, "") and platform not in PLATFORMS:
            errors["platform"] = ["Invalid platform"]
        slug = data.get("slug")
        if slug is not None and not _SLUG.match(str(slug)):
            errors["slug"] = ["Enter a valid slug."]
        if errors:
            raise Invalid(errors)
        if slug:
            if any(p.slug == slug for p in self.projects.values()):
                raise Conflict("A project with this slug already exists.")
        else:
            base = re.sub(r"[^a-z0-9_-]+", "-", str(name).lower()).strip("-")[:50] or "project"
            slug, counter = base, 1
            while any(p.slug == slug for p in self.projects.values()):
                counter += 1
                slug = f"{base[:46]}-{counter}"
        project = Project(self.new_id(), str(slug), str(name), platform or None, [team.id])
        self.projects[project.id] = project
        self.create_key(project, "Default")  # every new project gets a default key
        for kind in ("error", "issue_stream"):  # and its system-created default monitors
            detector = Detector(self.new_id(), project.id, kind, f"{kind} detector", {"enabled": True})
            self.detectors[detector.id] = detector
        if data.get("default_rules", True):
            body = {
                "name": f"Send a notification for high priority issues ({project.slug})",
                "enabled": True,
                "environment": None,
                "config": {"frequency": 30},
                "detectorIds": [
                    str(d.id)
                    for d in self.detectors.values()
                    if d.project_id == project.id and d.type == "issue_stream"
                ],
                "triggers": {
                    "logicType": "any-short",
                    "conditions": [
                        {"type": "new_high_priority_issue", "comparison": True, "conditionResult": True}
                    ],
                },
                "actionFilters": [
                    {
                        "logicType": "all",
                        "conditions": [],
                        "actions": [
                            {
                                "type": "email",
                                "config": {"targetType": "issue_owners", "targetIdentifier": None},
                                "data": {"fallthroughType": "ActiveMembers"},
                            }
                        ],
                    }
                ],
            }
            self.create_workflow(body)
        return project

    def update_project(self, ref: str, data: dict[str, Any]) -> Project:
        project = self.project(ref)
        errors: dict[str, list[str]] = {}
        if "platform" in data and data["platform"] not in (None, "") and data["platform"] not in PLATFORMS:
            errors["platform"] = ["Invalid platform"]
        slug = data.get("slug")
        if slug and slug != project.slug:
            other = next((p for p in self.projects.values() if p.slug == slug), None)
            if other is not None:
                errors["slug"] = [f"Another project ({other.name}) is already using that slug"]
        if "name" in data and (not data["name"] or len(str(data["name"])) > 200):
            errors["name"] = ["Ensure this field has no more than 200 characters."]
        if errors:
            raise Invalid(errors)
        if slug and slug != project.slug:
            project.old_slugs.append(project.slug)
            project.slug = slug
        if data.get("name"):
            project.name = data["name"]
        if "platform" in data:
            project.platform = data["platform"] or None
        for key, value in data.items():
            if key not in ("slug", "name", "platform"):
                project.options[key] = value
        return project

    def delete_project(self, ref: str) -> None:
        project = self.project(ref)
        del self.projects[project.id]
        for key in [k for k, v in self.keys.items() if v.project_id == project.id]:
            del self.keys[key]
        for detector_id in [d.id for d in self.detectors.values() if d.project_id == project.id]:
            del self.detectors[detector_id]

    def add_team(self, project_ref: str, team_ref: str) -> Project:
        project, team = self.project(project_ref), self.team(team_ref)
        if team.id not in project.team_ids:
            project.team_ids.append(team.id)
        return project

    def remove_team(self, project_ref: str, team_ref: str) -> Project:
        project, team = self.project(project_ref), self.team(team_ref)
        project.team_ids = [t for t in project.team_ids if t != team.id]
        return project

    # --- client keys --------------------------------------------------------------------------
    def create_key(
        self, project: Project, name: str | None, rate_limit: dict[str, int] | None = None
    ) -> ClientKey:
        key = ClientKey(secrets.token_hex(16), project.id, name or "Default")
        key.rate_limit = rate_limit if "projects:rate-limits" in self.features else None
        self.keys[key.public] = key
        return key

    def project_keys(self, project: Project) -> list[ClientKey]:
        return sorted((k for k in self.keys.values() if k.project_id == project.id), key=lambda k: k.created)

    def key(self, project: Project, key_id: str) -> ClientKey:
        key = self.keys.get(key_id)
        if key is None or key.project_id != project.id:
            raise NotFound()
        return key

    def update_key(self, project: Project, key_id: str, data: dict[str, Any]) -> ClientKey:
        key = self.key(project, key_id)
        if "name" in data:
            key.name = str(data["name"])
        if "isActive" in data:
            key.is_active = bool(data["isActive"])
        if "rateLimit" in data:
            key.rate_limit = data["rateLimit"] if "projects:rate-limits" in self.features else None
        return key

    def delete_key(self, project: Project, key_id: str) -> None:
        del self.keys[self.key(project, key_id).public]

    # --- detectors (monitors) -----------------------------------------------------------------
    def _validate_detector(self, body: dict[str, Any]) -> None:
        kind = body.get("type")
        errors: dict[str, Any] = {}
        if kind not in DETECTOR_TYPES:
            errors["type"] = [f"Unknown detector type '{kind}'"]
        if not body.get("name"):
            errors["name"] = ["This field is required."]
        if kind == "metric_issue":
            sources = body.get("dataSources") or []
            if len(sources) != 1:
                errors["dataSources"] = ["Exactly one data source is required."]
            else:
                source = sources[0]
                if source.get("timeWindow") not in TIME_WINDOWS:
                    errors["dataSources"] = {
                        "timeWindow": [f"Invalid time window {source.get('timeWindow')}"]
                    }
                if not source.get("aggregate"):
                    errors["dataSources"] = {"aggregate": ["This field is required."]}
            conditions = (body.get("conditionGroup") or {}).get("conditions") or []
            if not any(c.get("conditionResult") == 0 for c in conditions):
                errors["conditionGroup"] = ["Resolution condition required for metric issue detector."]
            if not any(c.get("conditionResult") in (50, 75) for c in conditions):
                errors.setdefault("conditionGroup", []).append("At least one priority condition is required.")
        if errors:
            raise Invalid(errors)

    def create_detector(self, project: Project, body: dict[str, Any]) -> Detector:
        self._validate_detector(body)
        stored = copy.deepcopy(body)
        for condition in (stored.get("conditionGroup") or {}).get("conditions") or []:
            condition["id"] = str(self.new_id())
        if stored.get("conditionGroup") is not None:
            stored["conditionGroup"]["id"] = str(self.new_id())
        detector = Detector(self.new_id(), project.id, str(body["type"]), str(body["name"]), stored)
        self.detectors[detector.id] = detector
        return detector

    def detector(self, ref: str) -> Detector:
        try:
            return self.detectors[int(ref)]
        except (KeyError, ValueError):
            raise NotFound() from None

    def update_detector(self, ref: str, body: dict[str, Any]) -> Detector:
        detector = self.detector(ref)
        merged = {**detector.body, **body, "type": body.get("type", detector.type)}
        self._validate_detector(merged)
        old_ids = [c.get("id") for c in (detector.body.get("conditionGroup") or {}).get("conditions") or []]
        for condition in (merged.get("conditionGroup") or {}).get("conditions") or []:
            if not condition.get("id") or condition["id"] not in old_ids:
                condition["id"] = str(self.new_id())
        detector.body, detector.name = merged, str(merged["name"])
        return detector

    def delete_detector(self, ref: str) -> None:
        detector = self.detector(ref)
        if detector.type in ("error", "issue_stream"):
            raise Invalid({"detail": ["System-created monitors cannot be deleted."]})
        del self.detectors[detector.id]
        for workflow in self.workflows.values():
            workflow.body["detectorIds"] = [
                i for i in workflow.body.get("detectorIds") or [] if i != str(detector.id)
            ]

    # --- workflows (alerts) -------------------------------------------------------------------
    def _validate_workflow(self, body: dict[str, Any]) -> None:
        errors: dict[str, Any] = {}
        if not body.get("name"):
            errors["name"] = ["This field is required."]
        frequency = (body.get("config") or {}).get("frequency", 30)
        if frequency not in FREQUENCIES:
            errors["config"] = {"frequency": [f"{frequency} is not a valid choice."]}
        triggers = body.get("triggers") or {}
        if triggers and triggers.get("logicType", "any-short") != "any-short":
            errors["triggers"] = {"logicType": ["Invalid logic type"]}
        for detector_id in body.get("detectorIds") or []:
            if not str(detector_id).isdigit() or int(detector_id) not in self.detectors:
                errors["detectorIds"] = [f"Detector {detector_id} does not exist"]
        for action_filter in body.get("actionFilters") or []:
            for condition in action_filter.get("conditions") or []:
                comparison = condition.get("comparison")
                if condition.get("type") in (
                    "event_frequency_count",
                    "event_unique_user_frequency_count",
                ) and (not isinstance(comparison, dict) or comparison.get("interval") not in INTERVALS):
                    errors["actionFilters"] = {
                        "conditions": {"comparison": ["interval must be one of " + ", ".join(INTERVALS)]}
                    }
            for action in action_filter.get("actions") or []:
                if action.get("type") == "slack":
                    config = action.get("config") or {}
                    if str(action.get("integrationId")) != self.slack_integration["id"]:
                        errors["actionFilters"] = {"actions": ["Slack integration not found"]}
                    elif not config.get("targetDisplay"):
                        errors["actionFilters"] = {
                            "actions": {"config": {"targetDisplay": ["This field is required."]}}
                        }
                    elif config["targetDisplay"].lstrip("#") not in self.slack_integration["channels"]:
                        errors["actionFilters"] = {
                            "actions": [f"Channel not found: {config['targetDisplay']}"]
                        }
        if errors:
            raise Invalid(errors)

    def _assign_ids(self, body: dict[str, Any], previous: dict[str, Any] | None) -> int:
        """Give sub-objects ids; keep the ids sent back, create ids for new ones. Returns the churn."""
        known: set[str] = set()
        if previous:
            for group in [previous.get("triggers") or {}, *(previous.get("actionFilters") or [])]:
                known.add(str(group.get("id")))
                known.update(str(c.get("id")) for c in group.get("conditions") or [])
                known.update(str(a.get("id")) for a in group.get("actions") or [])
        kept = created = 0
        for group in [body.get("triggers") or {}, *(body.get("actionFilters") or [])]:
            for item in [group, *(group.get("conditions") or []), *(group.get("actions") or [])]:
                if item.get("id") and str(item["id"]) in known:
                    kept += 1
                else:
                    item["id"] = str(self.new_id())
                    created += 1
        for action_filter in body.get("actionFilters") or []:
            for action in action_filter.get("actions") or []:
                action.setdefault("status", "active")
                if action.get("type") == "slack":
                    config = action.setdefault("config", {})
                    channel = config["targetDisplay"].lstrip("#")
                    config["targetDisplay"] = "#" + channel  # Sentry rewrites both with the resolved values
                    config["targetIdentifier"] = self.slack_integration["channels"][channel]
        if body.get("triggers") is None:
            body["triggers"] = {"id": str(self.new_id()), "logicType": "any-short", "conditions": []}
        return created if previous else 0

    def create_workflow(self, body: dict[str, Any]) -> Workflow:
        self._validate_workflow(body)
        stored = copy.deepcopy(body)
        stored.setdefault("enabled", True)
        stored.setdefault("environment", None)
        stored.setdefault("config", {"frequency": 30})
        stored.setdefault("detectorIds", [])
        stored.setdefault("actionFilters", [])
        self._assign_ids(stored, None)
        workflow = Workflow(self.new_id(), str(body["name"]), stored)
        self.workflows[workflow.id] = workflow
        return workflow

    def workflow(self, ref: str) -> Workflow:
        try:
            return self.workflows[int(ref)]
        except (KeyError, ValueError):
            raise NotFound() from None

    def update_workflow(self, ref: str, body: dict[str, Any]) -> Workflow:
        workflow = self.workflow(ref)
        self._validate_workflow(body)
        stored = copy.deepcopy(body)
        stored.setdefault("enabled", True)
        stored.setdefault("environment", None)
        stored.setdefault("config", {"frequency": 30})
        stored.setdefault("detectorIds", [])
        stored.setdefault("actionFilters", [])
        workflow.recreated_subobjects += self._assign_ids(stored, workflow.body)
        workflow.body, workflow.name = stored, str(stored["name"])
        return workflow

    def delete_workflow(self, ref: str) -> None:
        del self.workflows[self.workflow(ref).id]

    # --- dashboards ---------------------------------------------------------------------------
    def create_dashboard(self, body: dict[str, Any]) -> Dashboard:
        if not body.get("title"):
            raise Invalid({"title": ["This field is required."]})
        if any(d.title == body["title"] for d in self.dashboards.values()):
            raise Invalid({"title": ["Dashboard with that title already exists."]})
        dashboard = Dashboard(self.new_id(), str(body["title"]), self._widgets(copy.deepcopy(body)))
        self.dashboards[dashboard.id] = dashboard
        return dashboard

    def _widgets(self, body: dict[str, Any]) -> dict[str, Any]:
        for widget in body.get("widgets") or []:
            widget.setdefault("id", str(self.new_id()))
            for query in widget.get("queries") or []:
                query.setdefault("id", str(self.new_id()))
        return body

    def dashboard(self, ref: str) -> Dashboard:
        try:
            return self.dashboards[int(ref)]
        except (KeyError, ValueError):
            raise NotFound() from None

    def update_dashboard(self, ref: str, body: dict[str, Any]) -> Dashboard:
        dashboard = self.dashboard(ref)
        dashboard.body = self._widgets(copy.deepcopy({**dashboard.body, **body}))
        dashboard.title = str(dashboard.body.get("title", dashboard.title))
        return dashboard

    def delete_dashboard(self, ref: str) -> None:
        del self.dashboards[self.dashboard(ref).id]

    # --- ingest -------------------------------------------------------------------------------
    def ingest(self, project_id: int, public_key: str, payload: dict[str, Any]) -> Event:
        key = self.keys.get(public_key)
        if key is None or key.project_id != project_id or not key.is_active:
            raise NotFound("Unknown or disabled DSN key")
        event = Event(str(payload.get("event_id") or secrets.token_hex(16)), project_id, time.time(), payload)
        self.events.append(event)
        return event

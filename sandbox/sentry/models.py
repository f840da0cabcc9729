"""Sentry organization state: teams, projects, client keys, detectors, workflows, dashboards, events.

No HTTP or JSON here: the backend's methods are the API operations, they validate and raise the typed
errors of ``errors.py``. Ids are integers (responses.py writes them as strings, as Sentry does).
Detector and workflow bodies are kept as the dicts the client sent, with server ids added to their
sub-objects; ``validation.py`` checks them.
"""

from __future__ import annotations

import copy
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vigil.sandbox.core.values import whole
from vigil.sandbox.sentry import validation
from vigil.sandbox.sentry.errors import (
    EnvelopeRejected,
    Forbidden,
    Invalid,
    NotFound,
    ProjectSlugTaken,
    TeamSlugTaken,
)
from vigil.sandbox.sentry.platforms import PLATFORMS
from vigil.sandbox.sentry.validation import (
    NOT_A_LIST,
    NOT_A_STRING,
    REQUIRED,
    integer,
    string_errors,
    string_list_errors,
)

_SLUG = re.compile(r"^(?![0-9]+$)[a-z0-9_-]{1,50}$")
_SLUG_MESSAGE = (
    "Enter a valid slug consisting of lowercase letters, numbers, underscores or hyphens. "
    "It cannot be entirely numeric."
)
# sentry.constants.RESERVED_PROJECT_SLUGS (abridged to the ones a stack could plausibly pick).
RESERVED_PROJECT_SLUGS = frozenset(
    {"api-keys", "audit-log", "auth", "members", "projects", "rate-limits", "repos", "settings", "teams",
     "billing", "payments", "legal", "subscription", "support", "integrations", "developer-settings",
     "usage"}
)  # fmt: skip
SYSTEM_DETECTORS = ("error", "issue_stream")  # made with every project, cannot be created or deleted
BROWSER_SDK_VERSIONS = ("latest", "7.x", "8.x", "9.x", "10.x")


def timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")[:50]


def project_settings() -> dict[str, Any]:
    """The per-project settings a new project starts with (the detailed project's top-level fields)."""
    return {
        "color": "#3f70b3",
        "isPublic": False,
        "digestsMinDelay": 300,
        "digestsMaxDelay": 1800,
        "resolveAge": 0,
        "subjectPrefix": "",
        "subjectTemplate": "$shortID - $title",
        "fingerprintingRules": "",
        "groupingEnhancements": "",
        "allowedDomains": ["*"],
        "scrapeJavaScript": True,
        "securityToken": secrets.token_hex(16),
        "securityTokenHeader": None,
        "verifySSL": False,
        "highlightTags": [],
        "highlightContext": {},
        "sensitiveFields": [],
        "safeFields": [],
        "scrubIPAddresses": False,
        "dataScrubber": False,
        "dataScrubberDefaults": False,
        "defaultEnvironment": None,
        "enableAutoReleaseCreation": True,
        "debugFilesRole": None,
    }


def project_options() -> dict[str, Any]:
    """The legacy ``options`` a project detail carries from the start: inbound filters as strings
    (newline-separated lists, "" when unset), the flags as booleans."""
    return {
        "filters:blacklisted_ips": "",
        "filters:releases": "",
        "filters:error_messages": "",
        "filters:log_messages": "",
        "filters:trace_metric_names": "",
        "filters:react-hydration-errors": True,
        "filters:chunk-load-error": True,
        "sentry:csp_ignored_sources_defaults": True,
        "sentry:csp_ignored_sources": "",
        "sentry:reprocessing_active": False,
        "sentry:feedback_user_report_notifications": True,
        "sentry:feedback_ai_spam_detection": False,
        "sentry:replay_rage_click_issues": True,
        "sentry:replay_hydration_error_issues": True,
        "sentry:toolbar_allowed_origins": "",
        "feedback:branding": True,
        "quotas:spike-protection-disabled": False,
    }


_LIST_OPTIONS = {k for k, v in project_options().items() if v == ""}


def _options(given: dict[str, Any]) -> dict[str, Any]:
    """Inbound-filter lists are stored as newline-joined strings, as Sentry stores them."""
    stored: dict[str, Any] = {}
    for key, value in given.items():
        if key in _LIST_OPTIONS and isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        stored[str(key)] = value
    return stored


_PROJECT_STRINGS = (
    "name", "slug", "platform", "subjectPrefix", "subjectTemplate", "fingerprintingRules",
    "groupingEnhancements", "securityToken", "securityTokenHeader", "defaultEnvironment", "debugFilesRole",
)  # fmt: skip


ORG_ROLE_IDS = ("member", "admin", "manager", "owner", "billing")
TEAM_ROLE_IDS = ("contributor", "admin")
AUTO_ASSIGNMENTS = (
    "Auto Assign to Issue Owner",
    "Auto Assign to Suspect Commits",
    "Turn off Auto-Assignment",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# an ownership rule: `path:`, `module:`, `url:`, `tags.<key>:` or `codeowners:` matcher, then owners
_OWNERSHIP_RULE = re.compile(
    r"^(path|module|url|codeowners|tags\.[\w.-]+):\S+(\s+(#[\w-]+|[^@\s]+@[^@\s]+))+$"
)


@dataclass
class Member:
    id: int
    email: str
    role: str
    pending: bool = False
    team_roles: dict[str, str | None] = field(default_factory=dict)  # team slug → team role (None: default)
    created: str = field(default_factory=timestamp)


@dataclass
class Ownership:
    raw: str = ""
    fallthrough: bool = True
    auto_assignment: str = "Turn off Auto-Assignment"
    codeowners_auto_sync: bool = True
    created: str = field(default_factory=timestamp)
    updated: str = field(default_factory=timestamp)


@dataclass
class Team:
    id: int
    slug: str
    name: str
    created: str = field(default_factory=timestamp)


@dataclass
class Project:
    id: int
    slug: str
    name: str
    platform: str | None
    team_ids: list[int]
    created: str = field(default_factory=timestamp)
    old_slugs: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=project_settings)
    options: dict[str, Any] = field(default_factory=project_options)  # the legacy dict (filters:*, …)


@dataclass
class ClientKey:
    public: str
    project_id: int
    name: str
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    is_active: bool = True
    rate_limit: dict[str, int] | None = None
    browser_sdk_version: str = "8.x"
    loader_options: dict[str, bool] = field(
        default_factory=lambda: {"hasReplay": True, "hasPerformance": False, "hasDebug": False}
    )
    created: str = field(default_factory=timestamp)


@dataclass
class Detector:
    id: int
    project_id: int
    type: str
    name: str
    body: dict[str, Any]  # as sent, conditions carrying ids
    source_ids: list[int] = field(default_factory=list)
    created: str = field(default_factory=timestamp)
    updated: str = field(default_factory=timestamp)


@dataclass
class Workflow:
    id: int
    name: str
    body: dict[str, Any]  # as sent, every trigger/filter/condition/action carrying an id
    recreated_subobjects: int = 0  # sub-objects updates had to create anew (churn)
    created: str = field(default_factory=timestamp)
    updated: str = field(default_factory=timestamp)


@dataclass
class Dashboard:
    id: int
    title: str
    body: dict[str, Any]
    created: str = field(default_factory=timestamp)


@dataclass
class Event:
    event_id: str
    project_id: int
    kind: str  # the envelope item type: event, transaction, check_in…
    received: float
    payload: dict[str, Any]


class SentryBackend:
    def __init__(
        self, org_slug: str, org_id: int, features: list[str], slack_channels: dict[str, str]
    ) -> None:
        self.org_slug, self.org_id = org_slug, org_id
        self.org_name = org_slug.replace("-", " ").title()
        self.features = set(features)
        self._last_id = 4_500_000_000  # a plain int, not itertools.count: the state file pickles it
        self.teams: dict[int, Team] = {}
        self.projects: dict[int, Project] = {}
        self.keys: dict[str, ClientKey] = {}  # by public key
        self.detectors: dict[int, Detector] = {}
        self.workflows: dict[int, Workflow] = {}
        self.dashboards: dict[int, Dashboard] = {}
        self.events: list[Event] = []
        self.retired_calls: list[str] = []  # "METHOD path" of every call to a retired endpoint
        self.slack_id = self.new_id()
        self.members: dict[int, Member] = {}
        owner = Member(self.new_id(), "owner@sandbox.invalid", "owner")  # the token's user
        self.members[owner.id] = owner
        self.ownership: dict[int, Ownership] = {}  # project id → its ownership rules
        self.integration_config: dict[str, Any] = {"installationType": "born_as_bot"}
        self.slack_channels = {name.lstrip("#"): channel for name, channel in slack_channels.items()}

    def new_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def has_feature(self, name: str) -> bool:
        return name in self.features

    # --- teams --------------------------------------------------------------------------------
    def team(self, ref: str) -> Team:
        for team in self.teams.values():
            if str(team.id) == ref or team.slug == ref:
                return team
        raise NotFound()

    def list_teams(self, slug: str | None = None) -> list[Team]:
        teams = sorted(self.teams.values(), key=lambda t: t.id)
        return [t for t in teams if slug is None or t.slug == slug]

    def create_team(self, slug: Any, name: Any) -> Team:
        errors = string_errors({"slug": slug, "name": name}, "slug", "name")
        if errors:
            raise Invalid(errors)
        slug = slug or slugify(name or "")
        if not slug and not name:
            raise Invalid({"slug": ["This field is required."]})
        if not _SLUG.match(slug):
            raise Invalid({"slug": [_SLUG_MESSAGE]})
        if name is not None and len(name) > 64:
            raise Invalid({"name": ["Ensure this field has no more than 64 characters."]})
        if any(t.slug == slug for t in self.teams.values()):
            raise TeamSlugTaken()
        team = Team(self.new_id(), slug, name or slug)
        self.teams[team.id] = team
        return team

    def update_team(self, ref: str, data: dict[str, Any]) -> Team:
        team = self.team(ref)
        errors = string_errors(data, "slug", "name")
        if errors:
            raise Invalid(errors)
        slug = data.get("slug")
        if slug is not None and slug != team.slug:
            if not _SLUG.match(str(slug)):
                raise Invalid({"slug": [_SLUG_MESSAGE]})
            if any(t.slug == slug for t in self.teams.values()):
                raise Invalid({"slug": [f'The slug "{slug}" is already in use.']})
            team.slug = str(slug)
        if data.get("name"):
            team.name = str(data["name"])
        return team

    def delete_team(self, ref: str) -> None:
        """Scheduled deletion in Sentry; the slug is free at once, so here the team just goes."""
        team = self.team(ref)
        del self.teams[team.id]
        for project in self.projects.values():
            project.team_ids = [t for t in project.team_ids if t != team.id]

    # --- projects -----------------------------------------------------------------------------
    def project(self, ref: str) -> Project:
        for project in self.projects.values():
            if str(project.id) == ref or project.slug == ref:
                return project
        raise NotFound()

    def moved_project(self, ref: str) -> Project | None:
        """The project that answered to ``ref`` before a slug rename (Sentry answers 302)."""
        return next((p for p in self.projects.values() if ref in p.old_slugs), None)

    def list_projects(self) -> list[Project]:
        return sorted(self.projects.values(), key=lambda p: p.id)

    def _check_platform(self, platform: Any, errors: dict[str, Any]) -> None:
        if platform is not None and not isinstance(platform, str):
            errors["platform"] = NOT_A_STRING
        elif platform not in (None, "", "other") and platform not in PLATFORMS:
            errors["platform"] = ["Invalid platform"]

    def create_project(self, team_ref: str, data: dict[str, Any]) -> Project:
        team = self.team(team_ref)
        name, slug, platform = data.get("name"), data.get("slug"), data.get("platform")
        errors: dict[str, Any] = string_errors(data, "name", "slug")
        if "slug" in data and data["slug"] is None:
            errors["slug"] = ["This field may not be null."]
        if "platform" in data and data["platform"] is None:
            errors["platform"] = ["This field may not be null."]
        if "default_rules" in data and not isinstance(data["default_rules"], bool):
            errors["default_rules"] = ["Must be a valid boolean."]
        if errors:
            raise Invalid(errors)
        if not name:
            errors["name"] = ["This field is required."]
        elif len(str(name)) > 50:
            errors["name"] = ["Ensure this field has no more than 50 characters."]
        self._check_platform(platform, errors)
        if slug is not None and not _SLUG.match(str(slug)):
            errors["slug"] = [_SLUG_MESSAGE]
        elif slug in RESERVED_PROJECT_SLUGS:
            errors["slug"] = [f'The slug "{slug}" is reserved and not allowed.']
        if errors:
            raise Invalid(errors)
        if slug:
            if any(p.slug == slug for p in self.projects.values()):
                raise ProjectSlugTaken()
        else:  # generated from the name and made unique, so it may differ from what was meant
            base = slugify(str(name)) or "project"
            slug, counter = base, 1
            while slug in RESERVED_PROJECT_SLUGS or any(p.slug == slug for p in self.projects.values()):
                counter += 1
                slug = f"{base[:46]}-{counter}"
        project = Project(self.new_id(), str(slug), str(name), platform or None, [team.id])
        self.projects[project.id] = project
        self.create_key(project, "Default")  # every new project gets a default key
        for kind in SYSTEM_DETECTORS:  # and its system-created monitors
            detector = Detector(self.new_id(), project.id, kind, _system_name(kind), {"enabled": True})
            self.detectors[detector.id] = detector
        if data.get("default_rules", True) is not False:
            self._default_workflow(project)
        return project

    def _default_workflow(self, project: Project) -> Workflow:
        """What ``default_rules`` makes now: "alert on high priority issues" as a workflow."""
        stream = [str(d.id) for d in self.project_detectors(project) if d.type == "issue_stream"]
        return self.create_workflow(
            {
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
        )

    def update_project(self, ref: str, data: dict[str, Any]) -> Project:
        project = self.project(ref)
        errors: dict[str, Any] = string_errors(data, *_PROJECT_STRINGS)
        errors.update(
            string_list_errors(data, "highlightTags", "sensitiveFields", "safeFields", "allowedDomains")
        )
        if data.get("options") is not None and not isinstance(data["options"], dict):
            errors["options"] = [
                'Expected a dictionary of items but got type "{}".'.format(type(data["options"]).__name__)
            ]
        if errors:
            raise Invalid(errors)
        if "platform" in data:
            self._check_platform(data["platform"], errors)
        slug = data.get("slug")
        if slug is not None and slug != project.slug:
            other = next((p for p in self.projects.values() if p.slug == slug), None)
            if not _SLUG.match(str(slug)):
                errors["slug"] = [_SLUG_MESSAGE]
            elif slug in RESERVED_PROJECT_SLUGS:
                errors["slug"] = [f'The slug "{slug}" is reserved and not allowed.']
            elif other is not None:
                errors["slug"] = [f"Another project ({other.name}) is already using that slug"]
        if "name" in data and (not data["name"] or len(str(data["name"])) > 200):
            errors["name"] = ["Ensure this field has no more than 200 characters."]
        for delay in ("digestsMinDelay", "digestsMaxDelay"):
            value = data.get(delay)
            if value is not None and not (integer(value) and 60 <= value <= 3600):
                errors[delay] = ["Ensure this value is between 60 and 3600."]
        if "resolveAge" in data and not (integer(data["resolveAge"]) and data["resolveAge"] >= 0):
            errors["resolveAge"] = ["A valid integer is required."]
        if errors:
            raise Invalid(errors)
        if slug is not None and slug != project.slug:
            project.old_slugs.append(project.slug)
            project.slug = str(slug)
        if data.get("name"):
            project.name = str(data["name"])
        if "platform" in data:
            project.platform = data["platform"] or None
        if isinstance(data.get("options"), dict):
            project.options.update(_options(data["options"]))
        for key, value in data.items():
            if key in project.settings:  # DRF ignores fields it does not know
                project.settings[key] = value
        return project

    def delete_project(self, ref: str) -> None:
        project = self.project(ref)
        del self.projects[project.id]
        for public in [k for k, v in self.keys.items() if v.project_id == project.id]:
            del self.keys[public]
        gone = {str(d.id) for d in self.project_detectors(project)}
        for detector_id in gone:
            del self.detectors[int(detector_id)]
        for workflow in self.workflows.values():
            ids = workflow.body.get("detectorIds") or []
            workflow.body["detectorIds"] = [i for i in ids if str(i) not in gone]

    def add_team(self, project_ref: str, team_ref: str) -> Project:
        project, team = self.project(project_ref), self.team(team_ref)
        if team.id not in project.team_ids:
            project.team_ids.append(team.id)
        return project

    def remove_team(self, project_ref: str, team_ref: str) -> Project:
        project, team = self.project(project_ref), self.team(team_ref)
        project.team_ids = [t for t in project.team_ids if t != team.id]
        return project

    # --- members ------------------------------------------------------------------------------
    def list_members(self) -> list[Member]:
        return sorted(self.members.values(), key=lambda m: m.id)

    def member(self, ref: str) -> Member:
        number = whole(ref)
        if ref == "me":
            number = min(self.members)
        if number is None or number not in self.members:
            raise NotFound()
        return self.members[number]

    def invite_member(self, data: dict[str, Any]) -> Member:
        errors = string_errors(data, "email", "orgRole")
        errors.update(string_list_errors(data, "teams"))
        email, role = data.get("email"), data.get("orgRole")
        if "email" not in errors and not (isinstance(email, str) and _EMAIL.match(email)):
            errors["email"] = ["Enter a valid email address."]
        if role is None:
            errors["orgRole"] = REQUIRED
        elif "orgRole" not in errors and role not in ORG_ROLE_IDS:
            errors["orgRole"] = ["Invalid role"]
        if errors:
            raise Invalid(errors)
        if any(m.email == email for m in self.members.values()):
            raise Invalid({"email": [f"The user {email} has already been invited"]})
        teams = [self.team(str(t)).slug for t in data.get("teams") or []]
        member = Member(
            self.new_id(), str(email), str(role), pending=True, team_roles={t: None for t in teams}
        )
        self.members[member.id] = member
        return member

    def update_member(self, ref: str, data: dict[str, Any]) -> Member:
        member = self.member(ref)
        errors = string_errors(data, "orgRole")
        role = data.get("orgRole")
        if role is not None and "orgRole" not in errors and role not in ORG_ROLE_IDS:
            errors["orgRole"] = ["Invalid role"]
        team_roles = data.get("teamRoles")
        if team_roles is not None and (
            not isinstance(team_roles, list)
            or not all(isinstance(t, dict) and isinstance(t.get("teamSlug"), str) for t in team_roles)
        ):
            errors["teamRoles"] = ["Each team role needs a teamSlug."]
        elif team_roles:
            bad = [t.get("role") for t in team_roles if t.get("role") not in (None, *TEAM_ROLE_IDS)]
            if bad:
                errors["teamRoles"] = [f"Invalid team-role {bad[0]!r}"]
        if errors:
            raise Invalid(errors)
        for item in team_roles or []:
            member.team_roles[self.team(item["teamSlug"]).slug] = item.get("role")
        if role is not None:
            member.role = str(role)
        return member

    def remove_member(self, ref: str) -> None:
        member = self.member(ref)
        if member.role == "owner" and sum(1 for m in self.members.values() if m.role == "owner") == 1:
            raise Forbidden("You cannot remove the only remaining owner of the organization.")
        del self.members[member.id]

    # --- spike protection (the project option quotas:spike-protection-disabled) ----------------
    def set_spike_protection(self, data: dict[str, Any], enabled: bool) -> list[Project]:
        projects = data.get("projects")
        if not isinstance(projects, list) or not projects:
            raise Invalid({"projects": REQUIRED})
        errors = string_list_errors(data, "projects")
        if errors:
            raise Invalid(errors)
        chosen = self.list_projects() if "$all" in projects else [self.project(str(p)) for p in projects]
        for project in chosen:
            project.options["quotas:spike-protection-disabled"] = not enabled
        return chosen

    # --- ownership rules ----------------------------------------------------------------------
    def update_ownership(self, project: Project, data: dict[str, Any]) -> Ownership:
        errors = string_errors(data, "raw", "autoAssignment")
        for flag in ("fallthrough", "codeownersAutoSync"):
            if data.get(flag) is not None and not isinstance(data[flag], bool):
                errors[flag] = ["Must be a valid boolean."]
        assignment = data.get("autoAssignment")
        if "autoAssignment" not in errors and assignment is not None and assignment not in AUTO_ASSIGNMENTS:
            errors["autoAssignment"] = [f'"{assignment}" is not a valid choice.']
        raw = data.get("raw")
        if "raw" not in errors and isinstance(raw, str):
            bad = [
                line for line in raw.splitlines() if line.strip() and not _OWNERSHIP_RULE.match(line.strip())
            ]
            if bad:
                errors["raw"] = [f"Parse error: invalid rule {bad[0]!r}"]
        if errors:
            raise Invalid(errors)
        ownership = self.ownership.setdefault(project.id, Ownership())
        if raw is not None:
            ownership.raw = raw
        for wire, attr in (("fallthrough", "fallthrough"), ("codeownersAutoSync", "codeowners_auto_sync")):
            if data.get(wire) is not None:
                setattr(ownership, attr, data[wire])
        if assignment is not None:
            ownership.auto_assignment = str(assignment)
        ownership.updated = timestamp()
        return ownership

    # --- the Slack integration's configuration ------------------------------------------------
    def update_integration(self, data: dict[str, Any]) -> dict[str, Any]:
        """POST …/integrations/{id}/: the document's config bodies are Opsgenie's team_table and
        PagerDuty's service_table; either is checked and kept on the integration."""
        errors: dict[str, Any] = {}
        for table, fields in (
            ("service_table", ("service", "integration_key")),
            ("team_table", ("team", "integration_key")),
        ):
            rows = data.get(table)
            if rows is None:
                continue
            if not isinstance(rows, list) or not all(
                isinstance(r, dict) and all(isinstance(r.get(f), str) for f in fields) for r in rows
            ):
                errors[table] = [f"Each row needs the strings {', '.join(fields)} and an id."]
        if errors:
            raise Invalid(errors)
        self.integration_config.update(
            {k: v for k, v in data.items() if k in ("service_table", "team_table")}
        )
        return self.integration_config

    # --- client keys --------------------------------------------------------------------------
    def _rate_limit(self, value: Any) -> dict[str, int] | None:
        """Key rate limits only stick with the projects:rate-limits feature; otherwise null."""
        if value is None:
            return None
        if not isinstance(value, dict) or not all(
            integer(value.get(k)) and 0 <= value[k] <= 2**63 - 1 for k in ("window", "count")
        ):
            raise Invalid({"rateLimit": {"window": ["A valid integer is required."]}})
        if not self.has_feature("projects:rate-limits"):
            return None
        return {"window": int(value["window"]), "count": int(value["count"])}  # int64, as documented

    def create_key(
        self, project: Project, name: Any, rate_limit: Any = None, data: dict[str, Any] | None = None
    ) -> ClientKey:
        errors = string_errors({"name": name}, "name")
        if name == "" and data is not None:  # a create body's name may not be blank (DRF)
            errors["name"] = ["This field may not be blank."]
        if name is None and data is not None:  # the document: name is required
            errors["name"] = ["This field may not be null."] if "name" in data else REQUIRED
        if errors:
            raise Invalid(errors)
        key = ClientKey(secrets.token_hex(16), project.id, name or "Default")
        key.rate_limit = self._rate_limit(rate_limit)
        if data:  # the other fields a create takes are the update's
            self._key_fields(key, {k: v for k, v in data.items() if k not in ("name", "rateLimit")})
        self.keys[key.public] = key
        return key

    def project_keys(self, project: Project, status: str | None = None) -> list[ClientKey]:
        if status not in (None, "active", "inactive"):
            raise Invalid({"status": [f'"{status}" is not a valid choice.']})
        keys = [k for k in self.keys.values() if k.project_id == project.id]
        if status in ("active", "inactive"):
            keys = [k for k in keys if k.is_active == (status == "active")]
        return sorted(keys, key=lambda k: k.created)

    def key(self, project: Project, key_id: str) -> ClientKey:
        key = self.keys.get(key_id)
        if key is None or key.project_id != project.id:
            raise NotFound()
        return key

    def update_key(self, project: Project, key_id: str, data: dict[str, Any]) -> ClientKey:
        key = self.key(project, key_id)
        return self._key_fields(key, data)

    def _key_fields(self, key: ClientKey, data: dict[str, Any]) -> ClientKey:
        errors = string_errors(data, "name", "browserSdkVersion")
        for name in ("browserSdkVersion", "dynamicSdkLoaderOptions", "name"):
            if name in data and data[name] is None:
                errors[name] = ["This field may not be null."]
        if data.get("isActive") is not None and not isinstance(data["isActive"], bool):
            errors["isActive"] = ["Must be a valid boolean."]
        if data.get("dynamicSdkLoaderOptions") is not None and not isinstance(
            data["dynamicSdkLoaderOptions"], dict
        ):
            errors["dynamicSdkLoaderOptions"] = ["Expected a dictionary of items."]
        elif isinstance(data.get("dynamicSdkLoaderOptions"), dict) and not all(
            isinstance(v, bool) for v in data["dynamicSdkLoaderOptions"].values()
        ):
            errors["dynamicSdkLoaderOptions"] = ["Must be a valid boolean."]
        if errors:
            raise Invalid(errors)
        version = data.get("browserSdkVersion")
        if version is not None and version not in BROWSER_SDK_VERSIONS:
            raise Invalid({"browserSdkVersion": [f'"{version}" is not a valid choice.']})
        if "rateLimit" in data:
            key.rate_limit = self._rate_limit(data["rateLimit"])
        if data.get("name"):
            key.name = str(data["name"])
        if "isActive" in data:
            key.is_active = bool(data["isActive"])
        if version is not None:
            key.browser_sdk_version = str(version)
        if isinstance(data.get("dynamicSdkLoaderOptions"), dict):
            key.loader_options.update({k: bool(v) for k, v in data["dynamicSdkLoaderOptions"].items()})
        return key

    def delete_key(self, project: Project, key_id: str) -> None:
        del self.keys[self.key(project, key_id).public]

    def revoke_key(self, public: str) -> ClientKey:
        """A test hook: the key stays but is disabled, so ingest with it is rejected."""
        key = self.keys.get(public)
        if key is None:
            raise NotFound()
        key.is_active = False
        return key

    # --- detectors (monitors) -----------------------------------------------------------------
    def project_detectors(self, project: Project) -> list[Detector]:
        return [d for d in self.detectors.values() if d.project_id == project.id]

    def detector(self, ref: str) -> Detector:
        try:
            return self.detectors[int(ref)]
        except (KeyError, ValueError):
            raise NotFound() from None

    def list_detectors(self, projects: list[str], ids: list[str], kind: str | None) -> list[Detector]:
        found = sorted(self.detectors.values(), key=lambda d: d.id)
        if projects:
            found = [d for d in found if str(d.project_id) in projects]
        if ids:
            found = [d for d in found if str(d.id) in ids]
        if kind:
            found = [d for d in found if d.type == validation.DETECTOR_ALIASES.get(kind, kind)]
        return found

    def create_detector(self, project: Project, body: dict[str, Any]) -> Detector:
        kind = body.get("type")
        if kind in SYSTEM_DETECTORS:
            raise Invalid({"type": [f"Monitors of type {kind} cannot be created manually."]})
        validation.check_detector(body, self.has_feature("organizations:incidents"))
        stored = copy.deepcopy(body)
        self._condition_ids(stored, None)
        detector = Detector(self.new_id(), project.id, str(kind), str(body["name"]), stored)
        detector.source_ids = [self.new_id() for _ in stored.get("dataSources") or []]
        self.detectors[detector.id] = detector
        self._link_workflows(detector, stored.get("workflowIds"))
        return detector

    def update_detector(self, ref: str, body: dict[str, Any]) -> Detector:
        detector = self.detector(ref)
        if body.get("type", detector.type) != detector.type:
            raise Invalid({"type": ["A monitor's type cannot be changed."]})
        merged = {**detector.body, **copy.deepcopy(body), "type": detector.type}
        if detector.type not in SYSTEM_DETECTORS:
            validation.check_detector(merged, self.has_feature("organizations:incidents"))
        self._condition_ids(merged, detector.body)
        if len(merged.get("dataSources") or []) != len(detector.source_ids):
            detector.source_ids = [self.new_id() for _ in merged.get("dataSources") or []]
        detector.body, detector.name, detector.updated = merged, str(merged.get("name")), timestamp()
        self._link_workflows(detector, body.get("workflowIds"))
        return detector

    def _condition_ids(self, body: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """Conditions keep the ids sent back and get new ones otherwise (Sentry's upsert)."""
        group = body.get("conditionGroup")
        if not isinstance(group, dict):
            return
        old_group = (previous or {}).get("conditionGroup") or {}
        known = {str(c.get("id")) for c in old_group.get("conditions") or []}
        group["id"] = old_group.get("id") or str(self.new_id())
        for condition in group.get("conditions") or []:
            if str(condition.get("id")) not in known:
                condition["id"] = str(self.new_id())

    def _link_workflows(self, detector: Detector, workflow_ids: Any) -> None:
        if workflow_ids is None:
            return
        if not isinstance(workflow_ids, list):
            raise Invalid({"workflowIds": [NOT_A_LIST[0].format(type(workflow_ids).__name__)]})
        wanted = {str(i) for i in workflow_ids}
        unknown = [i for i in wanted if whole(i) is None or int(i) not in self.workflows]
        if unknown:
            raise Invalid({"workflowIds": [f"Alert {unknown[0]} does not exist"]})
        for workflow in self.workflows.values():
            ids = [str(i) for i in workflow.body.get("detectorIds") or []]
            linked = str(detector.id) in ids
            if str(workflow.id) in wanted and not linked:
                workflow.body["detectorIds"] = [*ids, str(detector.id)]
            elif str(workflow.id) not in wanted and linked:
                workflow.body["detectorIds"] = [i for i in ids if i != str(detector.id)]
        detector.body.pop("workflowIds", None)

    def detector_workflows(self, detector: Detector) -> list[str]:
        return [
            str(w.id)
            for w in sorted(self.workflows.values(), key=lambda w: w.id)
            if str(detector.id) in [str(i) for i in w.body.get("detectorIds") or []]
        ]

    def delete_detector(self, ref: str) -> None:
        detector = self.detector(ref)
        if detector.type in SYSTEM_DETECTORS:
            raise Invalid({"detail": ["System-created monitors cannot be deleted."]})
        del self.detectors[detector.id]
        for workflow in self.workflows.values():
            ids = workflow.body.get("detectorIds") or []
            workflow.body["detectorIds"] = [i for i in ids if str(i) != str(detector.id)]

    # --- workflows (alerts) -------------------------------------------------------------------
    def workflow(self, ref: str) -> Workflow:
        try:
            return self.workflows[int(ref)]
        except (KeyError, ValueError):
            raise NotFound() from None

    def list_workflows(self, ids: list[str], projects: list[str], query: str) -> list[Workflow]:
        found = sorted(self.workflows.values(), key=lambda w: w.id)
        if ids:
            found = [w for w in found if str(w.id) in ids]
        if projects:
            detectors = {str(d.id) for d in self.detectors.values() if str(d.project_id) in projects}
            found = [w for w in found if detectors & {str(i) for i in w.body.get("detectorIds") or []}]
        if query:
            found = [w for w in found if query.lower() in w.name.lower()]
        return found

    def _workflow_body(self, body: dict[str, Any]) -> dict[str, Any]:
        validation.check_workflow(body, set(self.detectors), str(self.slack_id), self.slack_channels)
        stored = copy.deepcopy(body)
        stored.pop("id", None)
        stored.setdefault("enabled", True)
        stored.setdefault("environment", None)
        stored.setdefault("config", {"frequency": 30})
        stored["detectorIds"] = [str(i) for i in stored.get("detectorIds") or []]
        stored.setdefault("actionFilters", [])
        if not stored.get("triggers"):
            stored["triggers"] = {"logicType": "any-short", "conditions": []}
        for action_filter in stored["actionFilters"]:
            for action in action_filter.get("actions") or []:
                action.setdefault("status", "active")
                if action.get("type") == "slack":  # Sentry rewrites both with the resolved channel
                    config = action["config"]
                    channel = str(config["targetDisplay"]).lstrip("#")
                    config["targetDisplay"] = "#" + channel
                    config["targetIdentifier"] = self.slack_channels[channel]
                    action["integrationId"] = str(action["integrationId"])
        return stored

    def _assign_ids(self, body: dict[str, Any], previous: dict[str, Any] | None) -> int:
        """Sub-objects sent with an id they had keep it; the rest are created. Returns how many
        were created (on an update that is churn: Sentry deleted and re-made them)."""
        known: set[str] = set()
        for group in _groups(previous or {}):
            known.add(str(group.get("id")))
            known.update(str(item.get("id")) for item in _items(group))
        created = 0
        for group in _groups(body):
            for item in [group, *_items(group)]:
                if not (item.get("id") and str(item["id"]) in known):
                    item["id"] = str(self.new_id())
                    created += 1
        return created

    def create_workflow(self, body: dict[str, Any]) -> Workflow:
        stored = self._workflow_body(body)
        self._assign_ids(stored, None)
        workflow = Workflow(self.new_id(), str(stored["name"]), stored)
        self.workflows[workflow.id] = workflow
        return workflow

    def update_workflow(self, ref: str, body: dict[str, Any]) -> Workflow:
        workflow = self.workflow(ref)
        stored = self._workflow_body(body)
        workflow.recreated_subobjects += self._assign_ids(stored, workflow.body)
        workflow.body, workflow.name, workflow.updated = stored, str(stored["name"]), timestamp()
        return workflow

    def delete_workflow(self, ref: str) -> None:
        del self.workflows[self.workflow(ref).id]

    # --- dashboards ---------------------------------------------------------------------------
    def dashboard(self, ref: str) -> Dashboard:
        try:
            return self.dashboards[int(ref)]
        except (KeyError, ValueError):
            raise NotFound() from None

    def list_dashboards(self) -> list[Dashboard]:
        return sorted(self.dashboards.values(), key=lambda d: d.id)

    def create_dashboard(self, body: dict[str, Any]) -> Dashboard:
        validation.check_dashboard(body)
        if any(d.title == body["title"] for d in self.dashboards.values()):
            raise Invalid({"title": ["Dashboard with that title already exists."]})
        stored = copy.deepcopy(body)
        self._widget_ids(stored, None)
        dashboard = Dashboard(self.new_id(), str(body["title"]), stored)
        self.dashboards[dashboard.id] = dashboard
        return dashboard

    def update_dashboard(self, ref: str, body: dict[str, Any]) -> Dashboard:
        """PUT replaces the widget list: widgets sent with their id are kept, others created."""
        dashboard = self.dashboard(ref)
        merged = {**dashboard.body, **copy.deepcopy(body)}
        validation.check_dashboard(merged)
        if any(d.title == merged["title"] and d.id != dashboard.id for d in self.dashboards.values()):
            raise Invalid({"title": ["Dashboard with that title already exists."]})
        self._widget_ids(merged, dashboard.body)
        dashboard.body, dashboard.title = merged, str(merged["title"])
        return dashboard

    def _widget_ids(self, body: dict[str, Any], previous: dict[str, Any] | None) -> None:
        known: set[str] = set()
        for widget in (previous or {}).get("widgets") or []:
            known.add(str(widget.get("id")))
            known.update(str(q.get("id")) for q in widget.get("queries") or [])
        for widget in body.get("widgets") or []:
            for item in [widget, *(widget.get("queries") or [])]:
                if str(item.get("id")) not in known:
                    item["id"] = str(self.new_id())

    def delete_dashboard(self, ref: str) -> None:
        del self.dashboards[self.dashboard(ref).id]

    # --- ingest -------------------------------------------------------------------------------
    def ingest(
        self, project_id: str, public_key: str, items: list[tuple[str, dict[str, Any]]], event_id: str | None
    ) -> str:
        """Store the event-like items of one envelope; reject a disabled or foreign DSN key."""
        key = self.keys.get(public_key)
        if key is None or not key.is_active or str(key.project_id) != project_id:
            raise EnvelopeRejected()
        event_id = event_id or secrets.token_hex(16)
        for kind, payload in items:
            self.events.append(
                Event(str(payload.get("event_id") or event_id), key.project_id, kind, time.time(), payload)
            )
        return event_id

    def project_events(self, project: Project) -> list[Event]:
        return [e for e in self.events if e.project_id == project.id]


def _system_name(kind: str) -> str:
    return {"error": "Error Monitor", "issue_stream": "Issue Stream"}.get(kind, kind)


def _groups(body: dict[str, Any]) -> list[dict[str, Any]]:
    triggers = body.get("triggers")
    return [*([triggers] if isinstance(triggers, dict) else []), *(body.get("actionFilters") or [])]


def _items(group: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(group.get("conditions") or []), *(group.get("actions") or [])]

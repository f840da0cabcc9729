"""Sentry organization state: teams, projects, client keys, members, detectors, workflows, dashboards,
events.

No HTTP or JSON here, and no wire names (moto's split): the backend's methods are the API operations
and take keyword arguments with Python names; ``responses.py`` holds the one wire table per resource
that decodes a request into those arguments and builds the documents back from these dataclasses.
Keyword arguments rather than one request dataclass per operation because an update must tell a field
that was left out from one sent as null: a left-out field is simply not passed (``UNSET``).
Requests are checked at the wire level first (``validation.py``, so errors name the key the client
sent); what only the state can decide (a slug taken, an unknown team) is checked here, and an error
naming a Python field is renamed to its wire key by the responses.

The sub-documents of detectors, workflows and dashboards (condition groups, action filters, data
sources, widgets) are kept as the documents the client sent, with server ids added; only their
top-level fields are typed. Ids are integers (responses.py writes them as strings, as Sentry does).

State files written before this shape (a ``body`` or ``settings`` dict keyed by wire names) load
through ``__setstate__``: the old keys are mapped to fields by their snake-case spelling.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from vigil.sandbox.core.values import whole
from vigil.sandbox.sentry.errors import (
    EnvelopeRejected,
    Forbidden,
    Invalid,
    NotFound,
    ProjectSlugTaken,
    TeamSlugTaken,
)
from vigil.sandbox.sentry.platforms import PLATFORMS


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final[Any] = _Unset()  # a keyword argument left out of an update (unlike None, sent as null)

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
SPIKE_PROTECTION_OPTION = "quotas:spike-protection-disabled"


def timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")[:50]


_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    """``scrubIPAddresses`` → ``scrub_ip_addresses``: how an old state file's keys map to fields."""
    return _WORD.sub("_", name).lower()


def _restore(obj: Any, state: dict[str, Any], legacy: str | None = None) -> None:
    """Unpickle ``state`` into ``obj``; an older shape's ``legacy`` dict (keyed by wire names) becomes
    the typed fields, and fields added since get their defaults."""
    old = state.pop(legacy, None) if legacy else None
    names = {f.name for f in dataclasses.fields(obj)}
    if isinstance(old, dict):
        for key, value in old.items():
            name = snake(str(key))
            if name in names and name not in state:
                state[name] = value
    for f in dataclasses.fields(obj):
        if f.name not in state:
            if f.default is not dataclasses.MISSING:
                state[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                state[f.name] = f.default_factory()
    obj.__dict__.update(state)


def _typed(cls: type[Any], value: Any) -> Any:
    """An old state file's settings dict as the dataclass ``cls`` (unknown keys dropped)."""
    if isinstance(value, cls):
        return value
    names = {f.name for f in dataclasses.fields(cls)}
    given = {snake(str(k)): v for k, v in (value or {}).items()}
    return cls(**{k: v for k, v in given.items() if k in names})


@dataclass
class ProjectSettings:
    """The per-project settings a new project starts with (the detailed project's top-level fields)."""

    color: str = "#3f70b3"
    is_public: bool = False
    digests_min_delay: int = 300
    digests_max_delay: int = 1800
    resolve_age: int = 0
    subject_prefix: str = ""
    subject_template: str = "$shortID - $title"
    fingerprinting_rules: str = ""
    grouping_enhancements: str = ""
    allowed_domains: list[str] = field(default_factory=lambda: ["*"])
    scrape_java_script: bool = True
    security_token: str = field(default_factory=lambda: secrets.token_hex(16))
    security_token_header: str | None = None
    verify_ssl: bool = False
    highlight_tags: list[str] = field(default_factory=list)
    highlight_context: dict[str, Any] = field(default_factory=dict)
    sensitive_fields: list[str] = field(default_factory=list)
    safe_fields: list[str] = field(default_factory=list)
    scrub_ip_addresses: bool = False
    data_scrubber: bool = False
    data_scrubber_defaults: bool = False
    default_environment: str | None = None
    enable_auto_release_creation: bool = True
    debug_files_role: str | None = None


SETTINGS = tuple(f.name for f in dataclasses.fields(ProjectSettings))


def project_options() -> dict[str, Any]:
    """The legacy ``options`` a project detail carries from the start: inbound filters as strings
    (newline-separated lists, "" when unset), the flags as booleans. The option names are Sentry's
    own keys of a free-form map, not fields."""
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
        SPIKE_PROTECTION_OPTION: False,
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
    settings: ProjectSettings = field(default_factory=ProjectSettings)
    options: dict[str, Any] = field(default_factory=project_options)  # the legacy map (filters:*, …)

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["settings"] = _typed(ProjectSettings, state.get("settings"))
        _restore(self, state)


@dataclass
class LoaderOptions:
    has_replay: bool = True
    has_performance: bool = False
    has_debug: bool = False


@dataclass
class RateLimit:
    window: int
    count: int


@dataclass
class ClientKey:
    public: str
    project_id: int
    name: str
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    is_active: bool = True
    rate_limit: RateLimit | None = None
    browser_sdk_version: str = "8.x"
    loader_options: LoaderOptions = field(default_factory=LoaderOptions)
    created: str = field(default_factory=timestamp)

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["loader_options"] = _typed(LoaderOptions, state.get("loader_options"))
        if isinstance(state.get("rate_limit"), dict):
            state["rate_limit"] = _typed(RateLimit, state["rate_limit"])
        _restore(self, state)


@dataclass
class Detector:
    id: int
    project_id: int
    type: str
    name: str
    description: str | None = None
    enabled: bool = True
    owner: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    condition_group: dict[str, Any] | None = None  # the document sent, conditions carrying ids
    data_sources: list[dict[str, Any]] = field(default_factory=list)  # the documents sent
    source_ids: list[int] = field(default_factory=list)
    created: str = field(default_factory=timestamp)
    updated: str = field(default_factory=timestamp)

    def __setstate__(self, state: dict[str, Any]) -> None:
        _restore(self, state, legacy="body")


@dataclass
class Workflow:
    id: int
    name: str
    enabled: bool = True
    environment: str | None = None
    config: dict[str, Any] = field(default_factory=lambda: {"frequency": 30})
    detector_ids: list[str] = field(default_factory=list)
    triggers: dict[str, Any] = field(default_factory=dict)  # the group sent, every item carrying an id
    action_filters: list[dict[str, Any]] = field(default_factory=list)  # the same
    owner: str | None = None
    recreated_subobjects: int = 0  # sub-objects updates had to create anew (churn)
    created: str = field(default_factory=timestamp)
    updated: str = field(default_factory=timestamp)

    def __setstate__(self, state: dict[str, Any]) -> None:
        _restore(self, state, legacy="body")


@dataclass
class Dashboard:
    id: int
    title: str
    widgets: list[dict[str, Any]] = field(default_factory=list)  # the documents sent, with ids
    projects: list[Any] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    period: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    created: str = field(default_factory=timestamp)

    def __setstate__(self, state: dict[str, Any]) -> None:
        _restore(self, state, legacy="body")


@dataclass
class Event:
    event_id: str
    project_id: int
    kind: str  # the envelope item type: event, transaction, check_in…
    received: float
    payload: dict[str, Any]  # the SDK's event document as sent


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
        self.integration_config: dict[str, Any] = {}  # service_table / team_table as sent
        self.slack_channels = {name.lstrip("#"): channel for name, channel in slack_channels.items()}

    def new_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def has_feature(self, name: str) -> bool:
        return name in self.features

    def slack_channel(self, name: str) -> str:
        """The Slack channel id of ``#name`` (the installed integration's lookup)."""
        return self.slack_channels[name.lstrip("#")]

    # --- teams --------------------------------------------------------------------------------
    def team(self, ref: str) -> Team:
        for team in self.teams.values():
            if str(team.id) == ref or team.slug == ref:
                return team
        raise NotFound()

    def list_teams(self, slug: str | None = None) -> list[Team]:
        teams = sorted(self.teams.values(), key=lambda t: t.id)
        return [t for t in teams if slug is None or t.slug == slug]

    def create_team(self, *, slug: str | None = None, name: str | None = None) -> Team:
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

    def update_team(self, ref: str, *, slug: str | None = None, name: str | None = None) -> Team:
        team = self.team(ref)
        if slug is not None and slug != team.slug:
            if not _SLUG.match(slug):
                raise Invalid({"slug": [_SLUG_MESSAGE]})
            if any(t.slug == slug for t in self.teams.values()):
                raise Invalid({"slug": [f'The slug "{slug}" is already in use.']})
            team.slug = slug
        if name:
            team.name = name
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

    @staticmethod
    def _check_platform(platform: str | None, errors: dict[str, Any]) -> None:
        if platform not in (None, "", "other") and platform not in PLATFORMS:
            errors["platform"] = ["Invalid platform"]

    def create_project(
        self, team_ref: str, *, name: str | None = None, slug: str | None = None, platform: str | None = None
    ) -> Project:
        """A project with its default client key and system detectors (the default alert is the
        responses' to make: it is a workflow document)."""
        team = self.team(team_ref)
        errors: dict[str, Any] = {}
        if not name:
            errors["name"] = ["This field is required."]
        elif len(name) > 50:
            errors["name"] = ["Ensure this field has no more than 50 characters."]
        self._check_platform(platform, errors)
        if slug is not None and not _SLUG.match(slug):
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
        project = Project(self.new_id(), slug, str(name), platform or None, [team.id])
        self.projects[project.id] = project
        self.create_key(project, name="Default")  # every new project gets a default key
        for kind in SYSTEM_DETECTORS:  # and its system-created monitors
            detector = Detector(self.new_id(), project.id, kind, _system_name(kind))
            self.detectors[detector.id] = detector
        return project

    def update_project(
        self,
        ref: str,
        *,
        slug: str | None = None,
        name: Any = UNSET,
        platform: Any = UNSET,
        options: dict[str, Any] | None = None,
        **settings: Any,
    ) -> Project:
        """``settings``: any of ``ProjectSettings``' fields (DRF ignores the fields it does not know,
        so the responses pass only those)."""
        project = self.project(ref)
        errors: dict[str, Any] = {}
        if platform is not UNSET:
            self._check_platform(platform, errors)
        if slug is not None and slug != project.slug:
            other = next((p for p in self.projects.values() if p.slug == slug), None)
            if not _SLUG.match(slug):
                errors["slug"] = [_SLUG_MESSAGE]
            elif slug in RESERVED_PROJECT_SLUGS:
                errors["slug"] = [f'The slug "{slug}" is reserved and not allowed.']
            elif other is not None:
                errors["slug"] = [f"Another project ({other.name}) is already using that slug"]
        if name is not UNSET and (not name or len(str(name)) > 200):
            errors["name"] = ["Ensure this field has no more than 200 characters."]
        for delay in ("digests_min_delay", "digests_max_delay"):
            value = settings.get(delay)
            if value is not None and not (_integer(value) and 60 <= value <= 3600):
                errors[delay] = ["Ensure this value is between 60 and 3600."]
        if "resolve_age" in settings and not (
            _integer(settings["resolve_age"]) and settings["resolve_age"] >= 0
        ):
            errors["resolve_age"] = ["A valid integer is required."]
        if errors:
            raise Invalid(errors)  # Python names: the responses rename them to the keys sent
        if slug is not None and slug != project.slug:
            project.old_slugs.append(project.slug)
            project.slug = slug
        if name is not UNSET and name:
            project.name = str(name)
        if platform is not UNSET:
            project.platform = platform or None
        if options is not None:
            project.options.update(_options(options))
        project.settings = dataclasses.replace(
            project.settings, **{k: v for k, v in settings.items() if k in SETTINGS}
        )
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
            workflow.detector_ids = [i for i in workflow.detector_ids if str(i) not in gone]

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

    def invite_member(self, *, email: str, role: str, teams: list[str] | None = None) -> Member:
        if any(m.email == email for m in self.members.values()):
            raise Invalid({"email": [f"The user {email} has already been invited"]})
        slugs = [self.team(str(t)).slug for t in teams or []]
        member = Member(self.new_id(), email, role, pending=True, team_roles={t: None for t in slugs})
        self.members[member.id] = member
        return member

    def update_member(
        self, ref: str, *, role: str | None = None, team_roles: list[tuple[str, str | None]] | None = None
    ) -> Member:
        """``team_roles``: (team slug or id, team role or None for the default) pairs."""
        member = self.member(ref)
        for team_ref, team_role in team_roles or []:
            member.team_roles[self.team(team_ref).slug] = team_role
        if role is not None:
            member.role = role
        return member

    def remove_member(self, ref: str) -> None:
        member = self.member(ref)
        if member.role == "owner" and sum(1 for m in self.members.values() if m.role == "owner") == 1:
            raise Forbidden("You cannot remove the only remaining owner of the organization.")
        del self.members[member.id]

    # --- spike protection (the project option quotas:spike-protection-disabled) ----------------
    def set_spike_protection(self, projects: list[str], enabled: bool) -> list[Project]:
        chosen = self.list_projects() if "$all" in projects else [self.project(p) for p in projects]
        for project in chosen:
            project.options[SPIKE_PROTECTION_OPTION] = not enabled
        return chosen

    # --- ownership rules ----------------------------------------------------------------------
    def update_ownership(
        self,
        project: Project,
        *,
        raw: str | None = None,
        fallthrough: bool | None = None,
        auto_assignment: str | None = None,
        codeowners_auto_sync: bool | None = None,
    ) -> Ownership:
        ownership = self.ownership.setdefault(project.id, Ownership())
        if raw is not None:
            ownership.raw = raw
        if fallthrough is not None:
            ownership.fallthrough = fallthrough
        if codeowners_auto_sync is not None:
            ownership.codeowners_auto_sync = codeowners_auto_sync
        if auto_assignment is not None:
            ownership.auto_assignment = auto_assignment
        ownership.updated = timestamp()
        return ownership

    # --- the Slack integration's configuration ------------------------------------------------
    def update_integration(
        self,
        *,
        service_table: list[dict[str, Any]] | None = None,
        team_table: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """POST …/integrations/{id}/: Opsgenie's team_table or PagerDuty's service_table, kept."""
        if service_table is not None:
            self.integration_config["service_table"] = service_table
        if team_table is not None:
            self.integration_config["team_table"] = team_table
        return self.integration_config

    # --- client keys --------------------------------------------------------------------------
    def _rate_limit(self, value: RateLimit | None) -> RateLimit | None:
        """Key rate limits only stick with the projects:rate-limits feature; otherwise null."""
        return value if value is not None and self.has_feature("projects:rate-limits") else None

    def create_key(
        self,
        project: Project,
        *,
        name: str | None = None,
        rate_limit: RateLimit | None = None,
        is_active: bool | None = None,
        browser_sdk_version: str | None = None,
        loader_options: dict[str, bool] | None = None,
    ) -> ClientKey:
        key = ClientKey(secrets.token_hex(16), project.id, name or "Default")
        key.rate_limit = self._rate_limit(rate_limit)
        self._key_fields(key, is_active, browser_sdk_version, loader_options)
        self.keys[key.public] = key
        return key

    def project_keys(self, project: Project, status: str | None = None) -> list[ClientKey]:
        keys = [k for k in self.keys.values() if k.project_id == project.id]
        if status in ("active", "inactive"):
            keys = [k for k in keys if k.is_active == (status == "active")]
        return sorted(keys, key=lambda k: k.created)

    def key(self, project: Project, key_id: str) -> ClientKey:
        key = self.keys.get(key_id)
        if key is None or key.project_id != project.id:
            raise NotFound()
        return key

    def update_key(
        self,
        project: Project,
        key_id: str,
        *,
        name: str | None = None,
        rate_limit: Any = UNSET,
        is_active: bool | None = None,
        browser_sdk_version: str | None = None,
        loader_options: dict[str, bool] | None = None,
    ) -> ClientKey:
        key = self.key(project, key_id)
        if rate_limit is not UNSET:
            key.rate_limit = self._rate_limit(rate_limit)
        if name:
            key.name = name
        return self._key_fields(key, is_active, browser_sdk_version, loader_options)

    @staticmethod
    def _key_fields(
        key: ClientKey, is_active: bool | None, version: str | None, loader: dict[str, bool] | None
    ) -> ClientKey:
        if is_active is not None:
            key.is_active = is_active
        if version is not None:
            key.browser_sdk_version = version
        if loader is not None:
            key.loader_options = dataclasses.replace(key.loader_options, **loader)
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
            found = [d for d in found if d.type == kind]
        return found

    def create_detector(
        self, project: Project, *, type: str, name: str, workflow_ids: list[str] | None = None, **fields: Any
    ) -> Detector:
        """``fields``: description, enabled, owner, config, condition_group, data_sources."""
        if type in SYSTEM_DETECTORS:
            raise Invalid({"type": [f"Monitors of type {type} cannot be created manually."]})
        self._check_workflows(workflow_ids)
        detector = Detector(self.new_id(), project.id, str(type), str(name), **copy.deepcopy(fields))
        self._condition_ids(detector, None)
        detector.source_ids = [self.new_id() for _ in detector.data_sources]
        self.detectors[detector.id] = detector
        self._link_workflows(detector, workflow_ids)
        return detector

    def update_detector(
        self, ref: str, *, type: Any = UNSET, workflow_ids: list[str] | None = None, **fields: Any
    ) -> Detector:
        """A partial update: the fields given replace theirs (the responses validated the merge)."""
        detector = self.detector(ref)
        if type is not UNSET and type != detector.type:
            raise Invalid({"type": ["A monitor's type cannot be changed."]})
        self._check_workflows(workflow_ids)
        previous = copy.deepcopy(detector.condition_group)
        for name, value in copy.deepcopy(fields).items():
            setattr(detector, name, value)
        self._condition_ids(detector, previous)
        if len(detector.data_sources) != len(detector.source_ids):
            detector.source_ids = [self.new_id() for _ in detector.data_sources]
        detector.name, detector.updated = str(detector.name), timestamp()
        self._link_workflows(detector, workflow_ids)
        return detector

    def _condition_ids(self, detector: Detector, previous: dict[str, Any] | None) -> None:
        """Conditions keep the ids sent back and get new ones otherwise (Sentry's upsert)."""
        group = detector.condition_group
        if not isinstance(group, dict):
            return
        old_group = previous or {}
        known = {str(c.get("id")) for c in old_group.get("conditions") or []}
        group["id"] = old_group.get("id") or str(self.new_id())
        for condition in group.get("conditions") or []:
            if str(condition.get("id")) not in known:
                condition["id"] = str(self.new_id())

    def _check_workflows(self, workflow_ids: list[str] | None) -> None:
        unknown = [i for i in workflow_ids or [] if whole(i) is None or int(i) not in self.workflows]
        if unknown:
            raise Invalid({"workflow_ids": [f"Alert {unknown[0]} does not exist"]})

    def _link_workflows(self, detector: Detector, workflow_ids: list[str] | None) -> None:
        if workflow_ids is None:
            return
        wanted = set(workflow_ids)
        for workflow in self.workflows.values():
            ids = [str(i) for i in workflow.detector_ids]
            linked = str(detector.id) in ids
            if str(workflow.id) in wanted and not linked:
                workflow.detector_ids = [*ids, str(detector.id)]
            elif str(workflow.id) not in wanted and linked:
                workflow.detector_ids = [i for i in ids if i != str(detector.id)]

    def detector_workflows(self, detector: Detector) -> list[str]:
        return [
            str(w.id)
            for w in sorted(self.workflows.values(), key=lambda w: w.id)
            if str(detector.id) in [str(i) for i in w.detector_ids]
        ]

    def delete_detector(self, ref: str) -> None:
        detector = self.detector(ref)
        if detector.type in SYSTEM_DETECTORS:
            raise Invalid({"detail": ["System-created monitors cannot be deleted."]})
        del self.detectors[detector.id]
        for workflow in self.workflows.values():
            workflow.detector_ids = [i for i in workflow.detector_ids if str(i) != str(detector.id)]

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
            found = [w for w in found if detectors & {str(i) for i in w.detector_ids}]
        if query:
            found = [w for w in found if query.lower() in w.name.lower()]
        return found

    def _assign_ids(self, workflow: Workflow, previous: Workflow | None) -> int:
        """Sub-objects sent with an id they had keep it; the rest are created. Returns how many
        were created (on an update that is churn: Sentry deleted and re-made them)."""
        known: set[str] = set()
        for group in _groups(previous) if previous else []:
            known.add(str(group.get("id")))
            known.update(str(item.get("id")) for item in _items(group))
        created = 0
        for group in _groups(workflow):
            for item in [group, *_items(group)]:
                if not (item.get("id") and str(item["id"]) in known):
                    item["id"] = str(self.new_id())
                    created += 1
        return created

    @staticmethod
    def _workflow(workflow: Workflow, fields: dict[str, Any]) -> Workflow:
        """Every field of a full write: the ones given, the defaults for the rest."""
        fresh = Workflow(workflow.id, str(fields.get("name", workflow.name)))
        for name, value in copy.deepcopy(fields).items():
            setattr(fresh, name, value)
        fresh.detector_ids = [str(i) for i in fresh.detector_ids]
        for action_filter in fresh.action_filters:
            for action in action_filter.get("actions") or []:
                action.setdefault("status", "active")
        return fresh

    def create_workflow(self, *, name: str, **fields: Any) -> Workflow:
        """``fields``: enabled, environment, config, detector_ids, triggers, action_filters, owner."""
        workflow = self._workflow(Workflow(self.new_id(), name), fields)
        self._assign_ids(workflow, None)
        self.workflows[workflow.id] = workflow
        return workflow

    def update_workflow(self, ref: str, *, name: str, **fields: Any) -> Workflow:
        """PUT replaces the workflow: fields left out get their defaults."""
        old = self.workflow(ref)
        workflow = self._workflow(old, {**fields, "name": name})
        workflow.recreated_subobjects = old.recreated_subobjects + self._assign_ids(workflow, old)
        workflow.created, workflow.updated = old.created, timestamp()
        self.workflows[workflow.id] = workflow
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

    def create_dashboard(self, *, title: str, **fields: Any) -> Dashboard:
        """``fields``: widgets, projects, environment, period, filters."""
        if any(d.title == title for d in self.dashboards.values()):
            raise Invalid({"title": ["Dashboard with that title already exists."]})
        dashboard = Dashboard(self.new_id(), title, **copy.deepcopy(fields))
        self._widget_ids(dashboard, [])
        self.dashboards[dashboard.id] = dashboard
        return dashboard

    def update_dashboard(self, ref: str, **fields: Any) -> Dashboard:
        """PUT replaces the widget list: widgets sent with their id are kept, others created."""
        dashboard = self.dashboard(ref)
        title = fields.get("title", dashboard.title)
        if any(d.title == title and d.id != dashboard.id for d in self.dashboards.values()):
            raise Invalid({"title": ["Dashboard with that title already exists."]})
        previous = dashboard.widgets
        for name, value in copy.deepcopy(fields).items():
            setattr(dashboard, name, value)
        self._widget_ids(dashboard, previous)
        return dashboard

    def _widget_ids(self, dashboard: Dashboard, previous: list[dict[str, Any]]) -> None:
        known: set[str] = set()
        for widget in previous:
            known.add(str(widget.get("id")))
            known.update(str(q.get("id")) for q in widget.get("queries") or [])
        for widget in dashboard.widgets:
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


def _integer(value: Any) -> bool:
    """DRF's IntegerField takes whole numbers; a boolean is not one."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _system_name(kind: str) -> str:
    return {"error": "Error Monitor", "issue_stream": "Issue Stream"}.get(kind, kind)


def _groups(workflow: Workflow) -> list[dict[str, Any]]:
    triggers = workflow.triggers
    return [*([triggers] if isinstance(triggers, dict) and triggers else []), *workflow.action_filters]


def _items(group: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(group.get("conditions") or []), *(group.get("actions") or [])]

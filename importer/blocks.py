"""Each live object as the block that declares it exactly, or the reason no block can.

A candidate's ``entry`` is the block's fields as the environment's YAML holds them (stack units:
``every: 5m``, names instead of ids); only fields that differ from the block's defaults are kept.
The values are chosen so that the program's inputs equal what the provider reads back from the live
object (the provider's own ``from_wire``), so the next `up` adopts the object by its natural key
(core/provider.py ``create``) and finds nothing to update. Whatever a block cannot say is a
``Loss``: what the live object has, and what the next `up` does about it (overwrites it, or keeps it
unmanaged); such a candidate is imported only with ``--lossy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.importer.live import Doc, LiveAccounts
from vigil.importer.owners import Key

# The kinds `--select KIND:NAME` takes, with the YAML list each goes to (the generated code reads it).
KINDS = (
    "contact",
    "integration",
    "monitor",
    "status-page",
    "window",
    "team",
    "project",
    "alert",
    "metric-monitor",
    "dashboard",
    "channel",
)


@dataclass(frozen=True)
class EnvRef:
    """A secret as the YAML writes it: ``{env: NAME}``; ``what`` says what to set NAME to."""

    name: str
    what: str


@dataclass(frozen=True)
class Loss:
    field: str
    live: str  # what the live object has (never a secret's value)
    effect: str  # what the next `up` does: "overwritten with …" or "kept as is, not managed"

    def __str__(self) -> str:
        return f"{self.field}: {self.live} — the next `up` {self.effect}"


@dataclass
class Candidate:
    kind: str  # one of KINDS
    name: str  # the block's name (the live object's name, kept)
    block: str  # the block type, e.g. HttpMonitor
    section: str  # the YAML list under `imported:`
    entry: dict[str, Any]
    objects: tuple[Key, ...]  # every live object the block adopts (a project and its keys …)
    needs: tuple[Key, ...] = ()  # live objects it refers to (its contacts, its team …)
    losses: list[Loss] = field(default_factory=list)
    refusal: str | None = None  # why no block can declare it (never imported)
    live_projects: frozenset[str] = frozenset()  # a dashboard's projects (checked against the stack's)

    @property
    def key(self) -> Key:
        return self.objects[0]

    @property
    def refs(self) -> list[EnvRef]:
        found: list[EnvRef] = []

        def walk(value: Any) -> None:
            if isinstance(value, EnvRef):
                found.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    walk(item)

        walk(self.entry)
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "block": self.block,
            "ids": [{"type": t, "id": i} for t, i in self.objects],
            "losses": [{"field": x.field, "live": x.live, "effect": x.effect} for x in self.losses],
            "refused": self.refusal,
            "variables": [{"name": r.name, "set_to": r.what} for r in self.refs],
        }


def ident(text: str) -> str:
    """An environment-variable-safe upper-case identifier: 'Backend API' → 'BACKEND_API'."""
    return re.sub(r"[^A-Z0-9]+", "_", str(text).upper()).strip("_") or "X"


def duration(total_seconds: float) -> str:
    """Seconds as a stack writes them, exactly: 300 → '5m', 90 → '90s', 1.5 → '1500ms'."""
    if total_seconds != int(total_seconds):
        return f"{round(total_seconds * 1000)}ms"
    whole = int(total_seconds)
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if whole and whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{whole}s"


# --- what every mapper knows about the accounts ---------------------------------------------------
@dataclass
class Names:
    """Live ids → the names blocks refer to them by (objects this stack owns, or may import)."""

    contacts: dict[str, str] = field(default_factory=dict)  # contact or integration id → block name
    monitors: dict[str, str] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)  # team id → slug
    projects: dict[str, str] = field(default_factory=dict)  # project id → slug
    project_team: dict[str, str] = field(default_factory=dict)  # project id → its team's slug
    team_ids: dict[str, str] = field(default_factory=dict)  # team slug → id
    foreign: dict[Key, str] = field(default_factory=dict)  # owned by another stack → that stack
    references: dict[Key, Candidate] = field(default_factory=dict)  # what a stack may refer to read only


def names_of(live: LiveAccounts, foreign: dict[Key, str]) -> Names:
    names = Names(foreign=foreign)

    def usable(kind: str, object_id: Any) -> bool:
        return (kind, str(object_id)) not in foreign

    for doc in live.contacts:
        names.contacts[str(doc["id"])] = str(doc.get("friendlyName"))
        if not usable("uptimerobot:AlertContact", doc["id"]):
            _reference(names, contact_candidate(doc))
    for doc in live.integrations:
        if usable("uptimerobot:Integration", doc["id"]):
            names.contacts[str(doc["id"])] = str(doc.get("friendlyName"))
    for doc in live.monitors:
        if usable("uptimerobot:Monitor", doc["id"]):
            names.monitors[str(doc["id"])] = str(doc.get("friendlyName"))
    for doc in live.teams:
        names.team_ids[str(doc.get("slug"))] = str(doc["id"])
        names.teams[str(doc["id"])] = str(doc.get("slug"))
        if not usable("sentry:Team", doc["id"]):
            _reference(names, team_candidate(doc))
    for doc in live.projects:
        if usable("sentry:Project", doc["id"]):
            names.projects[str(doc["id"])] = str(doc.get("slug"))
        teams = [t for t in doc.get("teams") or [] if isinstance(t, dict)]
        if teams:
            names.project_team[str(doc["id"])] = str(teams[0].get("slug"))
    return names


def _reference(names: Names, candidate: Candidate) -> None:
    """Another stack's object, declared here read only (``reference: true``) when an import needs it."""
    if candidate.refusal is None and candidate.block in ("EmailContact", "SentryTeam"):
        candidate.entry = {**candidate.entry, "reference": True}
        candidate.losses = []
        names.references[candidate.key] = candidate


def _owner_text(names: Names, key: Key) -> str:
    stack = names.foreign.get(key)
    return f"owned by stack '{stack}'" if stack else "not importable"


def _drop_defaults(entry: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in defaults or defaults[k] != v}


# --- Uptime Robot -----------------------------------------------------------------------------------
_MONITOR_BLOCKS = {
    "http": ("HttpMonitor", "http_monitors"),
    "keyword": ("KeywordMonitor", "keyword_monitors"),
    "ping": ("PingMonitor", "ping_monitors"),
    "port": ("PortMonitor", "port_monitors"),
    "heartbeat": ("HeartbeatMonitor", "heartbeat_monitors"),
}


def _block_defaults(block: str) -> dict[str, Any]:
    import dataclasses

    from vigil import spec

    kind = getattr(spec, block)
    found: dict[str, Any] = {}
    for item in dataclasses.fields(kind):
        if item.default is not dataclasses.MISSING:
            value = item.default
            found[item.name.rstrip("_")] = list(value) if isinstance(value, tuple) else value
    return found


def monitor_candidate(doc: Doc, names: Names) -> Candidate:
    from vigil.monitors.monitor import from_wire

    live = from_wire(doc)
    kind = str(live.get("type"))
    name = str(live.get("name"))
    key: Key = ("uptimerobot:Monitor", str(doc["id"]))
    if kind not in _MONITOR_BLOCKS:
        return Candidate(
            "monitor", name, "-", "", {}, (key,), refusal=f"vigil has no block for {kind} monitors"
        )
    block, section = _MONITOR_BLOCKS[kind]
    losses: list[Loss] = []
    entry: dict[str, Any] = {"name": name, "every": duration(int(live["interval"]))}
    contacts = live.get("alert_contacts") or []
    alert: list[str] = []
    needs: list[Key] = []
    for contact in contacts:
        contact_id = str(contact["contact_id"])
        key_of = _contact_key(contact_id, names)
        if contact_id in names.contacts and (key_of not in names.foreign or key_of in names.references):
            alert.append(names.contacts[contact_id])
            needs.append(key_of)
        else:
            owner = _owner_text(names, key_of)
            losses.append(Loss("alert", f"alerts contact {contact_id} ({owner})", "stops alerting it"))
    if contacts:
        first = contacts[0]
        entry["alert_after"] = duration(int(first["threshold"]) * 60)
        entry["repeat_every"] = duration(int(first["recurrence"]) * 60)
        if any(
            (c["threshold"], c["recurrence"]) != (first["threshold"], first["recurrence"]) for c in contacts
        ):
            losses.append(
                Loss(
                    "alert_after",
                    "contacts with different thresholds or repeats",
                    f"overwrites every contact's with the first one's ({entry['alert_after']}, "
                    f"repeat {entry['repeat_every']})",
                )
            )
    entry["alert"] = sorted(set(alert), key=alert.index)
    if live.get("tags"):
        entry["tags"] = list(live["tags"])
    if kind in ("http", "keyword"):
        url = str(live.get("url") or "")
        entry["url"] = _maybe_secret_url(name, url)
        entry["timeout"] = duration(int(live.get("timeout") or 30))
        entry["method"] = str(live.get("http_method") or "HEAD")
        entry["expect_status"] = list(live.get("success_codes") or [])
        headers = dict(doc.get("customHttpHeaders") or {})
        if headers:
            entry["headers"] = {k: _maybe_secret_header(name, k, v) for k, v in headers.items()}
        entry["follow_redirects"] = bool(live.get("follow_redirects"))
        entry["check_ssl_errors"] = bool(live.get("check_ssl_errors"))
        entry["ssl_expiry_reminder"] = bool(live.get("ssl_expiration_reminder"))
        entry["domain_expiry_reminder"] = bool(live.get("domain_expiration_reminder"))
        if live.get("body") not in (None, "", {}):
            losses.append(Loss("body", "a request body", "keeps it as is (vigil's blocks do not manage it)"))
        if doc.get("httpUsername"):
            losses.append(Loss("http_auth", "HTTP authentication", "keeps it as is (not managed)"))
    if kind == "keyword":
        entry["keyword"] = str(live.get("keyword") or "")
        entry["alert_when"] = "missing" if live.get("keyword_type") == "not_exists" else "present"
        entry["case_sensitive"] = bool(live.get("keyword_case_sensitive"))
    if kind in ("ping", "port"):
        entry["host"] = str(live.get("url") or "")
    if kind == "port":
        entry["port"] = int(live.get("port") or 0)
        entry["timeout"] = duration(int(live.get("timeout") or 30))
    if kind == "heartbeat":
        entry["grace"] = duration(int(live.get("grace_period") or 0))
    if str(doc.get("status", "")).upper() == "PAUSED":
        losses.append(Loss("status", "paused", "keeps it paused (vigil does not manage pausing)"))
    entry = _drop_defaults(entry, _block_defaults(block))
    entry.setdefault("name", name)
    candidate = Candidate("monitor", name, block, section, entry, (key,), tuple(needs), losses)
    candidate.losses.extend(_monitor_mismatches(doc, candidate, names))
    return candidate


def _contact_key(contact_id: str, names: Names) -> Key:
    for kind in ("uptimerobot:AlertContact", "uptimerobot:Integration"):
        if (kind, contact_id) in names.foreign:
            return (kind, contact_id)
    return ("uptimerobot:Contact", contact_id)  # resolved to its real type by the plan


def _maybe_secret_url(name: str, url: str) -> Any:
    from vigil.spec.secrets import secret_in_url

    if secret_in_url(url):
        return EnvRef(f"{ident(name)}_URL", f"the URL of monitor '{name}' (it holds a credential)")
    return url


def _maybe_secret_header(name: str, header: str, value: Any) -> Any:
    from vigil.spec.secrets import secret_in_header

    if secret_in_header(header, value):
        return EnvRef(f"{ident(name)}_{ident(header)}", f"the value of header '{header}' of monitor '{name}'")
    return str(value)


def _monitor_mismatches(doc: Doc, candidate: Candidate, names: Names) -> list[Loss]:
    """What the program would send that the live monitor does not have (a check of the mapping,
    with the real code path: components.uptime.monitor_args and the provider's comparison)."""
    from vigil.components.uptime import monitor_args
    from vigil.core.inputs import managed
    from vigil.monitors.monitor import MonitorProvider

    block = build_block(candidate, secrets=_live_secret_values(doc, candidate))
    if block is None:
        return []
    ids = {name: contact_id for contact_id, name in names.contacts.items()}
    args = monitor_args(block, ids)  # type: ignore[arg-type]
    provider = MonitorProvider()
    fields = provider.normalise(managed(dict(vars(args))))
    live = provider.from_wire(doc, fields)
    wanted = provider.settled_fields(fields)
    found = []
    hidden = {"url", "headers"} if candidate.refs else set()  # values that hold a credential
    for key, value in wanted.items():
        if key in live and live[key] != value and key != "alert_contacts":
            shown, wants = (
                ("(hidden)", "the referenced value") if key in hidden else (f"{live[key]!r}", f"{value!r}")
            )
            found.append(Loss(key, shown, f"overwrites it with {wants}"))
    return found


def _live_secret_values(doc: Doc, candidate: Candidate) -> dict[str, str]:
    values: dict[str, str] = {}
    url = candidate.entry.get("url")
    if isinstance(url, EnvRef):
        values[url.name] = str(doc.get("url"))
    for header, value in (candidate.entry.get("headers") or {}).items():
        if isinstance(value, EnvRef):
            values[value.name] = str((doc.get("customHttpHeaders") or {}).get(header))
    return values


def build_block(candidate: Candidate, secrets: dict[str, str] | None = None) -> Any:
    """The block an entry declares (secrets as their live values: for comparisons only)."""
    from vigil import spec

    kind = getattr(spec, candidate.block, None)
    if kind is None:
        return None
    args: dict[str, Any] = {}
    for key, value in candidate.entry.items():
        name = "for_" if key == "for" else key
        if isinstance(value, EnvRef):
            value = (secrets or {}).get(value.name, "")
        if key == "headers":
            value = tuple(
                (k, (secrets or {}).get(v.name, "") if isinstance(v, EnvRef) else v) for k, v in value.items()
            )
        elif isinstance(value, list):
            value = tuple(value)
        args[name] = value
    return kind(**args)


def contact_candidate(doc: Doc) -> Candidate:
    name = str(doc.get("friendlyName") or "").strip()
    key: Key = ("uptimerobot:AlertContact", str(doc["id"]))
    kind = str(doc.get("type", "")).lower()
    if kind != "email":
        return Candidate(
            "contact",
            name,
            "-",
            "",
            {},
            (key,),
            refusal=f"{kind or 'this'} contacts are not created by the API",
        )
    losses: list[Loss] = []
    notify = _notify_on(doc.get("enableNotificationsFor"), losses)
    entry = {"name": name, "email": str(doc.get("value") or "").strip(), "notify_on": notify}
    entry = _drop_defaults(entry, {"notify_on": "down-and-up"})
    return Candidate("contact", name, "EmailContact", "email_contacts", entry, (key,), (), losses)


_NOTIFY = {"UpAndDown": "down-and-up", "Down": "down", "Up": "up"}


def _notify_on(value: Any, losses: list[Loss]) -> str:
    from vigil.monitors.alert_contact import _notify

    normal = _notify(value) if value is not None else "UpAndDown"
    if normal not in _NOTIFY:
        losses.append(Loss("notify_on", f"{value!r}", "overwrites it with down-and-up"))
        return "down-and-up"
    return _NOTIFY[normal]


def integration_candidate(doc: Doc, first_slack: bool) -> Candidate:
    name = str(doc.get("friendlyName") or "").strip()
    key: Key = ("uptimerobot:Integration", str(doc["id"]))
    if str(doc.get("type", "")).lower() != "slack":
        return Candidate(
            "integration", name, "-", "", {}, (key,),
            refusal=f"vigil's blocks declare Slack integrations only, not {doc.get('type')}",
        )  # fmt: skip
    losses: list[Loss] = []
    variable = "SLACK_WEBHOOK_URL" if first_slack else f"SLACK_WEBHOOK_URL_{ident(name)}"
    channel = str(doc.get("customValue") or "").strip()
    if not channel:
        losses.append(Loss("channel", "no channel", "sets #incidents"))
        channel = "#incidents"
    channel = channel if channel.startswith("#") else "#" + channel
    entry = {
        "name": name,
        "url": EnvRef(variable, f"the webhook URL of Uptime Robot's Slack integration '{name}'"),
        "channel": channel,
        "notify_on": _notify_on(doc.get("enableNotificationsFor"), losses),
    }
    return Candidate(
        "integration", name, "SlackWebhook", "slack_webhooks",
        _drop_defaults(entry, {"channel": "#incidents", "notify_on": "down-and-up"}), (key,), (), losses,
    )  # fmt: skip


_UPTIMEROBOT_HOME = "https://uptimerobot.com"  # a page's homepage link until one is set (reference §psps)


def status_page_candidate(doc: Doc, names: Names) -> Candidate:
    from vigil.core.fields import as_bool

    name = str(doc.get("friendlyName") or "").strip()
    key: Key = ("uptimerobot:StatusPage", str(doc["id"]))
    losses: list[Loss] = []
    ids = [str(i) for i in doc.get("monitorIds") or []]
    monitors, needs = _monitor_names(ids, names, losses, "monitors")
    if ids == ["0"]:
        losses.append(Loss("monitors", "every monitor, now and later", "lists the stack's monitors instead"))
        monitors, needs = [], []
    entry: dict[str, Any] = {"name": name, "monitors": monitors}
    if doc.get("customDomain"):
        entry["domain"] = str(doc["customDomain"]).strip().lower()
    if as_bool(doc.get("isPasswordSet")):
        entry["password"] = EnvRef(
            f"STATUS_PAGE_PASSWORD_{ident(name)}", f"the password of status page '{name}'"
        )
    entry["hide_branding"] = bool(as_bool(doc.get("hideUrlLinks")))
    entry["search_engines"] = not as_bool(doc.get("noIndex"))
    for wire, what in (("homepageLink", "homepage link"), ("gaCode", "Google Analytics code")):
        if doc.get(wire) and doc.get(wire) != _UPTIMEROBOT_HOME:
            losses.append(Loss(wire, f"a {what}", "keeps it as is (not managed)"))
    if as_bool(doc.get("subscription")):
        losses.append(Loss("subscription", "subscriptions on", "keeps them as is (not managed)"))
    if str(doc.get("status") or "").upper() == "PAUSED":
        losses.append(Loss("status", "paused", "keeps it paused (not managed)"))
    entry = _drop_defaults(entry, {"hide_branding": False, "search_engines": True})
    return Candidate("status-page", name, "StatusPage", "status_pages", entry, (key,), tuple(needs), losses)


def _monitor_names(
    ids: Iterable[str], names: Names, losses: list[Loss], field_name: str
) -> tuple[list[str], list[Key]]:
    found: list[str] = []
    needs: list[Key] = []
    for monitor_id in ids:
        if monitor_id == "0":
            continue
        if monitor_id in names.monitors:
            found.append(names.monitors[monitor_id])
            needs.append(("uptimerobot:Monitor", monitor_id))
        else:
            owner = _owner_text(names, ("uptimerobot:Monitor", monitor_id))
            losses.append(Loss(field_name, f"monitor {monitor_id} ({owner})", "leaves it out"))
    return found, needs


def window_candidate(doc: Doc, names: Names) -> Candidate:
    name = str(doc.get("name") or "").strip()
    key: Key = ("uptimerobot:MaintenanceWindow", str(doc["id"]))
    losses: list[Loss] = []
    repeat = str(doc.get("interval") or "").lower()
    if repeat not in ("once", "daily", "weekly", "monthly"):
        return Candidate("window", name, "-", "", {}, (key,), refusal=f"a '{repeat}' window has no block")
    clock = str(doc.get("time") or "00:00:00")
    clock = clock[:5] if clock.endswith(":00") and clock.count(":") == 2 else clock
    start = f"{doc.get('date')} {clock}" if repeat == "once" else clock
    monitors, needs = _monitor_names([str(i) for i in doc.get("monitorIds") or []], names, losses, "monitors")
    entry: dict[str, Any] = {
        "name": name,
        "repeat": repeat,
        "start": start,
        "duration": duration(int(doc.get("duration") or 0) * 60),
        "days": [int(d) for d in doc.get("days") or []],
        "monitors": monitors,
    }
    if str(doc.get("status") or "").lower() == "paused":
        losses.append(Loss("status", "paused", "keeps it paused (not managed)"))
    entry = _drop_defaults(entry, {"duration": "1h", "days": []})
    return Candidate(
        "window", name, "MaintenanceWindow", "maintenance_windows", entry, (key,), tuple(needs), losses
    )


# --- Sentry -----------------------------------------------------------------------------------------
def team_candidate(doc: Doc) -> Candidate:
    slug = str(doc.get("slug"))
    entry: dict[str, Any] = {"slug": slug}
    if doc.get("name") and str(doc["name"]).strip() != slug:
        entry["name"] = str(doc["name"]).strip()
    return Candidate("team", slug, "SentryTeam", "sentry_teams", entry, (("sentry:Team", str(doc["id"])),))


def project_candidate(doc: Doc, keys: list[Doc], names: Names) -> Candidate:
    from vigil.alerts.client_key import DEFAULT_NAME, SENTRY_DEFAULT_NAME, format_rate, key_reference

    slug = str(doc.get("slug"))
    project_id = str(doc["id"])
    key: Key = ("sentry:Project", project_id)
    team = names.project_team.get(project_id)
    if team is None:
        return Candidate("project", slug, "-", "", {}, (key,), refusal="the project belongs to no team")
    losses: list[Loss] = []
    entry: dict[str, Any] = {"slug": slug, "platform": doc.get("platform") or "other", "team": team}
    if not doc.get("platform"):
        losses.append(Loss("platform", "none", "sets 'other'"))
    if doc.get("name") and str(doc["name"]).strip() != slug:
        entry["name"] = str(doc["name"]).strip()
    key_names: list[str] = []
    objects: list[Key] = [key]
    rates: set[str | None] = set()
    for client_key in keys:
        label = str(client_key.get("name") or client_key.get("label") or "")
        label = DEFAULT_NAME if label == SENTRY_DEFAULT_NAME else label
        if label in key_names:
            losses.append(Loss("keys", f"a second key named '{label}'", "keeps it as is (not managed)"))
            continue
        key_names.append(label)
        objects.append(("sentry:ClientKey", key_reference(project_id, str(client_key["id"]))))
        rate = client_key.get("rateLimit")
        rates.add(format_rate(rate) if isinstance(rate, dict) and rate.get("count") is not None else None)
    entry["keys"] = key_names
    if len(rates) == 1 and None not in rates:
        entry["key_rate_limit"] = next(iter(rates))
    elif len(rates) > 1:
        losses.append(
            Loss("key_rate_limit", "keys with different rate limits", "keeps them as is (not managed)")
        )
    team_key: Key = ("sentry:Team", names.team_ids.get(team, ""))
    if team_key in names.foreign and team_key not in names.references:
        losses.append(
            Loss("team", f"team '{team}' ({_owner_text(names, team_key)})", "cannot declare the team")
        )
    entry = _drop_defaults(entry, {"keys": ["default"]})
    return Candidate(
        "project", slug, "SentryProject", "sentry_projects", entry, tuple(objects), (team_key,), losses
    )


def _notify_targets(actions: list[dict[str, Any]], team_id: str | None, losses: list[Loss]) -> list[str]:
    from vigil.alerts.alert import actions_from_wire

    targets: list[str] = []
    for action in actions_from_wire(actions):
        if action.get("type") == "email" and action.get("team_id") and str(action["team_id"]) == team_id:
            targets.append("team")
        elif action.get("type") == "slack" and action.get("channel"):
            targets.append(str(action["channel"]))
        else:
            what = (
                (action.get("team_id") and "another team")
                or (action.get("user_id") and "a user")
                or action["type"]
            )
            losses.append(Loss("notify", f"notifies {what}", "stops that notification"))
    return sorted(set(targets), key=targets.index)


def _workflow_parts(doc: Doc) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    group = doc.get("triggers") if isinstance(doc.get("triggers"), dict) else {}
    triggers = [c for c in (group or {}).get("conditions") or [] if isinstance(c, dict)]
    filters = [f for f in doc.get("actionFilters") or [] if isinstance(f, dict)]
    conditions = [c for f in filters for c in f.get("conditions") or [] if isinstance(c, dict)]
    actions = [a for f in filters for a in f.get("actions") or [] if isinstance(a, dict)]
    return triggers, conditions, actions


def alert_candidate(doc: Doc, project_id: str, names: Names) -> Candidate:
    from vigil.alerts.alert import FREQUENCY_CONDITION

    name = str(doc.get("name") or "").strip()
    key: Key = ("sentry:Alert", str(doc["id"]))
    slug = names.projects.get(project_id)
    if slug is None:
        owner = _owner_text(names, ("sentry:Project", project_id))
        return Candidate("alert", name, "-", "", {}, (key,), refusal=f"its project {project_id} is {owner}")
    losses: list[Loss] = []
    triggers, conditions, actions = _workflow_parts(doc)
    kinds = [str(c.get("type")) for c in triggers]
    frequency = next((c for c in [*triggers, *conditions] if c.get("type") == FREQUENCY_CONDITION), None)
    for other in kinds:
        if other not in ("first_seen_event", "regression_event", FREQUENCY_CONDITION):
            losses.append(Loss("triggers", f"starts on {other}", "removes that trigger"))
    for condition in conditions:
        if condition.get("type") != FREQUENCY_CONDITION:
            losses.append(Loss("conditions", f"a filter {condition.get('type')}", "removes that filter"))
    entry: dict[str, Any] = {
        "name": name,
        "project": slug,
        "new_issue": "first_seen_event" in kinds,
        "regression": "regression_event" in kinds,
    }
    comparison = frequency.get("comparison") if frequency else None
    if isinstance(comparison, dict) and comparison.get("value") is not None:
        entry["events_above"] = int(comparison["value"])
        entry["per"] = str(comparison.get("interval") or "1m")
    else:
        entry["events_above"] = None
    team = names.project_team.get(project_id)
    entry["notify"] = _notify_targets(actions, names.team_ids.get(team or ""), losses)
    minutes = int(((doc.get("config") or {}).get("frequency")) or 0)
    entry["frequency"] = duration(minutes * 60)
    if doc.get("environment"):
        entry["environment"] = str(doc["environment"])
    if doc.get("enabled") is False:
        losses.append(Loss("enabled", "disabled", "enables it"))
    if not entry["notify"]:
        return Candidate("alert", name, "-", "", {}, (key,), refusal="it notifies no team or Slack channel")
    if not entry["new_issue"] and not entry["regression"] and entry["events_above"] is None:
        return Candidate("alert", name, "-", "", {}, (key,), refusal="nothing vigil declares starts it")
    entry = _drop_defaults(
        entry, {"new_issue": True, "regression": False, "events_above": 10, "per": "1m", "frequency": "30m"}
    )
    entry["name"], entry["project"] = name, slug
    needs: tuple[Key, ...] = (("sentry:Project", project_id),)
    return Candidate("alert", name, "ErrorAlert", "error_alerts", entry, (key,), needs, losses)


def latency_candidate(doc: Doc, workflow: Doc | None, names: Names) -> Candidate:
    from vigil.alerts.metric_monitor import MetricMonitorProvider

    name = str(doc.get("name") or "").strip()
    key: Key = ("sentry:MetricMonitor", str(doc["id"]))
    project_id = str(doc.get("projectId"))
    live = MetricMonitorProvider().from_wire(doc, {})
    slug = names.projects.get(project_id)
    if slug is None:
        owner = _owner_text(names, ("sentry:Project", project_id))
        return Candidate("metric-monitor", name, "-", "", {}, (key,), refusal=f"its project is {owner}")
    if live.get("aggregate") != "p95(span.duration)" or live.get("dataset") != "events_analytics_platform":
        return Candidate(
            "metric-monitor", name, "-", "", {}, (key,),
            refusal=f"vigil declares p95 latency monitors on spans only, not {live.get('aggregate')}",
        )  # fmt: skip
    losses: list[Loss] = []
    team = names.project_team.get(project_id)
    team_id = names.team_ids.get(team or "")
    if live.get("priority") != "high":
        losses.append(Loss("priority", str(live.get("priority")), "overwrites it with high"))
    if live.get("above") is False:
        losses.append(Loss("above", "alerts below the threshold", "alerts above it"))
    if live.get("resolve_threshold") is not None:
        losses.append(Loss("resolve_threshold", str(live["resolve_threshold"]), "resolves at the threshold"))
    if str(live.get("owner_team_id") or "") != str(team_id or ""):
        losses.append(Loss("owner", "another owner", f"makes team '{team}' the owner"))
    entry: dict[str, Any] = {
        "name": name,
        "project": slug,
        "p95_over": duration(float(live.get("threshold") or 0) / 1000),
        "for": duration(int(live.get("time_window") or 300)),
        "query": str(live.get("query") or ""),
    }
    if live.get("environment"):
        entry["environment"] = str(live["environment"])
    objects: list[Key] = [key]
    if workflow is None:
        losses.append(Loss("alert", f"no alert named '{name} alert'", f"creates the alert '{name} alert'"))
        entry["notify"] = ["team"]
    else:
        objects.append(("sentry:Alert", str(workflow["id"])))
        _, _, actions = _workflow_parts(workflow)
        entry["notify"] = _notify_targets(actions, team_id, losses)
        minutes = int(((workflow.get("config") or {}).get("frequency")) or 0)
        if minutes != 30:
            losses.append(Loss("alert frequency", f"{minutes} minutes", "overwrites it with 30 minutes"))
        if (workflow.get("environment") or None) != (live.get("environment") or None):
            losses.append(Loss("alert environment", str(workflow.get("environment")), "uses the monitor's"))
        if workflow.get("enabled") is False:
            losses.append(Loss("alert enabled", "disabled", "enables it"))
    entry = _drop_defaults(
        entry, {"p95_over": "1s", "for": "5m", "query": "is_transaction:true", "notify": ["team"]}
    )
    entry["name"], entry["project"] = name, slug
    needs: tuple[Key, ...] = (("sentry:Project", project_id),)
    return Candidate(
        "metric-monitor", name, "LatencyMonitor", "latency_monitors", entry, tuple(objects), needs, losses
    )


def dashboard_candidate(doc: Doc) -> Candidate:
    from vigil.alerts.dashboard import DashboardProvider

    title = str(doc.get("title") or "").strip()
    key: Key = ("sentry:Dashboard", str(doc["id"]))
    live = DashboardProvider().from_wire(doc, {})
    losses: list[Loss] = []
    widgets = []
    for widget in live.get("widgets") or []:
        item = {k: widget[k] for k in ("title", "query", "aggregate", "display", "dataset")}
        widgets.append(
            _drop_defaults(
                item, {"query": "", "aggregate": "count()", "display": "line", "dataset": "error-events"}
            )
        )
    for raw in doc.get("widgets") or []:
        queries = [q for q in (raw or {}).get("queries") or [] if isinstance(q, dict)]
        if len(queries) > 1 or (queries and len(queries[0].get("aggregates") or []) > 1):
            losses.append(
                Loss("widgets", f"widget '{raw.get('title')}' has several queries", "keeps the first")
            )
    entry: dict[str, Any] = {"title": title, "widgets": widgets, "period": str(live.get("period") or "24h")}
    entry = _drop_defaults(entry, {"period": "24h"})
    projects = frozenset(str(p) for p in doc.get("projects") or [])
    return Candidate("dashboard", title, "Dashboard", "dashboards", entry, (key,), (), losses, None, projects)


# --- Slack ------------------------------------------------------------------------------------------
def channel_candidate(doc: Doc) -> Candidate:
    name = str(doc.get("name") or "")
    entry: dict[str, Any] = {"name": name}
    purpose = ((doc.get("purpose") or {}).get("value")) or ""
    if purpose:
        entry["purpose"] = purpose
    return Candidate(
        "channel", name, "SlackChannel", "slack_channel", entry, (("slack:SlackChannel", str(doc["id"])),)
    )

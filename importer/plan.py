"""The import plan: every live object no stack owns, as the block it becomes, and what is chosen.

``offer`` maps the accounts to candidates (objects this environment or another stack owns are never
offered); ``choose`` narrows them by ``--select`` patterns (``monitor:API*``, ``project:backend``,
or a bare name pattern for any kind), adds what the chosen ones refer to (a monitor's contacts, a
project's team), and checks what holds only for the whole selection (a stack has one incidents
channel; a dashboard shows every project of the stack; block names stay unique).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.importer import blocks
from vigil.importer.blocks import Candidate, Loss
from vigil.importer.live import LiveAccounts
from vigil.importer.owners import Key
from vigil.spec.outputs import resource_name
from vigil.spec.stack import Stack


@dataclass
class Plan:
    env: str
    offered: list[Candidate]  # importable or refused, in listing order
    chosen: list[Candidate] = field(default_factory=list)
    added: list[Candidate] = field(default_factory=list)  # chosen because a chosen one refers to them
    owned_elsewhere: int = 0  # live objects another stack owns (never offered)
    references: dict[Key, Candidate] = field(default_factory=dict)  # another stack's, read only if needed
    problems: list[str] = field(default_factory=list)  # selection-wide: nothing is imported while any

    @property
    def lossy(self) -> list[Candidate]:
        return [c for c in self.chosen if c.losses]

    def as_dict(self) -> dict[str, Any]:
        chosen = {id(c) for c in self.chosen}
        return {
            "env": self.env,
            "offered": [{**c.as_dict(), "chosen": id(c) in chosen} for c in self.offered],
            "chosen": len(self.chosen),
            "added_as_dependencies": [f"{c.kind}:{c.name}" for c in self.added],
            "references": [f"{c.kind}:{c.name}" for c in self.chosen if c.key in self.references],
            "lossy": [f"{c.kind}:{c.name}" for c in self.lossy],
            "owned_by_other_stacks": self.owned_elsewhere,
            "problems": list(self.problems),
            "variables": sorted({r.name for c in self.chosen for r in c.refs}),
        }


def offer(live: LiveAccounts, mine: set[Key], foreign: dict[Key, str], stack: Stack) -> Plan:
    """Candidates for every live object neither this stack nor another one owns."""
    names = blocks.names_of(live, foreign)
    found: list[Candidate] = []
    first_slack = not any(w for w in stack.slack_webhooks)
    for doc in live.contacts:
        found.append(blocks.contact_candidate(doc))
    for doc in live.integrations:
        candidate = blocks.integration_candidate(doc, first_slack)
        if candidate.block == "SlackWebhook" and (candidate.key not in mine and candidate.key not in foreign):
            first_slack = False
        found.append(candidate)
    found.extend(blocks.monitor_candidate(doc, names) for doc in live.monitors)
    found.extend(blocks.status_page_candidate(doc, names) for doc in live.status_pages)
    found.extend(blocks.window_candidate(doc, names) for doc in live.windows)
    found.extend(blocks.team_candidate(doc) for doc in live.teams)
    found.extend(
        blocks.project_candidate(doc, live.keys.get(str(doc["id"]), []), names) for doc in live.projects
    )
    found.extend(_sentry_alerts(live, names))
    found.extend(blocks.dashboard_candidate(doc) for doc in live.dashboards)
    found.extend(_channels(live, stack))
    contact_types = {str(d["id"]): "uptimerobot:AlertContact" for d in live.contacts}
    contact_types.update({str(d["id"]): "uptimerobot:Integration" for d in live.integrations})
    for candidate in found:
        candidate.needs = tuple(
            (contact_types.get(i, t), i) if t == "uptimerobot:Contact" else (t, i) for t, i in candidate.needs
        )
    names_taken = declared(stack)
    offered = [
        c
        for c in found
        if c.key not in mine
        and c.key not in foreign
        and (_family(c.block), resource_name("", c.name)) not in names_taken  # declared, adopted by `up`
    ]
    plan = Plan(stack.env, offered, references=names.references)
    plan.owned_elsewhere = sum(1 for c in found if c.key in foreign)
    for candidate in offered:  # a project's key owned elsewhere, a latency monitor's alert …
        taken = [o for o in candidate.objects[1:] if o in mine or o in foreign]
        if taken:
            candidate.refusal = f"part of it ({', '.join(f'{t} {i}' for t, i in taken)}) is owned by a stack"
    return plan


def _sentry_alerts(live: LiveAccounts, names: blocks.Names) -> list[Candidate]:
    monitors = {str(d["id"]): d for d in live.metric_monitors}
    paired: dict[str, Any] = {}
    found: list[Candidate] = []
    for workflow in live.workflows:
        detectors = [str(d) for d in workflow.get("detectorIds") or []]
        metric = [d for d in detectors if d in monitors]
        if metric and len(detectors) == 1:
            monitor = monitors[metric[0]]
            if workflow.get("name") == f"{monitor.get('name')} alert" and metric[0] not in paired:
                paired[metric[0]] = workflow
                continue
        projects = {live.issue_streams[d] for d in detectors if d in live.issue_streams}
        key: Key = ("sentry:Alert", str(workflow["id"]))
        name = str(workflow.get("name") or "")
        if len(projects) == 1 and len(detectors) == 1:
            found.append(blocks.alert_candidate(workflow, projects.pop(), names))
        else:
            why = "it watches several projects" if len(projects) > 1 else "it watches no project's issues"
            found.append(Candidate("alert", name, "-", "", {}, (key,), refusal=why))
    for monitor in live.metric_monitors:
        found.append(blocks.latency_candidate(monitor, paired.get(str(monitor["id"])), names))
    return found


def _channels(live: LiveAccounts, stack: Stack) -> list[Candidate]:
    """The incidents channel: the Slack channels the accounts' alerts post to (a stack has one)."""
    from vigil.core.slack import normalise_channel_name

    used: dict[str, int] = {}
    for doc in live.integrations:
        if str(doc.get("type", "")).lower() == "slack" and doc.get("customValue"):
            name = normalise_channel_name(str(doc["customValue"]))
            used[name] = used.get(name, 0) + 1
    for workflow in live.workflows:
        for action in blocks._workflow_parts(workflow)[2]:
            if action.get("type") == "slack":
                name = normalise_channel_name(str((action.get("config") or {}).get("targetDisplay") or ""))
                used[name] = used.get(name, 0) + 1
    channels = [c for c in live.channels if normalise_channel_name(str(c.get("name"))) in used]
    channels.sort(key=lambda c: -used[normalise_channel_name(str(c.get("name")))])
    found = [blocks.channel_candidate(c) for c in channels]
    for candidate in found[1:]:
        candidate.refusal = f"a stack manages one incidents channel (#{found[0].name} is offered)"
    if stack.slack_channel is not None:
        for candidate in found:
            candidate.refusal = f"the stack already manages the channel #{stack.slack_channel.name}"
    return found


# --- choosing -----------------------------------------------------------------------------------------
class BadPattern(ValueError):
    pass


def matches(candidate: Candidate, pattern: str) -> bool:
    kind, colon, name = pattern.partition(":")
    if not colon:
        return fnmatch.fnmatchcase(candidate.name, pattern)
    return kind == candidate.kind and fnmatch.fnmatchcase(candidate.name, name)


def check_patterns(patterns: Iterable[str]) -> None:
    for pattern in patterns:
        kind, colon, _ = pattern.partition(":")
        if colon and kind not in blocks.KINDS:
            raise BadPattern(
                f"--select {pattern!r}: unknown kind '{kind}'; use one of {', '.join(blocks.KINDS)}"
            )


def choose(plan: Plan, stack: Stack, patterns: list[str] | None, picked: set[int] | None = None) -> None:
    """``patterns`` None with ``picked`` None: everything importable (``--all``); ``picked``: the
    indexes of ``plan.offered`` an interactive checklist chose."""
    importable = [c for c in plan.offered if c.refusal is None]
    if picked is not None:
        chosen = [c for i, c in enumerate(plan.offered) if i in picked and c.refusal is None]
    elif patterns is None:
        chosen = list(importable)
    else:
        chosen = [c for c in importable if any(matches(c, p) for p in patterns)]
    by_key = {o: c for c in importable for o in c.objects}
    taken = declared(stack)
    queue = list(chosen)
    while queue:
        candidate = queue.pop()
        for need in candidate.needs:
            dependency = by_key.get(need) or plan.references.get(need)  # another stack's: read only
            if dependency is None or (_family(dependency.block), resource_name("", dependency.name)) in taken:
                continue  # the stack declares it already
            if dependency not in chosen:
                chosen.append(dependency)
                plan.added.append(dependency)
                queue.append(dependency)
    order = {id(c): i for i, c in enumerate(plan.offered)}
    plan.chosen = sorted(chosen, key=lambda c: order.get(id(c), -1))  # references first
    _whole_selection(plan, stack)


def _whole_selection(plan: Plan, stack: Stack) -> None:
    channels = [c for c in plan.chosen if c.kind == "channel"]
    if len(channels) > 1:
        plan.problems.append("a stack manages one incidents channel: select one with --select channel:NAME")
    seen = declared(stack)
    for candidate in plan.chosen:
        slot = (_family(candidate.block), resource_name("", candidate.name))
        if slot in seen:
            plan.problems.append(
                f"{candidate.kind} '{candidate.name}' has the name of '{seen[slot]}' already in the stack "
                "(or imported with it): rename one of them in the console first"
            )
        seen[slot] = candidate.name
    project_ids = {o[1] for c in plan.chosen for o in c.objects if o[0] == "sentry:Project"}
    for candidate in plan.chosen:
        if candidate.kind == "dashboard":
            _dashboard_projects(candidate, project_ids, stack)


def declared(stack: Stack) -> dict[tuple[str, str], str]:
    """(family, resource name) → name of every block the stack declares."""
    from vigil.spec.blocks import Block

    seen: dict[tuple[str, str], str] = {}
    for block in stack.of(Block):
        name = getattr(block, "name", None) or getattr(block, "slug", None) or getattr(block, "title", None)
        if isinstance(name, str):
            seen[(_family(block.kind), resource_name("", name))] = name
    return seen


def _family(block: str) -> str:
    """Blocks whose names share one namespace of resource names."""
    if block.endswith("Monitor") and block not in ("LatencyMonitor",):
        return "monitor"
    if block in ("EmailContact", "SlackWebhook"):
        return "contact"
    return block


def _dashboard_projects(candidate: Candidate, chosen_projects: set[str], stack: Stack) -> None:
    live = set(candidate.live_projects)
    if stack.sentry_projects:
        candidate.losses.append(
            Loss(
                "projects", "its own project list", "shows every project of the stack (its declared ones too)"
            )
        )
    elif live != chosen_projects:
        candidate.losses.append(
            Loss(
                "projects",
                f"projects {sorted(live)}",
                f"shows the stack's projects {sorted(chosen_projects)}",
            )
        )

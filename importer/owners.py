"""Which live objects a stack already owns: the ownership index of the state backend (engine/ownership.py).

``owners`` is the one question import asks: the objects this environment's stack holds (owned or
referenced: it declares them already), and those another stack owns or references (never offered).
A checkpoint of another stack that cannot be read may hide what it owns: import refuses to plan.
"""

from __future__ import annotations

from vigil.engine.backend import Store
from vigil.engine.ownership import OwnershipIndex

Key = tuple[str, str]  # (kind, remote id), e.g. ("uptimerobot:Monitor", "800001")


class UnreadableOwners(Exception):
    """Another stack's checkpoint is damaged: what it owns is unknown."""


def owners(store: Store, project: str, env: str) -> tuple[set[Key], dict[Key, str]]:
    """(the ids this environment's stack holds, {id: the other stack that owns or references it})."""
    index = OwnershipIndex.load(store, project)
    damaged = {stack: why for stack, why in index.unreadable.items() if stack != env}
    if damaged:
        raise UnreadableOwners(
            "; ".join(
                f"the checkpoint of stack '{stack}' cannot be read ({why})" for stack, why in damaged.items()
            )
        )
    mine: set[Key] = {key for key, entry in index.owners.items() if entry.stack == env}
    others: dict[Key, str] = index.foreign(env)
    for key, entries in index.references.items():
        stacks = sorted({e.stack for e in entries})
        if env in stacks:
            mine.add(key)
        elif stacks and key not in mine:
            others.setdefault(key, stacks[0])
    for key in list(others):
        if key in mine:  # held by both (state written before ownership): this stack declares it
            del others[key]
    return mine, others

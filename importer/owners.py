"""Which live objects a stack already owns: the ids in the state backend, per stack.

``owners`` is the one question import asks. Until the ownership index (engine/ownership.py)
exists, the answer is read here from every checkpoint of the project in the backend — the
environment's own and every other stack's — in the smallest way: the (type, id) of each resource.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from engine.backend import Store
from engine.changes import display_type

Key = tuple[str, str]  # (display type, remote id), e.g. ("uptimerobot:Monitor", "800001")


def ids_of(resources: Iterable[Mapping[str, Any]]) -> set[Key]:
    found: set[Key] = set()
    for resource in resources:
        if resource.get("custom") and resource.get("id"):
            found.add((display_type(str(resource.get("type", ""))), str(resource["id"])))
    return found


def owners(store: Store, project: str, env: str) -> tuple[set[Key], dict[Key, str]]:
    """(the ids this environment's stack owns, {id: the other stack that owns it})."""
    prefix = f".pulumi/stacks/{project}/"
    mine: set[Key] = set()
    others: dict[Key, str] = {}
    for key in store.keys(prefix):
        name = key[len(prefix) :]
        if "/" in name or not name.endswith(".json"):
            continue  # backups, history, attributes, locks
        raw = store.read(key)
        try:
            document = json.loads(raw or b"{}")
        except ValueError:
            continue  # a damaged checkpoint: `vigil state` reports it; it owns nothing readable
        latest = ((document.get("checkpoint") or {}).get("latest")) or {}
        ids = ids_of(latest.get("resources") or [])
        stack = name[: -len(".json")]
        if stack == env:
            mine |= ids
        else:
            for item in ids:
                others.setdefault(item, stack)
    return mine, others

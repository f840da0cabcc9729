"""The stack's checkpoint in the backend: detect damage, restore from a backup, bound what piles up.

Pulumi's DIY backend (pkg/backend/diy/state.go, v3.274) keeps, per stack:
``.pulumi/stacks/<project>/<stack>.json`` (the checkpoint) and ``<stack>.json.bak`` (the one before),
``.pulumi/backups/<project>/<stack>/<stack>.<unixnano>.json`` (one per update, never pruned) and
``.pulumi/history/<project>/<stack>/<stack>-<unixnano>.{history,checkpoint}.json`` (never pruned).
On ``file://``, gocloud's fileblob writes each file through ``<name>.<hex>.tmp`` and keeps its
metadata in ``<name>.attrs``; a kill or a full disk can leave a 0-byte ``.attrs``, a truncated
checkpoint, or ``.tmp`` files, after which every command fails with ``failed to load checkpoint: EOF``.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass

from vigil.engine.backend import FileStore, Store
from vigil.engine.errors import StateDamaged

KEEP_BACKUPS = 20
KEEP_HISTORY = 50  # updates: each is a .history.json plus a .checkpoint.json
LEFTOVER_AGE_SECONDS = 600  # a .tmp this old belongs to no running write


def checkpoint_key(project: str, stack: str) -> str:
    return f".pulumi/stacks/{project}/{stack}.json"


def _valid_checkpoint(raw: bytes | None) -> bool:
    if not raw:
        return False
    try:
        document = json.loads(raw)
    except ValueError:
        return False
    return isinstance(document, dict) and isinstance(document.get("checkpoint"), dict)


def _valid_attrs(raw: bytes | None) -> bool:
    if raw is None:
        return True  # no attributes file: fileblob uses defaults
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


@dataclass(frozen=True)
class Damage:
    key: str
    what: str


def damage(store: Store, project: str, stack: str) -> list[Damage]:
    """What is wrong with the stack's checkpoint (empty when it loads, or when the stack is new)."""
    key = checkpoint_key(project, stack)
    raw = store.read(key)
    found: list[Damage] = []
    if raw is not None and not _valid_checkpoint(raw):
        found.append(Damage(key, "empty" if not raw else "not a valid checkpoint (truncated or not JSON)"))
    if isinstance(store, FileStore):
        attrs = store.read(key + ".attrs")
        if not _valid_attrs(attrs):
            found.append(Damage(key + ".attrs", "empty" if not attrs else "not valid JSON"))
    return found


def ensure_loadable(store: Store, project: str, stack: str) -> None:
    problems = damage(store, project, stack)
    if problems:
        listed = "; ".join(f"{p.key} is {p.what}" for p in problems)
        raise StateDamaged(
            f"the state of '{stack}' is damaged ({listed}), probably by a killed run or a full disk",
            hint=f"run `vigil state restore --env {stack}`: it restores the newest valid backup "
            "(the damaged file is kept beside it as .damaged)",
        )


def has_pending_operations(store: Store, project: str, stack: str) -> bool:
    """Read straight from the checkpoint (no engine call): does it hold pending operations?"""
    raw = store.read(checkpoint_key(project, stack))
    if not _valid_checkpoint(raw):
        return False
    assert raw is not None
    latest = json.loads(raw)["checkpoint"].get("latest") or {}
    return bool(latest.get("pending_operations"))


SECRET_SIG = "4dabf18193072939515e22adb298388d"  # how Pulumi marks a secret value in a checkpoint


def plain_outputs(store: Store, project: str, stack: str) -> dict[str, object]:
    """The stack's outputs that are not secret, read straight from the checkpoint: no engine, no
    passphrase (``vigil sla`` on a real environment opens only the state backend). Empty when the
    stack has no state yet."""
    raw = store.read(checkpoint_key(project, stack))
    if not _valid_checkpoint(raw):
        return {}
    assert raw is not None
    latest = json.loads(raw)["checkpoint"].get("latest") or {}
    for resource in latest.get("resources") or []:
        if isinstance(resource, dict) and resource.get("type") == "pulumi:pulumi:Stack":
            outputs = resource.get("outputs") or {}
            return {k: v for k, v in outputs.items() if not (isinstance(v, dict) and SECRET_SIG in v)}
    return {}


def _stamp(key: str) -> int:
    found = re.findall(r"[.-](\d{9,})", key)
    return int(found[-1]) if found else 0


def candidates(store: Store, project: str, stack: str) -> list[str]:
    """Keys that may hold a good copy of the checkpoint, best first."""
    key = checkpoint_key(project, stack)
    backups = [k for k in store.keys(f".pulumi/backups/{project}/{stack}/") if k.endswith(".json")]
    history = [k for k in store.keys(f".pulumi/history/{project}/{stack}/") if k.endswith(".checkpoint.json")]
    newest = sorted(backups + history, key=_stamp, reverse=True)
    return [key + ".bak", *newest]


@dataclass(frozen=True)
class Restored:
    source: str
    resources: int
    damaged_copy: str | None


def restore(store: Store, project: str, stack: str) -> Restored:
    key = checkpoint_key(project, stack)
    for source in candidates(store, project, stack):
        raw = store.read(source)
        if not _valid_checkpoint(raw):
            continue
        assert raw is not None
        current = store.read(key)
        kept = None
        if current is not None:
            kept = key + ".damaged"
            store.write(kept, current)
        store.write(key, raw)
        if isinstance(store, FileStore):
            store.delete(key + ".attrs")  # fileblob rewrites it on the next save
        resources = len((json.loads(raw)["checkpoint"].get("latest") or {}).get("resources") or [])
        return Restored(source, resources, kept)
    raise StateDamaged(
        f"no valid backup of the state of '{stack}' was found (looked at .bak, backups/ and history/)",
        hint="recreate the stack's state with `vigil up` after removing the damaged file; vigil adopts the "
        "existing objects by name",
    )


def prune(store: Store, project: str, stack: str) -> int:
    """Keep the newest backups and history entries; remove crash leftovers. Returns files removed."""
    removed = 0
    backups = sorted(store.keys(f".pulumi/backups/{project}/{stack}/"), key=_stamp, reverse=True)
    for old in backups[KEEP_BACKUPS:]:
        removed += store.delete(old)
    history = sorted(store.keys(f".pulumi/history/{project}/{stack}/"), key=_stamp, reverse=True)
    for old in history[KEEP_HISTORY * 2 :]:
        removed += store.delete(old)
    if isinstance(store, FileStore):  # fileblob's temporary files of a write that never finished
        cutoff = time.time() - LEFTOVER_AGE_SECONDS
        for leftover in store.keys(f".pulumi/stacks/{project}/"):
            name = leftover.rsplit("/", 1)[-1]
            if name.startswith(f"{stack}.json.") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if (store.root / leftover).stat().st_mtime < cutoff:
                        removed += store.delete(leftover)
    return removed

"""Ownership for a run: read every stack of the backend once, hand the providers what is not theirs.

Every command that runs the program (preview, up, destroy, refresh, drift) calls ``prepare`` once
after it has the run's store: the index (``engine.ownership``) is built from one read of each
checkpoint, and the file the providers read (``core.ownership``) is written for this stack. The
index is returned for the command to use (destroy refuses while others reference its objects;
drift's "unmanaged" is what no stack holds).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.commands.errors import VigilError
from vigil.render.console import Output

if TYPE_CHECKING:
    from vigil.engine.backend import Store
    from vigil.engine.ownership import OwnershipIndex


class OwnershipRefused(VigilError):
    """A write that would take or delete what other stacks own or reference."""


def prepare(store: Store, project: str, project_root: Path, env: str, out: Output | None) -> OwnershipIndex:
    from vigil.engine.ownership import OwnershipIndex

    index = OwnershipIndex.load(store, project)
    others = sorted(s for s in index.unreadable if s != env)
    if others:
        listed = "; ".join(index.unreadable[s] for s in others)
        raise OwnershipRefused(
            f"cannot tell what other stacks own: the state of {', '.join(repr(s) for s in others)} is "
            f"unreadable ({listed}); '{env}' writes nothing until it is repaired",
            hint=f"run `vigil state restore --env {others[0]}`",
        )
    shared = index.shared_with(env)
    if shared and out is not None:
        by_stack: dict[str, list[str]] = {}
        for entry, other in shared:
            by_stack.setdefault(other, []).append(f"{entry.kind} {entry.name}")
        for other, names in sorted(by_stack.items()):
            out.warning(
                f"{len(set(names))} object(s) of '{env}' are also in the state of '{other}' (written before "
                f"vigil checked ownership): {', '.join(sorted(set(names))[:6])}"
                f"{' …' if len(set(names)) > 6 else ''}. vigil neither changes nor deletes them from either "
                f"stack; destroy the copy that should not own them (its delete keeps them) or reference them"
            )
    index.write_for(project_root, env)
    return index


def record_marks(stack: Any, index: OwnershipIndex, env: str, path: str) -> int:
    """State from before ownership: put the ownership file's path into every dynamic resource's
    outputs (what a delete reads: ``destroy`` runs no program), in one export and import of the
    state, writing nothing to the APIs. Returns how many resources it marked (0: nothing to do)."""
    if not index.unmarked.get(env):
        return 0
    from pulumi import automation as auto

    from vigil.core.ownership import OWNERSHIP_KEY
    from vigil.engine.ownership import DYNAMIC_PREFIX

    exported = stack.export_stack()
    deployment = dict(exported.deployment or {})
    marked = 0
    for resource in deployment.get("resources") or []:
        outputs = resource.get("outputs")
        dynamic = str(resource.get("type", "")).startswith(DYNAMIC_PREFIX)
        if dynamic and isinstance(outputs, dict) and outputs.get(OWNERSHIP_KEY) != str(path):
            outputs[OWNERSHIP_KEY] = str(path)
            marked += 1
    if marked:
        stack.import_stack(auto.Deployment(version=exported.version, deployment=deployment))
    return marked


def refuse_destroy_of_shared(index: OwnershipIndex, env: str) -> None:
    """Destroying the owner of objects other stacks reference breaks those stacks: refused."""
    referenced = index.still_referenced(env)
    if not referenced:
        return
    stacks = sorted({s for names in referenced.values() for s in names})
    objects = sorted(
        f"{kind} {entry.name if (entry := index.owner(kind, oid)) else oid}" for kind, oid in referenced
    )
    raise OwnershipRefused(
        f"refusing to destroy '{env}': {len(objects)} object(s) it owns are referenced by "
        f"{', '.join(repr(s) for s in stacks)} ({', '.join(objects[:8])}{' …' if len(objects) > 8 else ''})",
        hint=f"destroy {', '.join(stacks)} first (or make them own what they use), or pass "
        "--break-references --allow-delete: the referenced objects are then kept, owned by no stack",
    )


__all__ = ["OwnershipRefused", "prepare", "record_marks", "refuse_destroy_of_shared"]

"""vigil unlock: remove the lock a killed or stuck run left on an environment's state.

Reads Pulumi's own lock files in the backend (engine/locks.py), so it needs no plain ``pulumi``, no
PULUMI_HOME and no passphrase. A lock whose process is still running on this host is refused unless
``--force`` (removing it would let two updates write one state); a lock from another host cannot be
checked from here and is removed only with ``--force``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from vigil.commands.context import EnvOption, JsonOption, app_context
from vigil.commands.errors import VigilError


def unlock(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="also remove a lock whose holder may still be running")
    ] = False,
) -> None:
    """Remove a stale lock of an environment's state (a killed `up`, a cancelled CI job)."""
    from vigil.engine import locks

    context = app_context(ctx)
    out = context.output(json)
    store, project = context.state_store(env)
    held = locks.holders(store, project, env)
    refused = [h for h in held if h.alive() is not False and not force]
    if refused:
        holder = refused[0]
        if holder.alive():
            hint = f"that run is still working: wait for it or stop it (pid {holder.pid}); --force overrides"
        else:
            hint = "it is held from another host, which vigil cannot check: if that run is gone, pass --force"
        raise VigilError(f"refusing to unlock '{env}': locked by {holder.describe()}", hint=hint)
    removed = [h for h in held if locks.release(store, h)]
    if json:
        out.document(
            {
                "env": env,
                "removed": [
                    {"pid": h.pid, "host": h.hostname, "user": h.username, "since": h.since} for h in removed
                ],
            }
        )
        return
    if not removed:
        out.print(f"[bold]{escape(env)}[/bold] is not locked")
    for holder in removed:
        out.print(f"removed the lock of [bold]{escape(env)}[/bold] held by {escape(holder.describe())}")

"""vigil runbook: the incident runbook rendered from the stack (Markdown)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commands.context import EnvOption, app_context
from engine.errors import ChangesFound


def runbook(
    ctx: typer.Context,
    env: EnvOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="write to this file")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="exit 2 when --output is stale")] = False,
) -> None:
    """Render the incident runbook of an environment from its stack."""
    from render.runbook import render_runbook

    context = app_context(ctx)
    out = context.output(False)
    text = render_runbook(context.stack(env).stack)
    if output is None:
        out.print(text, markup=False)
        return
    if check:
        current = output.read_text() if output.exists() else ""
        if current != text:
            raise ChangesFound(
                f"{output} is stale against the '{env}' stack",
                hint=f"run `vigil runbook --env {env} -o {output}` and commit it",
            )
        out.info(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    out.info(f"wrote {output}")

"""vigil runbook: the incident runbook rendered from the stack (Markdown)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.commands.context import EnvOption, JsonOption, app_context
from vigil.commands.errors import ChangesFound


def runbook(
    ctx: typer.Context,
    env: EnvOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="write to this file")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="exit 2 when --output is stale")] = False,
    json: JsonOption = False,
) -> None:
    """Render the incident runbook of an environment from its stack."""
    from vigil.render.runbook import render_runbook

    context = app_context(ctx)
    out = context.output(json)
    text = render_runbook(context.stack(env).stack)
    if output is None:
        if json:
            out.document({"env": env, "markdown": text})
        else:
            out.print(text, markup=False)
        return
    if check:
        current = output.read_text() if output.exists() else ""
        stale = current != text
        if json:
            out.document({"env": env, "path": str(output), "up_to_date": not stale})
        if stale:
            raise ChangesFound(
                f"{output} is stale against the '{env}' stack",
                hint=f"run `vigil runbook --env {env} -o {output}` and commit it",
                reported=json,
            )
        out.info(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    if json:
        out.document({"env": env, "path": str(output), "written": True})
    out.info(f"wrote {output}")

"""vigil state restore: put back the newest valid copy of a damaged checkpoint (engine/state_files.py)."""

from __future__ import annotations

import typer
from rich.markup import escape

from vigil.commands.context import EnvOption, JsonOption, app_context

app = typer.Typer(help="The environment's state in the backend: check it, restore it.", no_args_is_help=True)


@app.command()
def restore(ctx: typer.Context, env: EnvOption, json: JsonOption = False) -> None:
    """Restore a damaged or empty checkpoint from its newest valid backup (.bak, backups/, history/)."""
    from vigil.engine import state_files

    context = app_context(ctx)
    out = context.output(json)
    store, project = context.state_store(env)
    problems = state_files.damage(store, project, env)
    if not problems:
        if json:
            out.document({"env": env, "damaged": False, "restored": None})
        else:
            out.print(f"the state of [bold]{escape(env)}[/bold] loads: nothing to restore")
        return
    restored = state_files.restore(store, project, env)
    if json:
        out.document(
            {
                "env": env,
                "damaged": [{"file": p.key, "problem": p.what} for p in problems],
                "restored": {"from": restored.source, "resources": restored.resources},
                "damaged_copy": restored.damaged_copy,
            }
        )
        return
    for problem in problems:
        out.print(f"damaged: {escape(problem.key)} ({escape(problem.what)})")
    out.print(
        f"restored [bold]{escape(env)}[/bold] from {escape(restored.source)} "
        f"({restored.resources} resources); run `vigil up --env {escape(env)}` to bring it up to date "
        "(objects created since are adopted by name)"
    )


@app.command()
def check(ctx: typer.Context, env: EnvOption) -> None:
    """Exit 0 when the environment's checkpoint loads; 1 with what is damaged and how to restore it."""
    from vigil.engine import state_files

    context = app_context(ctx)
    store, project = context.state_store(env)
    state_files.ensure_loadable(store, project, env)
    context.output(False).print(f"the state of [bold]{escape(env)}[/bold] loads")

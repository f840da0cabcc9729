"""vigil import: the live objects no stack owns → the stack's code and values; `--yes` adopts them at once.

Plan (``--dry-run``, or the first screen on a terminal), then generate (importer/generate.py), then
adopt: the next `up` finds every object by its natural key, already as declared, and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.commands.context import EnvOption, JsonOption, YesOption, app_context
from vigil.commands.errors import VigilError
from vigil.render.console import Output


def _current_stack(context: Any, env: str) -> Any:
    """The environment's stack; an environment file without `app:` yet is an empty stack."""
    from vigil.spec.findings import InvalidStack
    from vigil.spec.loader import LoadedStack
    from vigil.spec.stack import Stack
    from vigil.spec.values import load_values

    try:
        return context.stack(env)
    except InvalidStack as invalid:
        values_file = context.project().stacks_dir / f"{env}.yaml"
        if not values_file.exists() or any(f.rule != "app" for f in invalid.findings):
            raise
        values = load_values(values_file)
        if values.get("app"):
            raise
        return LoadedStack(Stack(app="", env=env), [], values_file, values.flag("sandbox"))


def _pick(out: Output, plan: Any) -> set[int]:
    """The interactive checklist: numbers (1,3-5), 'all', or nothing to cancel."""
    import sys

    from vigil.render.import_plan import render_plan

    render_plan(out, plan, numbered=True)
    out.err.print("Import which? numbers (e.g. 1,3-5), 'all', or Enter to cancel: ", end="", markup=False)
    answer = sys.stdin.readline().strip().lower()
    if answer == "all":
        return set(range(len(plan.offered)))
    picked: set[int] = set()
    for part in filter(None, (p.strip() for p in answer.split(","))):
        low, _, high = part.partition("-")
        try:
            start, end = int(low), int(high or low)
        except ValueError:
            raise VigilError(f"'{part}' is not a number or a range", hint="answer e.g. 1,3-5") from None
        picked.update(range(start - 1, end))
    return picked


def _uptime_plan(chosen: list[Any]) -> str:
    """The smallest Uptime Robot plan a new stack needs for what it imports (README: plan limits)."""
    from vigil.spec.units import seconds

    monitors = [c for c in chosen if c.kind == "monitor"]
    fastest = min((seconds(c.entry.get("every", "5m")) for c in monitors), default=300)
    delays = any(c.entry.get("alert_after") or c.entry.get("repeat_every") for c in monitors)
    if len(monitors) <= 50 and fastest >= 300 and not delays:
        return "free"
    return "team" if len(monitors) <= 100 and fastest >= 60 else "enterprise"


def import_(
    ctx: typer.Context,
    env: EnvOption,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", metavar="PATTERN", help="KIND:NAME pattern, e.g. 'monitor:API*' (repeatable)"
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="import everything no stack owns")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show the plan; write nothing")] = False,
    lossy: Annotated[
        bool, typer.Option("--lossy", help="also import objects the blocks cannot express fully")
    ] = False,
    to: Annotated[
        Path | None, typer.Option("--to", metavar="FILE", help="the stack module to write (stacks/NAME.py)")
    ] = None,
    yes: YesOption = False,
    json: JsonOption = False,
) -> None:
    """Bring live objects no stack owns under code; `up` (or --yes) then adopts them in place."""
    from vigil.engine.backend import open_store
    from vigil.importer import generate
    from vigil.importer.live import read_accounts
    from vigil.importer.owners import UnreadableOwners, owners
    from vigil.importer.plan import BadPattern, check_patterns, choose, offer
    from vigil.render.import_plan import render_plan, render_written

    context = app_context(ctx)
    out = context.output(json)
    try:
        check_patterns(select or [])
    except BadPattern as error:
        raise VigilError(str(error)) from None
    loaded = _current_stack(context, env)
    run = context.run_environment(env, loaded)
    store = open_store(run.engine.backend_url, run.engine.variables)
    try:
        mine, foreign = owners(store, context.project().name, env)
    except UnreadableOwners as error:
        raise VigilError(
            f"cannot tell which objects other stacks own: {error}",
            hint="repair it first: `vigil state restore --env <that stack>`",
        ) from None
    out.progress("reading the accounts …")
    plan = offer(read_accounts(run.variables), mine, foreign, loaded.stack)
    interactive = out.interactive and not json and not dry_run and not select and not all_
    if interactive:
        choose(plan, loaded.stack, None, _pick(out, plan))
    elif select or all_ or dry_run:
        choose(plan, loaded.stack, None if (all_ or not select) else list(select))
    else:
        raise VigilError(
            "say what to import: --all, --select PATTERN (e.g. 'monitor:API*'), or --dry-run for the plan",
            hint=f"`vigil import --env {env} --dry-run` lists what no stack owns",
        )
    document: dict[str, Any] = plan.as_dict()
    refused = bool(plan.problems) or (not lossy and bool(plan.lossy))
    if dry_run or refused or not plan.chosen:
        if json:
            document["written"] = []
            out.document(document)
        else:
            render_plan(out, plan)
        if plan.problems:
            raise VigilError("; ".join(plan.problems), reported=json)
        if refused and not dry_run:
            names = ", ".join(f"{c.kind}:{c.name}" for c in plan.lossy)
            raise VigilError(
                f"refusing to import what the blocks cannot express fully: {names}",
                hint="pass --lossy to import them anyway (the plan says what the next `up` does to "
                "each field), or narrow --select",
                reported=json,
            )
        if not plan.chosen and not dry_run:
            out.notice("nothing to import")
        return
    if interactive and not yes and not out.confirm(f"Write the stack for {len(plan.chosen)} object(s)?"):
        out.notice("Cancelled, nothing written")
        return
    stacks_dir = context.project().stacks_dir
    app = loaded.stack.app or None
    try:
        files = generate.plan_files(
            stacks_dir, env, app, to, plan.chosen, None if app else _uptime_plan(plan.chosen)
        )
    except generate.GenerateError as error:
        raise VigilError(str(error), hint=error.hint) from None
    errors = [f for f in generate.validate_in_copy(stacks_dir, env, files) if f.level == "error"]
    if errors:
        from vigil.spec.findings import InvalidStack

        raise InvalidStack(env, errors)
    generate.write_files(files)
    shown = [str(p.relative_to(stacks_dir.parent)) for p in files]
    document["written"] = shown
    failed: VigilError | None = None
    if yes:
        try:
            document["applied"] = _adopt(ctx, env, out)
        except VigilError as error:
            document["applied"], failed = None, error
            document["adopt_error"] = error.message
            error.reported = json
    if json:
        out.document(document)
        if failed is not None:
            raise failed
        return
    if lossy and plan.lossy:
        out.print("[bold]the next `up` changes these fields (lossy import):[/bold]")
        for candidate in plan.lossy:
            for loss in candidate.losses:
                out.print(f"  {candidate.kind}:{candidate.name}: {loss}", markup=False)
    render_plan(out, plan) if not interactive else None
    render_written(out, env, shown, len(plan.chosen))
    if failed is not None:
        raise failed
    if yes:
        out.print(f"adopted: {document['applied']}")


def _adopt(ctx: typer.Context, env: str, out: Output) -> dict[str, int]:
    """`import --yes`: the `up` that takes the objects into state (each adopted, none changed)."""
    from vigil.commands.stack import guard_and_apply, require_environment
    from vigil.spec.findings import InvalidStack

    context = app_context(ctx)
    loaded = context.stack(env)
    try:  # before the engine starts: a missing secret is the user's next step, not a failure
        require_environment(loaded, context.run_environment(env, loaded).variables)
    except InvalidStack as error:
        raise VigilError(
            f"the stack is written, but not adopted yet: {error}",
            hint=f"set the variables the plan names, then `vigil up --env {env}`",
        ) from None
    run, stack = context.select(env, loaded, out, writes=True)
    result = guard_and_apply(out, loaded, stack, env, yes=True, guard=context.guard(run, out))
    return dict(result.summary)

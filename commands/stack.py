"""validate, preview, up, destroy, refresh: one environment's stack through the Pulumi engine."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from commands.context import (
    AllowDeleteOption,
    EnvOption,
    JsonOption,
    LockTimeoutOption,
    YesOption,
    app_context,
)
from commands.errors import ChangesFound, ConfirmationNeeded, VigilError
from render.console import Output
from spec.loader import LoadedStack

if TYPE_CHECKING:  # the engine imports pulumi.automation: loaded only by commands that run it
    from engine.operations import Guard, OperationResult


def validate(
    ctx: typer.Context,
    env: Annotated[
        str | None,
        typer.Option(
            "--env", "-e", metavar="ENV", help="environment: a stacks/<env>.yaml file", envvar="VIGIL_ENV"
        ),
    ] = None,
    json: JsonOption = False,
    strict: Annotated[bool, typer.Option("--strict", help="treat SLA warnings as errors")] = False,
    every: Annotated[bool, typer.Option("--all", help="validate every environment in stacks/")] = False,
) -> None:
    """Check a stack offline: schema, references, plan limits, literal secrets, SLA rules."""
    from spec.findings import InvalidStack
    from spec.loader import known_environments

    context = app_context(ctx)
    out = context.output(json)
    stacks_dir = context.project().stacks_dir
    if every == bool(env):
        raise typer.BadParameter("pass --env ENV, or --all for every environment")
    envs = known_environments(stacks_dir) if every else [str(env)]
    results = []
    for name in envs:
        try:
            findings = context.read(name).findings
        except InvalidStack as invalid:
            if not every:
                raise
            findings = invalid.findings
        if strict:
            findings = [f.__class__(f.rule, "error", f.where, f.message, f.fix) for f in findings]
        results.append((name, findings, not any(f.level == "error" for f in findings)))
    if json:
        documents = [
            {"env": name, "valid": valid, "findings": [f.as_dict() for f in findings]}
            for name, findings, valid in results
        ]
        out.document(
            {"valid": all(r[2] for r in results), "environments": documents} if every else documents[0]
        )
    else:
        from render.changes import render_findings

        for name, findings, _ in results:
            render_findings(out, name, findings)
    if not all(valid for _, _, valid in results):
        errors = sum(f.level == "error" for _, findings, _ in results for f in findings)
        names = ", ".join(f"'{name}'" for name, _, valid in results if not valid)
        raise VigilError(f"{names} not valid: {errors} error(s)", reported=True)


def _prepare(
    ctx: typer.Context, env: str, out: Output, lock_timeout: str = "2m", *, writes: bool = True
) -> tuple[LoadedStack, Any, Guard]:
    context = app_context(ctx)
    loaded = context.stack(env)
    for finding in loaded.warnings:
        out.warning(str(finding))
    run, stack = context.select(env, loaded, out, writes=writes, lock_timeout=lock_timeout)
    require_environment(loaded, run.variables)
    return loaded, stack, context.guard(run, out, lock_timeout)


def require_environment(loaded: LoadedStack, environ: Mapping[str, str]) -> None:
    """Every ``{env: NAME}`` the stack references is set in the run's environment (the sandbox's
    credentials included), else one finding per variable at its YAML line, before the engine starts."""
    from spec.findings import InvalidStack
    from spec.validate import missing_environment

    missing = missing_environment(loaded.stack, environ)
    if missing:
        raise InvalidStack(loaded.stack.env, missing)


def _emit(out: Output, result: OperationResult, *, done: bool, json: bool) -> None:
    from render.changes import masked_outputs, render_operation

    if json:
        document = result.as_dict()
        document["outputs"] = masked_outputs(result.outputs)
        out.document({**document, "has_changes": result.has_changes})
    else:
        render_operation(out, result, done=done)


def preview(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="read live state first")] = False,
    expect_no_changes: Annotated[
        bool, typer.Option("--expect-no-changes", help="exit 2 when there are changes")
    ] = False,
    markdown: Annotated[
        Path | None,
        typer.Option(
            "--markdown", metavar="FILE", help="also write the preview as Markdown (CI job summary)"
        ),
    ] = None,
) -> None:
    """Show what `up` would change, field by field."""
    from engine import operations

    out = app_context(ctx).output(json)
    _, stack, guard = _prepare(ctx, env, out, writes=False)
    result = operations.preview(stack, env, refresh=refresh, progress=out.progress, guard=guard)
    _emit(out, result, done=False, json=json)
    if markdown is not None:
        from render.markdown import render_preview

        markdown.write_text(render_preview(result))
    if expect_no_changes and result.has_changes:
        raise ChangesFound(
            f"'{env}' has pending changes ({sum(result.summary.values())} resource(s))", reported=True
        )


CANCELLED = "Cancelled, nothing applied"


def ask(out: Output, question: str, refused: ConfirmationNeeded, *, env: str, json: bool = False) -> None:
    """Ask on a terminal; declining prints CANCELLED and exits 0. Without a terminal nothing is
    asked: ``refused`` (exit 3, naming the flag that answers for the user) is raised."""
    if not out.interactive:
        raise refused
    if not out.confirm(question):
        out.notice(CANCELLED)
        if json:
            out.document({"env": env, "cancelled": True, "applied": False})
        raise typer.Exit(0)


def ask_typed(
    out: Output, question: str, refused: ConfirmationNeeded, *, env: str, json: bool = False
) -> None:
    """As ``ask``, but the answer is the environment's name typed in full."""
    if not out.interactive:
        raise refused
    if not out.confirm_typed(question, env):
        out.notice(CANCELLED)
        if json:
            out.document({"env": env, "cancelled": True, "applied": False})
        raise typer.Exit(0)


def _guard(
    out: Output,
    loaded: LoadedStack,
    planned: OperationResult,
    *,
    yes: bool,
    allow_delete: bool,
    verb: str,
    json: bool = False,
) -> None:
    """The delete guard, then the ordinary confirmation."""
    destructive = planned.destructive
    if loaded.stack.protected and destructive and not allow_delete:
        names = ", ".join(f"{c.op} {c.type} {c.name}" for c in destructive)
        ask_typed(  # a delete in a protected environment: its name typed, not a reflexive y
            out,
            f"'{planned.env}' is protected and this {verb} would {names}.",
            ConfirmationNeeded(
                f"refusing to {verb} '{planned.env}': it would {names}",
                hint="review the preview, then pass --allow-delete",
            ),
            env=planned.env,
            json=json,
        )
        return
    if not yes:
        ask(
            out,
            f"Apply these changes to '{planned.env}'?",
            ConfirmationNeeded(
                f"{verb} of '{planned.env}' needs confirmation", hint="pass --yes to apply without asking"
            ),
            env=planned.env,
            json=json,
        )


def after_write(out: Output, stack: Any, guard: Guard | None) -> None:
    """After a successful write: settle what interrupted runs left in the state, bound what piles up."""
    if guard is None:
        return
    from engine import operations, state_files

    if state_files.has_pending_operations(guard.store, guard.project, guard.env):
        resolved, orphaned = operations.resolve_pending(stack)
        if resolved:
            names = ", ".join(sorted(p.name for p in resolved))
            out.warning(
                f"resolved {len(resolved)} pending operation(s) an interrupted run left in the state "
                f"(adopted by name, no duplicate): {names}"
            )
        if orphaned:
            names = ", ".join(sorted(f"{p.type} {p.name}" for p in orphaned))
            out.warning(
                f"cleared {len(orphaned)} pending operation(s) of resources no longer in the stack "
                f"({names}); "
                f"`vigil drift --env {guard.env}` lists any object they left as unmanaged"
            )
    state_files.prune(guard.store, guard.project, guard.env)


def guard_and_apply(
    out: Output,
    loaded: LoadedStack,
    stack: Any,
    env: str,
    *,
    yes: bool = True,
    allow_delete: bool = False,
    refresh: bool = False,
    json: bool = False,
    guard: Guard | None = None,
    verb: str = "up",
) -> OperationResult:
    """Preview when a confirmation or the delete guard may be needed, then apply."""
    from engine import operations
    from render.changes import render_operation

    if not yes or loaded.stack.protected:
        planned = operations.preview(stack, env, refresh=refresh, progress=out.progress)
        if not planned.has_changes:
            return planned
        if not json:
            render_operation(out, planned, done=False)
        _guard(out, loaded, planned, yes=yes, allow_delete=allow_delete, verb=verb, json=json)
    result = operations.up(stack, env, refresh=refresh, progress=out.progress, guard=guard)
    after_write(out, stack, guard)
    return result


def up(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    yes: YesOption = False,
    allow_delete: AllowDeleteOption = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="read live state first")] = False,
    lock_timeout: LockTimeoutOption = "2m",
) -> None:
    """Create, update or delete what the stack declares."""
    out = app_context(ctx).output(json)
    loaded, stack, guard = _prepare(ctx, env, out, lock_timeout)
    result = guard_and_apply(
        out, loaded, stack, env, yes=yes, allow_delete=allow_delete, refresh=refresh, json=json, guard=guard
    )
    _emit(out, result, done=True, json=json)


def destroy(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    yes: YesOption = False,
    allow_delete: AllowDeleteOption = False,
    lock_timeout: LockTimeoutOption = "2m",
) -> None:
    """Delete everything the stack created."""
    from engine import operations
    from render.changes import render_operation

    out = app_context(ctx).output(json)
    loaded, stack, guard = _prepare(ctx, env, out, lock_timeout)
    planned = operations.destroy(stack, env, preview_only=True, progress=out.progress)
    if not planned.has_changes:
        _emit(out, planned, done=True, json=json)
        return
    typed = loaded.stack.protected or env == "production"
    if not json and (not yes or typed):
        render_operation(out, planned, done=False)
    if typed and out.interactive and not (yes and allow_delete):
        # every destroy of production (or a protected environment) on a terminal: the name typed
        count = len(planned.destructive)
        ask_typed(
            out,
            f"This destroys {count} object(s) of '{env}' in the real accounts.",
            ConfirmationNeeded(f"destroy of '{env}' needs confirmation"),
            env=env,
            json=json,
        )
    else:
        _guard(out, loaded, planned, yes=yes, allow_delete=allow_delete, verb="destroy", json=json)
    result = operations.destroy(stack, env, progress=out.progress, guard=guard)
    after_write(out, stack, guard)
    _emit(out, result, done=True, json=json)


def refresh(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    yes: YesOption = False,
    lock_timeout: LockTimeoutOption = "2m",
) -> None:
    """Read live state into the stack's state (adopts out-of-band changes; `preview` then shows them)."""
    from engine import operations

    out = app_context(ctx).output(json)
    _, stack, guard = _prepare(ctx, env, out, lock_timeout)
    if not yes:
        ask(
            out,
            f"Refresh the state of '{env}' from the live APIs?",
            ConfirmationNeeded(f"refresh of '{env}' needs confirmation", hint="pass --yes"),
            env=env,
            json=json,
        )
    result = operations.refresh(stack, env, progress=out.progress, guard=guard)
    after_write(out, stack, guard)
    _emit(out, result, done=True, json=json)

"""validate, preview, up, destroy, refresh: one environment's stack through the Pulumi engine."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vigil.commands.context import (
    AllowDeleteOption,
    EnvOption,
    JsonOption,
    LockTimeoutOption,
    YesOption,
    app_context,
)
from vigil.commands.errors import ChangesFound, ConfirmationNeeded, VigilError
from vigil.render.console import Output
from vigil.spec.loader import LoadedStack

if TYPE_CHECKING:  # the engine imports pulumi.automation: loaded only by commands that run it
    from vigil.engine.operations import Guard, OperationResult
    from vigil.engine.ownership import OwnershipIndex


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
    from vigil.spec.findings import InvalidStack
    from vigil.spec.loader import known_environments

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
        from vigil.render.changes import render_findings

        for name, findings, _ in results:
            render_findings(out, name, findings)
    if not all(valid for _, _, valid in results):
        errors = sum(f.level == "error" for _, findings, _ in results for f in findings)
        names = ", ".join(f"'{name}'" for name, _, valid in results if not valid)
        raise VigilError(f"{names} not valid: {errors} error(s)", reported=True)


def _prepare(
    ctx: typer.Context, env: str, out: Output, lock_timeout: str = "2m", *, writes: bool = True
) -> tuple[LoadedStack, Any, Guard]:
    loaded, stack, guard, _ = _prepare_owned(ctx, env, out, lock_timeout, writes=writes)
    return loaded, stack, guard


def _prepare_owned(
    ctx: typer.Context, env: str, out: Output, lock_timeout: str = "2m", *, writes: bool = True
) -> tuple[LoadedStack, Any, Guard, OwnershipIndex]:
    """As ``_prepare``, plus the run's ownership index (every stack of the backend, read once)."""
    from vigil.commands.ownership import prepare

    context = app_context(ctx)
    loaded = context.stack(env)
    for finding in loaded.warnings:
        out.warning(str(finding))
    run, stack = context.select(env, loaded, out, writes=writes, lock_timeout=lock_timeout)
    require_environment(loaded, run.variables)
    guard = context.guard(run, out, lock_timeout)
    index = prepare(guard.store, guard.project, context.project().root, env, out)
    return loaded, stack, guard, index


def require_environment(loaded: LoadedStack, environ: Mapping[str, str]) -> None:
    """Every ``{env: NAME}`` the stack references is set in the run's environment (the sandbox's
    credentials included), else one finding per variable at its YAML line, before the engine starts."""
    from vigil.spec.findings import InvalidStack
    from vigil.spec.validate import missing_environment

    missing = missing_environment(loaded.stack, environ)
    if missing:
        raise InvalidStack(loaded.stack.env, missing)


def _emit(
    out: Output, result: OperationResult, *, done: bool, json: bool, extra: dict[str, Any] | None = None
) -> None:
    from vigil.render.changes import masked_outputs, render_operation

    if json:
        document = result.as_dict()
        document["outputs"] = masked_outputs(result.outputs)
        # the stack's own warnings (validation, ownership, recreated objects) before the engine's
        warned = [*out.warnings, *document.get("diagnostics", [])]
        document["diagnostics"] = list(dict.fromkeys(warned))
        out.document({**document, "has_changes": result.has_changes, **(extra or {})})
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
    from vigil.engine import operations

    out = app_context(ctx).output(json)
    _, stack, guard = _prepare(ctx, env, out, writes=False)
    result = operations.preview(stack, env, refresh=refresh, progress=out.progress, guard=guard)
    _emit(out, result, done=False, json=json)
    if markdown is not None:
        from vigil.render.markdown import render_preview

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
        names = _destructive_names(destructive)
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


def _destructive_names(destructive: list[Any]) -> str:
    """'delete sentry:Project sentry-backend-project (loses its issues …), archive slack:SlackChannel …'."""
    from vigil.engine.changes import LOSSES, delete_word

    def one(change: Any) -> str:
        verb = delete_word(change.type) if change.op == "delete" else change.op
        loses = f" (loses {LOSSES[change.type]})" if change.type in LOSSES and verb != "archive" else ""
        return f"{verb} {change.type} {change.name}{loses}"

    return ", ".join(one(c) for c in destructive)


def after_write(out: Output, stack: Any, guard: Guard | None) -> None:
    """After a successful write: settle what interrupted runs left in the state, bound what piles up."""
    if guard is None:
        return
    from vigil.engine import operations, state_files

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
    from vigil.engine import operations
    from vigil.render.changes import render_operation

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
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh/--no-refresh",
            help="read live state first (default), so an object deleted outside vigil is recreated",
        ),
    ] = True,
    lock_timeout: LockTimeoutOption = "2m",
) -> None:
    """Create, update or delete what the stack declares (after reading what is live)."""
    out = app_context(ctx).output(json)
    loaded, stack, guard = _prepare(ctx, env, out, lock_timeout)
    before = _state_urns(guard)
    result = guard_and_apply(
        out, loaded, stack, env, yes=yes, allow_delete=allow_delete, refresh=refresh, json=json, guard=guard
    )
    recreated = [c for c in result.changes if c.op == "create" and c.urn in before]
    if recreated and not json:
        names = ", ".join(f"{c.type} {c.name}" for c in recreated)
        out.warning(f"recreated {len(recreated)} object(s) deleted outside vigil: {names}")
    _emit(out, result, done=True, json=json, extra={"recreated": [c.as_dict() for c in recreated]})


def _state_urns(guard: Guard) -> set[str]:
    """URNs the stack's checkpoint holds before this run (read from the store: no engine call)."""
    import json as json_module

    from vigil.engine.state_files import checkpoint_key

    raw = guard.store.read(checkpoint_key(guard.project, guard.env))
    try:
        latest = (json_module.loads(raw or b"{}").get("checkpoint") or {}).get("latest") or {}
    except ValueError:
        return set()
    return {str(r.get("urn")) for r in latest.get("resources") or [] if r.get("custom")}


def destroy(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    yes: YesOption = False,
    allow_delete: AllowDeleteOption = False,
    lock_timeout: LockTimeoutOption = "2m",
    break_references: Annotated[
        bool,
        typer.Option(
            "--break-references",
            help="destroy although other stacks reference objects of this one (those objects are kept, "
            "owned by no stack afterwards)",
        ),
    ] = False,
) -> None:
    """Delete everything the stack owns (never what another stack owns or references)."""
    from vigil.commands.ownership import record_marks, refuse_destroy_of_shared
    from vigil.core.ownership import ownership_input
    from vigil.engine import operations
    from vigil.render.changes import render_operation

    out = app_context(ctx).output(json)
    loaded, stack, guard, index = _prepare_owned(ctx, env, out, lock_timeout)
    # State from before ownership: its deletes learn what other stacks hold (no API write).
    record_marks(stack, index, env, ownership_input(env))
    if not break_references:
        refuse_destroy_of_shared(index, env)
    elif index.still_referenced(env) and not allow_delete:  # guarded as a protected environment is
        ask(
            out,
            f"Other stacks reference objects of '{env}': destroy them anyway?",
            ConfirmationNeeded(
                f"refusing to destroy '{env}' with --break-references alone: other stacks reference it",
                hint="pass --allow-delete too",
            ),
            env=env,
            json=json,
        )
    # Planned once a running update has finished (the engine takes the lock only for the destroy
    # itself), and what the state held then is all the destroy may delete: anything another run adds
    # between the plan and the destroy is kept, never deleted unseen.
    guard.wait_for_lock(time.monotonic() + guard.lock_timeout)
    shown = operations.state_urns(operations.export_deployment(stack, guard))
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
    # Targets only when the state grew since the plan: a targeted destroy keeps the stack's own
    # record in the state, a plain one empties it.
    now = operations.state_urns(operations.export_deployment(stack, guard))
    targets = shown if set(now) - set(shown) else None
    result = operations.destroy(stack, env, progress=out.progress, guard=guard, targets=targets)
    after_write(out, stack, guard)
    kept = operations.state_urns(operations.export_deployment(stack, guard))
    if kept:  # another run added them after the plan was shown: never deleted unseen
        out.warning(
            f"{len(kept)} resource(s) of '{env}' were added after the plan was shown and are kept "
            f"(run `vigil destroy --env {env}` again to delete them): "
            + ", ".join(urn.rsplit("::", 1)[-1] for urn in kept[:5])
            + (" …" if len(kept) > 5 else "")
        )
    _emit(out, result, done=True, json=json)


def refresh(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    yes: YesOption = False,
    lock_timeout: LockTimeoutOption = "2m",
) -> None:
    """Read live state into the stack's state, listing first what differs, field by field (`preview`
    then shows the out-of-band changes as changes to undo)."""
    from vigil.engine import operations
    from vigil.render.changes import render_refresh

    out = app_context(ctx).output(json)
    _, stack, guard = _prepare(ctx, env, out, lock_timeout)
    if not yes:
        planned = operations.refresh(stack, env, progress=out.progress, preview_only=True)
        if not planned.pulled:  # nothing to write: no question, no write
            if json:
                out.document({**planned.as_dict(), "has_changes": False})
            else:
                render_refresh(out, planned, done=False)
            return
        if not json:
            render_refresh(out, planned, done=False)
        ask(
            out,
            f"Write these live values into the state of '{env}'?",
            ConfirmationNeeded(f"refresh of '{env}' needs confirmation", hint="pass --yes"),
            env=env,
            json=json,
        )
    result = operations.refresh(stack, env, progress=out.progress, guard=guard)
    after_write(out, stack, guard)
    if json:
        out.document({**result.as_dict(), "has_changes": bool(result.pulled)})
    elif yes:
        render_refresh(out, result, done=True)
    else:  # listed above, before the question: only the outcome now
        out.print(f"[bold]{env}[/bold]: {len(result.pulled)} resource(s) pulled into the state")

"""vigil drift: live accounts versus the stack, per field; unmanaged objects; Slack once per new drift."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.commands.context import (
    AllowDeleteOption,
    EnvOption,
    JsonOption,
    RunEnvironment,
    YesOption,
    app_context,
)
from vigil.commands.errors import ChangesFound, VigilError
from vigil.render.console import Output


def detect(
    ctx: typer.Context, env: str, out: Output, lock_timeout: str = "0"
) -> tuple[Any, Any, Any, RunEnvironment]:
    """(report, loaded stack, pulumi stack, run environment). With a ``lock_timeout`` above zero a
    running update is waited for (bounded) instead of stopping the comparison."""
    import time

    from vigil.commands.ownership import prepare
    from vigil.commands.stack import require_environment
    from vigil.core.credentials import INVENTORY_VARIABLE
    from vigil.engine import operations
    from vigil.engine.drift import classify, state_resources
    from vigil.engine.inventory import unmanaged

    context = app_context(ctx)
    loaded = context.stack(env)
    with tempfile.TemporaryDirectory(prefix="vigil-inventory-") as listings:
        run_env, stack = context.select(env, loaded, out)
        # The refresh leaves its listings here (core/uptimerobot): a value for the Pulumi process's
        # environment only, never this process's.
        workspace_env = stack.workspace.env_vars
        stack.workspace.env_vars = {**workspace_env, INVENTORY_VARIABLE: listings}
        try:
            require_environment(loaded, run_env.variables)
            guard = context.guard(run_env, out, lock_timeout)
            if guard.lock_timeout > 0:  # a scheduled drift that meets a deploy waits for it
                guard.wait_for_lock(time.monotonic() + guard.lock_timeout)
            guard.ensure_no_writer()
            index = prepare(guard.store, guard.project, context.project().root, env, out)
            before = state_resources(operations.export_deployment(stack, guard))
            preview = operations.preview(stack, env, refresh=True, progress=out.progress, guard=guard)
            report = classify(preview, before)

            def held(kind: str, object_id: str) -> bool:  # by another stack of the backend
                return bool(index.owner_of(kind, object_id) or index.referenced_by(kind, object_id))

            report.items.extend(unmanaged(loaded.stack, before, run_env.variables, Path(listings), held))
            guard.ensure_no_writer()  # an up that started meanwhile makes its new objects look unmanaged
        finally:  # the folder goes with this block; a later `--fix` must not write into it
            stack.workspace.env_vars = workspace_env
    return report, loaded, stack, run_env


def _notify(ctx: typer.Context, report: Any, loaded: Any, out: Output, run_env: RunEnvironment) -> str | None:
    from vigil.core.slack import post_webhook
    from vigil.engine.notify_state import NotificationMemory, decide
    from vigil.render.markdown import slack_message

    memory = NotificationMemory.for_env(loaded.stack.app, report.env, run_env.engine)
    event = decide(memory.last(), report.fingerprint())
    if event is None:
        out.info("Slack: nothing new to tell (same drift as last notified, or still clean)")
        return None
    webhook = run_env.get("SLACK_WEBHOOK_URL")
    if not webhook:
        raise VigilError(
            "--notify slack needs SLACK_WEBHOOK_URL (the incoming webhook to post to)",
            hint="export SLACK_WEBHOOK_URL from your secrets",
        )
    post_webhook(webhook, slack_message(report, event))
    memory.remember(report.fingerprint())
    out.info(f"Slack: posted the {event} notification")
    return event


def _notify_reporting_failure(
    ctx: typer.Context, report: Any, loaded: Any, out: Output, run_env: RunEnvironment
) -> tuple[str | None, VigilError | None]:
    """Notify; a failure (the webhook answers 500, is missing …) is returned to report after the
    drift report instead of replacing it."""
    from vigil.core.errors import ClientError

    try:
        return _notify(ctx, report, loaded, out, run_env), None
    except VigilError as error:
        return None, error
    except ClientError as error:
        return None, VigilError(
            f"the drift report was not sent to Slack: {error}",
            hint="check SLACK_WEBHOOK_URL and Slack's status; the next `drift --notify slack` retries",
        )


def drift(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    report_file: Annotated[
        Path | None, typer.Option("--report", metavar="FILE", help="write a Markdown report")
    ] = None,
    notify: Annotated[
        str | None, typer.Option("--notify", metavar="slack", help="'slack': post new drift once")
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="re-apply the stack to remove drift (asks first, like up)")
    ] = False,
    yes: YesOption = False,
    allow_delete: AllowDeleteOption = False,
    lock_timeout: Annotated[
        str,
        typer.Option(
            "--lock-timeout",
            metavar="DURATION",
            help="wait this long for a running update of the environment to finish (default 0: stop "
            "with 'in progress')",
        ),
    ] = "0",
) -> None:
    """Compare the live accounts with the stack (exit 0 clean, 2 drift, 1 error)."""
    out = app_context(ctx).output(json)
    if notify not in (None, "slack"):
        raise VigilError(f"--notify {notify!r} is not supported", hint="use --notify slack")
    report, loaded, stack, run_env = detect(ctx, env, out, lock_timeout)
    fixed = None
    if fix and (report.changed or report.missing):
        from vigil.commands.stack import guard_and_apply

        fixed = guard_and_apply(
            out,
            loaded,
            stack,
            env,
            yes=yes,
            allow_delete=allow_delete,
            refresh=True,
            json=json,
            guard=app_context(ctx).guard(run_env, out),
            verb="fix",
        )
        if not json:
            from vigil.render.changes import render_operation

            out.print("[bold]fixed:[/bold]")
            render_operation(out, fixed, done=True, outputs=False)
        report, loaded, stack, run_env = detect(ctx, env, out, lock_timeout)
    event, failed = _notify_reporting_failure(ctx, report, loaded, out, run_env) if notify else (None, None)
    if report_file is not None:
        from vigil.render.markdown import drift_markdown

        report_file.write_text(drift_markdown(report))
    if json:
        document = {**report.as_dict(), "notified": event}
        if fixed is not None:
            document["fixed"] = [change.as_dict() for change in fixed.changes]
        if failed is not None:
            document["notify_error"] = failed.message
        out.document(document)
    else:
        from vigil.render.drift import render_drift

        render_drift(out, report)
    if failed is not None:  # after the report: the drift is known even when Slack is not told
        failed.reported = json
        raise failed
    if report.drifted:
        raise ChangesFound(
            f"drift found in '{env}'",
            hint=f"see `vigil drift --env {env} --report drift.md`; `--fix` re-applies the stack",
            reported=True,
        )

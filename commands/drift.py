"""vigil drift: live accounts versus the stack, per field; unmanaged objects; Slack once per new drift."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from commands.context import AllowDeleteOption, EnvOption, JsonOption, YesOption, app_context
from engine.errors import ChangesFound, VigilError
from render.console import Output


def detect(ctx: typer.Context, env: str, out: Output) -> tuple[Any, Any, Any]:
    """(report, loaded stack, pulumi stack)."""
    from commands.stack import require_environment
    from engine import operations
    from engine.drift import classify, state_resources
    from engine.inventory import unmanaged
    from engine.workspace import select_stack

    context = app_context(ctx)
    loaded = context.stack(env)
    with tempfile.TemporaryDirectory(prefix="vigil-inventory-") as listings:
        os.environ["VIGIL_INVENTORY_DIR"] = (
            listings  # the refresh leaves its listings here (core/uptimerobot)
        )
        try:
            stack = select_stack(context.project(), env, sandbox=loaded.sandbox)
            require_environment(loaded)
            before = state_resources(stack.export_stack().deployment or {})
            preview = operations.preview(stack, env, refresh=True, progress=out.progress)
            report = classify(preview, before)
            report.items.extend(unmanaged(loaded.stack, before))
        finally:
            os.environ.pop("VIGIL_INVENTORY_DIR", None)
    return report, loaded, stack


def _notify(ctx: typer.Context, report: Any, loaded: Any, out: Output) -> str | None:
    import os

    from core.slack import post_webhook
    from engine.notify_state import NotificationMemory, decide
    from engine.workspace import Project
    from render.markdown import slack_message

    project: Project = app_context(ctx).project()
    memory = NotificationMemory.for_env(project.root, loaded.stack.app, report.env, project.state_url)
    event = decide(memory.last(), report.fingerprint())
    if event is None:
        out.info("Slack: nothing new to tell (same drift as last notified, or still clean)")
        return None
    webhook = os.environ.get("SLACK_WEBHOOK_URL")
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
    ctx: typer.Context, report: Any, loaded: Any, out: Output
) -> tuple[str | None, VigilError | None]:
    """Notify; a failure (the webhook answers 500, is missing …) is returned to report after the
    drift report instead of replacing it."""
    from core.errors import ClientError

    try:
        return _notify(ctx, report, loaded, out), None
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
) -> None:
    """Compare the live accounts with the stack (exit 0 clean, 2 drift, 1 error)."""
    out = app_context(ctx).output(json)
    if notify not in (None, "slack"):
        raise VigilError(f"--notify {notify!r} is not supported", hint="use --notify slack")
    report, loaded, stack = detect(ctx, env, out)
    fixed = None
    if fix and (report.changed or report.missing):
        from commands.stack import guard_and_apply

        fixed = guard_and_apply(
            out, loaded, stack, env, yes=yes, allow_delete=allow_delete, refresh=True, json=json, verb="fix"
        )
        if not json:
            from render.changes import render_operation

            out.print("[bold]fixed:[/bold]")
            render_operation(out, fixed, done=True, outputs=False)
        report, loaded, stack = detect(ctx, env, out)
    event, failed = _notify_reporting_failure(ctx, report, loaded, out) if notify else (None, None)
    if report_file is not None:
        from render.markdown import drift_markdown

        report_file.write_text(drift_markdown(report))
    if json:
        document = {**report.as_dict(), "notified": event}
        if fixed is not None:
            document["fixed"] = [change.as_dict() for change in fixed.changes]
        if failed is not None:
            document["notify_error"] = failed.message
        out.document(document)
    else:
        from render.drift import render_drift

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

"""vigil verify: prove the monitoring path works (probe targets, test events, test messages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.markup import escape

from commands.context import EnvOption, JsonOption, app_context
from commands.errors import VigilError


def _sentry_checks(stack: Any, outputs: dict[str, tuple[Any, bool]], environ: Mapping[str, str]) -> list[Any]:
    from engine.verify import Check
    from engine.verify_sentry import send_test_event
    from spec import outputs as names

    checks = []
    for project in stack.sentry_projects:
        dsn, _ = outputs.get(names.sentry_dsn(project.slug), (None, True))
        if not dsn:
            checks.append(
                Check("sentry", project.slug, False, "no DSN in the stack outputs: run `vigil up` first")
            )
            continue
        checks.append(send_test_event(project.slug, str(dsn), stack.sentry_environment, environ))
    return checks


def _slack_checks(stack: Any, outputs: dict[str, tuple[Any, bool]], environ: Mapping[str, str]) -> list[Any]:
    from engine.verify import Check
    from engine.verify_slack import post_test_message, post_to_channel
    from spec import outputs as names

    checks = []
    for webhook in stack.slack_webhooks:
        url = environ.get(webhook.url.env or "") if webhook.url.env else None
        if not url:
            checks.append(
                Check(
                    "slack",
                    webhook.name,
                    False,
                    f"the webhook reference {webhook.url.describe()} is not set in this environment",
                )
            )
            continue
        checks.append(post_test_message(webhook.name, url, stack.env))
    channel = stack.slack_channel
    if channel is not None:
        channel_id, _ = outputs.get(names.SLACK_CHANNEL_ID, (None, False))
        checks.append(post_to_channel(channel.name, channel_id, stack.env, environ))
    return checks


def verify(
    ctx: typer.Context,
    env: EnvOption,
    json: JsonOption = False,
    slack: Annotated[
        bool,
        typer.Option(
            "--slack", help="also post a test message to each Slack webhook and the incidents channel"
        ),
    ] = False,
) -> None:
    """Probe every monitored URL, send a test event to each Sentry project, optionally test Slack."""
    from engine.operations import stack_outputs
    from engine.verify import probe_monitor, timed

    context = app_context(ctx)
    out = context.output(json)
    loaded = context.stack(env)
    run_env, stack = context.select(env, loaded)
    outputs = stack_outputs(stack)

    def run() -> list[Any]:
        checks = [probe_monitor(m) for m in loaded.stack.monitors]
        checks += _sentry_checks(loaded.stack, outputs, run_env.variables)
        if slack:
            checks += _slack_checks(loaded.stack, outputs, run_env.variables)
        return checks

    report = timed(env, run)
    if json:
        out.document(report.as_dict())
    else:
        for check in report.checks:
            mark = "[green]pass[/green]" if check.passed else "[red]FAIL[/red]"
            out.print(f"{mark} {check.kind:<8} {escape(check.name)}: {escape(check.detail)}")
        if report.would_alert:
            out.print(f"[yellow]would alert now:[/yellow] {escape(', '.join(report.would_alert))}")
        out.print(
            f"[bold]{env}[/bold]: {sum(c.passed for c in report.checks)}/{len(report.checks)} checks passed"
        )
    if not report.passed:
        failed = [c.name for c in report.checks if not c.passed]
        raise VigilError(f"verify of '{env}' failed: {', '.join(failed)}", reported=True)

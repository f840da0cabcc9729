"""vigil verify: prove the monitoring path works (probe targets, test events, test messages)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from commands.context import EnvOption, JsonOption, app_context
from engine.errors import VigilError


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
    from core.sentry import SentryClient
    from core.slack import SlackClient
    from engine.operations import stack_outputs
    from engine.workspace import select_stack
    from probes.report import Check, timed
    from probes.sentry import sentry_checks
    from probes.slack import slack_checks
    from probes.targets import probe_monitor
    from render.verify import render_verify

    context = app_context(ctx)
    out = context.output(json)
    loaded = context.stack(env)
    stack = select_stack(context.project(), env, sandbox=loaded.sandbox)
    outputs = stack_outputs(stack)

    def run() -> list[Check]:
        checks = [probe_monitor(m, dict(os.environ)) for m in loaded.stack.monitors]
        checks += sentry_checks(loaded.stack, outputs, SentryClient.from_env)
        if slack:
            checks += slack_checks(loaded.stack, outputs, dict(os.environ), SlackClient.from_env)
        return checks

    report = timed(env, run)
    if json:
        out.document(report.as_dict())
    else:
        render_verify(out, report)
    if not report.passed:
        raise VigilError(f"verify of '{env}' failed: {', '.join(report.failed)}", reported=True)

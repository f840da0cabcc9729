"""vigil verify: prove the monitoring path works (probe targets, test events, test messages)."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.commands.context import EnvOption, JsonOption, app_context
from vigil.commands.errors import VigilError


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
    from vigil.core import credentials
    from vigil.core.sentry import SentryClient
    from vigil.core.slack import SlackClient
    from vigil.engine.operations import stack_outputs
    from vigil.probes.report import Check, timed
    from vigil.probes.sentry import sentry_checks
    from vigil.probes.slack import slack_checks
    from vigil.probes.targets import probe_monitor
    from vigil.render.verify import render_verify

    context = app_context(ctx)
    out = context.output(json)
    loaded = context.stack(env)
    run_env, stack = context.select(env, loaded)
    outputs = stack_outputs(stack)

    def run() -> list[Check]:
        variables = run_env.variables
        checks = [probe_monitor(m, variables) for m in loaded.stack.monitors]
        checks += sentry_checks(loaded.stack, outputs, lambda: SentryClient(credentials.sentry(variables)))
        if slack:

            def slack_client() -> SlackClient | None:
                credential = credentials.slack(variables)
                return SlackClient(credential) if credential else None

            checks += slack_checks(loaded.stack, outputs, variables, slack_client)
        return checks

    report = timed(env, run)
    if json:
        out.document(report.as_dict())
    else:
        render_verify(out, report)
    if not report.passed:
        raise VigilError(f"verify of '{env}' failed: {', '.join(report.failed)}", reported=True)

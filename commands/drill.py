"""vigil drill: make monitors fail and errors spike for real, and measure the time to detect and to
notify against each severity's MTTD target (the alerting path, proven with a number)."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.commands.context import EnvOption, JsonOption, YesOption, app_context
from vigil.commands.errors import ConfirmationNeeded, SandboxUnavailable, VigilError


def drill(
    ctx: typer.Context,
    env: EnvOption,
    monitor: Annotated[
        list[str] | None,
        typer.Option(
            "--monitor",
            "-m",
            metavar="NAME",
            help="drill this monitor (repeatable; default: one per severity)",
        ),
    ] = None,
    sentry: Annotated[
        bool, typer.Option("--sentry/--no-sentry", help="also drill the Sentry error alerts")
    ] = True,
    uptime: Annotated[
        bool, typer.Option("--uptime/--no-uptime", help="drill the Uptime Robot monitors")
    ] = True,
    burst: Annotated[
        int | None,
        typer.Option("--burst", metavar="N", help="test errors per alert (default: its threshold + 1)"),
    ] = None,
    json: JsonOption = False,
    yes: YesOption = False,
) -> None:
    """Fire drill: make monitors fail and errors spike, measure detection and notification times."""
    import secrets

    from vigil.commands.stack import ask
    from vigil.core import credentials
    from vigil.core.slack import SlackClient
    from vigil.core.uptimerobot import UptimeRobotClient
    from vigil.drill.lock import DrillBusy, DrillLock
    from vigil.drill.plan import PlanError, alert_cases, monitor_cases
    from vigil.drill.runner import run_drill
    from vigil.drill.sentry import SentryDrill
    from vigil.drill.uptime import UptimeDrill
    from vigil.drill.world import SandboxClock, SandboxHooks, WallClock
    from vigil.engine.backend import open_store
    from vigil.engine.drill_history import DrillHistory
    from vigil.engine.operations import stack_outputs
    from vigil.render.drill import DrillTable, render_verdict
    from vigil.sandbox import control
    from vigil.spec import outputs as names

    context = app_context(ctx)
    out = context.output(json)
    loaded = context.stack(env)
    stack = loaded.stack
    try:
        cases = monitor_cases(stack, list(monitor or [])) if uptime else []
        alerts = alert_cases(stack, burst) if sentry else []
    except PlanError as error:
        raise VigilError(str(error), hint="`vigil validate --env ENV` lists the stack's monitors") from None
    if stack.protected and not yes:
        ask(
            out,
            f"A drill of '{env}' makes monitors fail and pages the people on call. Continue?",
            ConfirmationNeeded(f"a drill of '{env}' needs confirmation (it pages people)", hint="pass --yes"),
            env=env,
            json=json,
        )
    run_env, pulumi_stack = context.select(env, loaded, out)
    outputs = stack_outputs(pulumi_stack)
    variables = run_env.variables
    store = open_store(run_env.engine.backend_url, run_env.engine.variables)
    project_name = context.project().name

    clock: WallClock | SandboxClock = WallClock()
    hooks: SandboxHooks | None = None
    if run_env.sandbox:
        paths = context.sandbox_paths()
        running = control.running(paths)
        target = control.target_url(paths)
        if running is None or target is None:
            raise SandboxUnavailable("the sandbox is not running", hint="run `vigil sandbox start`")
        hooks = SandboxHooks(running[1], target)
        clock = SandboxClock(running[1]).sync()

    slack_credential = credentials.slack(variables)
    slack = SlackClient(slack_credential) if slack_credential else None
    run_id = secrets.token_hex(3)
    monitor_ids = {
        str(k): int(v) for k, v in dict(outputs.get(names.MONITOR_IDS, ({}, False))[0] or {}).items()
    }
    uptime_drill = None
    if cases:
        uptime_drill = UptimeDrill(
            UptimeRobotClient(credentials.uptimerobot(variables)),
            clock,
            hooks,
            slack,
            monitor_ids,
            variables.get("UPTIMEROBOT_API_KEY", ""),
            run_id,
        )
    sentry_drill = None
    if alerts:
        dsns = {
            p.slug: str(outputs.get(names.sentry_dsn(p.slug), ("", True))[0] or "")
            for p in stack.sentry_projects
        }
        sentry_drill = SentryDrill(
            clock,
            hooks,
            slack,
            variables.get("SENTRY_AUTH_TOKEN", ""),
            dsns,
            stack.sentry_environment or "production",
            run_id,
        )
    table = DrillTable(out)
    out.info(f"drill {run_id} of '{env}': {len(cases)} monitor(s), {len(alerts)} Sentry alert(s)")
    try:
        report = run_drill(
            env,
            clock,
            DrillLock.in_store(store, project_name, env),
            DrillHistory.in_store(store, project_name, env),
            uptime_drill,
            cases,
            sentry_drill,
            alerts,
            on_result=(lambda result: None) if json else table.row,
            on_started=(lambda: None) if json else table.header,
        )
    except DrillBusy as error:
        raise VigilError(
            str(error), hint="wait for it to finish; a killed drill's lock clears itself"
        ) from None
    if json:
        out.document(report.as_dict())
    else:
        render_verdict(out, env, report.passed, report.results, report.cleanup_problems)
    if not report.passed:
        failed = sorted({f"{r.name} ({r.channel})" for r in report.results if not r.passed})
        raise VigilError(f"drill of '{env}' failed: {', '.join(failed) or 'cleanup'}", reported=True)

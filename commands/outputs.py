"""vigil outputs: the settings the application needs (DSNs, environment, sampling), masked by default."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

import typer

from vigil.commands.context import EnvOption, JsonOption, app_context
from vigil.commands.errors import VigilError
from vigil.spec import outputs as names
from vigil.spec.stack import Stack

MASK = "[secret]"


class Format(StrEnum):
    table = "table"
    json = "json"
    dotenv = "dotenv"


def _env_name(name: str) -> str:
    """'Conductor status (sandbox)' → 'CONDUCTOR_STATUS_SANDBOX'."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def application_settings(
    stack: Stack, stack_outputs: dict[str, tuple[Any, bool]]
) -> list[tuple[str, Any, bool]]:
    """(name, value, is_secret) rows: what the application is configured with."""
    rows: list[tuple[str, Any, bool]] = []
    if stack.sentry_environment:
        rows.append(("SENTRY_ENVIRONMENT", stack.sentry_environment, False))
    for project in stack.sentry_projects:
        suffix = project.slug.upper().replace("-", "_")
        for key in project.keys:
            value, _ = stack_outputs.get(names.sentry_dsn(project.slug, key), (None, True))
            label = f"SENTRY_DSN_{suffix}" if key == "default" else f"SENTRY_DSN_{suffix}_{key.upper()}"
            rows.append((label, value, True))
        rows.append((f"SENTRY_TRACES_SAMPLE_RATE_{suffix}", project.traces_sample_rate, False))
        if project.profiles_sample_rate is not None:
            rows.append((f"SENTRY_PROFILES_SAMPLE_RATE_{suffix}", project.profiles_sample_rate, False))
    for name, url in sorted((stack_outputs.get(names.HEARTBEAT_URLS, ({}, True))[0] or {}).items()):
        rows.append((f"HEARTBEAT_URL_{_env_name(name)}", url, True))
    for name, url in sorted((stack_outputs.get(names.STATUS_PAGE_URLS, ({}, False))[0] or {}).items()):
        rows.append((f"STATUS_PAGE_URL_{_env_name(name)}", url, False))
    return rows


def outputs(
    ctx: typer.Context,
    env: EnvOption,
    format: Annotated[Format, typer.Option("--format", "-f", help="table, json or dotenv")] = Format.table,
    show_secrets: Annotated[bool, typer.Option("--show-secrets", help="print secret values")] = False,
    json: JsonOption = False,
) -> None:
    """Print what the application needs: SENTRY_DSN_*, SENTRY_ENVIRONMENT, sample rates, URLs."""
    from vigil.engine.operations import stack_outputs
    from vigil.render.outputs import render_outputs_dotenv, render_outputs_json, render_outputs_table

    if json:  # the same document as --format json, like every other command's --json
        format = Format.json
    context = app_context(ctx)
    loaded = context.stack(env)
    _, stack = context.select(env, loaded)
    rows = application_settings(loaded.stack, stack_outputs(stack))
    shown = [
        (name, value if (show_secrets or not secret or value is None) else MASK)
        for name, value, secret in rows
    ]
    out = context.output(format is Format.json)
    if format is Format.json:
        render_outputs_json(out, env, shown, masked=not show_secrets)
    elif format is Format.dotenv:
        masked = [name for name, value, secret in rows if secret and value is not None and not show_secrets]
        if masked:  # a .env with "[secret]" in it configures the application with a wrong value
            raise VigilError(
                f"refusing to write masked secrets as dotenv: {', '.join(masked)}",
                hint=f"pass --show-secrets to write their values (`vigil outputs --env {env} -f dotenv "
                "--show-secrets > .env`), or use -f table / --json to look at them masked",
            )
        render_outputs_dotenv(out, shown)
    else:
        render_outputs_table(out, shown)

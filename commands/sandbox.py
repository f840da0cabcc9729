"""vigil sandbox start|stop|status|env: the local emulators of Uptime Robot, Sentry and Slack."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from vigil.commands.context import (
    CONTEXT_SETTINGS,
    CREDENTIAL_ENV,
    SANDBOX_PASSPHRASE,
    SANDBOX_SHELL_MARKER,
    TARGET_VARIABLE,
    HelpGroup,
    JsonOption,
    app_context,
)
from vigil.commands.errors import SandboxUnavailable
from vigil.sandbox import control

app = typer.Typer(
    cls=HelpGroup,
    help="Local emulators of the Uptime Robot, Sentry and Slack APIs (127.0.0.1 only).",
    no_args_is_help=True,
    context_settings=CONTEXT_SETTINGS,
    rich_markup_mode=None,
)

PortOption = Annotated[
    int, typer.Option("--port", metavar="PORT", envvar="VIGIL_SANDBOX_PORT", help="port on 127.0.0.1")
]


@app.command()
def start(ctx: typer.Context, port: PortOption = control.DEFAULT_PORT, json: JsonOption = False) -> None:
    """Start the sandbox in the background (state survives restarts)."""
    context = app_context(ctx)
    out = context.output(json)
    paths = context.sandbox_paths()
    try:
        pid, url, started = control.start(paths, port)
    except control.SandboxStartError as error:
        raise SandboxUnavailable(str(error)) from error
    if json:
        out.document({"running": True, "url": url, "pid": pid, "started": started})
    else:
        out.print(f"sandbox {'started' if started else 'already running'} at {url} (pid {pid})")


@app.command()
def stop(ctx: typer.Context, json: JsonOption = False) -> None:
    """Stop the sandbox (its state file stays)."""
    context = app_context(ctx)
    out = context.output(json)
    stopped = control.stop(context.sandbox_paths())
    if json:
        out.document({"stopped": stopped})
    else:
        out.print("sandbox stopped" if stopped else "sandbox was not running")


def _status(ctx: typer.Context) -> dict[str, dict[str, str]]:
    paths = app_context(ctx).sandbox_paths()
    current = control.running(paths)
    if current is None:
        raise SandboxUnavailable("the sandbox is not running", hint="run `vigil sandbox start`")
    return control.fetch_status(current[1]) or {}


def _with_target(ctx: typer.Context, document: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The status plus the stand-in application the sandbox stack monitors (its port follows the
    sandbox's: port + 1 unless started with another)."""
    target = control.target_url(app_context(ctx).sandbox_paths())
    return {**document, "target": {"url": target}} if target else document


@app.command()
def status(ctx: typer.Context, json: JsonOption = False) -> None:
    """Where each emulator listens and its credentials (masked unless --json)."""
    from vigil.render.sandbox import render_status_json, render_status_table

    out = app_context(ctx).output(json)
    if json and control.running(app_context(ctx).sandbox_paths()) is None:
        out.document({"running": False})  # asking whether it runs is not an error
        return
    document = _with_target(ctx, _status(ctx))
    if json:
        render_status_json(out, document)
    else:
        render_status_table(out, document)


# What plain `pulumi up --stack sandbox` needs besides the credentials: the state backend vigil uses,
# the built CLI and vigil's language host on PATH, the interpreter that has vigil installed.
ENGINE_EXPORTS = (
    "PULUMI_BACKEND_URL",
    "PULUMI_HOME",
    "PULUMI_PYTHON_CMD",
    "PULUMI_SKIP_UPDATE_CHECK",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
    "PATH",
)


@app.command()
def env(ctx: typer.Context) -> None:
    """Print `export` lines for plain `pulumi` runs on the sandbox: eval "$(vigil sandbox env)"."""
    from vigil.engine.pulumi_process import PLUGIN_DIR
    from vigil.engine.workspace import engine_environment
    from vigil.render.sandbox import render_exports

    context = app_context(ctx)
    document = _status(ctx)
    variables = []
    for service, names in CREDENTIAL_ENV.items():
        info = document.get(service) or {}
        for variable, key in names.items():
            if info.get(key):
                variables.append((variable, str(info[key])))
    engine = engine_environment(
        context.project(), context.environ, env_name="sandbox", default_passphrase=SANDBOX_PASSPHRASE
    )
    exported = {name: str(engine.variables[name]) for name in ENGINE_EXPORTS if name in engine.variables}
    # vigil's plugin launchers (the language host and dynamic providers that exit with their
    # engine) come first, as in vigil's own runs (engine/pulumi_process.py).
    exported["PATH"] = f"{PLUGIN_DIR}{os.pathsep}{exported['PATH']}"
    variables += list(exported.items())
    variables.append(("PULUMI_CONFIG_PASSPHRASE", SANDBOX_PASSPHRASE))
    target = control.target_url(context.sandbox_paths())
    if target:  # what `{sandbox: target}` reads as in the program
        variables.append((TARGET_VARIABLE, target))
    variables.append((SANDBOX_SHELL_MARKER, "1"))  # real environments refuse to run in this shell
    render_exports(context.output(False), variables)


@app.command()
def messages(ctx: typer.Context, json: JsonOption = False) -> None:
    """What the sandbox delivered: Slack messages, webhook calls and e-mails (alerts included)."""
    from vigil.render.messages import render_messages, render_messages_json

    out = app_context(ctx).output(json)
    current = control.running(app_context(ctx).sandbox_paths())
    if current is None:
        raise SandboxUnavailable("the sandbox is not running", hint="run `vigil sandbox start`")
    try:
        document = control.delivered(current[1])
    except control.SandboxStartError as error:
        raise SandboxUnavailable(str(error)) from error
    if json:
        render_messages_json(out, document)
    else:
        render_messages(out, document)

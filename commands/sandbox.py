"""vigil sandbox start|stop|status|env: the local emulators of Uptime Robot, Sentry and Slack."""

from __future__ import annotations

import json as jsonlib
import shlex
from typing import Annotated

import typer
from rich.table import Table

from commands.context import CREDENTIAL_ENV, SANDBOX_PASSPHRASE, JsonOption, app_context
from commands.errors import SandboxUnavailable
from sandbox import control

app = typer.Typer(
    help="Local emulators of the Uptime Robot, Sentry and Slack APIs (127.0.0.1 only).", no_args_is_help=True
)

PortOption = Annotated[int, typer.Option("--port", envvar="VIGIL_SANDBOX_PORT", help="port on 127.0.0.1")]


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


@app.command()
def status(ctx: typer.Context, json: JsonOption = False) -> None:
    """Where each emulator listens and its credentials (masked unless --json)."""
    out = app_context(ctx).output(json)
    document = _status(ctx)
    if json:
        # Unredacted on purpose: the sandbox's credentials guard nothing real, and tools read them here.
        typer.echo(jsonlib.dumps(document, indent=2))
        return
    table = Table("service", "url", "credentials", box=None)
    for service, info in document.items():
        keys = ", ".join(k for k in info if k != "url")
        table.add_row(service, info.get("url", ""), f"{keys} (see --json)")
    out.rich(table)


@app.command()
def env(ctx: typer.Context) -> None:
    """Print `export` lines for plain `pulumi` runs: eval "$(vigil sandbox env)"."""
    document = _status(ctx)
    lines = []
    for service, names in CREDENTIAL_ENV.items():
        info = document.get(service) or {}
        for variable, key in names.items():
            if info.get(key):
                lines.append(f"export {variable}={shlex.quote(str(info[key]))}")
    lines.append(f"export PULUMI_CONFIG_PASSPHRASE={SANDBOX_PASSPHRASE}")
    typer.echo("\n".join(lines))

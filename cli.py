"""vigil: monitoring as code for Sentry, Uptime Robot, Slack and status pages, on Pulumi.

This module only assembles the command modules of ``commands/`` and owns the single error wrapper:
every expected failure is a ``VigilError`` (commands/errors.py), an ``EngineError`` (engine/errors.py)
or an invalid stack, mapped here, in one handler, to one stderr line and an exit code (0 ok, 1 error,
2 changes/drift, 3 confirmation needed, 130 interrupted). No command raises ``typer.Exit``.
Unexpected errors print one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click import Context as ClickContext
from typer._click.exceptions import UsageError  # Typer vendors click; BadParameter's base

from vigil.commands import blocks as blocks_commands
from vigil.commands import drift as drift_commands
from vigil.commands import drill as drill_commands
from vigil.commands import import_ as import_commands
from vigil.commands import init as init_commands
from vigil.commands import outputs as outputs_commands
from vigil.commands import release as release_commands
from vigil.commands import runbook as runbook_commands
from vigil.commands import sandbox as sandbox_commands
from vigil.commands import sla as sla_commands
from vigil.commands import stack as stack_commands
from vigil.commands import state as state_commands
from vigil.commands import unlock as unlock_commands
from vigil.commands import verify as verify_commands
from vigil.commands.context import CONTEXT_SETTINGS, AppContext, HelpGroup
from vigil.commands.errors import ExitCode, VigilError
from vigil.engine.errors import EngineError, Interrupted
from vigil.spec.findings import InvalidStack
from vigil.spec.loader import UnknownEnvironment

GLOBAL_FLAGS = ("--debug",)  # accepted before or after the command: `vigil up -e prod --debug`


def _hoisted(args: list[str]) -> list[str]:
    """The global flags moved in front of the command (never past a ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in GLOBAL_FLAGS]
    return [*flags, *(a for a in args[:end] if a not in GLOBAL_FLAGS), *args[end:]]


class VigilGroup(HelpGroup):
    """The root command: global flags anywhere, and with ``--json`` a usage error is still one JSON
    document on stdout (the usage text goes to stderr as usual)."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        ctx.meta["vigil.json"] = "--json" in args
        args = _hoisted(args)
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:
            _usage_document(ctx, error)
            raise

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            _usage_document(ctx, error)
            raise


def _usage_document(ctx: ClickContext, error: UsageError) -> None:
    if not ctx.meta.get("vigil.json"):
        return
    command = error.ctx.command_path if error.ctx is not None else "vigil"
    document = {
        "error": {
            "message": error.format_message(),
            "exit_code": int(ExitCode.ERROR),
            "hint": f"run `{command} --help`",
        }
    }
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vigil")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"vigil {_version()}")
        raise typer.Exit()


app = typer.Typer(
    cls=VigilGroup,
    name="vigil",
    help="Monitoring as code: preview and apply Sentry, Uptime Robot and Slack per environment.",
    no_args_is_help=True,
    context_settings=CONTEXT_SETTINGS,
    rich_markup_mode=None,  # plain help: Typer's rich panels label every flag `<bool>`
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,  # never print locals: they can hold tokens
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
)


@app.callback()
def main_callback(
    ctx: typer.Context,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-C",
            envvar="VIGIL_PROJECT",
            metavar="DIR",
            help="project directory (Pulumi.yaml + stacks/)",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks (also after the command)")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="print vigil's version and exit"
        ),
    ] = False,
) -> None:
    ctx.obj = AppContext(project_dir=project, debug=debug)


app.command()(init_commands.init)
app.command()(blocks_commands.blocks)
app.command()(stack_commands.validate)
app.command()(stack_commands.preview)
app.command()(stack_commands.up)
app.command()(stack_commands.destroy)
app.command()(stack_commands.refresh)
app.command()(drift_commands.drift)
app.command(name="import")(import_commands.import_)
app.command()(outputs_commands.outputs)
app.command()(runbook_commands.runbook)
app.command()(verify_commands.verify)
app.command()(drill_commands.drill)
app.command()(release_commands.release)
app.command()(unlock_commands.unlock)
app.command()(sla_commands.sla)
app.add_typer(sandbox_commands.app, name="sandbox")
app.add_typer(state_commands.app, name="state")


def _json_requested(argv: list[str]) -> bool:
    return "--json" in argv


def _fail(
    argv: list[str],
    message: str,
    code: int,
    hint: str | None = None,
    details: object = None,
    *,
    document: bool = True,
) -> int:
    from vigil.core.redact import redact

    message, hint = redact(message), redact(hint) if hint else None
    if document and _json_requested(argv):
        error: dict[str, object] = {"message": message, "exit_code": code}
        if hint:
            error["hint"] = hint
        if details is not None:
            error["details"] = details
        sys.stdout.write(json.dumps({"error": error}, indent=2) + "\n")
    sys.stderr.write(f"error: {message}\n")
    if hint:
        sys.stderr.write(f"  hint: {hint}\n")
    return code


class Terminated(KeyboardInterrupt):
    """SIGTERM while no engine run is in progress (engine runs handle it themselves:
    engine/pulumi_process.py forwards it to Pulumi as a graceful cancel)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM ends vigil the way Ctrl-C does — with a message and exit 130 — instead of silently."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _command(argv: list[str]) -> str:
    return " ".join(a for a in argv if a not in ("--debug", "--yes", "-y"))


def _interrupt_behind(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM an exit was raised from, if it was (bounded walk of the chain)."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, KeyboardInterrupt):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _interrupted(argv: list[str], interrupt: KeyboardInterrupt) -> int:
    which = "SIGTERM" if isinstance(interrupt, Terminated) else "Ctrl-C"
    return _fail(
        argv,
        f"interrupted ({which}) while no engine run was in progress: the stack's state was not being written",
        int(ExitCode.INTERRUPTED),
        f"rerun `vigil {_command(argv)}` to do what was asked",
    )


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting (tests call this)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    with _sigterm_as_interrupt():
        return _run(argv)


def _run(argv: list[str]) -> int:
    try:
        app(args=argv, prog_name="vigil", standalone_mode=True)
    except VigilError as error:
        return _fail(argv, error.message, int(error.exit_code), error.hint, document=not error.reported)
    except Interrupted as error:
        return _fail(argv, error.message, int(ExitCode.INTERRUPTED), error.hint)
    except EngineError as error:
        traceback = getattr(error, "traceback", "")
        if traceback and "--debug" in argv:  # the providers' tracebacks, behind the one-line errors
            sys.stderr.write(traceback.rstrip() + "\n")
            return _fail(argv, error.message, int(ExitCode.ERROR))
        return _fail(argv, error.message, int(ExitCode.ERROR), error.hint)
    except InvalidStack as error:
        return _fail(
            argv,
            str(error),
            int(ExitCode.ERROR),
            f"run `vigil validate --env {error.env}` for every finding",
            [f.as_dict() for f in error.findings],
        )
    except UnknownEnvironment as error:
        return _fail(argv, str(error), int(ExitCode.ERROR), f"known environments: {', '.join(error.known)}")
    except SystemExit as done:  # click's own exits: --help (0), usage errors (2 there, 1 here)
        interrupt = _interrupt_behind(done)  # Typer turns Ctrl-C into a silent exit 130
        if interrupt is not None:
            return _interrupted(argv, interrupt)
        code = done.code if isinstance(done.code, int) else int(ExitCode.ERROR)
        return int(ExitCode.ERROR) if code == 2 else code
    except KeyboardInterrupt as interrupt:  # outside an engine run (those raise Interrupted)
        return _interrupted(argv, interrupt)
    except Exception as error:
        if "--debug" in argv:
            raise
        return _fail(
            argv,
            f"unexpected {type(error).__name__}: {error}",
            int(ExitCode.ERROR),
            "rerun with --debug for the traceback",
        )
    return int(ExitCode.OK)


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()

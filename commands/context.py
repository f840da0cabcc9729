"""What every command shares: the project, the output, and loading a validated stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from typer._click import Context as ClickContext  # Typer vendors click; its base Context
from typer.core import TyperGroup

from engine.errors import VigilError
from engine.workspace import Project
from render.console import Output
from spec.loader import LoadedStack, UnknownEnvironment, load_stack, read_stack

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class HelpGroup(TyperGroup):
    """A command group that prints its help and exits 0 when called with nothing (`vigil`,
    `vigil sandbox`): asking what there is is not an error."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            typer.echo(ctx.get_help())
            raise typer.Exit(0)
        return super().parse_args(ctx, args)


EnvOption = Annotated[
    str,
    typer.Option(
        "--env",
        "-e",
        metavar="ENV",
        help="environment: a stacks/<env>.yaml file",
        envvar="VIGIL_ENV",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")]
AllowDeleteOption = Annotated[
    bool, typer.Option("--allow-delete", help="allow deletes and replaces in a protected environment")
]


@dataclass
class AppContext:
    project_dir: Path | None = None
    debug: bool = False

    def project(self) -> Project:
        return Project.locate(self.project_dir)

    def output(self, json_mode: bool) -> Output:
        return Output(json_mode=json_mode, debug=self.debug)

    def stack(self, env: str, *, strict: bool = False) -> LoadedStack:
        """The validated stack; raises ``InvalidStack`` on an error finding."""
        try:
            return load_stack(env, self.project().stacks_dir, strict=strict)
        except UnknownEnvironment as unknown:
            raise unknown_environment(unknown) from unknown

    def read(self, env: str) -> LoadedStack:
        """The stack with its findings, errors included (``validate``)."""
        try:
            return read_stack(env, self.project().stacks_dir)
        except UnknownEnvironment as unknown:
            raise unknown_environment(unknown) from unknown


def unknown_environment(unknown: UnknownEnvironment) -> VigilError:
    """The error for a mistyped ``--env``, suggesting the closest known name (``prod`` → ``production``)."""
    import difflib

    close = difflib.get_close_matches(unknown.env, unknown.known, n=1, cutoff=0.5)
    if not close:  # a prefix is the usual shorthand: prod, stag
        close = [name for name in unknown.known if name.startswith(unknown.env)][:1]
    known = ", ".join(unknown.known) if unknown.known else "none (add stacks/<env>.yaml)"
    guess = f"did you mean `--env {close[0]}`? " if close else ""
    return VigilError(str(unknown), hint=f"{guess}known environments: {known}")


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj

"""What every command shares: the project, the output, and loading a validated stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from engine.workspace import Project
from render.console import Output
from spec.loader import LoadedStack, load_stack

EnvOption = Annotated[
    str,
    typer.Option(
        "--env", "-e", help="environment: a stacks/<env>.yaml file", envvar="VIGIL_ENV", show_default=False
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
        return load_stack(env, self.project().stacks_dir, strict=strict)


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj

"""vigil init [DIR] --app NAME: a new vigil project in a team's own repository.

It writes what `vigil validate` and `vigil up --env sandbox` need at once (Pulumi.yaml, the program
entry, ``stacks/<app>.py`` with one file per environment, a .gitignore for local state and the
sandbox, the CI workflows) from ``templates/init/``, and never overwrites a file. The templates are
plain text with three names substituted (``{{ app }}``, ``{{ version }}``, ``{{ pulumi_version }}``):
the workflows hold GitHub's own ``${{ … }}`` expressions, which a template engine would eat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from vigil.commands.context import JsonOption, app_context
from vigil.commands.errors import VigilError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "init"
ENVIRONMENTS = ("sandbox", "dev", "staging", "production")
_APP_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Planned:
    template: str  # path under templates/init/
    target: str  # path in the new project
    commit: bool = True  # belongs in the repository (the README of init says which do not)


def planned_files(app: str) -> list[Planned]:
    files = [
        Planned("Pulumi.yaml.tmpl", "Pulumi.yaml"),
        Planned("__main__.py.tmpl", "__main__.py"),
        Planned("gitignore.tmpl", ".gitignore"),
        Planned("requirements.txt.tmpl", "requirements.txt"),
        Planned("stacks/app.py.tmpl", f"stacks/{app}.py"),
    ]
    files += [Planned(f"stacks/{env}.yaml.tmpl", f"stacks/{env}.yaml") for env in ENVIRONMENTS]
    files += [
        Planned(f"github-workflows/{name}.yml.tmpl", f".github/workflows/{name}.yml")
        for name in ("vigil-pull-request", "vigil-deploy", "vigil-drift")
    ]
    return files


def render_template(text: str, names: dict[str, str]) -> str:
    for name, value in names.items():
        text = text.replace("{{ " + name + " }}", value)
    return text


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vigil")
    except PackageNotFoundError:
        return "0.1.0"


def init(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(metavar="[DIR]", help="where to create the project (default: here)")
    ] = Path("."),
    app: Annotated[
        str,
        typer.Option(
            "--app", metavar="NAME", help="the application's name: stacks/NAME.py (lowercase, digits, _)"
        ),
    ] = "",
    json: JsonOption = False,
) -> None:
    """Create a vigil project (Pulumi.yaml, stacks/, .gitignore, CI workflows) in DIR."""
    from vigil.engine.pulumi_cli import pinned_version

    out = app_context(ctx).output(json)
    root = directory.resolve()
    if not app:
        app = re.sub(r"[^a-z0-9_]", "_", root.name.lower()).strip("_")
    if not _APP_NAME.match(app):
        raise VigilError(
            f"--app {app!r} is not a stack module name",
            hint="use lowercase letters, digits and _ (starting with a letter), e.g. --app shopfront",
        )
    files = planned_files(app)
    existing = [f.target for f in files if (root / f.target).exists()]
    if existing:
        raise VigilError(
            f"{root} already has {', '.join(existing)}: vigil init never overwrites a file",
            hint="run it in an empty directory, or move those files away first",
        )
    names = {"app": app, "version": _version(), "pulumi_version": pinned_version()}
    for planned in files:
        target = root / planned.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_template((TEMPLATES / planned.template).read_text(), names))
    created = [f.target for f in files]
    if json:
        out.document({"project": str(root), "app": app, "created": created, "commit": created})
        return
    out.print(f"created a vigil project for '{app}' in {root}:")
    out.lines([f"  {name}" for name in created])
    out.lines(
        [
            "",
            "Commit all of them. Each environment's first run writes Pulumi.<env>.yaml (its encryption "
            "salt): commit those too, except Pulumi.sandbox.yaml (.gitignore leaves it and .vigil/ out).",
            "",
            "Next:",
            *([f"  cd {directory}"] if directory != Path(".") else []),
            "  vigil validate --all",
            "  vigil up --env sandbox      # the local emulators, no account needed",
            f"  $EDITOR stacks/{app}.py   # the building blocks: `vigil blocks`",
        ]
    )

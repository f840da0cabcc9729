"""Install vigil under one import namespace, ``vigil.*``, keeping the repository's layout (DESIGN).

Before: ``pip install`` put top-level packages named ``core``, ``spec``, ``engine``, ``commands``,
``render``, ``sandbox``, … and a ``cli.py`` into site-packages, where they collide with other
packages. After: the wheel holds ``vigil/core``, ``vigil/spec``, … (hatchling's ``sources`` mapping),
every import says ``vigil.core…``, and nothing generic lands in site-packages.

Mechanical and idempotent: run it once after all branches are merged, then ``make setup``:

    python scripts/namespace.py            # rewrite the tree (prints what it changed)
    python scripts/namespace.py --check    # exit 1 if anything is still to rewrite

What it rewrites:
- ``from core.x import y`` → ``from vigil.core.x import y`` (and ``import spec`` → ``from vigil import
  spec``) in every .py file, the init templates, the README and docs (stack modules embedded as
  strings in tests included: they run as users' stacks, which import ``vigil.spec``);
- ``-m engine.language_host`` / ``-m engine.dynamic_host`` in the plugin launchers, ``-m sandbox`` where
  the sandbox daemon is started;
- pyproject.toml: the wheel's ``sources`` mapping, the console script, ruff's first-party list, the
  editable (dev) install, mypy's search path; the Makefile's typecheck target.

In the checkout ``vigil`` is the repository itself, through a symlink ``.venv/vigil-dev/vigil → ..``
that ``make setup`` creates and the editable install puts on sys.path (hatchling's dev mode cannot
add a prefix, https://github.com/pfmoore/editables/issues/20). ``.venv`` is excluded from every tool.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "core",
    "data",
    "monitors",
    "alerts",
    "components",
    "spec",
    "program",
    "engine",
    "probes",
    "commands",
    "render",
    "sandbox",
    "drill",
    "sla",
    "importer",
)
MODULES = (*PACKAGES, "cli")  # cli.py is a module of the namespace too
SKIP_DIRS = {".venv", ".git", ".vigil", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist"}

_NAMES = "|".join(MODULES)
_FROM = re.compile(rf"^(?P<indent>[ \t]*)from (?P<name>{_NAMES})(?P<rest>(?:\.[A-Za-z_]\w*)*) import ", re.M)
_IMPORT = re.compile(rf"^(?P<indent>[ \t]*)import (?P<name>{_NAMES})(?P<alias> as \w+)?[ \t]*$", re.M)
# an import inside a string or inline code: a stack module a test or the bench writes, `from spec …` in docs
_FROM_IN_STRING = re.compile(
    r"(?P<pre>\"\"\"|'''|\"|'|`|\\n)from (?P<name>" + _NAMES + r")(?P<rest>(?:\.[A-Za-z_]\w*)*) import "
)
_IMPORT_DOTTED = re.compile(rf"^[ \t]*import (?:{_NAMES})\.\w", re.M)
_DASH_M = re.compile(r"-m (?P<name>engine\.language_host|engine\.dynamic_host|sandbox)\b")
_DASH_M_LIST = re.compile(r'"-m",(?P<space>\s*)"sandbox"')

WHEEL_SECTION = re.compile(r"\[tool\.hatch\.build\.targets\.wheel\]\n(?:(?!\n\[).)*", re.S)
# pyproject.toml too: engine/pulumi_cli.py reads the pinned Pulumi CLI version from vigil/pyproject.toml.
ONLY_INCLUDE = [*PACKAGES, "templates", "cli.py", "pyproject.toml"]

# A launcher that finds vigil either way: the Pulumi CLI cache (~/.cache/vigil) is shared by every
# checkout on the machine, rewritten or not.
LANGUAGE_HOST = """#!/bin/sh
# Pulumi's `python` language plugin for machines where the Go host cannot be built
# (see engine/language_host.py). The interpreter is chosen as Pulumi's own dynamic-provider
# launcher chooses it: PULUMI_PYTHON_CMD, then the project's .venv, then python3.
if [ -n "${PULUMI_PYTHON_CMD:-}" ]; then py=$PULUMI_PYTHON_CMD
elif [ -n "${PULUMI_RUNTIME_VIRTUALENV:-}" ]; then py=$PULUMI_RUNTIME_VIRTUALENV/bin/python
elif [ -x .venv/bin/python ]; then py=.venv/bin/python
else py=python3
fi
# vigil.* once installed under its namespace (scripts/namespace.py); the old top-level layout else.
if "$py" -c "import vigil.engine" 2>/dev/null; then host=vigil.engine.language_host
else host=engine.language_host
fi
exec "$py" -u -m "$host" "$@"
"""


def rewrite_python(text: str) -> str:
    text = _FROM.sub(lambda m: f"{m['indent']}from vigil.{m['name']}{m['rest']} import ", text)
    text = _FROM_IN_STRING.sub(lambda m: f"{m['pre']}from vigil.{m['name']}{m['rest']} import ", text)
    return _IMPORT.sub(lambda m: f"{m['indent']}from vigil import {m['name']}{m['alias'] or ''}", text)


def rewrite_launchers(text: str) -> str:
    # one docstring line that would outgrow the line length with the longer module name
    text = text.replace(
        "``python -m sandbox --port 8710 --state .vigil/sandbox/state.pickle``",
        "``python -m vigil.sandbox --port 8710 --state STATE_FILE``",
    )
    text = _DASH_M.sub(lambda m: f"-m vigil.{m['name']}", text)
    return _DASH_M_LIST.sub(lambda m: f'"-m",{m["space"]}"vigil.sandbox"', text)


def rewrite_pyproject(text: str) -> str:
    if '"" = "vigil"' in text:
        return text
    section = (
        "[tool.hatch.build.targets.wheel]\n"
        "# Everything installs under vigil/ (vigil.core, vigil.spec, …): nothing generic in site-packages.\n"
        f"only-include = [{', '.join(repr(n).replace(chr(39), chr(34)) for n in ONLY_INCLUDE)}]\n"
        "# The editable install puts .venv/vigil-dev on sys.path, where `vigil` links to this checkout\n"
        "# (make setup creates it): hatchling's dev mode cannot add a prefix (editables issue 20).\n"
        'dev-mode-dirs = [".venv/vigil-dev"]\n'
        "\n"
        "[tool.hatch.build.targets.wheel.sources]\n"
        "# the empty prefix: every included path goes under vigil/ (files such as cli.py too; a\n"
        "# directory key would rewrite directories only)\n"
        '"" = "vigil"\n'
    )
    text = WHEEL_SECTION.sub(lambda _: section, text, count=1)
    text = text.replace('vigil = "cli:main"', 'vigil = "vigil.cli:main"')
    text = re.sub(
        r"known-first-party = \[[^\]]*\]", 'known-first-party = ["vigil", "stacks", "bench", "tests"]', text
    )
    # .venv stays excluded, except the link through which mypy reads the checkout as `vigil`
    text = text.replace('exclude = ["^\\\\.venv/",', 'exclude = ["^\\\\.venv/(?!vigil-dev/)",')
    text = text.replace(
        "explicit_package_bases = true",
        'mypy_path = ".venv/vigil-dev"  # `vigil` is this checkout (scripts/namespace.py)\n'
        "explicit_package_bases = true",
    )
    return text


MAKE_VENV = "\t@test -x $(PY) || $(PYTHON) -m venv $(VENV)\n"
MAKE_LINK = (
    "\t@mkdir -p $(VENV)/vigil-dev && ln -sfn ../.. $(VENV)/vigil-dev/vigil  # `vigil` = this checkout\n"
)


def rewrite_makefile(text: str) -> str:
    if "vigil-dev" in text:
        return text
    text = text.replace(MAKE_VENV, MAKE_VENV + MAKE_LINK, 1)
    # mypy reads the checkout through the link, so every module is named vigil.… (one name per file)
    packages = " ".join(f"$(VENV)/vigil-dev/vigil/{name}" for name in (*PACKAGES, "cli.py"))
    return re.sub(
        r"(typecheck: setup\n\t\$\(VENV\)/bin/mypy) [^\n]*",
        lambda m: f"{m[1]} {packages} bench stacks tests",
        text,
    )


def targets() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(ROOT).parts) or not path.is_file():
            continue
        launcher = path.name == "pulumi-language-python" or (
            path.parent.name == "plugins" and path.parent.parent.name == "engine"
        )
        if path.suffix in (".py", ".md", ".tmpl") or launcher:
            found.append(path)
    return sorted(found)


def plan() -> dict[Path, str]:
    """Every file whose text changes, with its new text."""
    changes: dict[Path, str] = {}
    for path in targets():
        if path.resolve() == Path(__file__).resolve():
            continue
        old = path.read_text()
        new = old
        if path.suffix in (".py", ".md", ".tmpl"):
            new = rewrite_python(new)
        new = rewrite_launchers(new)
        if path == ROOT / "scripts" / "pulumi-language-python":
            new = LANGUAGE_HOST
        if new != old:
            changes[path] = new
    for name, rewrite in (("pyproject.toml", rewrite_pyproject), ("Makefile", rewrite_makefile)):
        path = ROOT / name
        old = path.read_text()
        new = rewrite(old)
        if new != old:
            changes[path] = new
    return changes


def leftovers() -> list[str]:
    """``import core.x`` forms the rewrite cannot do mechanically (the names after it would break)."""
    found = []
    for path in targets():
        if path.suffix == ".py":
            for match in _IMPORT_DOTTED.finditer(path.read_text()):
                found.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    return found


def tidy(paths: list[Path]) -> None:
    """Imports re-sorted (``vigil.*`` is one first-party block now) and long imports re-wrapped."""
    if not paths:
        return
    ruff = next(
        (c for c in (ROOT / ".venv" / "bin" / "ruff", shutil.which("ruff")) if c and Path(c).exists()), None
    )
    if ruff is None:
        print(
            "ruff not found: run `ruff check --fix --select I001 . && ruff format .` yourself",
            file=sys.stderr,
        )
        return
    names = [str(p) for p in paths]
    subprocess.run(
        [str(ruff), "check", "--quiet", "--fix", "--select", "I001", *names], cwd=ROOT, check=False
    )
    subprocess.run([str(ruff), "format", "--quiet", *names], cwd=ROOT, check=False)


def main(argv: list[str]) -> int:
    changes = plan()
    manual = leftovers()
    if "--check" in argv:
        for path in changes:
            print(f"to rewrite: {path.relative_to(ROOT)}")
        for line in manual:
            print(f"rewrite by hand: {line}")
        return 1 if changes or manual else 0
    for path, text in changes.items():
        path.write_text(text)
        print(f"rewrote {path.relative_to(ROOT)}")
    tidy([path for path in changes if path.suffix == ".py"])
    for line in manual:
        print(f"rewrite by hand: {line}", file=sys.stderr)
    print(f"{len(changes)} files rewritten" + (f"; {len(manual)} imports to fix by hand" if manual else ""))
    return 1 if manual else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

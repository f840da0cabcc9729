"""Write the stack: the generated section of the stack module and ``imported:`` in the environment's YAML.

The code is the same for every environment and every import (one function, ``imported(values)``,
that turns the YAML lists into blocks, and a ``build`` that adds them to the stack's own); the
values are the environment's, so each YAML line keeps its place in findings, as a hand-written one.
A re-import rewrites both sections, keeping earlier entries. Nothing is written until the result
validates (in a copy of ``stacks/``); then each file is replaced atomically, the module first, so
an interruption leaves the files as they were or complete (a module whose YAML has no
``imported:`` yet declares nothing more).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vigil.importer.blocks import Candidate, EnvRef

BEGIN = "# --- vigil import: begin"
END = "# --- vigil import: end ---"
YAML_HEADER = "# --- vigil import:"

# The YAML list → the block it declares (the order blocks are declared in).
SECTIONS = (
    ("email_contacts", "EmailContact"),
    ("slack_webhooks", "SlackWebhook"),
    ("http_monitors", "HttpMonitor"),
    ("keyword_monitors", "KeywordMonitor"),
    ("ping_monitors", "PingMonitor"),
    ("port_monitors", "PortMonitor"),
    ("heartbeat_monitors", "HeartbeatMonitor"),
    ("status_pages", "StatusPage"),
    ("maintenance_windows", "MaintenanceWindow"),
    ("sentry_teams", "SentryTeam"),
    ("sentry_projects", "SentryProject"),
    ("error_alerts", "ErrorAlert"),
    ("latency_monitors", "LatencyMonitor"),
    ("dashboards", "Dashboard"),
    ("slack_channel", "SlackChannel"),
)
_NAME_KEYS = ("name", "slug", "title")


def code_section() -> str:
    table = "\n".join(f'    "{section}": _spec.{block},' for section, block in SECTIONS)
    return f'''{BEGIN} (written by `vigil import`, which rewrites this section) ---
# The blocks of the objects `vigil import` brought under code. Their values are each environment's
# own (`imported:` in stacks/<env>.yaml): an environment without that key imports nothing.
import dataclasses as _dataclasses  # noqa: E402
from typing import Any as _Any  # noqa: E402

from vigil import spec as _spec  # noqa: E402
from vigil.spec.blocks import Block as _Block  # noqa: E402
from vigil.spec.values import Values as _Values  # noqa: E402

_IMPORTED: dict[str, _Any] = {{  # the YAML list → the block each of its entries declares
{table}
}}


def imported(values: _Values) -> list[_Block]:
    """The imported blocks of this environment."""
    found = values.get("imported")
    if found is None:
        return []
    return [
        kind(**_fields(entry, kind))
        for section, kind in _IMPORTED.items()
        for entry in found.get(section) or []
    ]


def _fields(entry: _Values, kind: _Any) -> dict[str, _Any]:
    """An entry as the block's arguments: lists as tuples, a mapping as (name, value) pairs,
    widgets as Widget blocks. A key the block does not take stays unread, and `validate` names it."""
    args: dict[str, _Any] = {{}}
    for item in _dataclasses.fields(kind):
        key = item.name.rstrip("_")  # `for:` in YAML is LatencyMonitor's for_
        if item.name == "where" or key not in entry:
            continue
        value = entry[key]
        if key == "widgets":
            value = tuple(_spec.Widget(**_fields(widget, _spec.Widget)) for widget in value)
        elif isinstance(value, _Values):
            value = tuple(value.items())
        elif isinstance(value, list):
            value = tuple(value)
        args[item.name] = value
    return args


_build_without_imported = build  # noqa: F821 — the build() defined above


def build(env: str, values: _Values) -> _spec.Stack:  # noqa: F811 — the stack above, plus what was imported
    stack = _build_without_imported(env, values)
    return _dataclasses.replace(stack, blocks=(*stack.blocks, *imported(values)))
{END}
'''


def new_module(app: str) -> str:
    return f'''"""The stack of every environment that names `app: {app}`, first written by `vigil import`.

Edit it as any stack module; `vigil import` rewrites only its generated section below.
"""

from __future__ import annotations

from vigil.spec import Stack
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    return Stack(
        app="{app}",
        env=env,
        protected=values.flag("protected"),
        uptime_plan=values.get("uptime_plan", "free"),
        blocks=(),
    )


{code_section()}'''


def with_section(source: str) -> str:
    """The module with the generated section in place (replaced, or appended once)."""
    start = source.find(BEGIN)
    if start >= 0:
        end = source.find(END, start)
        if end < 0:
            raise GenerateError(f"the module has '{BEGIN}' but not '{END}': restore the end marker")
        return source[:start] + code_section() + source[end + len(END) :].lstrip("\n")
    return source.rstrip("\n") + "\n\n\n" + code_section()


# --- YAML ---------------------------------------------------------------------------------------------
def _scalar(value: Any) -> str:
    if isinstance(value, EnvRef):
        return f"{{env: {value.name}}}"
    text = yaml.safe_dump([value], default_flow_style=True, width=10**9, allow_unicode=True).strip()
    return text[1:-1]  # "[x]" → "x", quoted as a flow context needs (the strictest)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple)) or isinstance(value, EnvRef)


def _emit(value: Any, indent: int) -> list[str]:
    """Block style for mappings and lists of mappings; flow style for lists of scalars."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_scalar(item) or (isinstance(item, (list, tuple)) and all(_is_scalar(i) for i in item)):
                shown = _scalar(item) if _is_scalar(item) else "[" + ", ".join(_scalar(i) for i in item) + "]"
                lines.append(f"{pad}{_scalar(key)}: {shown}")
            elif isinstance(item, dict) and not item:
                lines.append(f"{pad}{_scalar(key)}: {{}}")
            else:
                lines.append(f"{pad}{_scalar(key)}:")
                lines.extend(_emit(item, indent + 2))
    else:
        for item in value:
            inner = _emit(item, indent + 2) if isinstance(item, dict) else [f"{pad}  {_scalar(item)}"]
            first = inner[0]
            lines.append(f"{pad}- {first[indent + 2 :]}")
            lines.extend(inner[1:])
    return lines


def yaml_section(entries: dict[str, list[dict[str, Any]]], module: str, variables: Iterable[EnvRef]) -> str:
    notes = [
        f"{YAML_HEADER} the objects below were in the accounts before this stack; imported() in",
        f"# {module} declares them. Rerunning `vigil import` rewrites this section.",
    ]
    shown = {ref.name: ref for ref in variables}
    if shown:
        notes.append("# Secrets are references: set " + ", ".join(sorted(shown)) + " before `vigil up`.")
    body = {section: entries[section] for section, _ in SECTIONS if entries.get(section)}
    return "\n".join([*notes, "imported:", *_emit(body, 2)]) + "\n"


_FIRST = ("name", "slug", "title", "project", "url", "host", "port", "keyword", "email", "every")


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    """What identifies the object first (name, target, interval), as a hand-written stack has it."""
    keys = sorted(entry, key=lambda k: _FIRST.index(k) if k in _FIRST else len(_FIRST))
    return {k: entry[k] for k in keys}


def _name(entry: dict[str, Any]) -> str:
    return next((str(entry[k]) for k in _NAME_KEYS if k in entry), "")


def merged(existing: Any, chosen: list[Candidate]) -> dict[str, list[dict[str, Any]]]:
    """The earlier imported entries, each replaced by a new one of the same name, plus the new ones."""
    out: dict[str, list[dict[str, Any]]] = {}
    if isinstance(existing, dict):
        for section, items in existing.items():
            if isinstance(items, list):
                out[str(section)] = [_from_yaml(i) for i in items if isinstance(i, dict)]
    for candidate in chosen:
        items = out.setdefault(candidate.section, [])
        items[:] = [i for i in items if _name(i) != candidate.name]
        items.append(_ordered(dict(candidate.entry)))
    return out


def _from_yaml(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"env"}:
            return EnvRef(str(value["env"]), "")
        return {k: _from_yaml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_yaml(v) for v in value]
    return value


def without_yaml_section(text: str) -> str:
    """The YAML text without an earlier `imported:` (its comment header included)."""
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith(YAML_HEADER):
            while index < len(lines) and lines[index].startswith("#"):
                index += 1
        elif line.startswith("imported:"):
            while index < len(lines) and (
                lines[index].startswith((" ", "\t", "-")) or not lines[index].strip()
            ):
                index += 1
        else:
            kept.append(line)
    body = "".join(kept).rstrip("\n")
    return body + "\n" if body.strip() else ""


# --- the write ----------------------------------------------------------------------------------------
class GenerateError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Written:
    module: Path
    values_file: Path
    module_created: bool
    variables: tuple[EnvRef, ...]


def plan_files(
    stacks_dir: Path,
    env: str,
    app: str | None,
    to: Path | None,
    chosen: list[Candidate],
    uptime_plan: str | None,
) -> dict[Path, str]:
    """The new text of every file the import changes (nothing written yet)."""
    values_file = stacks_dir / f"{env}.yaml"
    text = values_file.read_text(encoding="utf-8")
    if to is not None:
        module = to if to.is_absolute() else stacks_dir.parent / to  # relative to the project
        if module.parent.resolve() != stacks_dir.resolve() or module.suffix != ".py":
            raise GenerateError(
                f"--to {to}: write a module in {stacks_dir}, e.g. {stacks_dir / 'imported.py'}"
            )
        if app and module.stem != app:
            raise GenerateError(
                f"--to {to}: '{env}' is built by stacks/{app}.py (app: {app}); a second module would "
                "leave its blocks out",
                hint=f"omit --to to import into stacks/{app}.py",
            )
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", module.stem):
            raise GenerateError(f"--to {to}: the module name must be letters, digits and _")
    elif app:
        module = stacks_dir / f"{app}.py"
    else:
        module = stacks_dir / f"{re.sub(r'[^A-Za-z0-9_]', '_', env)}_stack.py"
    files: dict[Path, str] = {}
    if module.exists():
        files[module] = with_section(module.read_text(encoding="utf-8"))
    else:
        files[module] = new_module(module.stem)
    existing = (yaml.safe_load(text) or {}) if text.strip() else {}
    entries = merged(existing.get("imported") if isinstance(existing, dict) else None, chosen)
    refs = [r for c in chosen for r in c.refs]
    head = without_yaml_section(text)
    if not app:
        lines = head.splitlines(keepends=True)
        lead = 0
        while lead < len(lines) and lines[lead].startswith("#"):
            lead += 1
        head = "".join([*lines[:lead], f"app: {module.stem}\n", *lines[lead:]])

    if uptime_plan and not (isinstance(existing, dict) and "uptime_plan" in existing):
        head = head.rstrip("\n") + f"\nuptime_plan: {uptime_plan}\n"
    relative = f"stacks/{module.name}"
    files[values_file] = head.rstrip("\n") + "\n\n" + yaml_section(entries, relative, refs)
    return files


def validate_in_copy(stacks_dir: Path, env: str, files: dict[Path, str]) -> list[Any]:
    """The findings of the environment as it would be after the write (errors and warnings)."""
    from vigil.spec.findings import InvalidStack
    from vigil.spec.loader import read_stack

    with tempfile.TemporaryDirectory(prefix="vigil-import-") as folder:
        copy = Path(folder) / "stacks"
        shutil.copytree(stacks_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
        for path, text in files.items():
            (copy / path.name).write_text(text, encoding="utf-8")
        try:
            loaded = read_stack(env, copy)
        except InvalidStack as invalid:
            return [_relocated(f, copy, stacks_dir) for f in invalid.findings]
        return [_relocated(f, copy, stacks_dir) for f in loaded.findings]


def _relocated(finding: Any, copy: Path, real: Path) -> Any:
    import dataclasses

    where = finding.where
    if where is not None and where.file and str(copy) in str(where.file):
        where = dataclasses.replace(where, file=str(where.file).replace(str(copy), str(real)))
        return dataclasses.replace(finding, where=where)
    return finding


def write_files(files: dict[Path, str]) -> None:
    """Each file replaced atomically, the modules before the YAML (see the module docstring)."""
    for path in sorted(files, key=lambda p: p.suffix != ".py"):
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".vigil-tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(files[path])
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

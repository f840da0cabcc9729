"""The reference of every building block, generated from the blocks themselves (``spec/blocks.py``).

Fields, types and defaults come from the dataclasses; a field's note is the comment written beside
it (or on the line above) in ``spec/blocks.py``; the unit follows from the default (a duration, a
percentage) or from the type (a secret reference). ``vigil blocks`` prints it and
``docs/BLOCKS.md`` is it, written by ``scripts/blocks_reference.py``; a test fails when the file is
stale, so the reference cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import re
import tokenize
import types
import typing
from dataclasses import MISSING
from typing import Any

from vigil.spec import blocks as blocks_module
from vigil.spec.blocks import Block
from vigil.spec.stack import Stack

# A working call of each block, as a stack module writes it (checked by tests: each one builds).
EXAMPLES: dict[str, str] = {
    "Severity": 'Severity(level="P0", mttr="1h", description="the shop is down for everyone")',
    "SlaTargets": 'SlaTargets(uptime="99.9%", error_rate="0.1%", mttd="5m", mttr_p0="1h")',
    "EmailContact": 'EmailContact(name="ops", email="ops@example.com")',
    "SlackWebhook": 'SlackWebhook(name="slack", url=env_secret("SLACK_WEBHOOK_URL"), channel="#incidents")',
    "SlackChannel": 'SlackChannel(name="incidents", purpose="outages and their follow-up")',
    "OnCall": 'OnCall(role="tech lead", name="Ana", phone=env_secret("ONCALL_PHONE"))',
    "HttpMonitor": (
        'HttpMonitor(name="API", url="https://api.example.com/health", every="5m", severity="P0", '
        'alert=("ops",))'
    ),
    "KeywordMonitor": (
        'KeywordMonitor(name="Search", url="https://example.com/search", keyword="results", alert=("ops",))'
    ),
    "PingMonitor": 'PingMonitor(name="Gateway", host="gw.example.com", alert=("ops",))',
    "PortMonitor": 'PortMonitor(name="SMTP", host="mail.example.com", port=587, alert=("ops",))',
    "HeartbeatMonitor": (
        'HeartbeatMonitor(name="Nightly export", every="1d", grace="30m", alert=("ops",), '
        "on_status_page=False)"
    ),
    "StatusPage": 'StatusPage(name="Example status", domain="status.example.com")',
    "MaintenanceWindow": 'MaintenanceWindow(name="Sunday backup", repeat="weekly", start="02:00", days=(7,))',
    "SentryTeam": 'SentryTeam(slug="shop", name="Shop")',
    "SentryProject": 'SentryProject(slug="shop-api", platform="python-fastapi", team="shop")',
    "ErrorAlert": (
        'ErrorAlert(name="API errors", project="shop-api", environment="production", severity="P1")'
    ),
    "LatencyMonitor": 'LatencyMonitor(name="API p95", project="shop-api", p95_over="1s", for_="5m")',
    "ReleaseNotification": 'ReleaseNotification(project="shop-api", channel="#incidents")',
    "Widget": 'Widget(title="Errors", aggregate="count()", display="line")',
    "Dashboard": 'Dashboard(title="Shop", widgets=(Widget(title="Errors"),))',
    "Incident": (
        'Incident(title="API down", severity="P0", checks=("the hosting status page",), detected_by=("API",))'
    ),
}

# Notes for fields that carry no comment in spec/blocks.py (a comment there wins).
NOTES: dict[str, str] = {
    "app": "the application's name; also the stack module stacks/<app>.py that `app:` in the YAML names",
    "env": "the environment (stacks/<env>.yaml); `build(env, values)` receives it",
    "blocks": "the blocks below, nested lists allowed; None/False leave a block out of an environment",
    "uptime_plan": "sets the minimum interval and how many monitors the account holds",
    "severity": "a `Severity(level=...)` of the stack (P0–P3 unless you declare others)",
    "every": "check interval; the plan's minimum applies (free: 5m)",
    "email": "an e-mail address (checked)",
    "on_status_page": "set False for monitors (heartbeats) the public must not see",
    "environment": "Sentry environment the alert fires for; None fires for all (a warning)",
    "notify": '"team", "user:<email>" (a member of the Sentry organization) or "#slack-channel"',
    "platform": "Sentry platform, e.g. python-fastapi, javascript-angular",
    "team": "slug of a SentryTeam of the stack",
    "project": "slug of a SentryProject of the stack",
    "monitors": 'monitor names, or "all"',
    "level": "the name monitors and alerts use in severity=",
    "mttr": "time to resolve an incident of this severity",
    "keyword": "text the response must contain (alert_when=missing) or must not (present)",
    "grace": "how late the job may call its heartbeat URL before it alerts",
    "detected_by": "names of the monitors and alerts that detect it",
}

_DURATION = re.compile(r"^\d+(?:\.\d+)?(ms|s|m|h|d|w)$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?%$")


def block_classes() -> list[type[Block]]:
    """Every public block, in the order ``spec/blocks.py`` declares them."""
    found = [
        cls
        for name, cls in vars(blocks_module).items()
        if isinstance(cls, type) and issubclass(cls, Block) and cls is not Block and not name.startswith("_")
    ]
    return sorted(found, key=lambda cls: inspect.getsourcelines(cls)[1])


def _field_comments(cls: type) -> dict[str, str]:
    """Comments beside or above each field in the class bodies of ``cls`` and its bases."""
    notes: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or not dataclasses.is_dataclass(klass):
            continue
        source = inspect.getsource(klass)
        pending: list[str] = []
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                pending.append(stripped.lstrip("# ").strip())
                continue
            found = re.match(r"^\s{4}([a-z_][a-z0-9_]*)\s*:", line)
            if found:
                trailing = _trailing_comment(line)
                note = " ".join([*pending, *([trailing] if trailing else [])]).strip()
                if note:
                    notes[found.group(1)] = note
            pending = []
    return notes


def _trailing_comment(line: str) -> str:
    try:
        for token in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline):
            if token.type == tokenize.COMMENT:
                return token.string.lstrip("# ").strip()
    except (tokenize.TokenError, IndentationError):
        return ""
    return ""


def _type_text(annotation: Any) -> str:
    if isinstance(annotation, str):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_text(a) for a in typing.get_args(annotation))
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"tuple[{_type_text(args[0])}, ...]"
        return "tuple[" + ", ".join(_type_text(a) for a in args) + "]"
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def _unit(name: str, default: Any, type_text: str) -> str:
    if isinstance(default, str) and _DURATION.match(default):
        return "duration (`30s`, `5m`, `1h`, `1d`)"
    if isinstance(default, str) and _PERCENT.match(default):
        return "percentage (`99.9%`)"
    if "SecretRef" in type_text and "str" in type_text.replace("SecretRef", ""):
        return 'text, or a secret reference (`env_secret("NAME")`; YAML `{env: NAME}`)'
    if "SecretRef" in type_text:
        return 'secret reference (`env_secret("NAME")`; YAML `{env: NAME}`)'
    if name in ("mttr", "every", "grace", "duration", "per", "frequency", "p95_over", "for_"):
        return "duration (`30s`, `5m`, `1h`, `1d`)"
    return ""


def _default_text(field: dataclasses.Field[Any]) -> str:
    if field.default is not MISSING:
        return repr(field.default)
    if field.default_factory is not MISSING:
        return repr(field.default_factory())
    return "required"


def reference_rows(cls: type) -> list[dict[str, str]]:
    try:
        hints = typing.get_type_hints(cls)
    except NameError:  # a string alias (Stack.blocks): its annotation text reads well enough
        hints = {}
    notes = _field_comments(cls)
    rows = []
    for field in dataclasses.fields(cls):
        if not field.repr:  # where a block was written, what Stack rejected: not for stack authors
            continue
        type_text = _type_text(hints.get(field.name, field.type))
        default = field.default if field.default is not MISSING else None
        rows.append(
            {
                "field": field.name,
                "type": type_text,
                "default": _default_text(field),
                "unit": _unit(field.name, default, type_text),
                "note": notes.get(field.name) or NOTES.get(field.name, ""),
            }
        )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[dict[str, str]]) -> list[str]:
    lines = ["| field | type | default | unit | note |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| `{row['field']}` | `{_cell(row['type'])}` | "
            f"{'**required**' if row['default'] == 'required' else '`' + _cell(row['default']) + '`'} | "
            f"{_cell(row['unit'])} | {_cell(row['note'])} |"
        )
    return lines


def render_reference() -> str:
    """The whole reference as Markdown (docs/BLOCKS.md)."""
    lines = [
        "# Building blocks",
        "",
        "<!-- generated by scripts/blocks_reference.py from spec/blocks.py; do not edit by hand -->",
        "",
        "A stack module (`stacks/<app>.py`) returns a `Stack` built from these blocks "
        "(`from vigil.spec import …`). Durations are strings with a unit (`30s`, `5m`, `1h`, `1d`); "
        'secrets are references (`env_secret("NAME")` in Python, `{env: NAME}` in YAML). '
        "`vigil validate` checks every field offline.",
        "",
        "## Stack",
        "",
        *_table(reference_rows(Stack)),
        "",
    ]
    for cls in block_classes():
        doc = cls.__dict__.get("__doc__") or ""
        lines += [f"## {cls.__name__}", ""]
        if doc and not doc.startswith(f"{cls.__name__}("):  # dataclass writes its signature there
            lines += [" ".join(doc.split()), ""]
        lines += [*_table(reference_rows(cls)), ""]
        if cls.__name__ in EXAMPLES:
            lines += ["```python", EXAMPLES[cls.__name__], "```", ""]
    return "\n".join(lines).rstrip() + "\n"

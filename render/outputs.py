"""Rendering of ``vigil outputs``: a table, one JSON document, or dotenv lines.

The rows arrive already masked (``[secret]``) unless the user asked for ``--show-secrets``; then the
JSON document and the dotenv lines carry the values unmasked, on purpose.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from vigil.render.console import Output, visible

NOT_CREATED = "(not created yet)"


def render_outputs_table(out: Output, rows: Sequence[tuple[str, Any]]) -> None:
    table = Table("setting", "value", box=None)
    for name, value in rows:
        table.add_row(name, NOT_CREATED if value is None else escape(visible(str(value))))
    out.rich(table)


def render_outputs_json(out: Output, env: str, rows: Sequence[tuple[str, Any]], *, masked: bool) -> None:
    out.document({"env": env, "outputs": dict(rows)}, masked=masked)


def render_outputs_dotenv(out: Output, rows: Sequence[tuple[str, Any]]) -> None:
    out.lines([f"{name}={shlex.quote('' if value is None else str(value))}" for name, value in rows])

"""Rendering of ``vigil sandbox status`` and ``vigil sandbox env``.

The status document is printed unmasked on purpose: the sandbox's credentials guard nothing real, and
tools read them from ``vigil sandbox status --json``. The table names the credentials, not their values.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence

from rich.table import Table

from vigil.render.console import Output

Status = Mapping[str, Mapping[str, str]]


def render_status_json(out: Output, status: Status) -> None:
    out.document(status, masked=False)


def render_status_table(out: Output, status: Status) -> None:
    table = Table("service", "url", "credentials", box=None)
    for service, info in status.items():
        if service == "target":
            table.add_row("target", info.get("url", ""), "the stand-in app the sandbox stack monitors")
            continue
        keys = ", ".join(k for k in info if k != "url")
        table.add_row(service, info.get("url", ""), f"{keys} (see --json)")
    out.rich(table)


def render_exports(out: Output, variables: Sequence[tuple[str, str]]) -> None:
    """``export NAME=value`` lines for ``eval "$(vigil sandbox env)"``."""
    out.lines([f"export {name}={shlex.quote(value)}" for name, value in variables])

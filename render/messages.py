"""Rendering of ``vigil sandbox messages``: what the sandbox delivered, newest last.

One row per delivery: Slack messages (webhook posts and bot messages, Sentry's included), webhook
calls and e-mails of Uptime Robot alerts (with suppressed and failed ones, saying why), and Sentry's
e-mails. Webhook URLs never appear: a delivery names its contact, not its address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from vigil.render.console import Output, visible

Message = Mapping[str, Any]


def render_messages_json(out: Output, document: Mapping[str, Any]) -> None:
    out.document(document)


def render_messages(out: Output, document: Mapping[str, Any]) -> None:
    rows: Sequence[Message] = document.get("messages") or []
    if not rows:
        out.print("nothing delivered yet")
    else:
        table = Table("when", "from", "channel", "to", "status", "text", box=None)
        for row in rows:
            table.add_row(
                escape(visible(str(row.get("at_iso") or ""))),
                escape(visible(str(row.get("source") or ""))),
                escape(visible(str(row.get("channel") or ""))),
                escape(visible(str(row.get("to") or ""))),
                escape(visible(str(row.get("status") or ""))),
                escape(visible(str(row.get("text") or ""))),
            )
        out.rich(table)
    pages = document.get("status_pages") or []
    if pages:
        out.print("")
        out.print("status pages:")
        for page in pages:
            out.print(f"  {escape(str(page.get('name')))}: {escape(str(page.get('url')))}")

"""Human rendering of ``vigil release``: one line per Slack channel the release was announced in."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape

from vigil.render.console import Output


def render_release(out: Output, posted: Sequence[dict[str, str]]) -> None:
    for item in posted:
        out.print(escape(f"posted release {item['version']} of {item['project']} to {item['channel']}"))

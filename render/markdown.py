"""Markdown renderings (CI job summaries, drift reports), from the same result objects as the terminal."""

from __future__ import annotations

import json
from typing import Any

from vigil.engine.drift import DriftReport
from vigil.engine.operations import OperationResult
from vigil.render.runbook import templates

SYMBOLS = {
    "create": "+",
    "update": "~",
    "replace": "±",
    "create-replacement": "±",
    "delete-replaced": "±",
    "delete": "−",
}


def show(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def render_preview(result: OperationResult) -> str:
    from vigil.render.changes import summary_line

    env = templates()
    env.filters["show"] = show
    return env.get_template("preview.md.j2").render(
        result=result, summary=summary_line(result), symbols=SYMBOLS
    )


def drift_markdown(report: DriftReport) -> str:
    env = templates()
    env.filters["show"] = show
    return env.get_template("drift.md.j2").render(report=report)


def slack_message(report: DriftReport, event: str) -> dict[str, Any]:
    """The Slack payload for a drift ('drift') or resolution ('resolved') notification."""
    lines = []
    for item in report.changed[:10]:
        fields = ", ".join(f"`{f.path}` {show(f.live)} (wants {show(f.desired)})" for f in item.fields)
        lines.append(f"• changed *{item.name}* ({item.type}): {fields}")
    lines += [f"• missing *{i.name}* ({i.type})" for i in report.missing[:10]]
    lines += [f"• unmanaged *{i.name}* ({i.type}, id {i.remote_id})" for i in report.unmanaged[:10]]
    text = (
        templates()
        .get_template("drift-slack.json.j2")
        .render(report=report, event=event, lines=lines or ["—"])
    )
    return dict(json.loads(text))

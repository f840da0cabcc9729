"""Human rendering of previews, applies and validation findings."""

from __future__ import annotations

import json
from typing import Any

from rich.markup import escape
from rich.table import Table

from engine.changes import ResourceChange
from engine.operations import OperationResult
from render.console import Output
from spec.findings import Finding

_SYMBOL = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "replace": ("+-", "magenta"),
    "create-replacement": ("+-", "magenta"),
    "delete-replaced": ("+-", "magenta"),
    "delete": ("-", "red"),
}
_KEY_FIELDS = ("name", "friendly_name", "type", "url", "interval", "slug", "platform", "channel")


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def render_change(out: Output, change: ResourceChange) -> None:
    symbol, color = _SYMBOL.get(change.op, ("?", "white"))
    out.print(
        f"[{color}]{symbol} {escape(change.type)}[/{color}] [bold]{escape(change.name)}[/bold]"
        f" [dim]({change.op})[/dim]"
    )
    if change.fields:
        for field_change in change.fields:
            note = " [magenta](forces replace)[/magenta]" if field_change.replaces else ""
            out.print(
                f"    {escape(field_change.path)}: {escape(_value(field_change.old))} → "
                f"{escape(_value(field_change.new))}{note}"
            )
    elif change.op in ("create", "delete"):
        shown = {k: v for k, v in change.key_fields.items() if k in _KEY_FIELDS}
        for key, value in shown.items():
            out.print(f"    {escape(key)}: {escape(_value(value))}")


def summary_line(result: OperationResult) -> str:
    counts = result.summary
    parts = [f"{counts[op]} to {op}" for op in ("create", "update", "replace", "delete") if counts[op]]
    return ", ".join(parts) if parts else "no changes"


def render_operation(out: Output, result: OperationResult, *, done: bool) -> None:
    for change in result.changes:
        render_change(out, change)
    verb = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted"}
    if done:
        counts = result.summary
        parts = [f"{counts[op]} {verb[op]}" for op in verb if counts[op]]
        line = ", ".join(parts) if parts else "no changes"
    else:
        line = summary_line(result)
    out.print(f"[bold]{result.env}[/bold]: {line} [dim]({result.duration_seconds:.1f}s)[/dim]")
    if done and result.outputs:
        table = Table("output", "value", box=None, show_header=False)
        for key, value in sorted(result.outputs.items()):
            table.add_row(key, escape(_value(value)))
        out.rich(table)


def render_findings(out: Output, env: str, findings: list[Finding]) -> None:
    for finding in findings:
        color = "red" if finding.level == "error" else "yellow"
        out.print(
            f"[{color}]{finding.level}[/{color}] {escape(str(finding.where))}: "
            f"{escape(finding.message)}\n    [dim]fix:[/dim] {escape(finding.fix)}"
        )
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    verdict = "[green]valid[/green]" if errors == 0 else "[red]invalid[/red]"
    out.print(f"[bold]{env}[/bold]: {verdict} ({errors} error(s), {warnings} warning(s))")

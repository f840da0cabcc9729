"""Human rendering of previews, applies and validation findings."""

from __future__ import annotations

import json
from typing import Any

from rich.markup import escape
from rich.table import Table

from vigil.core.inputs import UNKNOWN_WIRE
from vigil.engine.changes import LOSSES, SECRET_MASK, ResourceChange, delete_word
from vigil.engine.operations import OperationResult
from vigil.render.console import Output, visible
from vigil.spec import outputs as names
from vigil.spec.findings import Finding

_SYMBOL = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "replace": ("+-", "magenta"),
    "create-replacement": ("+-", "magenta"),
    "delete-replaced": ("+-", "magenta"),
    "delete": ("-", "red"),
}
_KEY_FIELDS = ("name", "friendly_name", "type", "url", "interval", "slug", "platform", "channel")


KNOWN_AFTER_APPLY = "known after apply"  # what a preview shows for a value computed by the apply
SECONDS_FIELDS = frozenset({"interval", "timeout", "grace_period"})  # sent in seconds, written as 5m
_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60))


def duration(seconds: int) -> str:
    """300 → '5m', 5400 → '90m', 86400 → '1d', 45 → '45s': the units a stack is written in."""
    for unit, size in _UNITS:
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def masked_outputs(outputs: dict[str, Any]) -> dict[str, Any]:
    """Stack outputs with every credential shown as ``[secret]``, as `vigil outputs` shows them: the
    heartbeat push URLs (each one lets anyone report the job as alive) and the DSNs, whether or not
    the engine marked them secret."""
    shown: dict[str, Any] = {}
    for key, value in outputs.items():
        if key == names.HEARTBEAT_URLS and isinstance(value, dict):
            shown[key] = {name: SECRET_MASK for name in value}
        elif key.startswith("sentry_dsn_") or key == names.HEARTBEAT_URLS:
            shown[key] = SECRET_MASK
        else:
            shown[key] = value
    return shown


def _known(value: Any) -> Any:
    if isinstance(value, str):
        return KNOWN_AFTER_APPLY if value == UNKNOWN_WIRE else value
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_known(v) for v in value]
    return value


def shown_value(value: Any, field: str | None = None) -> str:
    """A value as a person reads it: seconds fields in the stack's units, unknowns as words."""
    value = _known(value)
    if field in SECONDS_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return duration(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def render_change(out: Output, change: ResourceChange) -> None:
    symbol, color = _SYMBOL.get(change.op, ("?", "white"))
    op = delete_word(change.type) if change.op == "delete" else change.op
    out.print(
        f"[{color}]{symbol} {escape(change.type)}[/{color}] [bold]{escape(change.name)}[/bold]"
        f" [dim]({op})[/dim]"
    )
    if change.op in ("delete", "replace", "delete-replaced") and change.type in LOSSES:
        out.print(f"    [red]loses: {escape(LOSSES[change.type])}[/red]")
    if change.fields:
        for field_change in change.fields:
            note = " [magenta](forces replace)[/magenta]" if field_change.replaces else ""
            out.print(
                f"    {escape(field_change.path)}: "
                f"{escape(shown_value(field_change.old, field_change.path))} → "
                f"{escape(shown_value(field_change.new, field_change.path))}{note}"
            )
    elif change.op in ("create", "delete"):
        shown = {k: v for k, v in change.key_fields.items() if k in _KEY_FIELDS}
        for key, value in shown.items():
            out.print(f"    {escape(key)}: {escape(shown_value(value, key))}")


def summary_line(result: OperationResult) -> str:
    counts = result.summary
    parts = [f"{counts[op]} to {op}" for op in ("create", "update", "replace", "delete") if counts[op]]
    return ", ".join(parts) if parts else "no changes"


def render_operation(out: Output, result: OperationResult, *, done: bool, outputs: bool = True) -> None:
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
    if done and outputs and result.outputs:
        table = Table("output", "value", box=None, show_header=False)
        for key, value in sorted(masked_outputs(result.outputs).items()):
            table.add_row(key, escape(visible(shown_value(value))))
        out.rich(table)


def render_refresh(out: Output, result: OperationResult, *, done: bool) -> None:
    """What a refresh pulls in, field by field in the stack's units (``interval: 5m → 10m``: state →
    live), and a resource deleted outside vigil as leaving the state."""
    for change in result.pulled:
        if change.op == "delete":
            out.print(
                f"[red]- {escape(change.type)}[/red] [bold]{escape(change.name)}[/bold]"
                " [dim](deleted outside vigil: leaves the state)[/dim]"
            )
            continue
        out.print(
            f"[yellow]~ {escape(change.type)}[/yellow] [bold]{escape(change.name)}[/bold]"
            " [dim](live differs)[/dim]"
        )
        for field_change in change.fields:
            out.print(
                f"    {escape(field_change.path)}: "
                f"{escape(shown_value(field_change.old, field_change.path))} → "
                f"{escape(shown_value(field_change.new, field_change.path))}"
            )
    count = len(result.pulled)
    if not count:
        line = "the state matches what is live"
    else:
        line = f"{count} resource(s) {'pulled into the state' if done else 'differ from the state'}"
    out.print(f"[bold]{result.env}[/bold]: {line} [dim]({result.duration_seconds:.1f}s)[/dim]")


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

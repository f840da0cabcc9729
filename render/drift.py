"""Human rendering of a drift report: changed, missing, unmanaged objects and pending changes."""

from __future__ import annotations

from rich.markup import escape

from vigil.engine.drift import DriftReport
from vigil.render.changes import shown_value
from vigil.render.console import Output


def render_drift(out: Output, report: DriftReport) -> None:
    if not report.drifted:
        out.print(f"[bold]{report.env}[/bold]: [green]no drift[/green] ({report.duration_seconds:.1f}s)")
    for item in report.changed:
        out.print(f"[yellow]~ changed[/yellow] {escape(item.type)} [bold]{escape(item.name)}[/bold]")
        for f in item.fields:
            out.print(
                f"    {escape(f.path)}: live {escape(shown_value(f.live, f.path))}, "
                f"stack wants {escape(shown_value(f.desired, f.path))}"
            )
    for item in report.missing:
        out.print(
            f"[red]- missing[/red] {escape(item.type)} [bold]{escape(item.name)}[/bold] (id {item.remote_id})"
        )
    for item in report.unmanaged:
        out.print(
            f"[magenta]? unmanaged[/magenta] {escape(item.type)} [bold]{escape(item.name)}[/bold] "
            f"(id {item.remote_id})"
        )
    for change in report.pending:
        out.print(
            f"[dim]pending: {change.op} {escape(change.type)} {escape(change.name)} (stack changed)[/dim]"
        )
    if report.drifted:
        out.print(
            f"[bold]{report.env}[/bold]: {len(report.changed)} changed, {len(report.missing)} missing, "
            f"{len(report.unmanaged)} unmanaged"
        )

"""Human rendering of a verify run: one line per check, what would alert now, the tally."""

from __future__ import annotations

from rich.markup import escape

from vigil.probes.report import VerifyReport
from vigil.render.console import Output


def render_verify(out: Output, report: VerifyReport) -> None:
    for check in report.checks:
        mark = "[green]pass[/green]" if check.passed else "[red]FAIL[/red]"
        out.print(f"{mark} {check.kind:<8} {escape(check.name)}: {escape(check.detail)}")
    if report.would_alert:
        out.print(f"[yellow]would alert now:[/yellow] {escape(', '.join(report.would_alert))}")
    passed = sum(c.passed for c in report.checks)
    out.print(f"[bold]{report.env}[/bold]: {passed}/{len(report.checks)} checks passed")

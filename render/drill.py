"""Rendering of ``vigil drill``: a live table, one row per monitor/alert and channel as it becomes
final, then the verdict. ``--json`` prints the report once, at the end."""

from __future__ import annotations

from rich.markup import escape

from vigil.engine.drill_history import DrillResult
from vigil.render.console import Output
from vigil.spec.units import human_duration

COLUMNS = ("what", "severity", "channel", "detect", "notify", "target", "result")
WIDTHS = (34, 8, 10, 8, 8, 8, 6)


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}s"


def _line(cells: tuple[str, ...]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, WIDTHS, strict=True)).rstrip()


class DrillTable:
    """Prints the header once, then each result as it arrives (stdout, never wrapped)."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.started = False

    def header(self) -> None:
        if not self.started:
            self.out.lines([_line(COLUMNS)])
            self.started = True

    def row(self, result: DrillResult) -> None:
        self.header()
        what = f"{'monitor' if result.kind == 'uptimerobot' else 'alert'} {result.name}"
        verdict = "pass" if result.passed else "FAIL"
        cells = (
            what,
            result.severity,
            result.channel,
            _seconds(result.detect_s),
            _seconds(result.notify_s),
            human_duration(result.target_s),
            verdict,
        )
        self.out.lines([_line(cells)])
        if result.detail:
            self.out.lines([f"    {result.detail}"])


def render_verdict(
    out: Output, env: str, passed: bool, results: list[DrillResult], problems: list[str]
) -> None:
    for problem in problems:
        out.error(f"cleanup: {problem}")
    failed = [r for r in results if not r.passed]
    if passed:
        out.print(
            f"[green]drill of '{escape(env)}' passed[/green]: {len(results)} alert path(s) within target"
        )
    else:
        out.print(
            f"[red]drill of '{escape(env)}' failed[/red]: {len(failed)} of {len(results)} alert path(s)"
        )

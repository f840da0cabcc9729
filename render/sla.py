"""`vigil sla` in the terminal, and the number formats every SLA renderer shares.

The Markdown, HTML and Slack renderers (render/sla_markdown.py, render/sla_html.py) print the same
figures with these functions, so a number reads the same everywhere (and as in ``--json``).
"""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from vigil.render.console import Output
from vigil.sla.report import BREACHED, MET, Check, SlaReport, iso
from vigil.spec.units import human_duration

DASH = "–"


def number(value: float | None) -> str:
    """A figure as ``--json`` holds it, without trailing zeros: 97.9167, 30, 0.5."""
    if value is None:
        return DASH
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def pct(value: float | None) -> str:
    return DASH if value is None else f"{number(value)}%"


def duration(value: float | None) -> str:
    return DASH if value is None else human_duration(value)


def ms(value: float | None) -> str:
    return DASH if value is None else f"{number(value)} ms"


def target_text(check: Check) -> str:
    sign = "≥" if check.bound == "at_least" else "≤"
    if check.unit == "%":
        return f"{sign} {pct(check.target)}"
    if check.unit == "s":
        return f"{sign} {duration(check.target)}"
    if check.unit == "ms":
        return f"{sign} {ms(check.target)}"
    return f"{sign} {number(check.target)}"


def check_of(checks: list[Check], name: str) -> Check | None:
    return next((c for c in checks if c.name == name), None)


def against(value: str, checks: list[Check], name: str) -> str:
    """``97.9167% (≥ 99%, breached)`` — the figure beside its target and state."""
    check = check_of(checks, name)
    if check is None:
        return value
    return f"{value} ({target_text(check)}, {check.state})"


def verdict_line(report: SlaReport) -> str:
    state = MET if report.met else BREACHED
    return (
        f"SLA of {report.app}/{report.env} over {report.window} "
        f"({iso(report.start)} → {iso(report.end)}): {state}"
        + (f" — {len(report.breaches)} breached: {', '.join(report.breaches)}" if report.breaches else "")
    )


def _mark(text: str) -> str:
    if text.endswith(f", {BREACHED})"):
        return f"[red]{escape(text)}[/red]"
    return escape(text)


def render_sla(out: Output, report: SlaReport) -> None:
    if report.monitors:
        table = Table(
            "monitor", "sev", "uptime", "downtime", "incidents", "longest", "open", "MTTR", "avg", "p95",
            title="Uptime Robot monitors", title_justify="left",
        )  # fmt: skip
        for m in report.monitors:
            if not m.found:
                table.add_row(escape(m.name), m.severity, "not found", *([DASH] * 7))
                continue
            table.add_row(
                escape(m.name),
                m.severity,
                _mark(against(pct(m.uptime_pct), m.checks, "uptime")),
                f"{number(m.downtime_min)} min",
                str(len(m.incidents)),
                duration(m.longest_s),
                "yes" if m.open_now else "no",
                _mark(against(duration(m.mttr_s), m.checks, "mttr")),
                ms(m.avg_ms),
                ms(m.p95_ms),
            )
        out.rich(table)
    if report.detection:
        table = Table(
            "severity", "monitors", "worst case", "drills", "missed", "MTTD", "slowest",
            title="Detection (vigil drill)", title_justify="left",
        )  # fmt: skip
        for d in report.detection:
            table.add_row(
                d.severity,
                str(d.monitors),
                duration(d.worst_case_s),
                str(d.drills),
                _mark(against(str(d.missed), d.checks, "missed_drills")),
                _mark(against(duration(d.mttd_s), d.checks, "mttd")),
                duration(d.slowest_s),
            )
        out.rich(table)
    if report.projects:
        table = Table(
            "project", "errors", "transactions", "error rate", "p95", "issues opened",
            title="Sentry projects", title_justify="left",
        )  # fmt: skip
        for p in report.projects:
            if not p.found:
                table.add_row(escape(p.slug), "not found", *([DASH] * 4))
                continue
            table.add_row(
                escape(p.slug),
                number(p.errors),
                number(p.transactions),
                _mark(against(pct(p.error_rate_pct), p.checks, "error_rate")),
                _mark(against(ms(p.p95_ms), p.checks, "p95")),
                number(p.issues_opened),
            )
        out.rich(table)
    for note in report.notes:
        out.warning(note)
    colour = "green" if report.met else "red"
    out.print(f"[{colour}]{escape(verdict_line(report))}[/{colour}]")

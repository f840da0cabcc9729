"""`vigil sla --markdown FILE` (a job summary, the weekly report) and the Slack summary.

The figures are those of ``--json``, formatted by render/sla.py: uptime and error rates in percent
with up to four decimals, downtime in minutes, durations as the stack writes them (``30m``).
"""

from __future__ import annotations

from typing import Any

from vigil.render.sla import DASH, against, duration, ms, number, pct, verdict_line
from vigil.sla.report import SlaReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), "|" + "---|" * len(header), *(_row(r) for r in rows), ""]


def sla_markdown(report: SlaReport) -> str:
    lines = [
        f"# SLA: {report.app} / {report.env}, last {report.window}",
        "",
        f"**{verdict_line(report)}**",
        "",
    ]
    if report.monitors:
        lines += ["## Uptime Robot monitors", ""]
        rows = []
        for m in report.monitors:
            if not m.found:
                rows.append([m.name, m.severity, "not found", *([DASH] * 7)])
                continue
            rows.append(
                [
                    m.name,
                    m.severity,
                    against(pct(m.uptime_pct), m.checks, "uptime"),
                    f"{number(m.downtime_min)} min",
                    str(len(m.incidents)),
                    duration(m.longest_s),
                    "yes" if m.open_now else "no",
                    against(duration(m.mttr_s), m.checks, "mttr"),
                    ms(m.avg_ms),
                    ms(m.p95_ms),
                ]
            )
        lines += _table(
            ["monitor", "severity", "uptime", "downtime", "incidents", "longest", "open now", "MTTR",
             "avg response", "p95 response"],
            rows,
        )  # fmt: skip
    if report.detection:
        lines += ["## Detection", "", "MTTD measured by `vigil drill` beside the configured worst case.", ""]
        rows = [
            [
                d.severity,
                str(d.monitors),
                duration(d.worst_case_s),
                str(d.drills),
                against(str(d.missed), d.checks, "missed_drills"),
                against(duration(d.mttd_s), d.checks, "mttd"),
                duration(d.slowest_s),
            ]
            for d in report.detection
        ]
        lines += _table(["severity", "monitors", "worst case", "drills", "missed", "MTTD", "slowest"], rows)
    if report.projects:
        lines += ["## Sentry projects", ""]
        rows = []
        for p in report.projects:
            if not p.found:
                rows.append([p.slug, "not found", *([DASH] * 4)])
                continue
            rows.append(
                [
                    p.slug,
                    number(p.errors),
                    number(p.transactions),
                    against(pct(p.error_rate_pct), p.checks, "error_rate"),
                    against(ms(p.p95_ms), p.checks, "p95"),
                    number(p.issues_opened),
                ]
            )
        lines += _table(
            ["project", "errors", "transactions", "error rate", "p95 transaction", "issues opened"], rows
        )
    if report.notes:
        lines += ["## Not measured", "", *(f"- {note}" for note in report.notes), ""]
    return "\n".join(lines)


def slack_summary(report: SlaReport) -> dict[str, Any]:
    """The incidents channel's message: the verdict, each breach with its numbers, one line per monitor."""
    lines = [("✅ " if report.met else "🔴 ") + verdict_line(report)]
    for m in report.monitors:
        if m.found:
            lines.append(
                f"• {m.name} ({m.severity}): uptime {against(pct(m.uptime_pct), m.checks, 'uptime')}, "
                f"{len(m.incidents)} incident(s), MTTR {duration(m.mttr_s)}"
            )
    for d in report.detection:
        if d.drills:
            lines.append(f"• detection {d.severity}: MTTD {against(duration(d.mttd_s), d.checks, 'mttd')}")
    for p in report.projects:
        if p.found:
            lines.append(
                f"• {p.slug}: error rate {against(pct(p.error_rate_pct), p.checks, 'error_rate')}, "
                f"p95 {against(ms(p.p95_ms), p.checks, 'p95')}"
            )
    return {"text": "\n".join(lines)}

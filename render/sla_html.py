"""`vigil sla --html FILE`: one self-contained page (no network) with the tables and four charts.

Charts by Plotly (pinned in pyproject.toml): its Python package builds the figures and ships
plotly.js, which is inlined once in the page's <head>, so the page opens offline, from a CI
artifact or a mail attachment, and stays interactive (hover for exact figures, zoom on a timeline).
The figures: uptime per monitor against the target line, the downtime timeline, response times,
and each Sentry project's error rate and p95 transaction duration over the window against their
targets.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from vigil.render.sla import against, duration, ms, number, pct, verdict_line
from vigil.sla.report import SlaReport, iso

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f6f8fa; }
.met { color: #1a7f37; } .breached { color: #cf222e; font-weight: 600; }
.verdict { font-size: 1.2rem; }
"""


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _state_class(text: str) -> str:
    return "breached" if text.endswith("breached)") else "met" if text.endswith("met)") else ""


def _table(header: list[str], rows: list[list[str]], table_id: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="{_state_class(c)}">{html.escape(c)}</td>' for c in row) + "</tr>"
        for row in rows
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _figures(report: SlaReport) -> list[tuple[str, Any]]:
    import plotly.graph_objects as go  # heavy: only --html and --serve pay for it

    layout: dict[str, Any] = {
        "template": "plotly_white",
        "height": 360,
        "margin": {"l": 60, "r": 20, "t": 50},
    }
    found = [m for m in report.monitors if m.found]
    charts: list[tuple[str, Any]] = []
    if found:
        uptime = go.Figure(
            go.Bar(
                x=[m.name for m in found],
                y=[m.uptime_pct for m in found],
                text=[pct(m.uptime_pct) for m in found],
                textposition="auto",
                name="uptime",
            )
        )
        targets = sorted({c.target for m in found for c in m.checks if c.name == "uptime"})
        for target in targets:
            uptime.add_hline(
                y=target, line_dash="dash", line_color="#cf222e", annotation_text=f"target {pct(target)}"
            )
        low = min([*(m.uptime_pct for m in found if m.uptime_pct is not None), *targets, 100.0])
        uptime.update_layout(
            title="Uptime per monitor", yaxis={"title": "%", "range": [max(0.0, low - 1), 100.2]}, **layout
        )
        charts.append(("chart-uptime", uptime))

        timeline = go.Figure()
        for m in found:
            for incident in m.incidents:
                end = incident.ended if incident.ended is not None else report.end
                timeline.add_trace(
                    go.Scatter(
                        x=[_when(incident.started), _when(end)],
                        y=[m.name, m.name],
                        mode="lines",
                        line={"width": 14, "color": "#cf222e"},
                        name=m.name,
                        showlegend=False,
                        hovertext=f"{m.name}: down {duration(incident.duration_s)} "
                        f"from {iso(incident.started)}",
                        hoverinfo="text",
                    )
                )
        timeline.update_layout(
            title="Downtime timeline",
            xaxis={"range": [_when(report.start), _when(report.end)], "type": "date"},
            yaxis={"categoryorder": "array", "categoryarray": [m.name for m in found], "type": "category"},
            **layout,
        )
        charts.append(("chart-downtime", timeline))

        response = go.Figure()
        for m in found:
            if m.response_series:
                response.add_trace(
                    go.Scatter(
                        x=[_when(t) for t, _ in m.response_series],
                        y=[v for _, v in m.response_series],
                        mode="lines+markers",
                        name=m.name,
                    )
                )
        response.update_layout(title="Response time (Uptime Robot)", yaxis={"title": "ms"}, **layout)
        charts.append(("chart-response", response))
    projects = [p for p in report.projects if p.found]
    if projects:
        rate = go.Figure()
        for p in projects:
            rate.add_trace(
                go.Scatter(
                    x=[_when(t) for t, _ in p.rate_series],
                    y=[v for _, v in p.rate_series],
                    mode="lines+markers",
                    name=p.slug,
                    connectgaps=False,
                )
            )
        for target in sorted({c.target for p in projects for c in p.checks if c.name == "error_rate"}):
            rate.add_hline(
                y=target, line_dash="dash", line_color="#cf222e", annotation_text=f"target {pct(target)}"
            )
        rate.update_layout(title="Error rate (Sentry)", yaxis={"title": "% of requests"}, **layout)
        charts.append(("chart-error-rate", rate))

        latency = go.Figure()
        for p in projects:
            latency.add_trace(
                go.Scatter(
                    x=[_when(t) for t, _ in p.p95_series],
                    y=[v for _, v in p.p95_series],
                    mode="lines+markers",
                    name=p.slug,
                )
            )
        for target in sorted({c.target for p in projects for c in p.checks if c.name == "p95"}):
            latency.add_hline(
                y=target, line_dash="dash", line_color="#cf222e", annotation_text=f"threshold {ms(target)}"
            )
        latency.update_layout(title="Transaction p95 (Sentry)", yaxis={"title": "ms"}, **layout)
        charts.append(("chart-p95", latency))
    return charts


def sla_html(report: SlaReport, *, refresh_s: int | None = None) -> str:
    from plotly.offline import get_plotlyjs

    parts = [
        f'<p class="verdict {"met" if report.met else "breached"}">{html.escape(verdict_line(report))}</p>'
    ]
    if report.monitors:
        rows = [
            [
                m.name,
                m.severity,
                against(pct(m.uptime_pct), m.checks, "uptime") if m.found else "not found",
                f"{number(m.downtime_min)} min",
                str(len(m.incidents)),
                duration(m.longest_s),
                "yes" if m.open_now else "no",
                against(duration(m.mttr_s), m.checks, "mttr"),
                ms(m.avg_ms),
                ms(m.p95_ms),
            ]
            for m in report.monitors
        ]
        parts += [
            "<h2>Uptime Robot monitors</h2>",
            _table(
                ["monitor", "severity", "uptime", "downtime", "incidents", "longest", "open now", "MTTR",
                 "avg", "p95"],
                rows,
                "monitors",
            ),
        ]  # fmt: skip
    if report.detection:
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
        parts += [
            "<h2>Detection</h2>",
            _table(
                ["severity", "monitors", "worst case", "drills", "missed", "MTTD", "slowest"],
                rows,
                "detection",
            ),
        ]
    if report.projects:
        rows = [
            [
                p.slug,
                number(p.errors),
                number(p.transactions),
                against(pct(p.error_rate_pct), p.checks, "error_rate"),
                against(ms(p.p95_ms), p.checks, "p95"),
                number(p.issues_opened),
            ]
            for p in report.projects
        ]
        parts += [
            "<h2>Sentry projects</h2>",
            _table(
                ["project", "errors", "transactions", "error rate", "p95", "issues opened"], rows, "projects"
            ),
        ]
    if report.notes:
        parts.append(
            "<h2>Not measured</h2><ul>"
            + "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
            + "</ul>"
        )
    config = {"displaylogo": False, "responsive": True}
    for div_id, figure in _figures(report):
        parts.append(figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=config))
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    title = html.escape(f"SLA {report.app}/{report.env} ({report.window})")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"{refresh}<title>{title}</title><style>{STYLE}</style>"
        f"<script>{get_plotlyjs()}</script></head>\n<body><h1>{title}</h1>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )

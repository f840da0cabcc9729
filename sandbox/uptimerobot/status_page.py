"""A status page as HTML, the way a visitor sees it: each monitor's current state and the incidents.

Served by the control plane at ``/_sandbox/uptimerobot/status/<urlKey>`` (the counterpart of
``https://stats.uptimerobot.com/<urlKey>``), from the same history the API's incidents come from.
No HTTP here; no script: the page is complete without JavaScript, so a headless browser's DOM dump
shows everything.
"""

from __future__ import annotations

from html import escape

from vigil.sandbox.uptimerobot.history import iso
from vigil.sandbox.uptimerobot.models import Monitor, StatusPage, UptimeRobotBackend

STATES = {"UP": "Operational", "DOWN": "Down", "PAUSED": "Paused", "STARTED": "Not checked yet"}
INCIDENTS_SHOWN = 20


def page_monitors(backend: UptimeRobotBackend, page: StatusPage) -> list[Monitor]:
    if page.monitor_ids == [0]:
        return sorted(backend.monitors.values(), key=lambda m: m.friendly_name)
    return [backend.monitors[i] for i in page.monitor_ids if i in backend.monitors]


def render(backend: UptimeRobotBackend, page: StatusPage, now: float) -> str:
    monitors = page_monitors(backend, page)
    down = [m for m in monitors if m.status == "DOWN"]
    overall = "Some systems are down" if down else "All systems operational"
    rows = "\n".join(
        f'<li class="monitor" data-status="{escape(m.status)}">'
        f'<span class="name">{escape(m.friendly_name)}</span> '
        f'<span class="state">{escape(STATES.get(m.status, m.status))}</span></li>'
        for m in monitors
    )
    incidents = sorted(
        (i for m in monitors for i in backend.history_of(m.id).incidents(m.id)),
        key=lambda i: (i.resolved is None, i.started),
        reverse=True,
    )[:INCIDENTS_SHOWN]
    names = {m.id: m.friendly_name for m in monitors}
    items = "\n".join(
        f'<li class="incident" data-open="{str(i.resolved is None).lower()}">'
        f'<span class="name">{escape(names[i.monitor_id])}</span> '
        f'<span class="reason">{escape(i.reason)}</span> '
        f'<span class="started">since {iso(i.started)}</span> '
        + (
            f'<span class="resolved">resolved {iso(i.resolved)}</span>'
            if i.resolved is not None
            else '<span class="ongoing">ongoing</span>'
        )
        + "</li>"
        for i in incidents
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(page.friendly_name)}</title>
<style>body{{font-family:sans-serif;margin:2em}}.state{{font-weight:bold}}
[data-status=DOWN] .state{{color:#b91c1c}}[data-status=UP] .state{{color:#15803d}}</style></head>
<body><h1>{escape(page.friendly_name)}</h1>
<p id="overall" data-down="{len(down)}">{overall}</p>
<h2>Monitors</h2><ul id="monitors">
{rows}
</ul>
<h2>Incidents</h2><ul id="incidents">
{items or '<li class="none">No incidents</li>'}
</ul>
<footer>Updated {iso(now)} · vigil sandbox</footer></body></html>
"""

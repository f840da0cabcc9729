"""The benchmarks' stack: monitors (and contacts) from the YAML, on a plan with a stated monitor limit."""

from typing import Any

from vigil.spec import EmailContact, HttpMonitor, KeywordMonitor, Stack
from vigil.spec.values import Values


def build(env: str, values: Values) -> Stack:
    blocks: list[Any] = [EmailContact(name=c.name, email=c.email) for c in values.get("contacts", [])]
    for m in values.get("monitors", []):
        kind = KeywordMonitor if "keyword" in m else HttpMonitor
        extra = {"keyword": m.keyword} if "keyword" in m else {}
        blocks.append(
            kind(name=m.name, url=m.url, every=m.get("every", "5m"), alert=tuple(m.get("alert", [])), **extra)
        )
    return Stack(
        app="basic",
        env=env,
        protected=bool(values.get("protected", False)),
        uptime_plan=values.get("uptime_plan", "team"),
        uptime_monitor_limit=values.get("uptime_monitor_limit"),
        blocks=tuple(blocks),
    )

"""Uptime Robot maintenance windows (once, daily, weekly, monthly) as a Pulumi dynamic provider.

Times are the account's time zone (the API documents none). ``days``: weekly 1=Mon..7=Sun, monthly
1..31 or -1 for the last day; the API silently drops invalid days, so ``check`` rejects them first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from monitors.collection import CollectionProvider
from monitors.fields import is_unknown
from monitors.resource import props_of

INTERVALS = ("once", "daily", "weekly", "monthly")


@dataclass(frozen=True)
class MaintenanceWindowArgs:
    name: pulumi.Input[str]
    interval: pulumi.Input[str]
    time: pulumi.Input[str]  # HH:MM:SS
    duration: pulumi.Input[int]  # minutes
    date: pulumi.Input[str] | None = None  # YYYY-MM-DD (required for "once")
    days: pulumi.Input[list[int]] | None = None
    monitor_ids: pulumi.Input[list[str]] | None = None
    status: pulumi.Input[str] | None = None  # active / paused


class MaintenanceWindowProvider(CollectionProvider):
    path: ClassVar[str] = "maintenance-windows"
    kind: ClassVar[str] = "maintenance window"
    id_output: ClassVar[str] = "window_id"

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if out.get("monitor_ids") is not None and not is_unknown(out["monitor_ids"]):
            out["monitor_ids"] = sorted(str(int(float(i))) for i in out["monitor_ids"])
        if out.get("days") is not None:
            out["days"] = sorted(int(d) for d in out["days"])
        if out.get("duration") is not None:
            out["duration"] = int(out["duration"])
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        interval = fields.get("interval")
        if interval not in INTERVALS:
            problems.append(("interval", f"use one of {', '.join(INTERVALS)}"))
        if not re.match(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$", str(fields.get("time", ""))):
            problems.append(("time", f"{fields.get('time')!r}: write HH:MM:SS, e.g. 02:00:00"))
        if interval == "once" and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(fields.get("date") or "")):
            problems.append(("date", "a one-time window needs its date as YYYY-MM-DD"))
        duration = fields.get("duration")
        if not isinstance(duration, (int, float)) or duration < 1:
            problems.append(("duration", "the duration is in minutes, at least 1"))
        days = fields.get("days") or []
        allowed = range(1, 8) if interval == "weekly" else range(-1, 32)
        bad = [d for d in days if int(d) not in allowed or int(d) == 0]
        if bad:
            problems.append(
                ("days", f"invalid days {bad} for a {interval} window (weekly 1-7, monthly 1-31 or -1)")
            )
        if days and interval not in ("weekly", "monthly"):
            problems.append(("days", "days apply to weekly and monthly windows only"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        norm = self.normalise(fields)
        body: dict[str, Any] = {
            "name": norm["name"],
            "interval": norm["interval"],
            "time": norm["time"],
            "duration": norm["duration"],
            "date": norm.get("date"),
        }
        if norm.get("days") is not None:
            body["days"] = norm["days"]
        if norm.get("monitor_ids") is not None:
            body["monitorIds"] = [int(i) for i in norm["monitor_ids"]]
        if norm.get("status") is not None and not creating:
            body["status"] = norm["status"]
        return body

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        return self.normalise(
            {
                "name": doc.get("name"),
                "interval": doc.get("interval"),
                "time": doc.get("time"),
                "duration": doc.get("duration"),
                "date": doc.get("date"),
                "days": doc.get("days") or [],
                "monitor_ids": doc.get("monitorIds") or [],
                "status": doc.get("status"),
            }
        )

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return doc.get("name") == fields["name"]


class MaintenanceWindow(Resource, module="uptimerobot", name="MaintenanceWindow"):
    window_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: MaintenanceWindowArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(MaintenanceWindowProvider(), resource_name, props_of(args, "window_id"), opts)

"""Uptime Robot maintenance windows (once, daily, weekly, monthly) as a Pulumi dynamic provider.

Times are in the account's time zone (the API documents none). ``days``: weekly 1=Mon..7=Sun,
monthly 1..31 or -1 for the last day; the API silently drops invalid days, so ``check`` rejects
them first. ``date`` is required for a one-time window.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from core.uptimerobot import MAINTENANCE_WINDOWS
from monitors.collection import CollectionProvider
from monitors.fields import as_int, id_list, is_whole, known, normalise_each
from monitors.resource import props_of

INTERVALS = ("once", "daily", "weekly", "monthly")
STATUSES = ("active", "paused")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class MaintenanceWindowArgs:
    name: pulumi.Input[str]
    interval: pulumi.Input[str]  # once, daily, weekly, monthly
    time: pulumi.Input[str]  # HH:MM:SS (HH:MM is accepted)
    duration: pulumi.Input[int]  # minutes
    date: pulumi.Input[str] | None = None  # YYYY-MM-DD (required for "once")
    days: pulumi.Input[list[int]] | None = None  # weekly 1..7 (Mon..Sun), monthly 1..31 or -1
    monitor_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    status: pulumi.Input[str] | None = None  # active / paused


def _time(value: Any) -> Any:
    text = str(value).strip()
    return f"{text}:00" if re.match(r"^\d{2}:\d{2}$", text) else text


_RULES: dict[str, Any] = {
    "name": lambda v: str(v).strip(),
    "interval": lambda v: str(v).strip().lower(),
    "time": _time,
    "duration": as_int,
    "date": lambda v: str(v).strip(),
    "days": lambda v: sorted(as_int(d) for d in v),
    "monitor_ids": id_list,
    "status": lambda v: str(v).strip().lower(),
}


class MaintenanceWindowProvider(CollectionProvider):
    path: ClassVar[str] = MAINTENANCE_WINDOWS
    kind: ClassVar[str] = "maintenance window"
    id_output: ClassVar[str] = "window_id"
    fields: ClassVar[tuple[str, ...]] = tuple(f.name for f in fields(MaintenanceWindowArgs))

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        return normalise_each(fields, _RULES)

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        interval = fields.get("interval")
        interval = str(interval).strip().lower() if known(interval) else interval
        if interval is None or (known(interval) and interval not in INTERVALS):
            problems.append(("interval", f"{interval!r}: use one of {', '.join(INTERVALS)}"))
        time_of_day = fields.get("time")
        if time_of_day is None or (known(time_of_day) and not _TIME.match(_time(time_of_day))):
            problems.append(("time", f"{time_of_day!r}: write HH:MM:SS, e.g. 02:00:00"))
        date = fields.get("date")
        if interval == "once" and date is None:
            problems.append(("date", "a one-time window needs its date as YYYY-MM-DD"))
        if known(date) and not _DATE.match(str(date).strip()):
            problems.append(("date", f"{date!r}: write YYYY-MM-DD, e.g. 2026-12-24"))
        duration = fields.get("duration")
        if duration is None or (known(duration) and (not is_whole(duration) or as_int(duration) < 1)):
            problems.append(("duration", f"{duration!r}: the duration is whole minutes, at least 1"))
        days = fields.get("days")
        if known(days) and days:
            if interval not in ("weekly", "monthly") and known(interval):
                problems.append(("days", "days apply to weekly and monthly windows only: remove days"))
            else:
                allowed = range(1, 8) if interval == "weekly" else range(-1, 32)
                bad = [d for d in days if not is_whole(d) or as_int(d) not in allowed or as_int(d) == 0]
                if bad:
                    rule = "1..7 (Mon..Sun)" if interval == "weekly" else "1..31 or -1 (last day)"
                    problems.append(("days", f"invalid days {bad} for a {interval} window: use {rule}"))
        status = fields.get("status")
        if known(status) and str(status).strip().lower() not in STATUSES:
            problems.append(("status", f"{status!r}: use active or paused"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        norm = self.normalise(fields)
        body: dict[str, Any] = {
            "name": norm["name"],
            "interval": norm["interval"],
            "time": norm["time"],
            "duration": norm["duration"],
        }
        if norm.get("date") is not None:
            body["date"] = norm["date"]
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
        return str(doc.get("name", "")).strip() == str(fields["name"]).strip()


class MaintenanceWindow(Resource, module="uptimerobot", name="MaintenanceWindow"):
    window_id: pulumi.Output[str]
    status: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: MaintenanceWindowArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(MaintenanceWindowProvider(), resource_name, props_of(args, "window_id"), opts)

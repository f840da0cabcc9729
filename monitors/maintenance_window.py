"""Uptime Robot maintenance windows (once, daily, weekly, monthly) as a Pulumi dynamic provider.

Times are in the account's time zone (the API documents none). ``days``: weekly 1=Mon..7=Sun,
monthly 1..31 or -1 for the last day; the API silently drops invalid days, so ``check`` rejects
them first. ``date`` is required for a one-time window.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.core.fields import Field, Table, as_int, id_list, is_whole, known, lower, text
from vigil.core.provider import DynamicResource, Provider
from vigil.core.uptimerobot import MAINTENANCE_WINDOWS
from vigil.monitors.collection import UptimeRobotProvider

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


TABLE = Table(
    (
        Field("name", "name", "str", norm=text, required=True),
        Field("interval", "interval", "str", norm=lower, choices=INTERVALS, required=True),
        Field("time", "time", "str", norm=_time, required=True),
        Field("duration", "duration", "int", norm=as_int, required=True),  # minutes
        Field("date", "date", "str", norm=text),
        Field("days", "days", "list", norm=lambda v: sorted(as_int(d) for d in v), read_default=[]),
        Field("monitor_ids", "monitorIds", "list", norm=id_list, read_default=[],
              encode=lambda v, _c: [int(i) for i in v]),
        Field("status", "status", "str", norm=lower, choices=STATUSES),  # not on create (to_wire)
    )
)  # fmt: skip


class MaintenanceWindowProvider(UptimeRobotProvider):
    path: ClassVar[str] = MAINTENANCE_WINDOWS
    kind: ClassVar[str] = "maintenance window"
    natural_key: ClassVar[tuple[str, ...] | None] = ("name",)  # what find() looks it up by
    table: ClassVar[Table] = TABLE
    id_output: ClassVar[str] = "window_id"

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        interval = fields.get("interval")
        interval = str(interval).strip().lower() if known(interval) else interval
        time_of_day = fields.get("time")
        if known(time_of_day) and not _TIME.match(_time(time_of_day)):
            problems.append(("time", f"{time_of_day!r}: write HH:MM:SS, e.g. 02:00:00"))
        date = fields.get("date")
        if interval == "once" and date is None:
            problems.append(("date", "a one-time window needs its date as YYYY-MM-DD"))
        if known(date) and not _DATE.match(str(date).strip()):
            problems.append(("date", f"{date!r}: write YYYY-MM-DD, e.g. 2026-12-24"))
        duration = fields.get("duration")
        if known(duration) and is_whole(duration) and as_int(duration) < 1:
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
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        body = TABLE.to_wire(self.normalise(fields), creating=creating)
        if creating:
            body.pop("status", None)  # a new window is active; the status is set by later updates
        return body

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return str(doc.get("name", "")).strip() == str(fields["name"]).strip()


class MaintenanceWindow(DynamicResource, module="uptimerobot", name="MaintenanceWindow"):
    window_id: pulumi.Output[str]
    status: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = MaintenanceWindowProvider
    output_names: ClassVar[tuple[str, ...]] = ("window_id",)

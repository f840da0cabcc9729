"""Uptime Robot personal alert contacts (e-mail) as a Pulumi dynamic provider.

v3 splits personal contacts (``/alert-contacts``: e-mail, mobile) from integrations
(``/integrations``: Slack, webhooks…). A contact's type and address cannot change in place
(PATCH accepts only the name and notification settings): changing them replaces the contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from monitors.collection import CollectionProvider
from monitors.fields import as_bool, is_unknown
from monitors.resource import props_of

NOTIFY = ("UpAndDown", "Down", "Up", "None")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AlertContactArgs:
    name: pulumi.Input[str]
    value: pulumi.Input[str]  # the e-mail address
    type: pulumi.Input[str] = "email"
    notify_on: pulumi.Input[str] | None = None  # UpAndDown, Down, Up, None
    ssl_expiration_reminder: pulumi.Input[bool] | None = None


class AlertContactProvider(CollectionProvider):
    path: ClassVar[str] = "alert-contacts"
    kind: ClassVar[str] = "alert contact"
    id_output: ClassVar[str] = "contact_id"
    replace_on: ClassVar[tuple[str, ...]] = ("type", "value")

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if isinstance(out.get("type"), str):
            out["type"] = out["type"].lower()
        if isinstance(out.get("value"), str):
            out["value"] = out["value"].strip().lower()
        if "ssl_expiration_reminder" in out and out["ssl_expiration_reminder"] is not None:
            out["ssl_expiration_reminder"] = bool(as_bool(out["ssl_expiration_reminder"]))
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        if str(fields.get("type", "email")).lower() != "email":
            problems.append(
                (
                    "type",
                    "only e-mail contacts can be created through the API (mobile and SMS "
                    "contacts are verified in the dashboard)",
                )
            )
        value = fields.get("value")
        if not is_unknown(value) and not _EMAIL.match(str(value or "")):
            problems.append(("value", f"{value!r} is not an e-mail address"))
        notify = fields.get("notify_on")
        if notify is not None and notify not in NOTIFY:
            problems.append(("notify_on", f"use one of {', '.join(NOTIFY)}"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"friendlyName": fields["name"]}
        if creating:
            body.update(type="Email", value=fields["value"])
        if fields.get("notify_on") is not None:
            body["enableNotificationsFor"] = NOTIFY.index(fields["notify_on"])  # numeric on writes
        if fields.get("ssl_expiration_reminder") is not None:
            body["sslExpirationReminder"] = bool(fields["ssl_expiration_reminder"])
        return body

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        notify = doc.get("enableNotificationsFor")
        if isinstance(notify, int):
            notify = NOTIFY[notify]
        return self.normalise(
            {
                "name": doc.get("friendlyName"),
                "type": str(doc.get("type", "")).lower(),
                "value": doc.get("value"),
                "notify_on": notify,
                "ssl_expiration_reminder": doc.get("sslExpirationReminder"),
            }
        )

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return (
            str(doc.get("type", "")).lower() == "email"
            and str(doc.get("value", "")).lower() == str(fields["value"]).lower()
        )


class AlertContact(Resource, module="uptimerobot", name="AlertContact"):
    contact_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: AlertContactArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(AlertContactProvider(), resource_name, props_of(args, "contact_id"), opts)

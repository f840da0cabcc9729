"""Uptime Robot personal alert contacts (e-mail) as a Pulumi dynamic provider.

v3 splits personal contacts (``/alert-contacts``: e-mail, mobile) from integrations
(``/integrations``: Slack, webhooks…). A contact's type and address cannot change in place
(PATCH accepts only the name and notification settings): changing them replaces the contact.
Contacts and integrations are both assigned to monitors by id (``MonitorArgs.alert_contacts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from core.uptimerobot import ALERT_CONTACTS
from monitors.collection import CollectionProvider
from monitors.fields import as_bool, known, normalise_each
from monitors.resource import props_of

NOTIFY = ("UpAndDown", "Down", "Up", "None")  # the write takes the index, reads the name
TYPES = {"email": "Email"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AlertContactArgs:
    name: pulumi.Input[str]
    value: pulumi.Input[str]  # the e-mail address
    type: pulumi.Input[str] = "email"
    notify_on: pulumi.Input[str] | None = None  # UpAndDown, Down, Up, None
    ssl_expiration_reminder: pulumi.Input[bool] | None = None


def _notify(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(NOTIFY):
        return NOTIFY[value]
    if isinstance(value, float) and value.is_integer() and 0 <= value < len(NOTIFY):
        return NOTIFY[int(value)]
    by_lower = {n.lower(): n for n in NOTIFY}
    return by_lower.get(str(value).strip().lower(), value)


_RULES: dict[str, Any] = {
    "name": lambda v: str(v).strip(),
    "type": lambda v: str(v).strip().lower(),
    "value": lambda v: str(v).strip().lower(),
    "notify_on": _notify,
    "ssl_expiration_reminder": lambda v: bool(as_bool(v)),
}


class AlertContactProvider(CollectionProvider):
    path: ClassVar[str] = ALERT_CONTACTS
    kind: ClassVar[str] = "alert contact"
    id_output: ClassVar[str] = "contact_id"
    fields: ClassVar[tuple[str, ...]] = tuple(f.name for f in fields(AlertContactArgs))
    replace_on: ClassVar[tuple[str, ...]] = ("type", "value")
    computed: ClassVar[tuple[str, ...]] = ("status",)

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        return normalise_each(fields, _RULES)

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        kind = fields.get("type", "email")
        if known(kind) and str(kind).strip().lower() not in TYPES:
            problems.append(
                (
                    "type",
                    f"{kind!r}: only e-mail contacts can be created through the API (mobile and SMS "
                    "contacts are verified in the dashboard); use type 'email', or a Slack/webhook "
                    "Integration",
                )
            )
        value = fields.get("value")
        if value is None or (known(value) and not _EMAIL.match(str(value).strip())):
            problems.append(("value", f"{value!r} is not an e-mail address; write e.g. oncall@example.com"))
        notify = fields.get("notify_on")
        if known(notify) and _notify(notify) not in NOTIFY:
            problems.append(("notify_on", f"{notify!r}: use one of {', '.join(NOTIFY)}"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        norm = self.normalise(fields)
        body: dict[str, Any] = {"friendlyName": norm["name"]}
        if creating:
            body.update(type=TYPES[str(norm.get("type", "email"))], value=norm["value"])
        if norm.get("notify_on") is not None:
            body["enableNotificationsFor"] = NOTIFY.index(norm["notify_on"])  # numeric on writes
        if norm.get("ssl_expiration_reminder") is not None:
            body["sslExpirationReminder"] = bool(norm["ssl_expiration_reminder"])
        return body

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        return self.normalise(
            {
                "name": doc.get("friendlyName"),
                "type": str(doc.get("type", "")).lower(),
                "value": doc.get("value"),
                "notify_on": doc.get("enableNotificationsFor"),
                "ssl_expiration_reminder": doc.get("sslExpirationReminder"),
            }
        )

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return (
            str(doc.get("type", "")).lower() == str(fields.get("type", "email")).lower()
            and str(doc.get("value", "")).strip().lower() == str(fields["value"]).strip().lower()
        )

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {"status": doc.get("status")}


class AlertContact(Resource, module="uptimerobot", name="AlertContact"):
    contact_id: pulumi.Output[str]
    status: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: AlertContactArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(AlertContactProvider(), resource_name, props_of(args, "contact_id", "status"), opts)

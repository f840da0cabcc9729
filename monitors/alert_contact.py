"""Uptime Robot personal alert contacts (e-mail) as a Pulumi dynamic provider.

v3 splits personal contacts (``/alert-contacts``: e-mail, mobile) from integrations
(``/integrations``: Slack, webhooks…). A contact's type and address cannot change in place
(PATCH accepts only the name and notification settings): changing them replaces the contact.
Contacts and integrations are both assigned to monitors by id (``MonitorArgs.alert_contacts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.core.fields import Field, Table, as_int, choice, flag, is_whole, known, lower, text
from vigil.core.provider import DynamicResource, Provider
from vigil.core.uptimerobot import ALERT_CONTACTS
from vigil.monitors.collection import UptimeRobotProvider

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
    """The name of a notification setting, from its name in any case or its index (reads)."""
    if is_whole(value) and 0 <= as_int(value) < len(NOTIFY):
        return NOTIFY[as_int(value)]
    return choice(NOTIFY)(value)


TABLE = Table(
    (
        Field("name", "friendlyName", "str", norm=text, required=True),
        Field("value", "value", "str", norm=lower, replaces=True, create_only=True),
        Field("type", "type", "str", norm=lower, replaces=True, create_only=True,
              encode=lambda v, _c: TYPES[v], decode=lambda v, _d: str(v or "").lower()),
        Field("notify_on", "enableNotificationsFor", "str", norm=_notify, choices=NOTIFY,
              encode=lambda v, _c: NOTIFY.index(v)),  # numeric on writes, the name on reads
        Field("ssl_expiration_reminder", "sslExpirationReminder", "bool", norm=flag,
              encode=lambda v, _c: bool(v)),
    )
)  # fmt: skip


class AlertContactProvider(UptimeRobotProvider):
    path: ClassVar[str] = ALERT_CONTACTS
    kind: ClassVar[str] = "alert contact"
    natural_key: ClassVar[tuple[str, ...] | None] = ("type", "value")  # what find() looks it up by
    table: ClassVar[Table] = TABLE
    id_output: ClassVar[str] = "contact_id"
    computed: ClassVar[tuple[str, ...]] = ("status",)

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
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        return TABLE.to_wire({"type": "email", **self.normalise(fields)}, creating=creating)

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return (
            str(doc.get("type", "")).lower() == str(fields.get("type", "email")).lower()
            and str(doc.get("value", "")).strip().lower() == str(fields["value"]).strip().lower()
        )

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"status": doc.get("status")}


class AlertContact(DynamicResource, module="uptimerobot", name="AlertContact"):
    contact_id: pulumi.Output[str]
    status: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = AlertContactProvider
    output_names: ClassVar[tuple[str, ...]] = ("contact_id", "status")

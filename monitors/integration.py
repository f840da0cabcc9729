"""Uptime Robot integrations (Slack, generic webhooks, Teams, Discord…) as a Pulumi dynamic provider.

The webhook URL is a secret: it arrives as a secret input, is stored encrypted (also listed in
``additional_secret_outputs``) and never appears in a message. A PATCH must repeat the type (live
accounts reject it otherwise); a type change replaces the integration. Its natural key, for
idempotent creates, is type + URL (the API itself refuses a duplicate with 409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.core.fields import Field, Table, choice, flag, known, lower, text
from vigil.core.provider import DynamicResource, Provider
from vigil.core.uptimerobot import INTEGRATIONS
from vigil.monitors.collection import UptimeRobotProvider

# vigil type → (wire type, the data field holding the URL, whether it takes a channel)
TYPES: dict[str, tuple[str, str, bool]] = {
    "slack": ("Slack", "webhookURL", True),
    "webhook": ("Webhook", "urlToNotify", False),
    "msteams": ("MSTeams", "webhookURL", False),
    "discord": ("Discord", "webhookURL", True),
    "mattermost": ("Mattermost", "webhookURL", True),
    "zapier": ("Zapier", "hookURL", False),
}
NOTIFY = ("UpAndDown", "Down", "Up", "None")
NAME_MAX = 60


@dataclass(frozen=True)
class IntegrationArgs:
    name: pulumi.Input[str]
    type: pulumi.Input[str]  # slack, webhook, msteams, discord, mattermost, zapier
    webhook_url: pulumi.Input[str]  # secret
    channel: pulumi.Input[str] | None = None  # slack/discord/mattermost: "#incidents"
    post_value: pulumi.Input[str] | None = None  # webhook: the body template
    custom_headers: pulumi.Input[dict[str, str]] | None = None  # webhook
    send_as_json: pulumi.Input[bool] | None = None  # webhook
    notify_on: pulumi.Input[str] | None = None  # UpAndDown, Down, Up, None
    ssl_expiration_reminder: pulumi.Input[bool] | None = None


def _channel(value: Any) -> Any:
    text = str(value).strip()
    return text if not text or text.startswith("#") else "#" + text


_notify = choice(NOTIFY)
_WEBHOOK_ONLY = ("webhook",)

# The wire names are inside ``data`` on writes; the URL's wire name depends on the type (TYPES).
TABLE = Table(
    (
        Field("name", "friendlyName", "str", norm=text, required=True),
        Field("type", "type", "str", norm=lower, replaces=True, required=True),
        Field("webhook_url", "value", "str", norm=text, secret=True),
        Field("channel", "customValue", "str", norm=_channel),
        Field("post_value", "customValue", "str", applies=_WEBHOOK_ONLY),
        Field("custom_headers", "customHeaders", "dict", secret=True, applies=_WEBHOOK_ONLY,
              norm=lambda v: {str(k).strip().lower(): str(x) for k, x in dict(v).items()}),
        Field("send_as_json", "sendAsJSON", "bool", norm=flag, applies=_WEBHOOK_ONLY),
        Field("notify_on", "enableNotificationsFor", "str", norm=_notify, choices=NOTIFY),
        Field("ssl_expiration_reminder", "sslExpirationReminder", "bool", norm=flag),
    )
)  # fmt: skip


class IntegrationProvider(UptimeRobotProvider):
    path: ClassVar[str] = INTEGRATIONS
    kind: ClassVar[str] = "integration"
    natural_key: ClassVar[tuple[str, ...] | None] = ("type", "webhook_url")  # what find() looks it up by
    table: ClassVar[Table] = TABLE
    id_output: ClassVar[str] = "integration_id"
    computed: ClassVar[tuple[str, ...]] = ("status",)

    def problems(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        return self.validate(fields)  # every rule depends on the type: written out below

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        kind = fields.get("type")
        if known(kind) and str(kind).strip().lower() not in TYPES:
            problems.append(("type", f"{kind!r}: use one of {', '.join(TYPES)}"))
            return problems
        kind = str(kind).strip().lower() if known(kind) else None
        name = fields.get("name")
        if known(name) and not 0 < len(str(name).strip()) <= NAME_MAX:
            problems.append(("name", f"the name must have 1..{NAME_MAX} characters (Uptime Robot's limit)"))
        url = fields.get("webhook_url")
        if url is None or (known(url) and not str(url).strip().startswith(("https://", "http://"))):
            # never echo the value: it is a secret
            problems.append(("webhook_url", "must be the integration's https URL (the value is hidden)"))
        channel = fields.get("channel")
        if kind is not None and TYPES[kind][2] and kind == "slack" and channel is None:
            problems.append(
                ("channel", "a Slack integration needs the channel it posts to, e.g. '#incidents'")
            )
        if kind is not None and not TYPES[kind][2] and channel is not None:
            problems.append(("channel", f"a {kind} integration has no channel: remove channel"))
        if kind is not None and kind != "webhook":
            for key in ("post_value", "custom_headers", "send_as_json"):
                if fields.get(key) is not None:
                    problems.append((key, f"{key} applies to webhook integrations only: remove it"))
        notify = fields.get("notify_on")
        if known(notify) and _notify(notify) not in NOTIFY:
            problems.append(("notify_on", f"{notify!r}: use one of {', '.join(NOTIFY)}"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        norm = self.normalise(fields)
        kind = str(norm["type"])
        wire_type, url_field, has_channel = TYPES[kind]
        data: dict[str, Any] = {"friendlyName": str(norm["name"])[:NAME_MAX], url_field: norm["webhook_url"]}
        if has_channel and norm.get("channel") is not None:
            data["customValue"] = norm["channel"]
        if kind == "webhook":
            data["postValue"] = norm.get("post_value") or ""
            data["sendAsJSON"] = True if norm.get("send_as_json") is None else norm["send_as_json"]
            if norm.get("custom_headers") is not None:
                data["customHeaders"] = norm["custom_headers"]
        if norm.get("notify_on") is not None:
            data["enableNotificationsFor"] = norm["notify_on"]  # a string enum on integrations
        if norm.get("ssl_expiration_reminder") is not None:
            data["sslExpirationReminder"] = bool(norm["ssl_expiration_reminder"])
        return {"type": wire_type, "data": data}  # PATCH repeats the type too

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        kind = next((k for k, t in TYPES.items() if t[0].lower() == str(doc.get("type", "")).lower()), "")
        values: dict[str, Any] = {
            "name": doc.get("friendlyName"),
            "type": kind or str(doc.get("type", "")).lower(),
            "webhook_url": doc.get("value"),
            "notify_on": doc.get("enableNotificationsFor"),
            "ssl_expiration_reminder": doc.get("sslExpirationReminder"),
        }
        if kind in TYPES and TYPES[kind][2]:
            values["channel"] = doc.get("customValue")
        if kind == "webhook":
            values["post_value"] = doc.get("customValue")
            values["custom_headers"] = doc.get("customHeaders") or {}
        return self.normalise(values)

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        wire_type = TYPES[str(fields["type"])][0]
        return (
            str(doc.get("type", "")).lower() == wire_type.lower()
            and str(doc.get("value", "")).strip() == str(fields["webhook_url"]).strip()
        )

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"status": doc.get("status")}


class Integration(DynamicResource, module="uptimerobot", name="Integration"):
    integration_id: pulumi.Output[str]
    webhook_url: pulumi.Output[str]
    status: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = IntegrationProvider
    output_names: ClassVar[tuple[str, ...]] = ("integration_id", "status")

"""Uptime Robot integrations (Slack incoming webhooks, generic webhooks) as a Pulumi dynamic provider.

The webhook URL is a secret: it arrives as a secret input, is stored encrypted, and is never in a
message. A PATCH must repeat the type (live accounts reject it otherwise); a type change replaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from monitors.collection import CollectionProvider
from monitors.fields import as_bool, is_unknown
from monitors.resource import props_of, with_secrets

TYPES = {"slack": "Slack", "webhook": "Webhook"}
NOTIFY = ("UpAndDown", "Down", "Up", "None")


@dataclass(frozen=True)
class IntegrationArgs:
    name: pulumi.Input[str]
    type: pulumi.Input[str]  # slack, webhook
    webhook_url: pulumi.Input[str]  # secret
    channel: pulumi.Input[str] | None = None  # slack: "#incidents"
    post_value: pulumi.Input[str] | None = None  # webhook: the body template
    notify_on: pulumi.Input[str] | None = None
    ssl_expiration_reminder: pulumi.Input[bool] | None = None


class IntegrationProvider(CollectionProvider):
    path: ClassVar[str] = "integrations"
    kind: ClassVar[str] = "integration"
    id_output: ClassVar[str] = "integration_id"
    replace_on: ClassVar[tuple[str, ...]] = ("type",)

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if isinstance(out.get("type"), str):
            out["type"] = out["type"].lower()
        if isinstance(out.get("channel"), str) and out["channel"] and not out["channel"].startswith("#"):
            out["channel"] = "#" + out["channel"]
        if out.get("ssl_expiration_reminder") is not None:
            out["ssl_expiration_reminder"] = bool(as_bool(out["ssl_expiration_reminder"]))
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        kind = str(fields.get("type", "")).lower()
        if kind not in TYPES:
            problems.append(("type", f"use one of {', '.join(TYPES)}"))
        url = fields.get("webhook_url")
        if not is_unknown(url) and not str(url or "").startswith(("https://", "http://")):
            problems.append(("webhook_url", "must be the integration's https URL (the value is hidden)"))
        if kind == "slack" and not fields.get("channel"):
            problems.append(
                ("channel", "a Slack integration needs the channel it posts to, e.g. '#incidents'")
            )
        if fields.get("notify_on") is not None and fields["notify_on"] not in NOTIFY:
            problems.append(("notify_on", f"use one of {', '.join(NOTIFY)}"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        kind = str(fields["type"]).lower()
        data: dict[str, Any] = {"friendlyName": str(fields["name"])[:60]}
        if kind == "slack":
            data.update(webhookURL=fields["webhook_url"], customValue=self.normalise(fields)["channel"])
        else:
            data.update(
                urlToNotify=fields["webhook_url"], postValue=fields.get("post_value") or "", sendAsJSON=True
            )
        if fields.get("notify_on") is not None:
            data["enableNotificationsFor"] = fields["notify_on"]  # a string enum on integrations
        if fields.get("ssl_expiration_reminder") is not None:
            data["sslExpirationReminder"] = bool(fields["ssl_expiration_reminder"])
        return {"type": TYPES[kind], "data": data}

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        kind = str(doc.get("type", "")).lower()
        fields = {
            "name": doc.get("friendlyName"),
            "type": kind,
            "webhook_url": doc.get("value"),
            "notify_on": doc.get("enableNotificationsFor"),
            "ssl_expiration_reminder": doc.get("sslExpirationReminder"),
        }
        if kind == "slack":
            fields["channel"] = doc.get("customValue")
        else:
            fields["post_value"] = doc.get("customValue")
        return self.normalise(fields)

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return (
            str(doc.get("type", "")).lower() == str(fields["type"]).lower()
            and doc.get("value") == fields["webhook_url"]
        )


class Integration(Resource, module="uptimerobot", name="Integration"):
    integration_id: pulumi.Output[str]
    webhook_url: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: IntegrationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            IntegrationProvider(),
            resource_name,
            props_of(args, "integration_id"),
            with_secrets(opts, ["webhook_url"]),
        )

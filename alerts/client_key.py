"""A Sentry client key (DSN) of a project. The public DSN is a secret output.

The key named "default" adopts the key Sentry creates with every project ("Default") instead of
adding a second one. Key rate limits apply only on plans with the ``projects:rate-limits`` feature;
elsewhere Sentry silently answers ``rateLimit: null``, so vigil records whether the limit applied
(``rate_limit_applied``) rather than showing a change on every preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from alerts.base import SentryProvider
from core.sentry import SentryClient
from monitors.fields import is_unknown
from monitors.resource import props_of, with_secrets

RATE = re.compile(r"^(\d+)/(\d+)(s|m|h)?$")
_UNIT = {"s": 1, "m": 60, "h": 3600, None: 1}


def parse_rate(text: str | None) -> dict[str, int] | None:
    """'1000/1m' → {"count": 1000, "window": 60}."""
    if not text:
        return None
    found = RATE.match(text.replace(" ", ""))
    if not found:
        raise ValueError(text)
    return {"count": int(found.group(1)), "window": int(found.group(2)) * _UNIT[found.group(3)]}


@dataclass(frozen=True)
class ClientKeyArgs:
    project_id: pulumi.Input[str]
    name: pulumi.Input[str] = "default"
    rate_limit: pulumi.Input[str] | None = None  # "1000/1m"


class ClientKeyProvider(SentryProvider):
    kind: ClassVar[str] = "client key"
    id_output: ClassVar[str] = "key_id"
    replace_on: ClassVar[tuple[str, ...]] = ("project_id",)

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        rate = fields.get("rate_limit")
        if rate is not None and not is_unknown(rate):
            try:
                parse_rate(rate)
            except ValueError:
                return [("rate_limit", f"{rate!r}: write count/window, e.g. '1000/1m'")]
        return []

    def _remote_name(self, fields: dict[str, Any]) -> str:
        return "Default" if fields.get("name", "default") == "default" else str(fields["name"])

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.project_path(props["project_id"], f"keys/{id_}/"))

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        keys = client.list(client.project_path(fields["project_id"], "keys/"))
        return next((k for k in keys if k.get("name") == self._remote_name(fields)), None)

    def _body(self, fields: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self._remote_name(fields)}
        if "rate_limit" in fields:
            body["rateLimit"] = parse_rate(fields.get("rate_limit"))
        return body

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        path = client.project_path(fields["project_id"], "keys/")
        return dict(client.request("POST", path, json=self._body(fields)).data)

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        body = self._body(fields)
        if current.get("name") == body["name"] and current.get("rateLimit") == body.get(
            "rateLimit", current.get("rateLimit")
        ):
            return current
        path = client.project_path(fields["project_id"], f"keys/{id_}/")
        return dict(client.request("PUT", path, json=body).data)

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.request("DELETE", client.project_path(props["project_id"], f"keys/{id_}/"))

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        name = (
            "default"
            if doc.get("name") == "Default" and props.get("name", "default") == "default"
            else doc.get("name")
        )
        wanted = props.get("rate_limit")
        live = doc.get("rateLimit")
        applied = live is not None
        rate = f"{live['count']}/{live['window']}s" if live else None
        if wanted and not applied:
            rate = wanted  # the plan ignores key rate limits: not drift (see rate_limit_applied)
        elif wanted and live and parse_rate(wanted) == live:
            rate = wanted
        return {
            "project_id": str(doc.get("projectId")),
            "name": name,
            "rate_limit": rate,
            "rate_limit_applied": applied,
        }

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {"dsn": (doc.get("dsn") or {}).get("public"), "public_key": doc.get("public")}


class ClientKey(Resource, module="sentry", name="ClientKey"):
    key_id: pulumi.Output[str]
    dsn: pulumi.Output[str]
    rate_limit_applied: pulumi.Output[bool]

    def __init__(
        self, resource_name: str, args: ClientKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            ClientKeyProvider(),
            resource_name,
            props_of(args, "key_id", "dsn", "public_key", "rate_limit_applied"),
            with_secrets(opts, ["dsn", "public_key"]),
        )

"""A Sentry team (``/organizations/{org}/teams/``); the slug is renamed in place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from alerts.base import SentryProvider
from core.sentry import SentryClient
from monitors.resource import props_of

SLUG = re.compile(r"^[a-z0-9_-]{1,50}$")


@dataclass(frozen=True)
class TeamArgs:
    slug: pulumi.Input[str]
    name: pulumi.Input[str] | None = None


class TeamProvider(SentryProvider):
    kind: ClassVar[str] = "team"
    id_output: ClassVar[str] = "team_id"
    label_field: ClassVar[str] = "slug"

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        slug = str(fields.get("slug", ""))
        if not SLUG.match(slug) or slug.isdigit():
            return [("slug", "use lower case letters, digits, '-' or '_' (at most 50), not only digits")]
        return []

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.team_path(id_))

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.team_path(fields["slug"]))

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        body = {"slug": fields["slug"], "name": fields.get("name") or fields["slug"]}
        return dict(client.request("POST", client.org_path("teams/"), json=body).data)

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        body = {"slug": fields["slug"], "name": fields.get("name") or fields["slug"]}
        if current.get("slug") == body["slug"] and current.get("name") == body["name"]:
            return current
        return dict(client.request("PUT", client.team_path(id_), json=body).data)

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.request("DELETE", client.team_path(id_))

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"slug": doc.get("slug"), "name": doc.get("name")}


class Team(Resource, module="sentry", name="Team"):
    team_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: TeamArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TeamProvider(), resource_name, props_of(args, "team_id"), opts)

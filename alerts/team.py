"""A Sentry team (``/organizations/{org}/teams/``, ``/teams/{org}/{team}/``).

Natural key: the slug. Creating a team whose slug exists adopts it. The slug and name are renamed
in place (``PUT``); nothing forces a replace. Every path after create uses the numeric id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.alerts.base import SentryProvider
from vigil.core.fields import Doc, Field, Table, strip
from vigil.core.provider import DynamicResource, Provider
from vigil.core.sentry import SentryClient

SLUG = re.compile(r"^(?![0-9]+$)[a-z0-9_-]{1,50}$")
SLUG_RULE = "use 1-50 lower-case letters, digits, '-' or '_', not only digits (e.g. 'backend')"
NAME_MAX = 64


@dataclass(frozen=True)
class TeamArgs:
    slug: pulumi.Input[str]
    name: pulumi.Input[str] | None = None  # None: Sentry's default (the slug), not managed


TABLE = Table(
    (
        Field("slug", "slug", "str", norm=strip, required=True, pattern=SLUG, hint=SLUG_RULE),
        Field("name", "name", "str", norm=strip, length=NAME_MAX),
    )
)


class TeamProvider(SentryProvider):
    kind: ClassVar[str] = "team"
    natural_key: ClassVar[tuple[str, ...] | None] = ("slug",)  # what find() looks it up by
    id_output: ClassVar[str] = "team_id"
    table: ClassVar[Table] = TABLE
    label_field: ClassVar[str] = "slug"

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"slug": doc.get("slug"), "name": doc.get("name")}

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_team(id_)

    def find(self, client: SentryClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        found = client.get_team(fields["slug"])
        return found if found is not None and found.get("slug") == fields["slug"] else None

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return client.create_team(fields["slug"], fields.get("name"))

    def update_remote(
        self, client: SentryClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        assert current is not None  # Sentry updates read the object first (read_before_update)
        body = {k: v for k, v in fields.items() if k in ("slug", "name") and current.get(k) != v}
        return client.update_team(id_, body) if body else current

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_team(id_)


class Team(DynamicResource, module="sentry", name="Team"):
    team_id: pulumi.Output[str]
    slug: pulumi.Output[str]
    name: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = TeamProvider
    output_names: ClassVar[tuple[str, ...]] = ("team_id",)

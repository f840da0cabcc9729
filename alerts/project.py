"""A Sentry project, created bound to its team (``/teams/{org}/{team}/projects/``).

The platform is checked offline against Sentry's list. The slug the API returns is the one stored,
and the numeric id is used in every later path (so a slug rename never answers 302). Moving a
project to another team replaces it: vigil manages single-team projects. ``default_rules`` is off,
so Sentry adds no alert of its own next to the stack's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from alerts.base import SentryProvider
from core.platforms import PLATFORMS
from core.sentry import SentryClient
from monitors.fields import is_unknown
from monitors.resource import props_of

SLUG = re.compile(r"^[a-z0-9_-]{1,50}$")


@dataclass(frozen=True)
class ProjectArgs:
    slug: pulumi.Input[str]
    platform: pulumi.Input[str]
    team: pulumi.Input[str]  # team slug
    name: pulumi.Input[str] | None = None


class ProjectProvider(SentryProvider):
    kind: ClassVar[str] = "project"
    id_output: ClassVar[str] = "project_id"
    replace_on: ClassVar[tuple[str, ...]] = ("team",)
    label_field: ClassVar[str] = "slug"

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        if not SLUG.match(str(fields.get("slug", ""))):
            problems.append(("slug", "use lower case letters, digits, '-' or '_' (at most 50)"))
        platform = fields.get("platform")
        if not is_unknown(platform) and platform not in PLATFORMS:
            family = sorted(p for p in PLATFORMS if p.split("-")[0] == str(platform).split("-")[0])[:6]
            problems.append(
                (
                    "platform",
                    f"'{platform}' is not a Sentry platform"
                    + (f"; did you mean one of {', '.join(family)}?" if family else ""),
                )
            )
        if len(str(fields.get("name") or fields.get("slug", ""))) > 50:
            problems.append(("name", "at most 50 characters"))
        return problems

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.project_path(id_))

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_or_none(client.project_path(fields["slug"]))

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        body = {
            "name": fields.get("name") or fields["slug"],
            "slug": fields["slug"],
            "platform": fields["platform"],
            "default_rules": False,
        }
        created = client.request("POST", client.team_path(fields["team"], "projects/"), json=body).data
        return dict(client.request("GET", client.project_path(created["id"])).data)

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        body = {
            "name": fields.get("name") or fields["slug"],
            "slug": fields["slug"],
            "platform": fields["platform"],
        }
        if all(current.get(k) == v for k, v in body.items()):
            return current
        return dict(client.request("PUT", client.project_path(id_), json=body).data)

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.request("DELETE", client.project_path(id_))

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        teams = [t.get("slug") for t in doc.get("teams") or []]
        team = props.get("team") if props.get("team") in teams else (teams[0] if teams else None)
        return {
            "slug": doc.get("slug"),
            "name": doc.get("name"),
            "platform": doc.get("platform"),
            "team": team,
        }


class Project(Resource, module="sentry", name="Project"):
    project_id: pulumi.Output[str]
    slug: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: ProjectArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(ProjectProvider(), resource_name, props_of(args, "project_id"), opts)

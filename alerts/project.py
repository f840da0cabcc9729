"""A Sentry project, created bound to its team (``POST /teams/{org}/{team}/projects/``).

- The platform is checked offline against Sentry's list (``core/platforms.py``), so a typo fails in
  ``check``, before any API call.
- ``default_rules`` is sent false: Sentry adds no "alert on every new issue" workflow of its own
  next to the stack's alerts.
- The slug and numeric id Sentry returns are stored; every later path uses the id, so a slug
  rename (an in-place ``PUT``) never meets Sentry's 302 ``resource-moved``.
- **Team change re-binds in place** (add the new team, then remove the old one: ``POST``/``DELETE
  /projects/{org}/{id}/teams/{team}/``) instead of replacing: a replace would delete the project
  with its events, and its DSNs would change under the running applications. Teams added outside
  vigil are left alone.
- Natural key: the slug. A project with that slug in the same team is adopted; one bound only to
  other teams is a collision, reported before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, ClassVar

import pulumi

from vigil.alerts.base import SentryProvider, known, reject
from vigil.alerts.team import SLUG, SLUG_RULE
from vigil.core.errors import Conflict, NotFound
from vigil.core.fields import Doc, Field, Table, strip
from vigil.core.policy import appear
from vigil.core.provider import DynamicResource, Provider
from vigil.core.sentry import SentryClient
from vigil.data import sentry_platforms

NAME_MAX = 50  # the create endpoint's limit (updates allow 200)
# sentry.constants.RESERVED_PROJECT_SLUGS (the ones a stack could plausibly pick)
RESERVED = frozenset(
    {"api-keys", "audit-log", "auth", "members", "projects", "rate-limits", "repos", "settings", "teams",
     "billing", "payments", "legal", "subscription", "support", "integrations", "developer-settings",
     "usage"}
)  # fmt: skip
VALID_PLATFORMS = sentry_platforms() | {"other"}


@dataclass(frozen=True)
class ProjectArgs:
    slug: pulumi.Input[str]
    team: pulumi.Input[str]  # the team's slug
    platform: pulumi.Input[str] | None = None  # e.g. "python-fastapi", "javascript-angular"
    name: pulumi.Input[str] | None = None  # None: the slug on create, then not managed


TABLE = Table(
    (
        Field("slug", "slug", "str", norm=strip, required=True, pattern=SLUG, hint=SLUG_RULE),
        Field("team", "teams", "str", norm=strip, required=True, pattern=SLUG, hint=SLUG_RULE),
        Field("platform", "platform", "str", norm=strip),
        Field("name", "name", "str", norm=strip, length=NAME_MAX),
    )
)


def platform_problem(platform: Any) -> str | None:
    """Why ``platform`` is not one Sentry accepts (with the nearest valid ones), or None."""
    if not known(platform):
        return None
    if isinstance(platform, str) and platform.strip() in VALID_PLATFORMS:
        return None
    near = get_close_matches(str(platform).strip().lower(), sorted(VALID_PLATFORMS), n=4, cutoff=0.6)
    family = sorted(p for p in VALID_PLATFORMS if p.split("-")[0] == str(platform).split("-")[0])[:6]
    suggestions = near or family
    return f"{platform!r} is not a Sentry platform" + (
        f"; did you mean {', '.join(suggestions)}?" if suggestions else "; use e.g. python, node, 'other'"
    )


class ProjectProvider(SentryProvider):
    kind: ClassVar[str] = "project"
    natural_key: ClassVar[tuple[str, ...] | None] = ("slug", "team")  # what find() looks it up by
    id_output: ClassVar[str] = "project_id"
    table: ClassVar[Table] = TABLE
    label_field: ClassVar[str] = "slug"

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        slug = fields.get("slug")
        if isinstance(slug, str) and slug.strip() in RESERVED:
            problems.append(("slug", f"'{slug.strip()}' is reserved by Sentry: pick another slug"))
        problem = platform_problem(fields.get("platform"))
        if problem:
            problems.append(("platform", problem))
        return problems

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        teams = [str(t.get("slug")) for t in doc.get("teams") or [] if isinstance(t, dict)]
        wanted = props.get("team")
        team = wanted if wanted in teams else (teams[0] if teams else None)
        return {
            "slug": doc.get("slug"),
            "team": team,
            "platform": doc.get("platform"),
            "name": doc.get("name"),
        }

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        return client.get_project(id_)

    def find(self, client: SentryClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        found = client.get_project(fields["slug"])
        if found is None or found.get("slug") != fields["slug"]:  # an old slug redirects elsewhere
            return None
        teams = [str(t.get("slug")) for t in found.get("teams") or [] if isinstance(t, dict)]
        if fields["team"] not in teams:
            raise Conflict(
                "Sentry",
                "GET",
                client.url(client.project_path(fields["slug"])),
                409,
                f"a project with slug '{fields['slug']}' already exists, in team(s) "
                f"{', '.join(teams) or '(none)'}, not in team '{fields['team']}'",
                hint="choose another slug, or set team to one of those teams to adopt the project",
            )
        return found

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": fields.get("name") or fields["slug"],
            "slug": fields["slug"],
            "default_rules": False,
        }
        if fields.get("platform") is not None:
            body["platform"] = fields["platform"]
        try:
            return client.create_project(fields["team"], body)
        except NotFound as error:
            # The team may be being created right now by a resource without a declared dependency
            # (or Sentry may not show it yet): wait for it, bounded, then try once more.
            if appear(self.policy, lambda: client.get_team(fields["team"])) is not None:
                return client.create_project(fields["team"], body)
            raise reject(
                error,
                f"team '{fields['team']}' does not exist in the organization",
                "create the team first (a sentry.Team resource) or fix the project's team",
            ) from None

    def update_remote(
        self, client: SentryClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        assert current is not None  # Sentry updates read the object first (read_before_update)
        body = {k: v for k, v in fields.items() if k in ("slug", "name", "platform") and current.get(k) != v}
        doc = client.update_project(id_, body) if body else current
        teams = [str(t.get("slug")) for t in doc.get("teams") or [] if isinstance(t, dict)]
        wanted = fields.get("team")
        if wanted and wanted not in teams:
            try:
                doc = client.add_project_team(id_, wanted)
            except NotFound as error:
                raise reject(
                    error,
                    f"team '{wanted}' does not exist in the organization",
                    "create the team first (a sentry.Team resource) or fix the project's team",
                ) from None
            previous = olds.get("team")
            if previous and previous != wanted and previous in teams:
                doc = client.remove_project_team(id_, previous)
        return doc

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_project(id_)


class Project(DynamicResource, module="sentry", name="Project"):
    project_id: pulumi.Output[str]
    slug: pulumi.Output[str]
    team: pulumi.Output[str]
    platform: pulumi.Output[str]
    name: pulumi.Output[str]

    provider_type: ClassVar[type[Provider]] = ProjectProvider
    output_names: ClassVar[tuple[str, ...]] = ("project_id",)

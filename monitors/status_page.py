"""Uptime Robot public status pages (PSPs) as a Pulumi dynamic provider.

``monitor_ids`` lists the monitors shown; ``all_monitors`` shows every monitor, now and later (the
API's ``monitorIds: [0]``). The password and the sort order are write-only (never returned): vigil
keeps what it last wrote, and the password is a secret output. Reads may return feature booleans
as strings; they are normalised. The public URL is the custom domain when set, else
``https://stats.uptimerobot.com/<urlKey>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.core.fields import Field, Table, as_bool, choice, flag, id_list, known, lower, text, upper
from vigil.core.provider import DynamicResource, Provider
from vigil.core.uptimerobot import STATUS_PAGES
from vigil.monitors.collection import UptimeRobotProvider

SORTS = ("FriendlyNameAsc", "FriendlyNameDesc", "StatusUpDownPaused", "StatusDownUpPaused")
STATUSES = ("ENABLED", "PAUSED")
STANDARD_BASE = "https://stats.uptimerobot.com/"
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class StatusPageArgs:
    name: pulumi.Input[str]
    monitor_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    all_monitors: pulumi.Input[bool] | None = None  # every monitor, including future ones
    custom_domain: pulumi.Input[str] | None = None  # host only: status.example.com ("" = none)
    password: pulumi.Input[str] | None = None  # secret, write-only
    sort: pulumi.Input[str] | None = None  # write-only: FriendlyNameAsc, …
    status: pulumi.Input[str] | None = None  # ENABLED / PAUSED
    hide_url_links: pulumi.Input[bool] | None = None
    no_index: pulumi.Input[bool] | None = None
    subscription: pulumi.Input[bool] | None = None
    homepage_link: pulumi.Input[str] | None = None
    ga_code: pulumi.Input[str] | None = None  # G-XXXXXXXXXX (custom domains only)


_sort = choice(SORTS)


def _flag(name: str, wire: str) -> Field:
    return Field(name, wire, "bool", norm=flag)


TABLE = Table(
    (
        Field("name", "friendlyName", "str", norm=text, required=True),
        Field("monitor_ids", "monitorIds", "list", norm=id_list, read_default=[],
              encode=lambda v, _c: [int(i) for i in v]),
        Field("all_monitors", None, "bool", norm=flag,  # sent as monitorIds [0] (see to_wire)
              decode=lambda _v, doc: id_list(doc.get("monitorIds") or []) == ["0"]),
        Field("custom_domain", "customDomain", "str", norm=lower, read_default=""),
        Field("password", "password", "str", secret=True, write_only=True),
        Field("sort", "sort", "str", norm=_sort, choices=SORTS, write_only=True),
        Field("status", "status", "str", norm=upper, choices=STATUSES),
        _flag("hide_url_links", "hideUrlLinks"),
        _flag("no_index", "noIndex"),
        _flag("subscription", "subscription"),
        Field("homepage_link", "homepageLink", "str", norm=text, read_default=""),
        Field("ga_code", "gaCode", "str", norm=text, read_default=""),
    )
)  # fmt: skip


class StatusPageProvider(UptimeRobotProvider):
    path: ClassVar[str] = STATUS_PAGES
    kind: ClassVar[str] = "status page"
    natural_key: ClassVar[tuple[str, ...] | None] = ("name",)  # what find() looks it up by
    table: ClassVar[Table] = TABLE
    id_output: ClassVar[str] = "status_page_id"
    computed: ClassVar[tuple[str, ...]] = ("url", "standard_url", "password_set")

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        name = fields.get("name")
        if known(name) and not 0 < len(str(name).strip()) <= 255:
            problems.append(("name", "the name must have 1..255 characters"))
        domain = fields.get("custom_domain")
        if known(domain) and str(domain).strip() and not _HOST.match(str(domain).strip().lower()):
            problems.append(("custom_domain", f"{domain!r}: write the host only, e.g. status.example.com"))
        ids = fields.get("monitor_ids")
        if known(ids) and any(not str(i).replace(".0", "").isdigit() for i in ids or []):
            problems.append(("monitor_ids", "list monitor ids (numbers), e.g. a Monitor's monitor_id"))
        if known(fields.get("all_monitors")) and fields.get("all_monitors") and ids is not None:
            problems.append(("all_monitors", "set either all_monitors or monitor_ids, not both"))
        password = fields.get("password")
        if known(password) and len(str(password)) > 255:
            problems.append(("password", "the password must have at most 255 characters"))
        link = fields.get("homepage_link")
        if known(link) and link and not str(link).startswith(("https://", "http://")):
            problems.append(("homepage_link", f"{link!r} is not an http(s) URL"))
        return problems

    def settled_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        wanted = super().settled_fields(fields)
        if wanted.pop("all_monitors", None):
            wanted["monitor_ids"] = ["0"]
        return wanted

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        norm = self.normalise(fields)
        body = TABLE.to_wire(norm, creating=creating)
        if norm.get("all_monitors"):
            body["monitorIds"] = [0]  # every monitor, now and later
        return body

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return str(doc.get("friendlyName", "")).strip() == str(fields["name"]).strip()

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        domain = doc.get("customDomain")
        standard = f"{STANDARD_BASE}{doc.get('urlKey')}"
        return {
            "url": f"https://{domain}" if domain else standard,
            "standard_url": standard,
            "password_set": bool(as_bool(doc.get("isPasswordSet"))),
        }


class StatusPage(DynamicResource, module="uptimerobot", name="StatusPage"):
    status_page_id: pulumi.Output[str]
    url: pulumi.Output[str]
    standard_url: pulumi.Output[str]
    password_set: pulumi.Output[bool]

    provider_type: ClassVar[type[Provider]] = StatusPageProvider
    output_names: ClassVar[tuple[str, ...]] = ("status_page_id", "url", "standard_url", "password_set")

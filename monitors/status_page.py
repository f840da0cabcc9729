"""Uptime Robot public status pages (PSPs) as a Pulumi dynamic provider.

``monitor_ids`` lists the monitors shown ("0" alone = every monitor, now and later). The password
and the sort order are write-only (never returned): vigil keeps what it last wrote. Reads return
feature booleans as strings on some accounts; they are normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

from monitors.collection import CollectionProvider
from monitors.fields import as_bool, is_unknown
from monitors.resource import props_of, with_secrets

SORTS = ("FriendlyNameAsc", "FriendlyNameDesc", "StatusUpDownPaused", "StatusDownUpPaused")
_BOOLS = {"hide_url_links": "hideUrlLinks", "no_index": "noIndex", "subscription": "subscription"}


@dataclass(frozen=True)
class StatusPageArgs:
    name: pulumi.Input[str]
    monitor_ids: pulumi.Input[list[str]] | None = None  # ["0"] = all monitors
    custom_domain: pulumi.Input[str] | None = None
    password: pulumi.Input[str] | None = None  # secret, write-only
    sort: pulumi.Input[str] | None = None  # write-only
    status: pulumi.Input[str] | None = None  # ENABLED / PAUSED
    hide_url_links: pulumi.Input[bool] | None = None
    no_index: pulumi.Input[bool] | None = None
    subscription: pulumi.Input[bool] | None = None
    homepage_link: pulumi.Input[str] | None = None


class StatusPageProvider(CollectionProvider):
    path: ClassVar[str] = "psps"
    kind: ClassVar[str] = "status page"
    id_output: ClassVar[str] = "status_page_id"
    write_only: ClassVar[tuple[str, ...]] = ("password", "sort")

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if out.get("monitor_ids") is not None and not is_unknown(out["monitor_ids"]):
            out["monitor_ids"] = sorted(str(int(float(i))) for i in out["monitor_ids"])
        if isinstance(out.get("status"), str):
            out["status"] = out["status"].upper()
        for key in _BOOLS:
            if out.get(key) is not None:
                out[key] = bool(as_bool(out[key]))
        if out.get("custom_domain") == "":
            out["custom_domain"] = None
        return out

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        if fields.get("sort") is not None and fields["sort"] not in SORTS:
            problems.append(("sort", f"use one of {', '.join(SORTS)}"))
        if fields.get("status") is not None and str(fields["status"]).upper() not in ("ENABLED", "PAUSED"):
            problems.append(("status", "use ENABLED or PAUSED"))
        domain = fields.get("custom_domain")
        if isinstance(domain, str) and ("://" in domain or "/" in domain):
            problems.append(("custom_domain", f"{domain!r}: write the host only, e.g. status.example.com"))
        return problems

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        norm = self.normalise(fields)
        body: dict[str, Any] = {"friendlyName": norm["name"]}
        if norm.get("monitor_ids") is not None:
            body["monitorIds"] = [int(i) for i in norm["monitor_ids"]]
        for key, wire in (
            ("custom_domain", "customDomain"),
            ("password", "password"),
            ("sort", "sort"),
            ("status", "status"),
            ("homepage_link", "homepageLink"),
            *_BOOLS.items(),
        ):
            if norm.get(key) is not None:
                body[wire] = norm[key]
        return body

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        fields = {
            "name": doc.get("friendlyName"),
            "monitor_ids": doc.get("monitorIds") or [],
            "custom_domain": doc.get("customDomain"),
            "status": doc.get("status"),
            "homepage_link": doc.get("homepageLink"),
            **{k: doc.get(w) for k, w in _BOOLS.items()},
        }
        return self.normalise(fields)

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        return doc.get("friendlyName") == fields["name"]

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        domain = doc.get("customDomain")
        standard = f"https://stats.uptimerobot.com/{doc.get('urlKey')}"
        return {"url": f"https://{domain}" if domain else standard, "standard_url": standard}


class StatusPage(Resource, module="uptimerobot", name="StatusPage"):
    status_page_id: pulumi.Output[str]
    url: pulumi.Output[str]
    standard_url: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: StatusPageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            StatusPageProvider(),
            resource_name,
            props_of(args, "status_page_id", "url", "standard_url"),
            with_secrets(opts, ["password"]),
        )

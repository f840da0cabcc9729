"""The shape every Uptime Robot object provider shares (contacts, integrations, pages, windows).

A subclass names the API path and supplies four pure functions: ``normalise`` (canonical vigil
fields), ``to_wire`` (request body), ``from_wire`` (vigil fields from a response) and ``same``
(natural key, for idempotent creates). Everything else — check of unknowns, diff over the fields
the stack sets, settle-after-write, adopt-on-create, vanished objects on read — is here once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from core.uptimerobot import UptimeRobotClient
from monitors.fields import changed_fields, managed


class CollectionProvider(ResourceProvider):
    path: ClassVar[str]
    kind: ClassVar[str]  # for messages: "alert contact", "status page", …
    id_output: ClassVar[str]
    replace_on: ClassVar[tuple[str, ...]] = ()
    write_only: ClassVar[tuple[str, ...]] = ()  # never returned by the API: kept from the inputs

    # --- subclass hooks -----------------------------------------------------------------------
    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        raise NotImplementedError

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        raise NotImplementedError

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        return []

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {}

    # --- the provider -------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        fields = managed(news)
        name = fields.get("name")
        failures = [
            CheckFailure(prop, f"{self.kind} '{name}': {reason}") for prop, reason in self.validate(fields)
        ]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_fields(olds, news, self.normalise)
        replaces = [k for k in changed if k in self.replace_on]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces))

    def _settled(self, fields: dict[str, Any]) -> Any:
        wanted = {k: v for k, v in self.normalise(managed(fields)).items() if k not in self.write_only}

        def check(doc: dict[str, Any]) -> bool:
            live = self.from_wire(doc)
            return all(live.get(k) == v for k, v in wanted.items() if k in live)

        return check

    def _outputs(self, doc: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        live = self.from_wire(doc)
        given = managed(inputs)
        outs = {k: live.get(k) for k in {*live, *given}}
        for key in self.write_only:  # the API never returns these: what we last wrote is the truth
            outs[key] = inputs.get(key)
        outs[self.id_output] = str(doc["id"])
        outs.update(self.extra_outputs(doc))
        return outs

    def create(self, props: dict[str, Any]) -> CreateResult:
        fields = managed(props)
        client = UptimeRobotClient.from_env()
        doc = client.create_object(
            self.path,
            self.to_wire(fields, creating=True),
            lambda d: self.same(fields, d),
            self._settled(fields),
            self.to_wire(fields, creating=False),
        )
        return CreateResult(str(doc["id"]), self._outputs(doc, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        doc = UptimeRobotClient.from_env().get_object(self.path, id_)
        if doc is None:
            return ReadResult("", {})
        outs = self._outputs(doc, props)
        inputs = {
            k: outs.get(k)
            for k in managed(props)
            if k in self.normalise(managed(props)) and k != self.id_output
        }
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        fields = managed(news)
        client = UptimeRobotClient.from_env()
        doc = client.update_object(
            self.path, int(id_), self.to_wire(fields, creating=False), self._settled(fields)
        )
        return UpdateResult(self._outputs(doc, news))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        UptimeRobotClient.from_env().delete_object(self.path, id_)

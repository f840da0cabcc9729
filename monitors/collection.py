"""The shape every Uptime Robot provider shares (monitors, contacts, integrations, pages, windows).

A subclass names the API path and supplies pure functions: ``normalise`` (canonical vigil fields),
``validate`` (offline checks), ``to_wire`` (request body), ``from_wire`` (vigil fields from a
response) and ``same`` (the natural key, for idempotent creates). Everything else is here once:
- ``check`` validates before any API call and returns the normalised inputs;
- ``diff`` compares only the fields the stack sets with the state, replace only for ``replace_on``;
- ``create`` adopts an object with the same natural key, settles after the write;
- ``read`` returns live state in the inputs' shape, or id "" when gone. It hands back no inputs:
  the stack's last inputs stay in state (diff and drift compare the live outputs with them), so a
  refresh that finds nothing leaves each resource as it was. Returned inputs differed from the
  stored ones on every resource, and the engine re-serialised the whole state once per resource
  (a refreshing preview of 500 monitors: 13.4 s; without: 4.8 s);
- ``delete`` treats "already gone" as success.

The provider object is pickled into the state by Pulumi: it holds no client, session, lock or
credential. Each method builds its client from the environment (``core.credentials``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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

from core.errors import ClientError
from core.inputs import PROVIDER_KEY, is_unknown, managed, pack, unpack
from core.uptimerobot import UptimeRobotClient
from monitors.fields import changed_fields


class CollectionProvider(ResourceProvider):
    path: ClassVar[str]
    kind: ClassVar[str]  # for messages: "monitor", "alert contact", "status page", …
    id_output: ClassVar[str]  # the output holding the remote id ("monitor_id")
    fields: ClassVar[tuple[str, ...]] = ()  # the Args fields, in order
    replace_on: ClassVar[tuple[str, ...]] = ()  # fields the API cannot update in place
    write_only: ClassVar[tuple[str, ...]] = ()  # never returned by the API: kept from the inputs
    computed: ClassVar[tuple[str, ...]] = ()  # outputs the API computes (status, urls)
    # Fields kept as top-level properties when the rest are packed (core.inputs.SETTINGS_KEY);
    # None = every field is top-level. Packing is for resources a stack has hundreds of.
    top_level: ClassVar[tuple[str, ...] | None] = None

    # --- subclass hooks -----------------------------------------------------------------------
    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """(field, reason + fix) for every problem found offline. Unknown values must pass."""
        return []

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        raise NotImplementedError

    def from_wire(self, doc: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def same(self, fields: dict[str, Any], doc: dict[str, Any]) -> bool:
        raise NotImplementedError

    def lookup(self, fields: dict[str, Any]) -> dict[str, Any]:
        """List filters that narrow the natural-key search after an ambiguous create."""
        return {}

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {}

    def settled_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The written fields a read must show before the write counts as visible."""
        return {k: v for k, v in self.normalise(fields).items() if k not in self.write_only}

    # --- helpers ------------------------------------------------------------------------------
    def flat(self, props: dict[str, Any]) -> dict[str, Any]:
        """Properties as the engine holds them (packed or, from older state, flat) → flat fields."""
        return unpack(props) if self.top_level is not None else dict(props)

    def top_level_fields(self, values: dict[str, Any]) -> tuple[str, ...]:
        """The fields of this object kept as properties of their own (when this type packs)."""
        return self.top_level or ()

    def shaped(self, values: dict[str, Any]) -> dict[str, Any]:
        """Flat fields → the properties the engine stores (packed when this type packs)."""
        if self.top_level is None:
            return values
        kept = self.top_level_fields(values)
        return pack(values, tuple(f for f in self.fields if f not in kept))

    def label(self, fields: dict[str, Any]) -> str:
        name = fields.get("name")
        return f"{self.kind} '{name}'" if isinstance(name, str) else self.kind

    @contextlib.contextmanager
    def naming(self, fields: dict[str, Any], id_: str | None = None) -> Iterator[None]:
        """Client errors leave with the resource named first (the message stays redacted)."""
        try:
            yield
        except ClientError as error:
            label = self.label(fields) + (f" (id {id_})" if id_ else "")
            error.args = (f"{label}: {error}",)
            raise

    def _settled(self, fields: dict[str, Any]) -> Any:
        wanted = self.settled_fields(fields)

        def check(doc: dict[str, Any]) -> bool:
            live = self.from_wire(doc)
            return all(live.get(k) == v for k, v in wanted.items() if k in live)

        return check

    def _outputs(self, doc: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        """State outputs: live fields in the inputs' shape, plus the remote id and computed values."""
        live = self.from_wire(doc)
        given = managed(inputs)
        outs: dict[str, Any] = {k: live.get(k) for k in (*self.fields, *given) if k != PROVIDER_KEY}
        for key in self.write_only:  # the API never returns these: what we last wrote is the truth
            outs[key] = inputs.get(key)
        outs[self.id_output] = str(doc["id"])
        for key in self.computed:
            outs.setdefault(key, None)
        outs.update(self.extra_outputs(doc))
        return outs

    # --- the provider -------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = self.flat(news)
        fields = managed(inputs)
        label = self.label(fields)
        failures = [CheckFailure(prop, f"{label}: {reason}") for prop, reason in self.validate(fields)]
        if failures:
            return CheckResult(news, failures)
        inputs.update(self.normalise(fields))
        return CheckResult(self.shaped(inputs), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_fields(self.flat(olds), self.flat(news), self.normalise)
        replaces = [k for k in changed if k in self.replace_on]
        return DiffResult(
            changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=bool(replaces)
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        props = self.flat(props)
        fields = self.normalise(managed(props))
        with self.naming(fields):
            doc = UptimeRobotClient.from_env().create_object(
                self.path,
                self.to_wire(fields, creating=True),
                lambda d: self.same(fields, d),
                self._settled(fields),
                self.to_wire(fields, creating=False),
                lookup=self.lookup(fields),
            )
        return CreateResult(str(doc["id"]), self.shaped(self._outputs(doc, props)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props = self.flat(props)
        with self.naming(props, id_):
            doc = UptimeRobotClient.from_env().get_object(self.path, id_)
        if doc is None:
            return ReadResult("", {})  # gone: the engine drops it (outs must be a dict, not None)
        return ReadResult(id_, self.shaped(self._outputs(doc, props)))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        news = self.flat(news)
        fields = self.normalise(managed(news))
        with self.naming(fields, id_):
            doc = UptimeRobotClient.from_env().update_object(
                self.path, int(id_), self.to_wire(fields, creating=False), self._settled(fields)
            )
        return UpdateResult(self.shaped(self._outputs(doc, news)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        props = self.flat(props)
        with self.naming(props, id_):
            UptimeRobotClient.from_env().delete_object(self.path, id_)


__all__ = ["CollectionProvider", "is_unknown"]

"""The shape every Sentry provider shares; a resource supplies the remote calls and the field mapping.

Common here, once: offline check, diff over the fields the stack sets (normalised), adopt-by-natural-
key before create, vanished objects on read, 404-tolerant delete. No client or token is kept on the
provider: each call builds its client from the environment (providers are pickled into state).
"""

from __future__ import annotations

import contextlib
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

from core.errors import NotFound
from core.sentry import SentryClient
from monitors.fields import changed_fields, managed


class SentryProvider(ResourceProvider):
    kind: ClassVar[str]
    id_output: ClassVar[str]
    replace_on: ClassVar[tuple[str, ...]] = ()
    label_field: ClassVar[str] = "name"

    # --- resource hooks -----------------------------------------------------------------------
    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        return dict(fields)

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        return []

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        raise NotImplementedError

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def update_remote(
        self, client: SentryClient, id_: str, fields: dict[str, Any], current: dict[str, Any]
    ) -> dict[str, Any]:
        raise NotImplementedError

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        raise NotImplementedError

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def remote_id(self, doc: dict[str, Any]) -> str:
        return str(doc["id"])

    def extra_outputs(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {}

    # --- the provider -------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        fields = managed(news)
        label = fields.get(self.label_field)
        failures = [
            CheckFailure(prop, f"Sentry {self.kind} '{label}': {reason}")
            for prop, reason in self.validate(fields)
        ]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_fields(olds, news, self.normalise)
        replaces = [k for k in changed if k in self.replace_on]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces))

    def _outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        live = self.from_wire(doc, props)
        outs = {k: live.get(k) for k in {*live, *managed(props)}}
        outs[self.id_output] = self.remote_id(doc)
        outs.update(self.extra_outputs(doc))
        return outs

    def create(self, props: dict[str, Any]) -> CreateResult:
        fields = managed(props)
        client = SentryClient.from_env()
        existing = self.find(client, fields)
        if existing is not None:  # adopt: a retry after a failure, or an object made by hand
            doc = self.update_remote(client, self.remote_id(existing), fields, existing)
        else:
            doc = self.create_remote(client, fields)
        return CreateResult(self.remote_id(doc), self._outputs(doc, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        doc = self.fetch(SentryClient.from_env(), id_, props)
        if doc is None:
            return ReadResult("", {})
        outs = self._outputs(doc, props)
        inputs = {k: outs.get(k) for k in managed(props) if k != self.id_output and k in outs}
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client = SentryClient.from_env()
        current = self.fetch(client, id_, news) or {}
        doc = self.update_remote(client, id_, managed(news), current)
        return UpdateResult(self._outputs(doc, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with contextlib.suppress(NotFound):  # already gone: the goal of a delete
            self.delete_remote(SentryClient.from_env(), id_, props)

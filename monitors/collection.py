"""The remote adapter every Uptime Robot resource shares (monitors, contacts, integrations, pages, windows).

Uptime Robot's objects are flat collections (``/monitors``, ``/psps``…) read through the client's
per-process snapshot (``core.uptimerobot``: N reads cost ceil(N/200) list calls). Writes settle in
batches: each POST or PATCH runs inside its collection's ``core.policy.SettleBatch``, and its settle
waits for the one list read that confirms every write in flight (``client.confirm_reads``); only an
object that read does not show yet falls back to bounded GETs. A resource type names its ``path``
and its natural key (``same``); the provider framework (``core.provider``) and the write policy
(``core.policy``) do the rest.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import CheckResult, DiffResult

from vigil.core import policy as write_policy
from vigil.core.errors import ClientError, NotFound
from vigil.core.fields import Doc
from vigil.core.policy import SettleBatch, is_ambiguous
from vigil.core.provider import Provider
from vigil.core.uptimerobot import MONITORS, OTHER_PAGE_SIZE, PAGE_SIZE, UptimeRobotClient


class UptimeRobotProvider(Provider):
    service: ClassVar[str] = "Uptime Robot"
    path: ClassVar[str]
    delete_first: ClassVar[bool] = True
    read_before_update: ClassVar[bool] = False  # PATCH takes the fields; no read needed first

    def same(self, fields: dict[str, Any], doc: Doc) -> bool:
        """The natural key: does this live object stand for these stack fields?"""
        raise NotImplementedError

    def lookup(self, fields: dict[str, Any]) -> dict[str, Any]:
        """List filters that narrow the natural-key search after an ambiguous create."""
        return {}

    def ambiguous(self, error: BaseException) -> bool:
        # v3 can answer a POST that saved the object with a 404 ``000-004`` (or a bare 404).
        if isinstance(error, NotFound):
            return error.code in (None, "000-004")
        return is_ambiguous(error)

    # --- the adapter ----------------------------------------------------------------------------
    def client(self) -> UptimeRobotClient:
        return UptimeRobotClient.from_env()

    def find(self, client: UptimeRobotClient, fields: dict[str, Any], fresh: bool) -> Doc | None:
        filters = self.lookup(fields) if fresh else {}
        return client.find_object(self.path, lambda doc: self.same(fields, doc), fresh=fresh, **filters)

    def fetch(self, client: UptimeRobotClient, id_: str, props: dict[str, Any]) -> Doc | None:
        return client.get_object(self.path, id_)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validated inputs; a resource that passes will be written unless its diff says otherwise:
        the settle batch waits for it (``SettleBatch.expect``)."""
        result = super().check(olds, news)
        if not result.failures:
            self._expect(1)
        return result

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        if not result.changes:
            self._expect(-1)  # checked, nothing to write
        return result

    def _expect(self, count: int) -> None:
        try:
            client = self.client()
        except ClientError:  # no credentials (an offline preview): nothing will be written
            return
        self.batch(client).expect(count)

    def batch(self, client: UptimeRobotClient) -> SettleBatch:
        """This collection's settle batch for this credential, in this process."""
        size = PAGE_SIZE if self.path == MONITORS else OTHER_PAGE_SIZE
        return write_policy.settle_batch(f"{client.account}/{self.path}", self.policy, size=size)

    def create_remote(self, client: UptimeRobotClient, fields: dict[str, Any]) -> Doc:
        with self.batch(client).writing():
            return client.post_object(self.path, self.to_wire(fields, creating=True))

    def update_remote(
        self, client: UptimeRobotClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        with self.batch(client).writing():
            return client.patch_object(self.path, id_, self.to_wire(fields, creating=False))

    def delete_remote(self, client: UptimeRobotClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_object(self.path, id_)

    def settle_fetch(self, client: UptimeRobotClient, id_: str, props: dict[str, Any]) -> Doc | None:
        # Settling reads past the snapshot: it must see the API's answer, not our own write.
        return client.fetch_object(self.path, id_, remember=True)

    def _settle(self, client: UptimeRobotClient, id_: str, fields: dict[str, Any], written: Doc) -> Doc:
        """The shared list read first; bounded GETs only when it does not show this write yet."""
        listed = self.batch(client).confirm(
            int(id_),
            lambda doc: self.settled(doc, fields),
            lambda ids: client.confirm_reads(self.path, ids),
        )
        return listed if listed is not None else super()._settle(client, id_, fields, written)

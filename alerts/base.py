"""What every Sentry provider shares; a resource supplies pure field mapping and its remote calls.

Once, here:
- ``check`` validates offline, before any API call, and returns the normalised inputs. Values from
  other resources arrive as ``pulumi.output.Unknown`` during preview: they pass validation
  untouched and are never formatted or serialised;
- ``diff`` compares only the fields the stack sets (None = not managed) with the state outputs,
  both normalised; an unknown value counts as a change; ``replaces`` only for ``replace_on``;
- ``create`` looks the object up by its natural key first (and again after an ambiguous failure:
  timeout, 5xx, 409) and adopts it; after every write it re-reads (bounded) until the API shows it;
- ``read`` returns live state in the inputs' shape and no inputs (the stack's stay in state, as for
  Uptime Robot: see monitors/collection.py); a vanished object reads as id "" with outs {} (the
  servicer writes ``outs["__provider"]`` unconditionally);
- ``delete`` treats 404 as done;
- errors leave with the resource named first and, for API validation errors, the stack field.

The provider object is pickled into the state with dill: it holds no client, session, lock or
credential. Every method builds its ``SentryClient`` from the environment.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import fields as dataclass_fields
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from core.errors import (
    ApiError,
    ClientError,
    Conflict,
    NotFound,
    ServerError,
    TransportError,
    ValidationError,
)
from core.inputs import PROVIDER_KEY, is_unknown, known, managed
from core.sentry import SentryClient

SETTLE_ATTEMPTS = 6
SETTLE_DELAY_S = 0.1


# --- values ---------------------------------------------------------------------------------------


def as_int(value: Any) -> Any:
    """Pulumi sends numbers as floats and Sentry ids as strings: whole numbers → int."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def as_number(value: Any) -> Any:
    """A float for comparisons (1000, 1000.0 and "1000" are the same threshold)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def as_id(value: Any) -> Any:
    """A numeric id as its string ("4500000001"), whatever the API or the stack wrote."""
    if not known(value):
        return value
    number = as_int(value)
    return str(number) if isinstance(number, int) and not isinstance(number, bool) else value


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON object, or {} for anything else (a null or malformed sub-object)."""
    return value if isinstance(value, dict) else {}


def is_id(value: Any) -> bool:
    return isinstance(as_int(value), int) and not isinstance(value, bool)


# --- registering a resource -------------------------------------------------------------------------
def props_of(args: Any, outputs: tuple[str, ...]) -> dict[str, Any]:
    """The Args dataclass as resource properties, plus the output names (None until known)."""
    props = {f.name: getattr(args, f.name) for f in dataclass_fields(args)}
    props.update({name: None for name in outputs if name not in props})
    return props


def with_secrets(opts: pulumi.ResourceOptions | None, secrets: tuple[str, ...]) -> pulumi.ResourceOptions:
    """Outputs computed by the provider under their own keys are stored in plain text unless listed."""
    extra = pulumi.ResourceOptions(additional_secret_outputs=list(secrets))
    return pulumi.ResourceOptions.merge(opts, extra) if opts else extra


def settle(
    fetch: Callable[[], dict[str, Any] | None],
    ready: Callable[[dict[str, Any]], bool],
    *,
    attempts: int = SETTLE_ATTEMPTS,
    delay: float = SETTLE_DELAY_S,
) -> dict[str, Any] | None:
    """Re-read after a write until ``ready`` (bounded: ``attempts`` reads, doubling the delay).

    Returns the last document read (the caller records what the API really shows), None if gone.
    """
    doc: dict[str, Any] | None = None
    for attempt in range(attempts):
        doc = fetch()
        if doc is None or ready(doc):
            return doc
        time.sleep(delay * (2**attempt))
    return doc


def appear(
    fetch: Callable[[], dict[str, Any] | None],
    *,
    attempts: int = SETTLE_ATTEMPTS,
    delay: float = SETTLE_DELAY_S,
) -> dict[str, Any] | None:
    """Read until the object exists (bounded: ``attempts`` reads, doubling the delay), or None."""
    for attempt in range(attempts):
        doc = fetch()
        if doc is not None:
            return doc
        if attempt + 1 < attempts:
            time.sleep(delay * (2**attempt))
    return None


# --- the provider -------------------------------------------------------------------------------------
class SentryProvider(ResourceProvider):
    kind: ClassVar[str]  # "project", for messages
    id_output: ClassVar[str]  # the output holding the remote id ("project_id")
    fields: ClassVar[tuple[str, ...]]  # the Args fields, in order
    replace_on: ClassVar[tuple[str, ...]] = ()  # fields the API cannot update in place
    delete_first: ClassVar[bool] = False  # delete before replace (natural keys must stay unique)
    label_field: ClassVar[str] = "name"
    field_paths: ClassVar[dict[str, str]] = {}  # API field (first segment) → stack field, for errors
    service: ClassVar[str] = "Sentry"

    # --- resource hooks (pure) --------------------------------------------------------------------
    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Canonical values; unknown values pass through untouched."""
        return dict(fields)

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """(field, what is wrong and how to fix it), offline. Unknown values must pass."""
        return []

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        """The live object as normalised stack fields (``props``: the inputs or the state)."""
        raise NotImplementedError

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {}

    def settled(self, live: dict[str, Any], fields: dict[str, Any]) -> bool:
        """Does the live object (``from_wire``) show every field the stack sets?"""
        return all(live.get(k) == v for k, v in fields.items() if k in live)

    def remote_id(self, doc: dict[str, Any]) -> str:
        """The API's id of the object (what paths use)."""
        return str(doc["id"])

    def pulumi_id(self, doc: dict[str, Any]) -> str:
        """The Pulumi id: the remote id, unless that is itself a secret (a client key)."""
        return self.remote_id(doc)

    # --- remote hooks -----------------------------------------------------------------------------
    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        raise NotImplementedError

    def find(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The existing object with this natural key, to adopt instead of creating a duplicate."""
        return None

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def update_remote(
        self,
        client: SentryClient,
        id_: str,
        fields: dict[str, Any],
        current: dict[str, Any],
        olds: dict[str, Any],
    ) -> dict[str, Any]:
        raise NotImplementedError

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        raise NotImplementedError

    # --- helpers ------------------------------------------------------------------------------------
    def label(self, fields: dict[str, Any]) -> str:
        value = fields.get(self.label_field)
        shown = f" '{value}'" if isinstance(value, str) and value else ""
        return f"{self.service} {self.kind}{shown}"

    @contextlib.contextmanager
    def naming(self, fields: dict[str, Any], id_: str | None = None) -> Iterator[None]:
        """Client errors leave with the resource (and, for rejected fields, the stack field) first."""
        try:
            yield
        except ClientError as error:
            prefix = self.label(fields) + (f" (id {id_})" if id_ else "")
            if isinstance(error, ValidationError) and error.fields:
                stack_fields = sorted({self._stack_field(path) for path in error.fields})
                prefix += f", field {', '.join(stack_fields)}"
            error.args = (f"{prefix}: {error}",)
            raise

    def _stack_field(self, path: str) -> str:
        first = path.split(".", 1)[0].split("[", 1)[0]
        return self.field_paths.get(first, first)

    def _client(self) -> SentryClient:
        return SentryClient.from_env()

    def needs_update(self, doc: dict[str, Any], fields: dict[str, Any]) -> bool:
        """Does an adopted object differ from the stack (so ``create`` must update it)?"""
        return not self.settled(self.from_wire(doc, fields), fields)

    def _settle(
        self, client: SentryClient, id_: str, fields: dict[str, Any], doc: dict[str, Any]
    ) -> dict[str, Any]:
        seen = settle(
            lambda: self.fetch(client, id_, fields),
            lambda d: self.settled(self.from_wire(d, fields), fields),
        )
        return seen if seen is not None else doc

    def outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        """State outputs: every Args field as live and normalised, the remote id, computed values."""
        live = self.from_wire(doc, props)
        outs: dict[str, Any] = {k: live.get(k) for k in self.fields}
        outs[self.id_output] = self.remote_id(doc)
        outs.update(self.extra_outputs(doc, props))
        return outs

    def _adopt(self, client: SentryClient, doc: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        if not self.needs_update(doc, fields):
            return doc
        return self.update_remote(client, self.remote_id(doc), fields, doc, {})

    # --- ResourceProvider ---------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        fields = managed(news)
        label = self.label(fields)
        failures = [CheckFailure(prop, f"{label}: {reason}") for prop, reason in self.validate(fields)]
        if failures:
            return CheckResult(dict(news), failures)
        inputs = dict(news)
        inputs.update(self.normalise(fields))
        return CheckResult(inputs, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        wanted = self.normalise(managed(news))
        current = self.normalise({k: olds.get(k) for k in wanted if olds.get(k) is not None})
        changed = sorted(k for k in wanted if is_unknown(wanted[k]) or wanted[k] != current.get(k))
        replaces = [k for k in changed if k in self.replace_on]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces) and self.delete_first,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        fields = self.normalise(managed(props))
        with self.naming(fields):
            client = self._client()
            existing = self.find(client, fields)
            if existing is not None:  # a retry after a failure, or an object made by hand: adopt it
                doc = self._adopt(client, existing, fields)
            else:
                try:
                    doc = self.create_remote(client, fields)
                except (TransportError, ServerError, Conflict):
                    # Ambiguous (the write may have happened) or raced: look again before failing.
                    existing = self.find(client, fields)
                    if existing is None:
                        raise
                    doc = self._adopt(client, existing, fields)
            doc = self._settle(client, self.remote_id(doc), fields, doc)
        return CreateResult(self.pulumi_id(doc), self.outputs(doc, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.naming(props, id_):
            doc = self.fetch(self._client(), id_, props)
        if doc is None:
            return ReadResult("", {})  # gone: the engine drops it from the state
        return ReadResult(id_, self.outputs(doc, props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        fields = self.normalise(managed(news))
        with self.naming(fields, id_):
            client = self._client()
            current = self.fetch(client, id_, news)
            if current is None:
                raise NotFound(
                    self.service,
                    "GET",
                    f"({self.kind} {id_})",
                    404,
                    f"the {self.kind} was deleted outside vigil",
                    hint="run `vigil refresh` (or `pulumi refresh`), then `vigil up` to create it again",
                )
            doc = self.update_remote(client, id_, fields, current, olds)
            doc = self._settle(client, id_, fields, doc)
        return UpdateResult(self.outputs(doc, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.naming(props, id_), contextlib.suppress(NotFound):  # already gone: the goal
            self.delete_remote(self._client(), id_, props)


def reject(error: ApiError, message: str, hint: str) -> ApiError:
    """The same kind of error with vigil's explanation (the original status and code kept)."""
    return type(error)(error.api, error.method, error.url, error.status, message, code=error.code, hint=hint)


__all__ = [
    "PROVIDER_KEY",
    "SentryProvider",
    "appear",
    "as_dict",
    "as_id",
    "as_int",
    "as_number",
    "is_id",
    "is_unknown",
    "known",
    "managed",
    "props_of",
    "settle",
    "with_secrets",
]

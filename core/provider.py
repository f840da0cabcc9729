"""The one dynamic-provider base: every resource type of every service is a ``Provider``.

A resource type supplies:
- ``table`` — its ``core.fields.Table`` (names, wire names, types, normalisation, bounds,
  replace, secret, write-only);
- ``validate`` — only the checks the table cannot express (cross-field rules);
- ``from_wire`` / ``to_wire`` — when the API's document is not flat (the default reads and writes
  the table's wire names);
- the remote adapter, five small methods on a client built per call: ``find`` (by natural key;
  ``fresh`` after a failure), ``fetch``, ``create_remote``, ``update_remote``, ``delete_remote``.

Written once, here:
- ``check`` validates before any API call (the table, then ``validate``) and returns the
  normalised inputs; an unknown value passes;
- ``diff`` compares only the fields the stack sets with the state (``core.fields.changed_fields``),
  replace only for the table's ``replaces`` fields;
- ``create`` adopts by natural key before creating and after an ambiguous failure, and settles
  after every write — all through the service's ``core.policy.WritePolicy``;
- ``read`` returns live state and no inputs (the stack's last inputs stay in state: a refresh that
  finds nothing leaves each resource as it was; returning inputs made the engine rewrite the
  whole state once per resource); a vanished object reads as id "" with outs {};
- ``update`` writes, confirms after an ambiguous failure, settles; ``delete`` treats gone as done;
- ownership (``core.ownership``): an object another stack of the backend owns or references is
  never adopted (``check`` of a new resource fails the preview, ``create`` refuses before any
  write), updated or deleted (``delete`` leaves it in place); a reference (``__reference``) is
  read by natural key and never created, updated or deleted;
- errors leave with the resource named first and, for rejected API fields, the stack field;
- outputs: every table field as live, write-only fields as last written, the remote id, computed
  values; secret outputs are the table's secret fields (``Provider.secret_outputs``).

The provider object is pickled into the state by Pulumi (by reference to its class): it holds no
client, session, lock or credential; every method builds its client at call time.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import fields as dataclass_fields
from typing import Any, ClassVar, ParamSpec, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from vigil.core import policy as write_policy
from vigil.core.errors import ClientError, NotFound, ValidationError
from vigil.core.fields import Doc, Table, changed_fields
from vigil.core.inputs import PROVIDER_KEY, is_unknown, managed, pack, unpack
from vigil.core.ownership import (
    KINDS,
    OWNERSHIP_KEY,
    REFERENCE_KEY,
    Foreign,
    OwnedElsewhere,
    ReferenceMissing,
)
from vigil.core.policy import WritePolicy

P = ParamSpec("P")
R = TypeVar("R")


class Created(CreateResult):
    """A create's result; vigil's always carry outputs (typed so callers need no None check)."""

    outs: dict[str, Any]


class Read(ReadResult):
    outs: dict[str, Any]


class Updated(UpdateResult):
    outs: dict[str, Any]


def _short(method: Callable[P, R]) -> Callable[P, R]:
    """The engine prints the traceback of what leaves a provider: cut it to the message (a client
    error's frames say nothing the message does not)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except ClientError as error:
            raise error.with_traceback(None) from None

    return wrapper


class Provider(ResourceProvider):
    # The pickled provider (``__provider``, in every resource's inputs and outputs) is a class
    # reference and nothing else (no instance state: see the module docstring), so it is stored in
    # plain text rather than encrypted: the SDK still makes it a secret if it ever captures a secret
    # Output (pulumi/dynamic/dynamic.py, ``serialize_as_secret_always``, SDK 3.272.0). Issue 19: the
    # ciphertext was 239 of a monitor's ~2,500 state bytes, twice, and one encryption per resource.
    serialize_as_secret_always = False
    service: ClassVar[str]  # "Uptime Robot", "Sentry", "Slack"
    kind: ClassVar[str]  # "monitor", "project", for messages
    table: ClassVar[Table]
    id_output: ClassVar[str]  # the output holding the remote id ("monitor_id")
    label_field: ClassVar[str] = "name"
    computed: ClassVar[tuple[str, ...]] = ()  # outputs the API computes (status, urls)
    delete_first: ClassVar[bool] = False  # delete before replace (natural keys must stay unique)
    read_before_update: ClassVar[bool] = True  # updates need the live object (sub-object ids)
    # Fields kept as top-level properties when the rest are packed (core.inputs.SETTINGS_KEY);
    # None = every field is top-level. Packing is for resources a stack has hundreds of.
    top_level: ClassVar[tuple[str, ...] | None] = None
    # The fields ``find`` looks an object up by; the preview's ownership check needs only these
    # known (None: every field the stack sets).
    natural_key: ClassVar[tuple[str, ...] | None] = None

    # --- resource hooks (pure) --------------------------------------------------------------------
    @property
    def policy(self) -> WritePolicy:
        return write_policy.policy_for(self.service)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.table.names

    def normalise(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self.table.normalise(fields)

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """Checks the table cannot express: (field, what is wrong and the fix). Unknowns pass."""
        return []

    def problems(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        return [*self.table.problems(fields), *self.validate(fields)]

    def to_wire(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        return self.table.to_wire(fields, creating=creating)

    def from_wire(self, doc: Doc, props: dict[str, Any]) -> dict[str, Any]:
        """The live object as normalised stack fields (``props``: the inputs or the state)."""
        return self.table.from_wire(doc)

    def extra_outputs(self, doc: Doc, props: dict[str, Any]) -> dict[str, Any]:
        return {}

    def settled_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The written fields a read must show before the write counts as visible."""
        write_only = self.table.write_only
        return {k: v for k, v in self.normalise(fields).items() if k not in write_only}

    def settled(self, doc: Doc, fields: dict[str, Any]) -> bool:
        live = self.from_wire(doc, fields)
        return all(live.get(k) == v for k, v in self.settled_fields(fields).items() if k in live)

    def remote_id(self, doc: Doc) -> str:
        return str(doc["id"])

    def pulumi_id(self, doc: Doc) -> str:
        """The Pulumi id: the remote id, unless that is itself a secret (a client key)."""
        return self.remote_id(doc)

    def ambiguous(self, error: BaseException) -> bool:
        """Did the write fail so that it may have happened anyway?"""
        return write_policy.is_ambiguous(error)

    # --- remote adapter -----------------------------------------------------------------------------
    def client(self) -> Any:
        raise NotImplementedError

    def find(self, client: Any, fields: dict[str, Any], fresh: bool) -> Doc | None:
        """The existing object with this natural key (``fresh``: bypass caches), to adopt."""
        return None

    def fetch(self, client: Any, id_: str, props: dict[str, Any]) -> Doc | None:
        raise NotImplementedError

    def settle_fetch(self, client: Any, id_: str, props: dict[str, Any]) -> Doc | None:
        """The read that confirms a write (default ``fetch``; a cached reader must bypass its cache)."""
        return self.fetch(client, id_, props)

    def create_remote(self, client: Any, fields: dict[str, Any]) -> Doc:
        raise NotImplementedError

    def update_remote(
        self, client: Any, id_: str, fields: dict[str, Any], current: Doc | None, olds: dict[str, Any]
    ) -> Doc:
        raise NotImplementedError

    def delete_remote(self, client: Any, id_: str, props: dict[str, Any]) -> None:
        raise NotImplementedError

    # --- shape of the properties ------------------------------------------------------------------
    def flat(self, props: dict[str, Any]) -> dict[str, Any]:
        """Properties as the engine holds them (packed or, from older state, flat) → flat fields."""
        return unpack(props) if self.top_level is not None else dict(props)

    def top_level_fields(self, values: dict[str, Any]) -> tuple[str, ...]:
        return self.top_level or ()

    def shaped(self, values: dict[str, Any]) -> dict[str, Any]:
        """Flat fields → the properties the engine stores (packed when this type packs)."""
        if self.top_level is None:
            return values
        kept = self.top_level_fields(values)
        return pack(values, tuple(f for f in self.fields if f not in kept))

    # --- naming -------------------------------------------------------------------------------------
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
                stack_fields = sorted({self.table.stack_field(path) for path in error.fields})
                prefix += f", field {', '.join(stack_fields)}"
            error.args = (f"{prefix}: {error}",)
            raise

    # --- outputs --------------------------------------------------------------------------------------
    def outputs(self, doc: Doc, props: dict[str, Any]) -> dict[str, Any]:
        """Every table field as live, write-only ones as last written, the id, computed values."""
        live = self.from_wire(doc, props)
        outs: dict[str, Any] = {k: live.get(k) for k in self.fields}
        for key in self.table.write_only:  # the API never returns these: what we wrote is the truth
            outs[key] = props.get(key)
        outs[self.id_output] = self.remote_id(doc)
        for key in self.computed:
            outs.setdefault(key, None)
        outs.update(self.extra_outputs(doc, props))
        return outs

    # --- the write policy, applied ---------------------------------------------------------------------
    def needs_update(self, doc: Doc, fields: dict[str, Any]) -> bool:
        """Does an adopted object differ from the stack (so adopting it must update it)?"""
        return not self.settled(doc, fields)

    def _adopt(self, client: Any, doc: Doc, fields: dict[str, Any]) -> Doc:
        if not self.needs_update(doc, fields):
            return doc
        return self._update(client, self.remote_id(doc), fields, doc, {})

    def _update(
        self, client: Any, id_: str, fields: dict[str, Any], current: Doc | None, olds: dict[str, Any]
    ) -> Doc:
        def confirm() -> Doc | None:
            latest = self.settle_fetch(client, id_, fields)
            return latest if latest is not None and self.settled(latest, fields) else None

        return write_policy.write_or_confirm(
            self.policy,
            write=lambda: self.update_remote(client, id_, fields, current, olds),
            confirm=confirm,
            ambiguous=self.ambiguous,
        )

    def _settle(self, client: Any, id_: str, fields: dict[str, Any], written: Doc) -> Doc:
        seen = write_policy.wait_until(
            lambda: self.settle_fetch(client, id_, fields),
            lambda doc: doc is not None and self.settled(doc, fields),
            reads=self.policy.settle_reads,
            delay_s=self.policy.settle_delay_s,
            cap_s=self.policy.settle_cap_s,
        )
        return seen if seen is not None else written

    # --- ownership (core.ownership) ------------------------------------------------------------------
    @property
    def ownership_kind(self) -> str:
        """The kind the state records (``uptimerobot:Monitor``), as ``engine.ownership`` indexes it."""
        return KINDS.get((self.service, self.kind), f"{self.service}:{self.kind}")

    @staticmethod
    def marks(props: dict[str, Any]) -> dict[str, Any]:
        """vigil's own inputs kept in the outputs too (``destroy`` runs no program: state is all it has)."""
        return {k: props[k] for k in (OWNERSHIP_KEY, REFERENCE_KEY) if props.get(k) is not None}

    @staticmethod
    def is_reference(props: dict[str, Any]) -> bool:
        return bool(props.get(REFERENCE_KEY))

    def foreign(self, props: dict[str, Any]) -> Foreign:
        return Foreign.at(props.get(OWNERSHIP_KEY))

    def refuse_foreign(self, foreign: Foreign, fields: dict[str, Any], object_id: str) -> None:
        """Raise when another stack owns the object (the adopt and update steps' check). Stacks that
        only reference it do not stop its owner: adopting what others reference is how it gets one."""
        owner = foreign.owner(self.ownership_kind, object_id)
        if owner:
            raise OwnedElsewhere(self.label(fields), object_id, owner, foreign.env)

    def ownership_problem(self, props: dict[str, Any], fields: dict[str, Any]) -> str | None:
        """For a new resource, at preview: the object its natural key finds belongs to another stack,
        or a reference finds nothing. One lookup (batched lists where the API has them), no write;
        skipped when no other stack holds anything and nothing is referenced."""
        reference = self.is_reference(props)
        foreign = self.foreign(props)
        if not reference and not (foreign.owners or foreign.references):
            return None
        key = self.natural_key if self.natural_key is not None else tuple(fields)
        if any(is_unknown(fields.get(k)) for k in key):
            return None  # depends on an object this run creates: nobody else can own what it finds
        try:
            found = self.find(self.client(), self.normalise(fields), False)
        except ClientError:
            return None  # the create reports it, with the write policy's retries
        if found is None:
            return str(ReferenceMissing(self.label(fields))) if reference else None
        if reference:
            return None
        try:
            self.refuse_foreign(foreign, fields, self.remote_id(found))
        except OwnedElsewhere as owned:
            return str(owned)
        return None

    # --- ResourceProvider ---------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = self.flat(news)
        fields = managed(inputs)
        label = self.label(fields)
        failures = [CheckFailure(prop, f"{label}: {reason}") for prop, reason in self.problems(fields)]
        if failures:
            return CheckResult(dict(news), failures)
        if not _olds:  # a new resource: is what its natural key finds another stack's?
            problem = self.ownership_problem(inputs, fields)
            if problem:
                return CheckResult(dict(news), [CheckFailure(self.label_field, problem)])
        inputs.update(self.normalise(fields))
        return CheckResult(self.shaped(inputs), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        flat_olds, flat_news = self.flat(olds), self.flat(news)
        changed = changed_fields(self.normalise, flat_olds, flat_news)
        if self.is_reference(flat_news):
            changed = []  # read only: what the owner sets is not this stack's to change
        replace_on = self.table.replace_on
        replaces = [k for k in changed if k in replace_on]
        # State written before ownership existed lacks the marks: one in-place update records them
        # (no API write), so that a later destroy knows what other stacks hold.
        remarked = self.marks(flat_olds) != self.marks(flat_news)
        return DiffResult(
            changes=bool(changed) or remarked,
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces) and self.delete_first,
        )

    @_short
    def create(self, props: dict[str, Any]) -> Created:
        props = self.flat(props)
        fields = self.normalise(managed(props))
        foreign = self.foreign(props)
        with self.naming(fields):
            client = self.client()
            if self.is_reference(props):
                doc = self.find(client, fields, True)
                if doc is None:
                    raise ReferenceMissing(self.label(fields))
            else:
                doc = write_policy.create_or_adopt(
                    self.policy,
                    find=lambda fresh: self.find(client, fields, fresh),
                    create=lambda: self.create_remote(client, fields),
                    adopt=lambda found: self._adopt(client, found, fields),
                    ambiguous=self.ambiguous,
                    adoptable=lambda found: self.refuse_foreign(foreign, fields, self.remote_id(found)),
                )
                doc = self._settle(client, self.remote_id(doc), fields, doc)
        return Created(self.pulumi_id(doc), self.shaped({**self.outputs(doc, props), **self.marks(props)}))

    @_short
    def read(self, id_: str, props: dict[str, Any]) -> Read:
        props = self.flat(props)
        with self.naming(props, id_):
            doc = self.fetch(self.client(), id_, props)
        if doc is None:
            return Read("", {})  # gone: the engine drops it (outs must be a dict, not None)
        return Read(id_, self.shaped({**self.outputs(doc, props), **self.marks(props)}))

    @_short
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Updated:
        news, olds = self.flat(news), self.flat(olds)
        fields = self.normalise(managed(news))
        marks = self.marks(news)
        only_marks = self.marks(olds) != marks and not changed_fields(self.normalise, olds, news)
        if self.is_reference(news) or only_marks:
            # A reference is read only; an update that only records the ownership marks writes nothing.
            kept = {k: v for k, v in olds.items() if k not in (OWNERSHIP_KEY, REFERENCE_KEY, PROVIDER_KEY)}
            return Updated(self.shaped({**kept, **marks}))
        with self.naming(fields, id_):
            self.refuse_foreign(self.foreign(news), fields, id_)
            client = self.client()
            current = None
            if self.read_before_update:
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
            doc = self._update(client, id_, fields, current, olds)
            doc = self._settle(client, id_, fields, doc)
        return Updated(self.shaped({**self.outputs(doc, news), **marks}))

    @_short
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        props = self.flat(props)
        if self.is_reference(props):
            return  # a reference owns nothing: the stack forgets it, the object stays
        if self.foreign(props).holder(self.ownership_kind, id_):
            return  # another stack owns or references it too (state from before ownership): kept
        with self.naming(props, id_), contextlib.suppress(NotFound):  # already gone: the goal
            self.delete_remote(self.client(), id_, props)


# --- registering a resource ---------------------------------------------------------------------------
class DynamicResource(Resource):
    """A resource registered from its Args dataclass: one class line per type, no ``__init__``.

    Subclasses name ``provider_type`` and the ``output_names`` the provider adds; secret outputs
    are the provider table's secret fields plus ``extra_secrets``. The type token stays the subclass's own
    (``module=``/``name=``), so state written before this base existed reads the same.
    """

    provider_type: ClassVar[type[Provider]]
    output_names: ClassVar[tuple[str, ...]] = ()
    extra_secrets: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        resource_name: str,
        args: Any,
        opts: pulumi.ResourceOptions | None = None,
        *,
        reference: bool = False,
    ) -> None:
        """``reference``: read the object by its natural key, never create, update or delete it
        (another stack owns it; like Pulumi's ``get``)."""
        provider = self.provider_type()
        secrets = (*provider.table.secrets, *self.extra_secrets)
        if provider.top_level is None:
            props = props_of(args, self.output_names)
        else:  # a type a stack has many of: its settings packed (the provider's ``top_level``)
            props = packed_props(args, (*provider.top_level, *secrets))
            props.update({name: None for name in self.output_names if name not in props})
        if reference:
            props[REFERENCE_KEY] = True
        super().__init__(provider, resource_name, props, with_secrets(opts, secrets) if secrets else opts)


def props_of(args: Any, outputs: tuple[str, ...] = ()) -> dict[str, Any]:
    """The Args dataclass as resource properties, plus the output names (None until known)."""
    props = {f.name: getattr(args, f.name) for f in dataclass_fields(args)}
    props.update({name: None for name in outputs if name not in props})
    return props


def packed_props(args: Any, top_level: tuple[str, ...]) -> dict[str, Any]:
    """``top_level`` fields as properties; every other field the stack sets packed (core.inputs.pack)."""
    values = {f.name: getattr(args, f.name) for f in dataclass_fields(args)}
    given = {k: v for k, v in values.items() if k in top_level or v is not None}
    return pack(given, tuple(k for k in values if k not in top_level))


def with_secrets(opts: pulumi.ResourceOptions | None, secrets: tuple[str, ...]) -> pulumi.ResourceOptions:
    """Outputs computed by the provider under their own keys are stored in plain text unless listed."""
    extra = pulumi.ResourceOptions(additional_secret_outputs=list(secrets))
    return pulumi.ResourceOptions.merge(opts, extra) if opts else extra


__all__ = [
    "PROVIDER_KEY",
    "Created",
    "Provider",
    "Read",
    "Updated",
    "packed_props",
    "props_of",
    "with_secrets",
]

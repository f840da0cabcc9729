"""A client key (DSN) of a Sentry project (``/projects/{org}/{project_id}/keys/``).

- The key named ``default`` ADOPTS the key Sentry creates with every project (named "Default")
  instead of adding a second DSN next to it; other names create (or adopt) a key of that name.
- ``rate_limit`` is "count/window" — "1000/1m", "600/60s", "50000/1h", "1000/1d" — normalised to
  seconds ("1000/60s"). Key rate limits need the ``projects:rate-limits`` plan feature; without
  it Sentry silently answers ``rateLimit: null``. vigil then records ``rate_limit_applied: false``
  and keeps the stack's value, so a plan without the feature shows no perpetual diff; a limit that
  had applied and then reads null is drift.
- Outputs: ``key_id`` (Sentry's key id, which IS the key's public part, so also a SECRET) and
  ``dsn``, the public DSN the SDKs use, stored as a SECRET. The legacy secret DSN is never read
  into the state. Because the remote id is itself a secret and a Pulumi id cannot be one, the
  Pulumi id is ``<project_id>/<first 16 hex of sha256(key id)>``: stable, not reversible, and
  enough to find the key again (by the secret ``key_id`` in the state, else by listing the
  project's keys).
- ``project_id`` cannot change in place (keys do not move between projects): it replaces.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi

from vigil.alerts.base import SentryProvider, as_id, is_id, known
from vigil.core.errors import NotFound
from vigil.core.fields import Doc, Field, Table
from vigil.core.provider import DynamicResource, Provider
from vigil.core.redact import register_secret
from vigil.core.sentry import SentryClient

DEFAULT_NAME = "default"
SENTRY_DEFAULT_NAME = "Default"
RATE = re.compile(r"^(\d+)\s*/\s*(\d*)\s*(s|sec|m|min|h|hr|d|day)?$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "day": 86400}
NAME_MAX = 64
SECRET_OUTPUTS = ("dsn", "key_id")  # the DSN and its public key: kept out of logs, reports and state


@dataclass(frozen=True)
class ClientKeyArgs:
    project_id: pulumi.Input[str]
    name: pulumi.Input[str] = DEFAULT_NAME
    rate_limit: pulumi.Input[str] | None = None  # "count/window", e.g. "1000/1m"; None: not managed


def parse_rate(text: str) -> dict[str, int]:
    """'1000/1m' → {"count": 1000, "window": 60}. Raises ValueError with the reason."""
    found = RATE.match(str(text).strip())
    if not found:
        raise ValueError(f"{text!r}: write count/window, e.g. '1000/1m', '600/60s' or '50000/1h'")
    count = int(found.group(1))
    window = int(found.group(2) or 1) * _UNITS[(found.group(3) or "s").lower()]
    if count <= 0 or window <= 0:
        raise ValueError(f"{text!r}: count and window must be positive")
    return {"count": count, "window": window}


def format_rate(rate: dict[str, Any]) -> str:
    return f"{int(rate['count'])}/{int(rate['window'])}s"


def _rate(value: Any) -> Any:
    try:
        return format_rate(parse_rate(value))
    except (ValueError, TypeError):
        return value


def key_reference(project_id: Any, key_id: str) -> str:
    """The Pulumi id of a key: its project and a digest of the (secret) key id."""
    return f"{as_id(project_id)}/{hashlib.sha256(key_id.encode()).hexdigest()[:16]}"


def _remember(doc: dict[str, Any]) -> dict[str, Any]:
    """Mask this key's id and DSN in every message from now on (the id appears in key paths)."""
    register_secret(str(doc.get("id") or ""))
    register_secret((doc.get("dsn") or {}).get("public"))
    return doc


def remote_name(name: str) -> str:
    return SENTRY_DEFAULT_NAME if name.lower() == DEFAULT_NAME else name


def _name(value: Any) -> Any:
    name = str(value).strip()
    return DEFAULT_NAME if name.lower() == DEFAULT_NAME else name


TABLE = Table(
    (
        Field("project_id", "projectId", "str", norm=as_id, replaces=True),
        Field("name", "name", "str", norm=_name, length=NAME_MAX),
        Field("rate_limit", "rateLimit", "str", norm=_rate),
    )
)


class ClientKeyProvider(SentryProvider):
    kind: ClassVar[str] = "client key"
    id_output: ClassVar[str] = "key_id"
    table: ClassVar[Table] = TABLE

    def validate(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        project = fields.get("project_id")
        if project is None:
            problems.append(("project_id", "a client key belongs to a project: pass the project's id"))
        elif known(project) and not is_id(project):
            problems.append(
                ("project_id", f"{project!r} is not a numeric project id (use Project.project_id)")
            )
        rate = fields.get("rate_limit")
        if known(rate):
            try:
                parse_rate(str(rate))
            except ValueError as error:
                problems.append(("rate_limit", str(error)))
        return problems

    def from_wire(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        name = str(doc.get("name") or doc.get("label") or "")
        wanted_name = str(props.get("name") or DEFAULT_NAME)
        if name == SENTRY_DEFAULT_NAME and wanted_name.lower() == DEFAULT_NAME:
            name = DEFAULT_NAME
        live = doc.get("rateLimit")
        wanted_rate = props.get("rate_limit")
        if isinstance(live, dict) and live.get("count") is not None:
            rate: Any = format_rate(live)
        elif known(wanted_rate) and props.get("rate_limit_applied") is not True:
            rate = _rate(wanted_rate)  # the plan ignores key rate limits: not drift
        else:
            rate = None
        return {"project_id": as_id(doc.get("projectId")), "name": name, "rate_limit": rate}

    def extra_outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        live = doc.get("rateLimit")
        return {
            "dsn": (doc.get("dsn") or {}).get("public"),
            "rate_limit_applied": isinstance(live, dict) and live.get("count") is not None,
        }

    def needs_update(self, doc: dict[str, Any], fields: dict[str, Any]) -> bool:
        return bool(self._body(fields, doc))  # a rate limit the plan ignores is still sent once

    def outputs(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        _remember(doc)
        return super().outputs(doc, props)

    def pulumi_id(self, doc: dict[str, Any]) -> str:
        return key_reference(doc.get("projectId"), str(doc["id"]))

    def _key_id(self, client: SentryClient, id_: str, props: dict[str, Any]) -> str | None:
        """The key id behind a Pulumi id: the state's secret ``key_id``, else found by digest."""
        if "/" not in id_:
            return id_  # a plain key id (create settles with it)
        project, _, _ = id_.partition("/")
        stored = props.get("key_id")
        if isinstance(stored, str) and key_reference(project, stored) == id_:
            register_secret(stored)
            return stored
        found = next(
            (k for k in client.list_keys(project) if key_reference(project, str(k.get("id"))) == id_), None
        )
        return str(found["id"]) if found else None

    def fetch(self, client: SentryClient, id_: str, props: dict[str, Any]) -> dict[str, Any] | None:
        project = id_.partition("/")[0] if "/" in id_ else str(as_id(props["project_id"]))
        try:
            key_id = self._key_id(client, id_, props)
        except NotFound:  # the project is gone, and its keys with it
            return None
        return client.get_key(project, key_id) if key_id else None

    def find(self, client: SentryClient, fields: dict[str, Any], fresh: bool) -> dict[str, Any] | None:
        wanted = remote_name(fields.get("name") or DEFAULT_NAME)
        keys = [_remember(k) for k in client.list_keys(fields["project_id"]) if k.get("name") == wanted]
        keys.sort(key=lambda k: (not k.get("isActive", True), str(k.get("dateCreated") or "")))
        return keys[0] if keys else None

    def _body(self, fields: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        name = remote_name(fields.get("name") or DEFAULT_NAME)
        if current is None or current.get("name") != name:
            body["name"] = name
        if fields.get("rate_limit") is not None:
            rate = parse_rate(fields["rate_limit"])
            if current is None or current.get("rateLimit") != rate:
                body["rateLimit"] = rate
        return body

    def create_remote(self, client: SentryClient, fields: dict[str, Any]) -> dict[str, Any]:
        return client.create_key(fields["project_id"], self._body(fields, None))

    def update_remote(
        self, client: SentryClient, id_: str, fields: Doc, current: Doc | None, olds: Doc
    ) -> Doc:
        assert current is not None  # Sentry updates read the object first (read_before_update)
        body = self._body(fields, current)
        return client.update_key(fields["project_id"], str(current["id"]), body) if body else current

    def delete_remote(self, client: SentryClient, id_: str, props: dict[str, Any]) -> None:
        project = id_.partition("/")[0] if "/" in id_ else str(as_id(props["project_id"]))
        key_id = self._key_id(client, id_, props)
        if key_id:
            client.delete_key(project, key_id)


class ClientKey(DynamicResource, module="sentry", name="ClientKey"):
    key_id: pulumi.Output[str]
    project_id: pulumi.Output[str]
    name: pulumi.Output[str]
    rate_limit: pulumi.Output[str]
    rate_limit_applied: pulumi.Output[bool]
    dsn: pulumi.Output[str]  # secret

    provider_type: ClassVar[type[Provider]] = ClientKeyProvider
    output_names: ClassVar[tuple[str, ...]] = ("key_id", "dsn", "rate_limit_applied")
    extra_secrets: ClassVar[tuple[str, ...]] = SECRET_OUTPUTS

"""Field-level changes, computed from the engine's events.

Python dynamic providers send the engine no detailed diff, so ``ResourcePreEvent.metadata`` carries
only the changed keys (``diffs``) and the replace keys (``keys``); the values come from
``old.outputs`` (what the provider last read or wrote) and ``new.inputs`` (what the stack wants).
Secrets arrive from the engine already masked (``[secret]``); vigil masks its own known secret
fields too, so nothing sensitive reaches a terminal, a JSON report or a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.core.inputs import SETTINGS_KEY, unpack
from vigil.core.redact import redact

SECRET_MASK = "[secret]"
HIDDEN_KEYS = frozenset({"__provider", "__ownership", "__reference"})  # the engine's and vigil's own

# What deleting an object loses, for previews and the delete guard; a Slack channel is archived.
LOSSES = {
    "sentry:Project": "its issues, their history and its DSNs (every application sending to it breaks)",
    "sentry:ClientKey": "its DSN (applications using it stop reporting)",
    "sentry:Team": "its membership and what it owns in Sentry",
    "uptimerobot:Monitor": "its uptime and incident history",
    "uptimerobot:StatusPage": "its public URL and subscribers",
    "slack:SlackChannel": "nothing: it is archived (its messages stay; unarchive it in Slack)",
}


def delete_word(type_: str) -> str:
    """'archive' for what a delete archives (a Slack channel), else 'delete'."""
    return "archive" if type_ == "slack:SlackChannel" else "delete"


_SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's marker for a secret value in events
SECRET_FIELDS = frozenset(
    {
        "webhook_url",
        "password",
        "dsn",
        "dsn_public",
        "dsn_secret",
        "token",
        "api_key",
        "url_secret",
        "http_password",
        "secret",
    }
)

# Ops the engine reports for resources; "same"/"read"/"refresh" are not changes.
CHANGE_OPS = ("create", "update", "replace", "delete", "create-replacement", "delete-replaced")


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any
    replaces: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.path, "old": self.old, "new": self.new, "replaces": self.replaces}


@dataclass
class ResourceChange:
    urn: str
    type: str
    name: str
    op: str
    fields: list[FieldChange] = field(default_factory=list)
    key_fields: dict[str, Any] = field(default_factory=dict)  # for creates/deletes: what it is

    def as_dict(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "op": self.op,
            "fields": [f.as_dict() for f in self.fields],
            "resource": self.key_fields,
        }


def display_type(type_token: str) -> str:
    """``pulumi-python:dynamic/uptimerobot:Monitor`` → ``uptimerobot:Monitor``."""
    if type_token.startswith("pulumi-python:dynamic/"):
        return type_token[len("pulumi-python:dynamic/") :]
    return type_token


def mask(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) is not None:
            return SECRET_MASK
        return {k: mask(k, v) for k, v in value.items() if k not in HIDDEN_KEYS}
    if isinstance(value, list):
        return [mask(key, v) for v in value]
    if key in SECRET_FIELDS and value not in (None, ""):
        return SECRET_MASK
    return value


COMPONENT_PREFIX = "vigil:"  # vigil's ComponentResources (components/): groupings, no object of their own


def is_object(type_token: str) -> bool:
    """Does this resource stand for an object in an account? Not Pulumi's own (the stack, providers)
    nor vigil's components, which only group the objects: listings and counts leave those out."""
    return not (
        type_token.startswith(("pulumi:providers:", COMPONENT_PREFIX)) or type_token == "pulumi:pulumi:Stack"
    )


def from_step(metadata: Any) -> ResourceChange | None:
    """The change one ``ResourcePreEvent`` announces, or None for a no-op or a resource that is no
    object of an account (see ``is_object``)."""
    op = str(getattr(metadata.op, "value", metadata.op))
    type_token = metadata.type
    if op not in CHANGE_OPS or not is_object(type_token):
        return None
    name = metadata.urn.rsplit("::", 1)[-1]
    change = ResourceChange(metadata.urn, display_type(type_token), name, op)
    old_state = metadata.old
    new_state = metadata.new
    # Packed resources (core.inputs.SETTINGS_KEY) compare and show field by field, like flat ones.
    old_inputs: dict[str, Any] = unpack(dict(old_state.inputs or {})) if old_state else {}
    old_values: dict[str, Any] = {**old_inputs, **unpack(dict(old_state.outputs or {}))} if old_state else {}
    new_values: dict[str, Any] = unpack(dict(new_state.inputs or {})) if new_state else {}
    replace_keys = set(metadata.keys or [])
    if op in ("update", "replace", "create-replacement"):
        # Python dynamic providers send no detailed diff: compare what the provider last saw (state
        # outputs, refreshed when asked) with what the stack wants, over the keys the stack manages.
        keys = sorted(
            k
            for k in set(new_values) | set(old_inputs)
            if k not in HIDDEN_KEYS and _differs(old_values.get(k), new_values.get(k))
        )
        if not keys:
            keys = [k for k in (metadata.diffs or []) if k not in HIDDEN_KEYS]
        for key in keys:
            change.fields.append(
                FieldChange(
                    key, mask(key, old_values.get(key)), mask(key, new_values.get(key)), key in replace_keys
                )
            )
    source = new_values if op == "create" else old_values
    change.key_fields = {
        k: mask(k, v) for k, v in source.items() if k not in HIDDEN_KEYS and v not in (None, "", [], {})
    }
    return change


def _differs(old: Any, new: Any) -> bool:
    """Unset and empty are the same to a stack that does not manage the field."""
    if old in (None, "", [], {}) and new in (None, "", [], {}):
        return False
    return bool(old != new)


def _live_fields(state: Any) -> dict[str, Any]:
    """A state's outputs field by field (packed settings unpacked, unless the engine sent them as one
    secret value)."""
    outputs = dict(state.outputs or {}) if state is not None else {}
    settings = outputs.get(SETTINGS_KEY)
    if isinstance(settings, dict) and settings.get(_SECRET_SIG) is not None:
        return outputs
    return unpack(outputs)


def _shown(key: str, value: Any) -> Any:
    masked = mask(key, value)
    return redact(masked) if isinstance(masked, str) else masked


def from_refresh(metadata: Any) -> ResourceChange | None:
    """What a refresh pulled in for one resource (its ``ResOutputsEvent``): every field whose live value
    differs from the state's, as op ``update``; a resource gone from the account as op ``delete``.
    None when the live object matches the state (or for the engine's own resources)."""
    op = str(getattr(metadata.op, "value", metadata.op))
    type_token = metadata.type or ""
    if not is_object(type_token):
        return None
    name = (metadata.urn or "").rsplit("::", 1)[-1]
    if op == "delete" or (metadata.old is not None and metadata.new is None):
        old = _live_fields(metadata.old)
        return ResourceChange(
            metadata.urn,
            display_type(type_token),
            name,
            "delete",
            key_fields={
                k: _shown(k, v) for k, v in old.items() if k not in HIDDEN_KEYS and v not in (None, "")
            },
        )
    if op not in ("update", "refresh") or metadata.old is None:
        return None
    old, new = _live_fields(metadata.old), _live_fields(metadata.new)
    keys = sorted(k for k in set(old) | set(new) if k not in HIDDEN_KEYS and _differs(old.get(k), new.get(k)))
    if not keys:
        return None
    change = ResourceChange(metadata.urn, display_type(type_token), name, "update")
    change.fields = [FieldChange(k, _shown(k, old.get(k)), _shown(k, new.get(k))) for k in keys]
    return change

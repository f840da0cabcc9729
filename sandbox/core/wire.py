"""A resource's wire table: which JSON key carries which Python field, and how the value changes on
the way (moto keeps the same split: ``models.py`` speaks Python names, ``responses.py`` the API's).

One table per resource serves both directions: ``decode`` turns the keys a client sent into keyword
arguments for a backend method (only the keys present, so an update can tell "absent" from "null"),
``encode`` builds the document's fields from a model object. ``key`` names a field the way the
client sent it, for error messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Wire:
    name: str  # the Python field (a dataclass attribute, a backend keyword argument)
    key: str = ""  # the JSON key; empty: the same as ``name``
    decode: Callable[[Any], Any] = _same  # wire value → Python value
    encode: Callable[[Any], Any] = _same  # Python value → wire value

    @property
    def wire_key(self) -> str:
        return self.key or self.name


class Table:
    def __init__(self, *fields: Wire | str) -> None:
        self.fields = tuple(f if isinstance(f, Wire) else Wire(f) for f in fields)
        self._by_name = {f.name: f for f in self.fields}
        if len(self._by_name) != len(self.fields) or len({f.wire_key for f in self.fields}) != len(
            self.fields
        ):
            raise ValueError("a wire table names each field and each key once")

    def key(self, name: str) -> str:
        """The wire key of a Python field."""
        return self._by_name[name].wire_key

    def keys(self, *names: str) -> tuple[str, ...]:
        return tuple(self.key(n) for n in names)

    def decode(self, body: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
        """Python name → decoded value, for every field of the table (or of ``names``) the body has."""
        wanted = self.fields if names is None else tuple(self._by_name[n] for n in names)
        return {f.name: f.decode(body[f.wire_key]) for f in wanted if f.wire_key in body}

    def encode(self, source: Any, names: Iterable[str] | None = None) -> dict[str, Any]:
        """Wire key → encoded value of ``source``'s attributes (or of a mapping's Python-named items)."""
        wanted = self.fields if names is None else tuple(self._by_name[n] for n in names)
        read: Callable[[str], Any] = (
            source.__getitem__ if isinstance(source, Mapping) else lambda n: getattr(source, n)
        )
        return {f.wire_key: f.encode(read(f.name)) for f in wanted}

    def rename(self, errors: Mapping[str, Any]) -> dict[str, Any]:
        """A backend's error map keyed by Python names, keyed as the client sent them."""
        return {(self._by_name[k].wire_key if k in self._by_name else k): v for k, v in errors.items()}

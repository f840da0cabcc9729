"""One field table per resource type: what each field is called, how it compares, how it travels.

A resource declares a ``Table`` of ``Field`` rows. From it, ``core.provider.Provider`` derives, once
for every resource type: offline checks (required, type, bounds, choices), normalisation for
comparison, ``diff`` (which fields the stack sets, which replace), outputs in the state, secret
outputs, write-only fields, the stack field an API error path points at, and — for flat APIs —
the request body and the fields read back.

Two rules every resource shares (they used to differ between monitors/ and alerts/):

- **None is "not managed".** A field the stack leaves None is neither sent nor diffed. An old value
  that is None (or absent) is the live object lacking the field: it is never normalised and
  compares unequal to any value the stack sets (``changed_fields``).
- **Whole numbers are ints.** ``as_int`` turns 12, 12.0, "12" and "12.0" into 12 (Pulumi sends
  every number as a float; APIs send strings); anything else is returned unchanged.

Values computed from other resources arrive as the engine's unknown during preview: nothing here
formats, validates or serialises an unknown value; it counts as "may change".
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.core.inputs import is_unknown, known, managed

Doc = dict[str, Any]
Norm = Callable[[Any], Any]


# --- values -----------------------------------------------------------------------------------------
def unescape(value: Any) -> Any:
    """Names and URLs come back HTML-escaped on live accounts (``&amp;``)."""
    return html.unescape(value) if isinstance(value, str) else value


def as_bool(value: Any) -> Any:
    """Booleans that APIs return as strings ("true"/"false", "1"/"0") or numbers → booleans."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bool(value)
    return value


def flag(value: Any) -> bool:
    return bool(as_bool(value))


def as_int(value: Any) -> Any:
    """Whole numbers → int (12, 12.0, "12", " 12.0 " → 12); anything else is returned unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value
        return int(number) if number.is_integer() else value
    return value


def is_whole(value: Any) -> bool:
    """An int once ``as_int`` has read it (never a boolean)."""
    return isinstance(as_int(value), int) and not isinstance(value, bool)


is_id = is_whole  # a numeric id: the same rule


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
    return str(as_int(value)) if is_whole(value) else value


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON object, or {} for anything else (a null or malformed sub-object)."""
    return value if isinstance(value, dict) else {}


def id_list(values: Any) -> Any:
    """A list of ids as sorted strings ("123"), whatever the API or the stack wrote."""
    if not isinstance(values, (list, tuple)):
        return values
    return sorted(str(as_int(v)) for v in values)


def text(value: Any) -> Any:
    return str(value).strip()


def strip(value: Any) -> Any:
    """Surrounding spaces off a string; anything else unchanged (the check reports it)."""
    return value.strip() if isinstance(value, str) else value


def lower(value: Any) -> Any:
    return str(value).strip().lower()


def upper(value: Any) -> Any:
    return str(value).strip().upper()


def choice(options: Iterable[str]) -> Norm:
    """Case-insensitive match to one of ``options`` (their spelling); other values unchanged."""
    by_lower = {o.lower(): o for o in options}
    return lambda value: by_lower.get(str(value).strip().lower(), value)


# --- the table -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One field of a resource, as the stack, the API and the state see it.

    ``wire`` is the API's name (a dotted path for nested bodies; it also names the stack field an
    API validation error points at). ``read`` is the name reads use when it differs. ``encode``
    (value, creating) and ``decode`` (value, document) convert; the default is the value itself.
    ``applies`` limits the field to some variants of the resource (monitor types). ``bounds`` and
    ``choices`` are checked offline with ``hint`` as the fix.
    """

    name: str
    wire: str | None = None
    type: str = "any"  # str, int, number, bool, list, dict, any
    norm: Norm | None = None
    encode: Callable[[Any, bool], Any] | None = None
    decode: Callable[[Any, Doc], Any] | None = None
    read: str | None = None
    read_default: Any = None
    bounds: tuple[float, float] | None = None
    choices: tuple[str, ...] | None = None
    length: int | None = None  # a text of 1..length characters (after stripping)
    pattern: re.Pattern[str] | None = None  # what the stripped text must match (``hint`` says how)
    required: bool = False
    replaces: bool = False
    secret: bool = False
    write_only: bool = False
    create_only: bool = False  # sent on create, never on update (the API cannot change it in place)
    applies: tuple[str, ...] | None = None
    hint: str = ""

    def normalise(self, value: Any) -> Any:
        """Canonical form for comparison; None and unknown values pass untouched."""
        if self.norm is None or not known(value):
            return value
        return self.norm(value)

    def problem(self, value: Any, label: str) -> str | None:
        """Why ``value`` (as the stack wrote it) cannot be sent, with the fix; None when fine."""
        if value is None:
            return f"set {self.name}{': ' + self.hint if self.hint else ''}" if self.required else None
        if is_unknown(value):
            return None
        fix = f"; {self.hint}" if self.hint else ""
        kind_ok = {
            "str": isinstance(value, str),
            "int": is_whole(value),
            "number": isinstance(as_number(value), float),
            "bool": isinstance(as_bool(value), bool),
            "list": isinstance(value, (list, tuple)),
            "dict": isinstance(value, dict),
        }.get(self.type, True)
        if not kind_ok:
            return f"{self.name} {value!r} is not a{'n' if self.type[0] in 'aeiou' else ''} {self.type}{fix}"
        if self.bounds is not None:
            number = as_number(value)
            low, high = self.bounds
            if not isinstance(number, float) or not low <= number <= high:
                return f"{self.name} {value!r} is outside {label}{_span(low, high)}{fix}"
        if self.length is not None and not (isinstance(value, str) and 0 < len(value.strip()) <= self.length):
            return f"{self.name} {value!r}: write 1-{self.length} characters{fix}"
        if self.pattern is not None and not (isinstance(value, str) and self.pattern.match(value.strip())):
            return f"{self.name} {value!r} is not valid{fix}"
        if self.choices is not None and self.normalise(value) not in self.choices:
            return f"{self.name} {value!r} is not one of {', '.join(self.choices)}{fix}"
        return None


def _span(low: float, high: float) -> str:
    return f"{low:g}..{high:g}"


@dataclass(frozen=True)
class Table:
    """The fields of one resource type, in the order of its Args dataclass."""

    fields: tuple[Field, ...]
    bounds_label: str = ""  # "Uptime Robot's " → "outside Uptime Robot's 0..60"
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def replace_on(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.replaces)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.secret)

    @property
    def write_only(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.write_only)

    def normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        """Every field through its own rule; keys the table does not know pass through."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            row = self.by_name.get(key)
            out[key] = value if row is None else row.normalise(value)
        return out

    def problems(self, values: dict[str, Any], variant: Any = None) -> list[tuple[str, str]]:
        """Required, type, bounds and choices of every field; a field of another variant is refused."""
        found: list[tuple[str, str]] = []
        for row in self.fields:
            value = values.get(row.name)
            if row.applies is not None and variant is not None and variant not in row.applies:
                continue  # checked by ``misplaced``
            reason = row.problem(value, self.bounds_label)
            if reason:
                found.append((row.name, reason))
        return found

    def misplaced(self, values: dict[str, Any], variant: str, what: str) -> list[tuple[str, str]]:
        """Fields set for a variant they do not apply to."""
        return [
            (row.name, f"{row.name} does not apply to {variant} {what}: remove it or change type")
            for row in self.fields
            if row.applies is not None and variant not in row.applies and values.get(row.name) is not None
        ]

    def to_wire(
        self, values: dict[str, Any], *, creating: bool, variant: str | None = None
    ) -> dict[str, Any]:
        """The request body of a flat API: every set field under its wire name, encoded."""
        body: dict[str, Any] = {}
        for row in self.fields:
            value = values.get(row.name)
            if value is None or row.wire is None or (row.create_only and not creating):
                continue
            if row.applies is not None and variant is not None and variant not in row.applies:
                continue
            body[row.wire] = row.encode(value, creating) if row.encode else value
        return body

    def from_wire(self, doc: Doc, variant: str | None = None) -> dict[str, Any]:
        """The stack fields of a flat API's document, decoded and normalised (write-only ones left out)."""
        values: dict[str, Any] = {}
        for row in self.fields:
            if row.write_only or (row.wire is None and row.decode is None):
                continue
            if row.applies is not None and variant is not None and variant not in row.applies:
                continue
            raw = doc.get(row.read or row.wire or row.name)
            if raw is None:
                raw = row.read_default
            values[row.name] = row.decode(raw, doc) if row.decode else raw
        return self.normalise(values)

    def stack_field(self, path: str) -> str:
        """The stack field(s) an API error path ("dataSources.timeWindow", "rateLimit") points at."""
        plain = re.sub(r"\[\d+\]", "", path)
        wires = [(row.name, w) for row in self.fields for w in (row.wire, row.read) if w]
        exact = [name for name, wire in wires if plain == wire or plain.startswith(wire + ".")]
        if exact:
            return exact[0]
        first = plain.split(".", 1)[0]
        near = list(dict.fromkeys(name for name, wire in wires if wire.split(".", 1)[0] == first))
        return "/".join(near) if near else first


def changed_fields(
    normalise: Callable[[dict[str, Any]], dict[str, Any]], olds: dict[str, Any], news: dict[str, Any]
) -> list[str]:
    """Fields the stack sets whose normalised value differs from the state's (or is unknown).

    None or absent in ``olds`` is "the live object lacks it": a change for any value the stack sets.
    """
    wanted = normalise(managed(news))
    current = normalise({k: olds[k] for k in wanted if olds.get(k) is not None})
    return sorted(k for k in wanted if is_unknown(wanted[k]) or wanted[k] != current.get(k))


__all__ = [
    "Doc",
    "Field",
    "Table",
    "as_bool",
    "as_dict",
    "as_id",
    "as_int",
    "as_number",
    "changed_fields",
    "choice",
    "flag",
    "id_list",
    "is_id",
    "is_unknown",
    "is_whole",
    "known",
    "lower",
    "managed",
    "strip",
    "text",
    "unescape",
    "upper",
]

"""Per-environment values (``stacks/<env>.yaml``) that remember the file and line they came from.

Scalars load as ``str``/``int``/``float`` subclasses carrying ``.where``; a block field set from a
value keeps it, so a finding about that field points at the YAML line rather than the stack code.
Reading a missing key raises ``MissingValue`` naming the file, the key and the fix. Keys never
read by the stack are reported as unknown (a typo is not silently ignored).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from spec.secrets import SecretRef
from spec.where import Location


class LocatedStr(str):
    where: Location


class LocatedInt(int):
    where: Location


class LocatedFloat(float):
    where: Location


class MissingValue(KeyError):
    def __init__(self, where: Location, key: str) -> None:
        super().__init__(key)
        self.where = where
        self.key = key


class ValueTypeError(TypeError):
    def __init__(self, where: Location, message: str) -> None:
        super().__init__(message)
        self.where = where


def where_of(value: Any) -> Location | None:
    return getattr(value, "where", None)


class Values:
    """A mapping from the YAML file: ``values.domain``, ``values["intervals"]["api"]``, ``values.get(…)``."""

    def __init__(
        self, data: dict[str, Any], lines: dict[str, int], file: str, path: str = "", line: int | None = None
    ) -> None:
        self._data = data
        self._lines = lines
        self._file = file
        self._path = path
        self._line = line
        self._read: set[str] = set()
        self._children: dict[str, Values] = {}

    # --- access -------------------------------------------------------------------------------
    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]

    def __getitem__(self, key: str) -> Any:
        if key not in self._data:
            raise MissingValue(Location(self._file, self._line, self._join(key)), self._join(key))
        return self._wrap(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._data:
            return default
        return self._wrap(key)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def keys(self) -> list[str]:
        return list(self._data)

    def items(self) -> list[tuple[str, Any]]:
        return [(key, self._wrap(key)) for key in self._data]

    def secret(self, key: str) -> SecretRef:
        """A secret reference (``{env: NAME}`` or ``{config: key}``); anything else is an error."""
        raw = self._data.get(key)
        ref = SecretRef.parse(raw)
        if ref is None:
            self[key]  # raises MissingValue when absent
            raise ValueTypeError(self.where(key), f"'{self._join(key)}' must be a secret reference")
        self._read.add(key)
        return ref

    def where(self, key: str | None = None) -> Location:
        if key is None:
            return Location(self._file, self._line, self._path or None)
        return Location(self._file, self._lines.get(key, self._line), self._join(key))

    @property
    def file(self) -> str:
        return self._file

    # --- bookkeeping --------------------------------------------------------------------------
    def unread(self) -> list[Location]:
        """Keys nobody read (likely typos), recursively."""
        found = [self.where(key) for key in self._data if key not in self._read]
        for child in self._children.values():
            found.extend(child.unread())
        return found

    def _join(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _wrap(self, key: str) -> Any:
        self._read.add(key)
        raw = self._data[key]
        if isinstance(raw, _Mapping) and SecretRef.parse(dict(raw)) is None:
            if key not in self._children:
                self._children[key] = Values(
                    dict(raw), raw.lines, self._file, self._join(key), self._lines.get(key)
                )
            return self._children[key]
        if isinstance(raw, _Mapping):
            return SecretRef.parse(dict(raw))
        if isinstance(raw, list):
            return [self._item(key, index, item) for index, item in enumerate(raw)]
        return _locate(raw, self.where(key))

    def _item(self, key: str, index: int, item: Any) -> Any:
        if isinstance(item, _Mapping) and SecretRef.parse(dict(item)) is None:
            name = f"{key}[{index}]"
            if name not in self._children:
                self._children[name] = Values(
                    dict(item), item.lines, self._file, self._join(name), self._lines.get(key)
                )
            return self._children[name]
        return _locate(item, self.where(key))


def _locate(raw: Any, where: Location) -> Any:
    if isinstance(raw, bool) or raw is None:
        return raw
    if isinstance(raw, str):
        text = LocatedStr(raw)
        text.where = where
        return text
    if isinstance(raw, int):
        number = LocatedInt(raw)
        number.where = where
        return number
    if isinstance(raw, float):
        real = LocatedFloat(raw)
        real.where = where
        return real
    return raw


class _Mapping(dict):  # type: ignore[type-arg]
    lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(ValueError):
    def __init__(self, where: Location, message: str) -> None:
        super().__init__(message)
        self.where = where


def load_values(path: Path) -> Values:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise YamlError(Location(str(path), line), f"not valid YAML: {error.problem}") from error
    if data is None:
        data = _Mapping()
        data.lines = {}
    if not isinstance(data, _Mapping):
        raise YamlError(Location(str(path), 1), "the file must be a mapping of keys to values")
    return Values(dict(data), data.lines, str(path))

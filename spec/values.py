"""Per-environment values (``stacks/<env>.yaml``) that remember the file and line they came from.

Scalars load as ``str``/``int``/``float`` subclasses carrying ``.where``; a block field set from a
value keeps it, so a finding about that field points at the YAML line rather than the stack code.
Reading a missing key raises ``MissingValue`` naming the file, the key and the fix. Keys never
read by the stack are reported as unknown (a typo is not silently ignored).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from vigil.spec.secrets import SecretRef
from vigil.spec.where import Location


class LocatedStr(str):
    where: Location


class LocatedInt(int):
    where: Location


class LocatedFloat(float):
    where: Location


class MissingValue(KeyError):
    def __init__(self, where: Location, key: str, close: str | None = None) -> None:
        super().__init__(key)
        self.where = where
        self.key = key
        self.close = close  # a key the file has that resembles it (a typo: "severitys")


class ValueTypeError(TypeError):
    def __init__(self, where: Location, message: str) -> None:
        super().__init__(message)
        self.where = where


def where_of(value: Any) -> Location | None:
    return getattr(value, "where", None)


# `{sandbox: target}` in a sandbox environment's YAML: the URL of the sandbox's stand-in application,
# which follows the sandbox's port (`vigil sandbox start --port 8760` → 8761). Offline (validate,
# a stopped sandbox on the default port) it is the default port's.
DEFAULT_SANDBOX_TARGET = "http://127.0.0.1:8711"


class Values:
    """A mapping from the YAML file: ``values.domain``, ``values["intervals"]["api"]``, ``values.get(…)``."""

    def __init__(
        self,
        data: dict[str, Any],
        lines: dict[str, int],
        file: str,
        path: str = "",
        line: int | None = None,
        sandbox_target: str = DEFAULT_SANDBOX_TARGET,
    ) -> None:
        self._sandbox_target = sandbox_target  # what `{sandbox: target}` reads as
        self._data = data
        self._lines = lines
        self._file = file
        self._path = path
        self._line = line
        self._read: set[str] = set()
        self._asked: set[str] = set()  # keys the stack looked for, present or not (for did-you-mean)
        self._children: dict[str, Values] = {}

    # --- access -------------------------------------------------------------------------------
    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]

    def __getitem__(self, key: str) -> Any:
        self._asked.add(key)
        if key not in self._data:
            close = difflib.get_close_matches(key, [str(k) for k in self._data], n=1, cutoff=0.7)
            where = Location(self._file, self._lines.get(close[0], self._line) if close else self._line)
            raise MissingValue(where.at(self._join(key)), self._join(key), close[0] if close else None)
        return self._wrap(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._asked.add(key)
        if key not in self._data:
            return default
        return self._wrap(key)

    def flag(self, key: str, default: bool = False) -> bool:
        """A YAML boolean (``true``/``false``). ``"no"`` or ``"false"`` as strings are errors: they
        are truthy, and ``sandbox: "no"`` would run a real environment with sandbox credentials."""
        self._asked.add(key)
        if key not in self._data:
            return default
        self._read.add(key)
        raw = self._data[key]
        if not isinstance(raw, bool):
            raise ValueTypeError(
                self.where(key),
                f"'{self._join(key)}' must be true or false (a YAML boolean), not {raw!r}",
            )
        return raw

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._asked.add(key)
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
            raise ValueTypeError(
                self.where(key), f"'{self._join(key)}' must be a secret reference: {{env: NAME}}"
            )
        self._asked.add(key)
        self._read.add(key)
        return ref.located(self.where(key))

    def where(self, key: str | None = None) -> Location:
        if key is None:
            return Location(self._file, self._line, self._path or None)
        return Location(self._file, self._lines.get(key, self._line), self._join(key))

    @property
    def file(self) -> str:
        return self._file

    def origin_of(self, text: str) -> Location | None:
        """The YAML value a stack-built string most likely came from: the longest string scalar
        (4+ characters) it contains, e.g. ``api: https://api.example.com`` for ``f"{api}/health"``."""
        best: tuple[int, Location] | None = None
        for value, where in self._scalars():
            if len(value) >= 4 and value in text and (best is None or len(value) > best[0]):
                best = (len(value), where)
        return best[1] if best else None

    def _scalars(self) -> list[tuple[str, Location]]:
        found: list[tuple[str, Location]] = []

        def walk(raw: Any, where: Location) -> None:
            if isinstance(raw, str):
                found.append((raw, where))
            elif isinstance(raw, _Mapping):
                for key, value in raw.items():
                    walk(value, Location(self._file, raw.lines.get(key, where.line), key))
            elif isinstance(raw, list):
                for item in raw:
                    walk(item, where)

        for key, value in self._data.items():
            walk(value, self.where(key))
        return found

    # --- bookkeeping --------------------------------------------------------------------------
    def unread(self) -> list[tuple[Location, str | None]]:
        """Keys nobody read (likely typos), recursively, each with the key the stack asked for that
        it most resembles (``severitys`` → ``severities``)."""
        wanted = sorted(self._asked - set(self._data))
        found = []
        for key in self._data:
            if key not in self._read:
                close = difflib.get_close_matches(key, wanted, n=1, cutoff=0.7)
                found.append((self.where(key), close[0] if close else None))
        for child in self._children.values():
            found.extend(child.unread())
        return found

    def _join(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _wrap(self, key: str) -> Any:
        self._read.add(key)
        raw = self._data[key]
        if _is_sandbox_target(raw):
            return _locate(self._sandbox_target, self.where(key))
        if isinstance(raw, _Mapping) and SecretRef.parse(dict(raw)) is None:
            if key not in self._children:
                self._children[key] = Values(
                    dict(raw),
                    raw.lines,
                    self._file,
                    self._join(key),
                    self._lines.get(key),
                    self._sandbox_target,
                )
            return self._children[key]
        if isinstance(raw, _Mapping):
            parsed = SecretRef.parse(dict(raw))
            return parsed.located(self.where(key)) if parsed else None
        if isinstance(raw, list):
            return [self._item(key, index, item) for index, item in enumerate(raw)]
        return _locate(raw, self.where(key))

    def _item(self, key: str, index: int, item: Any) -> Any:
        if _is_sandbox_target(item):
            return _locate(self._sandbox_target, self.where(key))
        if isinstance(item, _Mapping) and SecretRef.parse(dict(item)) is None:
            name = f"{key}[{index}]"
            if name not in self._children:
                self._children[name] = Values(
                    dict(item),
                    item.lines,
                    self._file,
                    self._join(name),
                    self._lines.get(key),
                    self._sandbox_target,
                )
            return self._children[name]
        if isinstance(item, _Mapping):
            parsed = SecretRef.parse(dict(item))
            return parsed.located(self.where(key)) if parsed else None
        return _locate(item, self.where(key))


def _is_sandbox_target(raw: Any) -> bool:
    return isinstance(raw, dict) and dict(raw) == {"sandbox": "target"}


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


# Bounds on what one environment file may hold (issue 15): a values file is a few kilobytes; a
# megabyte is thousands of monitors. Aliases are counted expanded: "billion laughs" is 9 lines.
MAX_FILE_BYTES = 1_000_000
MAX_EXPANDED_NODES = 100_000


class YamlError(ValueError):
    def __init__(self, where: Location, message: str, fix: str = "fix the YAML syntax at that line") -> None:
        super().__init__(message)
        self.where = where
        self.fix = fix


class _Loader(yaml.SafeLoader):
    file = "<values>"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if key in mapping.lines:
            # The last one would silently win: a second `monitors:` replaces the first, and `up`
            # would delete what the first one listed.
            raise YamlError(
                Location(loader.file, line, key),
                f"the key '{key}' appears twice, on lines {mapping.lines[key]} and {line}",
                "keep one of them (merge the two lists or mappings into one)",
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _expanded_size(root: yaml.Node, file: str) -> None:
    """Fail when aliases expand the document beyond ``MAX_EXPANDED_NODES`` nodes (or loop)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YamlError(
                Location(file, node.start_mark.line + 1),
                "a YAML alias refers to the value that contains it (a loop)",
                "write the value out instead of the alias",
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child)
        active.discard(key)
        sizes[key] = total
        return total

    if size(root) <= MAX_EXPANDED_NODES:
        return
    # Point at the innermost value that alone is too big: the line with the repeated aliases.
    node = root
    while True:
        if isinstance(node, yaml.SequenceNode):
            kids: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            kids = [value for _, value in node.value]
        else:
            kids = []
        big = [k for k in kids if sizes.get(id(k), 0) > MAX_EXPANDED_NODES]
        if not big:
            break
        node = big[0]
    raise YamlError(
        Location(file, node.start_mark.line + 1),
        f"this value expands to {sizes[id(node)]:,} values through YAML aliases (*name), above "
        f"vigil's limit of {MAX_EXPANDED_NODES:,}",
        "write the values out, or use fewer aliases",
    )


def load_values(path: Path, sandbox_target: str | None = None) -> Values:
    file = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlError(
            Location(file, 1),
            f"the file has {size:,} bytes, above vigil's limit of {MAX_FILE_BYTES:,} for one environment",
            "split the stack, or generate repeated monitors in the stack module",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlError(
            Location(file, line),
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at line {line})",
            "save the file as UTF-8",
        ) from error
    loader = _Loader(text)
    loader.file = file
    try:
        node = loader.get_single_node()
        if node is None:
            data: Any = None
        else:
            _expanded_size(node, file)
            data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at: int | None = mark.line + 1 if mark else None
        raise YamlError(Location(file, at), f"not valid YAML: {error.problem or error.context}") from error
    except yaml.YAMLError as error:
        raise YamlError(Location(file, None), f"not valid YAML: {error}") from error
    except RecursionError as error:
        raise YamlError(
            Location(file, None), "the YAML is nested too deeply", "flatten the nested lists or mappings"
        ) from error
    finally:
        loader.dispose()
    if data is None:
        data = _Mapping()
        data.lines = {}
    if not isinstance(data, _Mapping):
        raise YamlError(Location(file, 1), "the file must be a mapping of keys to values")
    return Values(dict(data), data.lines, file, sandbox_target=sandbox_target or DEFAULT_SANDBOX_TARGET)

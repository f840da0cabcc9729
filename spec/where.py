"""Where a block or value was written, so findings can point at it (file and line)."""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass

_SPEC_DIR = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None
    path: str | None = None  # a YAML key path (e.g. "monitors.api.every") or a block field

    def __str__(self) -> str:
        text = _relative(self.file)
        if self.line:
            text += f":{self.line}"
        if self.path:
            text += f" ({self.path})"
        return text

    def at(self, path: str) -> Location:
        return Location(self.file, self.line, path)


def _relative(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def call_site() -> Location:
    """The first frame outside the spec package: the stack code that created a block."""
    frame = inspect.currentframe()
    try:
        while frame is not None:
            filename = os.path.abspath(frame.f_code.co_filename)
            if (
                not filename.startswith(_SPEC_DIR)
                and "dataclasses" not in filename
                and "<string>" not in filename
            ):
                return Location(filename, frame.f_lineno)
            frame = frame.f_back
    finally:
        del frame
    return Location("<unknown>")

"""Cursor pagination over an id-ordered collection, as the emulated APIs declare it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def after_cursor(items: Sequence[T], key: Callable[[T], int], cursor: int | None, limit: int) -> list[T]:
    """Items with key > cursor, in key order, at most ``limit``."""
    ordered = sorted(items, key=key)
    if cursor is not None:
        ordered = [item for item in ordered if key(item) > cursor]
    return ordered[:limit]

"""Cursor pagination over an id-ordered collection, written once for every emulated list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def after_cursor(
    items: Sequence[T], key: Callable[[T], int], cursor: int | None, limit: int
) -> tuple[list[T], bool]:
    """The page of items with key > cursor, in key order, at most ``limit``; and whether more follow."""
    ordered = sorted(items, key=key)
    if cursor is not None:
        ordered = [item for item in ordered if key(item) > cursor]
    return ordered[:limit], len(ordered) > limit

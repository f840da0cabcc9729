"""vigil blocks: the reference of every building block (fields, types, defaults, units, examples)."""

from __future__ import annotations

import typer

from vigil.commands.context import JsonOption, app_context


def blocks(ctx: typer.Context, json: JsonOption = False) -> None:
    """Print the building blocks a stack module composes (the same text as docs/BLOCKS.md)."""
    from vigil.spec.reference import EXAMPLES, block_classes, reference_rows, render_reference

    out = app_context(ctx).output(json)
    if json:
        out.document(
            {
                cls.__name__: {"fields": reference_rows(cls), "example": EXAMPLES.get(cls.__name__)}
                for cls in block_classes()
            },
            masked=False,
        )
        return
    out.lines(render_reference().splitlines())

"""The import plan for a terminal or a pipe: what each live object becomes, and what it loses."""

from __future__ import annotations

from typing import Any

from vigil.render.console import Output


def render_plan(out: Output, plan: Any, *, numbered: bool = False) -> None:
    from rich.markup import escape

    chosen = {id(c) for c in plan.chosen}
    importable = [c for c in plan.offered if c.refusal is None]
    refused = [c for c in plan.offered if c.refusal is not None]
    out.print(
        f"[bold]{len(importable)} object(s) no stack owns can be imported into '{plan.env}'[/bold]"
        + (f" ({plan.owned_elsewhere} owned by other stacks: not offered)" if plan.owned_elsewhere else "")
    )
    for index, candidate in enumerate(plan.offered):
        if candidate.refusal is not None:
            continue
        mark = "x" if id(candidate) in chosen else " "
        number = f"{index + 1:>3}. " if numbered else ""
        ids = ", ".join(i for _, i in candidate.objects[:1])
        out.print(
            f"  {number}[{mark}] {candidate.kind}:{escape(candidate.name)} → {candidate.block} "
            f"(id {escape(ids)})",
            markup=False,
        )
        for loss in candidate.losses:
            out.print(f"        cannot be represented — {escape(str(loss))}", markup=False)
    if refused:
        out.print(f"[bold]{len(refused)} object(s) cannot be imported[/bold]")
        for candidate in refused:
            out.print(
                f"  - {candidate.kind}:{escape(candidate.name)}: {escape(str(candidate.refusal))}",
                markup=False,
            )
    if plan.added:
        names = ", ".join(f"{c.kind}:{c.name}" for c in plan.added)
        out.print(f"added because the selection refers to them: {escape(names)}", markup=False)
    variables = sorted({(r.name, r.what) for c in plan.chosen for r in c.refs})
    if variables:
        out.print("[bold]secrets become references; set before `vigil up`:[/bold]")
        for name, what in variables:
            out.print(f"  {name}: {escape(what)}", markup=False)


def render_written(out: Output, env: str, files: list[str], count: int) -> None:
    out.print(f"[bold]imported {count} object(s) into '{env}'[/bold]: wrote {', '.join(files)}")
    out.print(f"next: `vigil up --env {env}` adopts them in place (nothing is created or changed)")

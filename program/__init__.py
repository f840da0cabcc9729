"""The Pulumi program: load this stack's validated spec and build its components.

Stack name = environment. The root ``__main__.py`` calls :func:`run`, so the same program runs
under ``pulumi up --stack production`` and ``vigil up --env production``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pulumi

from vigil.components.build import build_stack
from vigil.core.ownership import ownership_input
from vigil.program import stack_traces
from vigil.spec.findings import InvalidStack
from vigil.spec.loader import load_stack


def run(project_dir: Path | None = None) -> None:
    stack_traces.install()  # the state keeps the program's own frames only (program/stack_traces.py)
    env = pulumi.get_stack()
    root = project_dir or Path.cwd()
    try:
        # The same guarded load as the CLI's: a stack module's exit, exception or hang is a finding,
        # its prints go to stderr. Nothing reaches an API when the stack is invalid.
        # The program is a process entry, like cli.py: the sandbox's target URL arrives as the one
        # variable vigil (or `vigil sandbox env`) sets, and is passed down as an argument.
        loaded = load_stack(env, root / "stacks", sandbox_target=os.environ.get("VIGIL_SANDBOX_TARGET"))
    except InvalidStack as invalid:
        # RunError: Pulumi prints the message alone (no traceback of vigil's own frames).
        raise pulumi.RunError(str(invalid)) from None
    # What other stacks own: the file the CLI wrote for this run (core.ownership), by path.
    build_stack(loaded.stack, ownership=ownership_input(env))

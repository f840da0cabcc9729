"""The Pulumi program: load this stack's validated spec and build its components.

Stack name = environment. The root ``__main__.py`` calls :func:`run`, so the same program runs
under ``pulumi up --stack production`` and ``vigil up --env production``.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from components.build import build_stack
from spec.loader import load_stack


def run(project_dir: Path | None = None) -> None:
    env = pulumi.get_stack()
    root = project_dir or Path.cwd()
    loaded = load_stack(env, root / "stacks")  # raises InvalidStack: nothing reaches an API
    build_stack(loaded.stack)

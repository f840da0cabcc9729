"""spec checks Sentry platforms offline with its own list (it imports nothing of core/): the provider's."""

from __future__ import annotations

import ast
from pathlib import Path

from vigil.core.platforms import PLATFORMS as PROVIDER_PLATFORMS
from vigil.spec.platforms import PLATFORMS

SPEC = Path(__file__).resolve().parents[2] / "spec"


def test_spec_and_the_provider_accept_the_same_platforms() -> None:
    assert PLATFORMS == PROVIDER_PLATFORMS and "python-fastapi" in PLATFORMS


def test_no_spec_module_imports_core() -> None:
    importing = []
    for module in sorted(SPEC.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "core" or n.startswith("core.") for n in names):
                importing.append(module.name)
    assert importing == []

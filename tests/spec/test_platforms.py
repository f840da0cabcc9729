"""Sentry platforms: one list (data/sentry-platforms.txt) that validation and the provider both read;
spec imports nothing of core/ (the layer below the providers)."""

from __future__ import annotations

import ast
from pathlib import Path

from vigil.alerts.project import VALID_PLATFORMS
from vigil.data import sentry_platforms
from vigil.sandbox.sentry.platforms import PLATFORMS as EMULATOR_PLATFORMS

SPEC = Path(__file__).resolve().parents[2] / "spec"


def test_validation_and_the_provider_read_one_list() -> None:
    platforms = sentry_platforms()
    assert len(platforms) == 108 and "python-fastapi" in platforms and "#" not in "".join(platforms)
    assert {*platforms, "other"} == set(VALID_PLATFORMS)


def test_the_emulator_accepts_what_vigil_accepts() -> None:
    assert sentry_platforms() <= EMULATOR_PLATFORMS


def test_no_spec_module_imports_core() -> None:
    importing = []
    for module in sorted(SPEC.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            if any(n in ("vigil.core", "core") or n.startswith(("vigil.core.", "core.")) for n in names):
                importing.append(module.name)
    assert importing == []

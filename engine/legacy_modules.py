"""State written before vigil moved under one import namespace still loads.

Pulumi's Python dynamic providers keep each resource's provider in the state as a pickle, and a
pickle names classes by module path. Until the ``vigil.*`` namespace (scripts/namespace.py) those
paths were top-level — ``monitors.collection…``, ``alerts.base…`` — so a delete or diff through an
older checkpoint asks for modules that no longer exist. ``install`` maps each old top-level name
onto the module now under ``vigil.``: the same module object, so a class unpickled through the old
path *is* the current class. Only the dynamic-provider process (engine/dynamic_host.py) installs it;
new state is written with the ``vigil.`` paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

# the top-level names of the layout before the namespace (every package that held a provider or
# something a provider's pickle reaches)
LEGACY_NAMES = frozenset(
    {
        "core",
        "monitors",
        "alerts",
        "components",
        "spec",
        "program",
        "engine",
        "probes",
        "commands",
        "render",
        "sandbox",
        "drill",
        "sla",
        "importer",
        "cli",
    }
)
NAMESPACE = "vigil"


class LegacyAliases(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import monitors.collection`` gives ``vigil.monitors.collection`` (one module, two names)."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] not in LEGACY_NAMES:
            return None
        if importlib.util.find_spec(f"{NAMESPACE}.{fullname}") is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a placeholder; exec_module swaps in the real module

    def exec_module(self, module: ModuleType) -> None:
        # the import system returns whatever sys.modules holds under the name after exec_module, so
        # the old name ends up bound to the current module itself, not a copy
        sys.modules[module.__name__] = importlib.import_module(f"{NAMESPACE}.{module.__name__}")


def install() -> None:
    """Put the aliases first on the import path (idempotent)."""
    if not any(isinstance(finder, LegacyAliases) for finder in sys.meta_path):
        sys.meta_path.insert(0, LegacyAliases())

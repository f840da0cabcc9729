"""The checkout is rewritten under one import namespace, and state pickled before it still loads."""

from __future__ import annotations

import pickle
import subprocess
import sys

from tests.conftest import ROOT


def test_the_tree_has_nothing_left_to_rewrite() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "namespace.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == ""
    assert result.returncode == 0


def _old_path_pickle(cls: type) -> bytes:
    """A class pickled as the pre-namespace tree pickled it: by its top-level module path."""
    data = pickle.dumps(cls, protocol=0)  # protocol 0 names a class in a text line: "c<module>\\n<name>"
    module = cls.__module__
    assert module.startswith("vigil.")
    return data.replace(f"c{module}\n".encode(), f"c{module.removeprefix('vigil.')}\n".encode())


def test_a_provider_pickled_under_the_old_module_path_loads_as_the_current_class() -> None:
    from vigil.monitors.collection import UptimeRobotProvider

    data = _old_path_pickle(UptimeRobotProvider)
    assert b"cmonitors.collection\n" in data
    script = (
        "import pickle, sys\n"
        "from vigil.engine import legacy_modules\n"
        "legacy_modules.install()\n"
        "cls = pickle.loads(sys.stdin.buffer.read())\n"
        "import vigil.monitors.collection as current\n"
        "print(cls.__module__, cls is current.UptimeRobotProvider, sys.modules['monitors'] is "
        "sys.modules['vigil.monitors'])\n"
    )
    # outside the checkout, so the old top-level name can only come from the aliases
    result = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, cwd="/", check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split() == ["vigil.monitors.collection", "True", "True"]


def test_without_the_aliases_the_old_path_does_not_resolve() -> None:
    from vigil.monitors.collection import UptimeRobotProvider

    result = subprocess.run(
        [sys.executable, "-c", "import pickle, sys; pickle.loads(sys.stdin.buffer.read())"],
        input=_old_path_pickle(UptimeRobotProvider),
        capture_output=True,
        cwd="/",
        check=False,
    )
    assert result.returncode == 1
    assert b"No module named 'monitors'" in result.stderr


def test_names_outside_the_old_layout_are_left_to_the_import_system() -> None:
    from vigil.engine.legacy_modules import LegacyAliases

    finder = LegacyAliases()
    assert finder.find_spec("json") is None
    assert finder.find_spec("monitors.no_such_module") is None
    spec = finder.find_spec("monitors.collection")
    assert spec is not None and spec.name == "monitors.collection"

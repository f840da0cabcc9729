"""The building-block reference (docs/BLOCKS.md, `vigil blocks`) is generated from spec/blocks.py."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from tests.conftest import ROOT
from vigil import spec
from vigil.spec.reference import EXAMPLES, block_classes, render_reference


def test_docs_blocks_md_is_the_generated_reference() -> None:
    """Fails when a block changed and `python scripts/blocks_reference.py` was not run."""
    assert (ROOT / "docs" / "BLOCKS.md").read_text() == render_reference()


def test_the_check_mode_of_the_generator_agrees() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "blocks_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_every_block_and_every_field_is_in_the_reference() -> None:
    text = render_reference()
    for cls in block_classes():
        assert f"\n## {cls.__name__}\n" in text
        for field in dataclasses.fields(cls):
            if field.repr:
                assert f"| `{field.name}` |" in text, (cls.__name__, field.name)
    assert len(block_classes()) == len(EXAMPLES) == 21


def test_every_example_builds_its_block() -> None:
    names = {name: getattr(spec, name) for name in spec.__all__}
    for name, example in EXAMPLES.items():
        built = eval(example, names)  # the examples are code a reader copies: they must run
        assert type(built).__name__ == name


def test_units_and_defaults_are_shown() -> None:
    text = render_reference()
    assert "| `every` | `str` | `'5m'` | duration (`30s`, `5m`, `1h`, `1d`) |" in text
    assert "| `uptime` | `str` | `'99%'` | percentage" in text
    assert "| `email` | `str` | **required** |" in text


def test_vigil_blocks_prints_it_and_its_json_lists_fields() -> None:
    from vigil.cli import run

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert run(["blocks"]) == 0
    assert out.getvalue() == render_reference()
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert run(["blocks", "--json"]) == 0
    document = json.loads(out.getvalue())
    fields = {row["field"]: row for row in document["HttpMonitor"]["fields"]}
    assert fields["timeout"]["default"] == "'30s'"
    assert document["HttpMonitor"]["example"] == EXAMPLES["HttpMonitor"]

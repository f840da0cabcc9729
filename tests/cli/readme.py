"""The README's example stack, as the tests read it (one place, so every test checks the same text)."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def readme_stack_files() -> dict[str, str]:
    """The README's code blocks that open with a ``# stacks/<file>`` comment, by that file name."""
    text = (ROOT / "README.md").read_text()
    found = {}
    for body in re.findall(r"```(?:python|yaml)\n(.*?)```", text, re.S):
        first = body.splitlines()[0]
        if first.startswith("# stacks/"):
            found[first.removeprefix("# stacks/")] = body
    return found

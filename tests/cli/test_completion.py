"""Shell completion (Typer's --install-completion / --show-completion), as the shell calls it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VIGIL = Path(sys.executable).parent / "vigil"  # the console script of this venv


def _complete(words: str, cword: int) -> str:
    env = {**os.environ, "_VIGIL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    done = subprocess.run([str(VIGIL)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_commands_and_subcommands_complete() -> None:
    assert _complete("vigil sand", 1).split() == ["sandbox"]
    assert _complete("vigil sandbox st", 2).split() == ["start", "stop", "status"]


def test_show_completion_prints_the_script_for_a_shell() -> None:
    done = subprocess.run(
        [str(VIGIL), "--show-completion", "bash"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "_vigil_completion()" in done.stdout and "complete " in done.stdout

"""All CLI output goes through one ``Output``: data to stdout, progress and messages to stderr.

With ``--json`` stdout carries exactly one JSON document and nothing else. On a terminal output is
coloured rich text; piped, in CI or with ``NO_COLOR`` it is plain.
"""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape

from vigil.core.redact import redact

PIPED_WIDTH = 10_000  # piped output is read by tools: one line per row, whatever its length
# Bidirectional overrides and isolates: a name holding them can display as another name.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), not obeyed: names and values
    read from live accounts reach the terminal, and an ESC sequence in a monitor's name would
    otherwise move the cursor, clear the screen or retitle the window (rich strips only BEL, BS,
    VT, FF and CR). Newlines and tabs stay."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in "\n\t" or (char.isprintable() and char not in _BIDI):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def _plain() -> bool:
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


@dataclass
class Output:
    json_mode: bool = False
    debug: bool = False
    interactive: bool = field(
        default_factory=lambda: sys.stdin.isatty() and sys.stderr.isatty() and not os.environ.get("CI")
    )

    def __post_init__(self) -> None:
        self._live: Any = None  # render.progress.LiveProgress, made at the first engine event
        self.warnings: list[str] = []  # every warning of this run, for a --json document's diagnostics
        color = None if not _plain() else False
        self.out = Console(
            file=sys.stdout,
            highlight=False,
            emoji=False,
            soft_wrap=True,
            no_color=color is False,
            force_terminal=None,
        )
        self.err = Console(
            file=sys.stderr,
            stderr=True,
            highlight=False,
            emoji=False,
            soft_wrap=True,
            no_color=color is False,
        )

    # stdout ------------------------------------------------------------------------------------
    def document(self, data: Any, *, masked: bool = True) -> None:
        """The one JSON document of a --json run; ``masked=False`` only where the user asked for
        secrets (``outputs --show-secrets``) or they guard nothing real (the sandbox's)."""
        text = json.dumps(data, indent=2, sort_keys=False, default=str)
        sys.stdout.write((redact(text) if masked else text) + "\n")
        sys.stdout.flush()

    def lines(self, lines: list[str]) -> None:
        """Plain lines for a shell or a dotenv file: no markup, no wrapping, no masking (the caller
        masks what must not be shown)."""
        sys.stdout.write("".join(f"{visible(line)}\n" for line in lines))
        sys.stdout.flush()

    def print(self, text: str = "", *, markup: bool = True) -> None:
        self.out.print(visible(redact(text)), markup=markup)

    def rich(self, renderable: Any) -> None:
        """A table or other rich renderable: as wide as the terminal; piped, never wrapped or padded."""
        if self.out.is_terminal:
            self.out.print(renderable)
            return
        plain = Console(file=io.StringIO(), width=PIPED_WIDTH, highlight=False, emoji=False, no_color=True)
        with plain.capture() as captured:
            plain.print(renderable)
        self.lines([line.rstrip() for line in captured.get().splitlines()])

    # stderr ------------------------------------------------------------------------------------
    def progress(self, item: Any) -> None:
        """A progress line, or an engine operation's ``ProgressEvent`` (render/progress.py shows
        those live on a terminal; piped, only rate-limit waits are printed)."""
        if self.json_mode:
            return
        if not isinstance(item, str):
            if self._live is None:
                from vigil.render.progress import LiveProgress

                self._live = LiveProgress(self.err, live=self.err.is_terminal)
            self._live(item)
            return
        if self.err.is_terminal:
            self.err.print(f"[dim]{escape(visible(redact(item)))}[/dim]")

    def info(self, text: str) -> None:
        if not self.json_mode:
            self.err.print(visible(redact(text)))

    def notice(self, text: str) -> None:
        """A line the user must see even with --json (stderr, so stdout stays one document)."""
        self.err.print(escape(visible(redact(text))))

    def warning(self, text: str) -> None:
        self.warnings.append(redact(text))
        self.err.print(f"[yellow]warning:[/yellow] {escape(visible(redact(text)))}")

    def error(self, text: str, hint: str | None = None) -> None:
        self.err.print(f"[red]error:[/red] {escape(visible(redact(text)))}")
        if hint:
            self.err.print(f"  [dim]hint:[/dim] {escape(visible(redact(hint)))}")

    def confirm(self, question: str) -> bool:
        """Ask ``question [y/N]`` on a terminal; anything but y/yes is no. Without a terminal nothing
        is asked and the answer is no: callers check ``interactive`` to tell "declined" apart."""
        if not self.interactive:
            return False
        # markup off: as rich markup "[y/N]" is a style tag and would vanish from the question
        self.err.print(f"{redact(question)} [y/N] ", end="", markup=False)
        answer = sys.stdin.readline().strip().lower()
        return answer in {"y", "yes"}

    def confirm_typed(self, question: str, expected: str) -> bool:
        """Ask for ``expected`` (an environment's name) to be typed, as `gh repo delete` does: a
        reflexive "y" cannot delete production. Without a terminal the answer is no."""
        if not self.interactive:
            return False
        self.err.print(redact(question), markup=False)
        self.err.print(f"Type the environment's name ({expected}) to confirm: ", end="", markup=False)
        return sys.stdin.readline().strip() == expected

"""What validation reports: each finding says where, what is wrong and how to fix it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

from vigil.spec.where import Location


def escape_controls(text: str) -> str:
    """Control and text-direction characters as escapes (ESC → ``\\x1b``, U+202E → ``\\u202e``):
    what a finding quotes from a stack must not rewrite the terminal or reorder the line."""
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c != "\n"
        else c
        for c in text
    )


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, e.g. "keyword-required", "sla-mttd"
    level: Literal["error", "warning"]
    where: Location
    message: str
    fix: str
    # The text value the finding is about, when the stack built it from YAML values (an f-string
    # URL): validation then points at the YAML value it came from (``Values.origin_of``).
    value: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", escape_controls(self.message))
        object.__setattr__(self, "fix", escape_controls(self.fix))
        if self.where.path:
            object.__setattr__(self, "where", replace(self.where, path=escape_controls(self.where.path)))

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "level": self.level,
            "file": self.where.file,
            "line": self.where.line,
            "path": self.where.path,
            "location": str(self.where),
            "message": self.message,
            "fix": self.fix,
        }

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message} — {self.fix}"


class InvalidStack(Exception):
    """A stack with errors: nothing is sent to any API."""

    def __init__(self, env: str, findings: list[Finding]) -> None:
        self.env = env
        self.findings = findings
        errors = [f for f in findings if f.level == "error"]
        lines = "\n".join(f"  {f}" for f in errors)
        super().__init__(f"stack '{env}' is invalid ({len(errors)} error(s)):\n{lines}")

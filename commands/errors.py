"""Exit codes and the errors commands raise; ``cli.py`` maps them (and ``engine.errors``) to one
stderr line and an exit code.

VigilError (exit 1)
├── SandboxUnavailable       the sandbox cannot start, or is not running when needed
├── ChangesFound (exit 2)    --expect-no-changes / drift found changes
└── ConfirmationNeeded (3)   a delete or replace in a protected env without --yes/--allow-delete
engine.errors.EngineError (exit 1; Interrupted: 130)
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    CHANGES = 2
    CONFIRM = 3
    INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class VigilError(Exception):
    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None, reported: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.reported = reported  # the command already printed its --json document


class SandboxUnavailable(VigilError):
    pass


class ChangesFound(VigilError):
    exit_code = ExitCode.CHANGES


class ConfirmationNeeded(VigilError):
    exit_code = ExitCode.CONFIRM

"""Exit codes and the errors commands raise; ``cli.py`` maps them to a stderr line and an exit code.

VigilError (exit 1)
├── EngineMissing            no usable Pulumi CLI: says how to get one
├── PassphraseMissing        a non-sandbox env without PULUMI_CONFIG_PASSPHRASE(_FILE)
├── BackendUnusable          PULUMI_BACKEND_URL is not a backend, or its directory is missing/read-only
├── SandboxError             the sandbox cannot start, or is not running when needed
├── OperationFailed          the engine or a provider failed: the provider's message, redacted
├── ChangesFound (exit 2)    --expect-no-changes / drift found changes
└── ConfirmationNeeded (3)   a delete or replace in a protected env without --yes/--allow-delete
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    CHANGES = 2
    CONFIRM = 3


class VigilError(Exception):
    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None, reported: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.reported = reported  # the command already printed its --json document


class EngineMissing(VigilError):
    pass


class PassphraseMissing(VigilError):
    pass


class BackendUnusable(VigilError):
    pass


class SandboxUnavailable(VigilError):
    pass


class OperationFailed(VigilError):
    pass


class ChangesFound(VigilError):
    exit_code = ExitCode.CHANGES


class ConfirmationNeeded(VigilError):
    exit_code = ExitCode.CONFIRM

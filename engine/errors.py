"""What the engine layer raises; the command layer (``cli.py``) maps each to a stderr line and an exit code.

EngineError
├── EngineMissing        no usable Pulumi CLI: says how to get one
├── NotAProject          no Pulumi.yaml + stacks/ here or above: points at `vigil init`
├── PassphraseError      missing or wrong passphrase: names the environment and the variable
├── BackendUnusable      PULUMI_BACKEND_URL is not a backend, or its directory is missing/read-only
├── StackLocked          another run holds the stack's lock: who, where, since when
├── UpdateInProgress     a read-only command met a running update (no false drift)
├── StateDamaged         the checkpoint or its attributes file is empty or not JSON
├── Interrupted          Ctrl-C / SIGTERM: what was applied, and that `vigil up` finishes it
└── OperationFailed      the engine or a provider failed: the provider's message, redacted
"""

from __future__ import annotations


class EngineError(Exception):
    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class EngineMissing(EngineError):
    pass


class NotAProject(EngineError):
    pass


class PassphraseError(EngineError):
    pass


class BackendUnusable(EngineError):
    pass


class StackLocked(EngineError):
    pass


class UpdateInProgress(EngineError):
    pass


class StateDamaged(EngineError):
    pass


class Interrupted(EngineError):
    pass


class OperationFailed(EngineError):
    traceback: str = ""  # the providers' tracebacks behind the message: shown only with --debug

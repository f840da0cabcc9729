"""Run preview / up / refresh / destroy through the Automation API and return plain results.

Commands call these and hand the result to a renderer; nothing here prints. Progress goes to an
optional callback (the CLI shows it on stderr when it is a terminal).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi import automation as auto

from core.redact import redact
from engine.changes import ResourceChange, from_step
from engine.errors import OperationFailed

Progress = Callable[[str], None]


@dataclass
class OperationResult:
    env: str
    operation: str
    changes: list[ResourceChange] = field(default_factory=list)
    duration_seconds: float = 0.0
    outputs: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(_summary_op(c.op) for c in self.changes)
        return {op: counts.get(op, 0) for op in ("create", "update", "replace", "delete")}

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def destructive(self) -> list[ResourceChange]:
        return [c for c in self.changes if _summary_op(c.op) in ("delete", "replace")]

    def as_dict(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "operation": self.operation,
            "summary": self.summary,
            "changes": [c.as_dict() for c in self.changes],
            "duration_seconds": round(self.duration_seconds, 2),
            "outputs": self.outputs,
            "diagnostics": self.diagnostics,
        }


def _summary_op(op: str) -> str:
    return {"create-replacement": "replace", "delete-replaced": "replace"}.get(op, op)


class _Collector:
    def __init__(self, progress: Progress | None) -> None:
        self.changes: dict[str, ResourceChange] = {}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.progress = progress

    def __call__(self, event: auto.EngineEvent) -> None:
        if event.resource_pre_event is not None:
            change = from_step(event.resource_pre_event.metadata)
            if change is not None:
                previous = self.changes.get(change.urn)
                if previous is None or change.op in ("replace", "create-replacement", "delete-replaced"):
                    if previous is not None and previous.fields and not change.fields:
                        change.fields = previous.fields
                    self.changes[change.urn] = (
                        change if previous is None or previous.op not in ("replace",) else previous
                    )
                if self.progress:
                    self.progress(f"{change.op:>8}  {change.type}  {change.name}")
        elif event.diagnostic_event is not None:
            diagnostic = event.diagnostic_event
            message = _clean(diagnostic.message)
            if diagnostic.severity == "error" and message:
                self.errors.append(message)
            elif diagnostic.severity == "warning" and message:
                self.warnings.append(message)


_ANSI = re.compile(r"\x1b\[[0-9;]*m|<\{%[^%]*%\}>")


def _clean(message: str) -> str:
    return redact(_ANSI.sub("", message)).strip()


def _failure(error: auto.errors.CommandError, collector: _Collector, what: str) -> OperationFailed:
    details = [m for m in collector.errors if m]
    if not details:
        stderr = _clean(getattr(error, "stderr", "") or str(error))
        details = [line for line in stderr.splitlines() if line.strip()][-8:]
    return OperationFailed(f"{what} failed:\n  " + "\n  ".join(details))


def _run(
    stack: auto.Stack, operation: str, call: Callable[[_Collector], Any], env: str, progress: Progress | None
) -> tuple[OperationResult, Any]:
    collector = _Collector(progress)
    started = time.monotonic()
    try:
        raw = call(collector)
    except auto.errors.CommandError as error:
        raise _failure(error, collector, f"{operation} of '{env}'") from None
    result = OperationResult(
        env,
        operation,
        list(collector.changes.values()),
        time.monotonic() - started,
        diagnostics=collector.warnings,
    )
    return result, raw


_QUIET: dict[str, Any] = {"color": "never", "suppress_progress": True, "suppress_outputs": True}


def preview(
    stack: auto.Stack,
    env: str,
    *,
    refresh: bool = False,
    progress: Progress | None = None,
    parallel: int | None = None,
) -> OperationResult:
    result, _ = _run(
        stack,
        "preview",
        lambda c: stack.preview(on_event=c, refresh=refresh, diff=False, parallel=parallel, **_QUIET),
        env,
        progress,
    )
    return result


def up(
    stack: auto.Stack,
    env: str,
    *,
    refresh: bool = False,
    progress: Progress | None = None,
    parallel: int | None = None,
) -> OperationResult:
    result, raw = _run(
        stack,
        "up",
        lambda c: stack.up(on_event=c, refresh=refresh, show_secrets=False, parallel=parallel, **_QUIET),
        env,
        progress,
    )
    result.outputs = {k: ("[secret]" if v.secret else v.value) for k, v in (raw.outputs or {}).items()}
    return result


def destroy(
    stack: auto.Stack, env: str, *, progress: Progress | None = None, preview_only: bool = False
) -> OperationResult:
    if preview_only:
        result, _ = _run(
            stack, "destroy-preview", lambda c: stack.preview_destroy(on_event=c, **_QUIET), env, progress
        )
        return result
    result, _ = _run(
        stack, "destroy", lambda c: stack.destroy(on_event=c, show_secrets=False, **_QUIET), env, progress
    )
    return result


def refresh(
    stack: auto.Stack, env: str, *, progress: Progress | None = None, preview_only: bool = False
) -> OperationResult:
    if preview_only:
        result, _ = _run(
            stack, "refresh-preview", lambda c: stack.preview_refresh(on_event=c, **_QUIET), env, progress
        )
        return result
    result, _ = _run(
        stack, "refresh", lambda c: stack.refresh(on_event=c, show_secrets=False, **_QUIET), env, progress
    )
    return result


def stack_outputs(stack: auto.Stack) -> dict[str, tuple[Any, bool]]:
    """Current outputs as (value, is_secret); values of secrets are real: callers mask them."""
    return {k: (v.value, v.secret) for k, v in stack.outputs().items()}

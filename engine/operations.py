"""Run preview / up / refresh / destroy through the Automation API and return plain results.

Commands call these and hand the result to a renderer; nothing here prints. Progress goes to an
optional callback as ``ProgressEvent``s, built from the engine's events: the operation starts, a
step starts (op, type, name), a step is done, a provider announced a rate-limit wait (a line the
provider process wrote to stderr, which the engine forwards as a diagnostic: core/ratelimit.py),
the operation ends. The CLI shows them live on a terminal (render/progress.py).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi import automation as auto

from vigil.core.ratelimit import ANNOUNCE_PREFIX
from vigil.core.redact import redact
from vigil.engine import locks
from vigil.engine.backend import FileStore, Store
from vigil.engine.changes import ResourceChange, display_type, from_refresh, from_step
from vigil.engine.errors import (
    BackendUnusable,
    Interrupted,
    OperationFailed,
    PassphraseError,
    StackLocked,
    UpdateInProgress,
)
from vigil.engine.pulumi_process import Supervisor


@dataclass(frozen=True)
class ProgressEvent:
    kind: str  # start | step | done | rate-limit | end
    text: str = ""  # start: the operation; rate-limit: the announcement
    urn: str = ""
    op: str = ""
    type: str = ""
    name: str = ""


Progress = Callable[[ProgressEvent], None]

_APPLIED_OPS = ("create", "update", "delete", "replace", "create-replacement", "delete-replaced")


@dataclass
class Guard:
    """How one operation treats other runs and the user: the stack's lock, the passphrase's source.

    Writers (up, destroy, refresh) wait for another run's lock up to ``lock_timeout`` seconds, with a
    visible notice, then fail naming the holder; locks left by a dead process on this host are
    removed. Readers (preview, drift) never wait: while an update runs they stop with
    ``UpdateInProgress`` instead of comparing a half-applied stack.
    """

    store: Store
    project: str
    env: str
    lock_timeout: float = 120.0
    notice: Callable[[str], None] | None = None
    passphrase_from: str = "PULUMI_CONFIG_PASSPHRASE"
    poll_seconds: float = 1.0

    def _say(self, message: str) -> None:
        if self.notice:
            self.notice(message)

    def holders(self) -> list[locks.LockHolder]:
        for gone in locks.clear_stale(self.store, self.project, self.env):
            self._say(f"removed a stale lock of '{self.env}' left by {gone.describe()}")
        return locks.holders(self.store, self.project, self.env)

    def ensure_no_writer(self) -> None:
        held = self.holders()
        if held:
            raise UpdateInProgress(
                f"an update of '{self.env}' is in progress ({held[0].describe()}): nothing was compared",
                hint="rerun when it has finished; no notification was sent",
            )

    def wait_for_lock(self, deadline: float) -> None:
        held = self.holders()
        if not held:
            return
        self._say(
            f"'{self.env}' is locked by {held[0].describe()}; waiting up to "
            f"{_seconds(math.ceil(max(deadline - time.monotonic(), 0)))} for it (--lock-timeout)"
        )
        while held:
            if time.monotonic() >= deadline:
                raise self.locked(held[0])
            time.sleep(self.poll_seconds)
            held = self.holders()
        self._say(f"the lock of '{self.env}' was released; continuing")

    def locked(self, holder: locks.LockHolder) -> StackLocked:
        alive = holder.alive()
        if alive:
            hint = f"wait for that run to finish (pid {holder.pid} on this host), or stop it with Ctrl-C"
        elif alive is None:
            hint = (
                "wait for that run to finish; if it is gone (a killed CI job), "
                f"`vigil unlock --env {self.env} --force` removes its lock"
            )
        else:
            hint = f"run `vigil unlock --env {self.env}`"
        return StackLocked(
            f"'{self.env}' is locked by another run: {holder.describe()}; gave up after "
            f"{_seconds(self.lock_timeout)}",
            hint=hint,
        )


def _seconds(value: float) -> str:
    return f"{int(value // 60)}m{int(value % 60):02d}s" if value >= 60 else f"{int(value)}s"


@dataclass
class OperationResult:
    env: str
    operation: str
    changes: list[ResourceChange] = field(default_factory=list)
    duration_seconds: float = 0.0
    outputs: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[str] = field(default_factory=list)
    # refresh: per resource, the live values that differ from the state (what it pulls in)
    pulled: list[ResourceChange] = field(default_factory=list)

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
            **(
                {"pulled": [c.as_dict() for c in self.pulled]} if self.operation.startswith("refresh") else {}
            ),
        }


def _summary_op(op: str) -> str:
    return {"create-replacement": "replace", "delete-replaced": "replace"}.get(op, op)


class _Collector:
    def __init__(self, progress: Progress | None, refreshing: bool = False) -> None:
        self.changes: dict[str, ResourceChange] = {}
        self.refreshing = refreshing  # a refresh: list what it pulls in (``pulled``)
        self.pulled: dict[str, ResourceChange] = {}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.tracebacks: list[str] = []  # the providers' own, shown only with --debug
        self.applied = 0
        self.read = 0
        self.progress = progress

    def __call__(self, event: auto.EngineEvent) -> None:
        if event.resource_pre_event is not None:
            metadata = event.resource_pre_event.metadata
            change = from_step(metadata)
            if change is not None:
                previous = self.changes.get(change.urn)
                if previous is None or change.op in ("replace", "create-replacement", "delete-replaced"):
                    if previous is not None and previous.fields and not change.fields:
                        change.fields = previous.fields
                    self.changes[change.urn] = (
                        change if previous is None or previous.op not in ("replace",) else previous
                    )
            op = str(getattr(metadata.op, "value", metadata.op))  # an OpType (str enum)
            if self.progress and op != "same":
                urn = metadata.urn or ""
                kind = display_type(metadata.type or "")
                self.progress(ProgressEvent("step", urn=urn, op=op, type=kind, name=urn.rsplit("::", 1)[-1]))
        elif event.res_outputs_event is not None:
            metadata = event.res_outputs_event.metadata
            if metadata.op in _APPLIED_OPS:
                self.applied += 1
            elif metadata.op == "refresh" and not (metadata.type or "").startswith("pulumi:"):
                self.read += 1  # an object of the stack read into the state (interrupt message)
            if self.refreshing:
                pulled = from_refresh(metadata)
                if pulled is not None:
                    self.pulled[pulled.urn] = pulled
            if self.progress:
                self.progress(ProgressEvent("done", urn=metadata.urn or ""))
        elif event.diagnostic_event is not None:
            diagnostic = event.diagnostic_event
            message = _clean(diagnostic.message)
            if message.startswith(ANNOUNCE_PREFIX):
                if self.progress:
                    self.progress(ProgressEvent("rate-limit", text=message.removeprefix(ANNOUNCE_PREFIX)))
            elif diagnostic.severity == "error" and message:
                short, trace = provider_message(message, diagnostic.urn or "")
                self.errors.append(short)
                if trace:
                    self.tracebacks.append(trace)
            elif diagnostic.severity == "warning" and message:
                self.warnings.append(message)


_ANSI = re.compile(r"\x1b\[[0-9;]*m|<\{%[^%]*%\}>")


def _clean(message: str) -> str:
    return redact(_ANSI.sub("", message)).strip()


# The engine's closing line after the resources' own errors ("update failed"): says nothing more.
_CLOSING = re.compile(r"^(update|preview|refresh|destroy|deployment) failed$")
# What Pulumi puts in front of a provider's check failure (pkg/resource/deploy/step_generator.go,
# issueCheckFailures: "<type> resource '<name>': property <p> value {<v>} has a problem: <reason>",
# the format strings in the 3.274.1 binary);
# vigil's reasons already name the object and the field.
_CHECK_WRAPPER = re.compile(
    r"^\S+ resource '[^']*'(?:: property \S+ (?:with )?value .*?)? has a problem: "
    r"|^\s*- property \S+ (?:with value .*? )?has a problem: ",
    re.MULTILINE,
)
_TRACEBACK = "Traceback (most recent call last):"
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*): (.*)$", re.DOTALL)
_VIGIL_PACKAGES = ("core.", "engine.", "monitors.", "alerts.", "components.", "spec.", "vigil.")


def provider_message(message: str, urn: str = "") -> tuple[str, str]:
    """One line for an error diagnostic, and the traceback it carried ('' if none).

    Pulumi's Python dynamic provider server answers a failed call with ``traceback.format_exc()``
    (pulumi/dynamic/__main__.py, ``_abort_with_traceback``), so every provider error reaches the
    engine as a traceback. vigil's client errors already say the object, the API and what to do:
    that message is the line. Anything else is named by its resource's type and name.
    """
    message = _CHECK_WRAPPER.sub("", message)
    if _TRACEBACK not in message:
        return message, ""
    before, _, trace = message.rpartition(_TRACEBACK)
    body = trace.splitlines()
    start = next((i for i, line in enumerate(body) if i and line and not line[0].isspace()), len(body))
    raised = "\n".join(body[start:]).strip()
    matched = _EXCEPTION_LINE.match(raised)
    if matched and matched.group(1).startswith(_VIGIL_PACKAGES):
        short = matched.group(2)
    else:
        kind = matched.group(1).rsplit(".", 1)[-1] if matched else "error"
        text = matched.group(2) if matched else raised
        type_ = urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1] if urn.count("::") >= 2 else ""
        named = f"{display_type(type_)} {urn.rsplit('::', 1)[-1]}: " if type_ else ""
        short = f"{named}{kind}: {text}"
    prefix = before.strip()
    short = " ".join(short.split())  # one line
    return (f"{prefix} {short}" if prefix else short), message


def _failure(error: auto.errors.CommandError, collector: _Collector, what: str) -> OperationFailed:
    details = list(dict.fromkeys(m for m in collector.errors if m))
    specific = [m for m in details if not _CLOSING.match(m)]
    details = specific or details
    if not details:
        stderr = _clean(getattr(error, "stderr", "") or str(error))
        details = [provider_message(line)[0] for line in stderr.splitlines() if line.strip()][-8:]
    failed = OperationFailed(
        f"{what} failed:\n  " + "\n  ".join(details),
        hint="rerun with --debug for the providers' tracebacks" if collector.tracebacks else None,
    )
    failed.traceback = "\n".join(collector.tracebacks)
    return failed


_WRITERS = ("up", "destroy", "refresh")
_PASSPHRASE = re.compile(r"incorrect passphrase|passphrase must be set|decrypt", re.IGNORECASE)


def passphrase_error(error: Exception, env: str, source: str | None) -> PassphraseError | None:
    """The engine's "incorrect passphrase" as a message naming the environment and the variable."""
    stderr = str(getattr(error, "stderr", "") or error)
    if not (_PASSPHRASE.search(stderr) and "passphrase" in stderr.lower()):
        return None
    return PassphraseError(
        f"the passphrase from {source or 'PULUMI_CONFIG_PASSPHRASE(_FILE)'} does not decrypt the secrets of "
        f"'{env}': the stack was created with another one",
        hint="check the value (e.g. compare `printenv PULUMI_CONFIG_PASSPHRASE | sha256sum` with your "
        "team's record), and set only one of PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE",
    )


_NO_SPACE = re.compile(r"no space left on device|ENOSPC", re.IGNORECASE)


def disk_full(error: Exception, operation: str, env: str, guard: Guard | None) -> BackendUnusable | None:
    """The engine's raw ENOSPC (``code: 1 stdout: stderr: … no space left on device``, from writing
    the lock or a checkpoint) as one message naming the backend's path and the fix."""
    stderr = _clean(str(getattr(error, "stderr", "") or error))
    if not _NO_SPACE.search(stderr):
        return None
    store = guard.store if guard else None
    where = str(store.root) if isinstance(store, FileStore) else (store.url if store else "the state backend")
    writing = "its lock" if "lock" in stderr.lower() else "its state"
    if guard is not None:  # the empty lock file the failed write left would fail the next run
        locks.clear_failed_writes(guard.store, guard.project, guard.env, older_than=0)
    return BackendUnusable(
        f"{operation} of '{env}' failed: no space left on device in the state backend {where} "
        f"(writing {writing})",
        hint=f"free space there (`df -h {where}`), run `vigil state check --env {env}`, then rerun the "
        "command: objects already applied are adopted by name, never duplicated",
    )


def checkpoints_saved(stack: auto.Stack) -> bool:
    """Does the engine save the state after every step for this stack (engine/workspace.py)?"""
    value = (stack.workspace.env_vars or {}).get("PULUMI_SKIP_CHECKPOINTS", "")
    return not (value == "1" or value.lower() == "true")  # as the engine reads it (env.BoolValue)


def _supervisor(stack: auto.Stack) -> Supervisor:
    found = getattr(stack.workspace.pulumi_command, "supervisor", None)  # engine.workspace sets it
    return found if isinstance(found, Supervisor) else Supervisor()


def _objects_in_state(guard: Guard | None) -> int | None:
    """The stack's objects in its checkpoint (read from the store: no engine call); None if unknown."""
    from vigil.engine.state_files import checkpoint_key

    if guard is None:
        return None
    try:
        raw = guard.store.read(checkpoint_key(guard.project, guard.env))
        latest = (json.loads(raw or b"{}").get("checkpoint") or {}).get("latest") or {}
    except (OSError, ValueError):
        return None
    resources = latest.get("resources") or []
    return sum(1 for r in resources if r.get("custom") and not str(r.get("type", "")).startswith("pulumi:"))


def _interrupted(
    operation: str,
    env: str,
    collector: _Collector,
    supervisor: Supervisor,
    *,
    finished: bool = False,
    before: int | None = None,
    guard: Guard | None = None,
    checkpoints: bool = True,
) -> Interrupted:
    """What an interrupted run applied, and how to finish it (``finished``: the engine ended first).

    ``checkpoints``: the engine saved the state after every step; without them (vigil's default,
    engine/workspace.py) a run stopped at once never saved it, so the state still holds what the run
    deleted and the engine's own events say what was applied."""
    finish = {"destroy": "vigil destroy", "refresh": "vigil refresh"}.get(operation, "vigil up")
    state_saved = checkpoints or not supervisor.forced
    left = _objects_in_state(guard) if operation == "destroy" and state_saved else None
    if operation == "destroy" and not state_saved and before is not None:
        left = max(before - collector.applied, 0)
    if operation == "destroy" and before is not None and left is not None:
        applied = f"{max(before - left, 0)} of {before} delete(s) applied"
    elif operation == "refresh" and before is not None:
        applied = f"{min(collector.read, before)} of {before} object(s) read into the state"
    else:
        applied = f"{collector.applied} change(s) were applied before it stopped"
    if operation == "destroy" and left is not None:
        finished = left == 0  # what is left in the state, not the engine's exit code, says if it is done
    if supervisor.forced and not finished:
        return Interrupted(
            f"{operation} of '{env}' stopped at once: {applied}; operations that were in flight may be "
            "left pending in the state",
            hint=f"run `{finish} --env {env}`: it resolves them and finishes the job "
            f"(if it reports a lock: `vigil unlock --env {env}`)",
        )
    if finished:
        return Interrupted(
            f"{operation} of '{env}' cancelled: {applied}; the engine finished before it could stop, "
            "nothing left to do (the state is saved and the lock released)"
        )
    return Interrupted(
        f"{operation} of '{env}' cancelled: {applied}; the state is saved and the lock released",
        hint=f"run `{finish} --env {env}` to finish the job",
    )


def _run(
    stack: auto.Stack,
    operation: str,
    call: Callable[[_Collector], Any],
    env: str,
    progress: Progress | None,
    guard: Guard | None = None,
) -> tuple[OperationResult, Any]:
    try:
        return _run_engine(stack, operation, call, env, progress, guard)
    finally:
        if progress:
            progress(ProgressEvent("end"))


def _run_engine(
    stack: auto.Stack,
    operation: str,
    call: Callable[[_Collector], Any],
    env: str,
    progress: Progress | None,
    guard: Guard | None,
) -> tuple[OperationResult, Any]:
    supervisor = _supervisor(stack)
    supervisor.signals = 0
    writes = operation in _WRITERS
    started = time.monotonic()
    deadline = started + (guard.lock_timeout if guard else 0)
    while True:
        if guard is not None:
            guard.wait_for_lock(deadline) if writes else guard.ensure_no_writer()
        # counted once the lock is ours: a run we waited for may have changed the state
        before = _objects_in_state(guard) if operation in ("destroy", "refresh") else None
        collector = _Collector(progress, refreshing=operation.startswith("refresh"))
        if progress:
            progress(ProgressEvent("start", text=f"{operation} of '{env}'"))
        try:
            with supervisor.handling_signals():
                raw = call(collector)
        except auto.errors.CommandError as error:
            if supervisor.interrupted:
                if supervisor.forced and guard is not None:
                    guard.holders()  # the killed engine's lock is stale now: removed
                raise _interrupted(
                    operation,
                    env,
                    collector,
                    supervisor,
                    before=before,
                    guard=guard,
                    checkpoints=checkpoints_saved(stack),
                ) from None
            if isinstance(error, auto.errors.ConcurrentUpdateError) and guard is not None:
                if writes and time.monotonic() < deadline:
                    continue  # another run took the lock between our look and the engine's: wait again
                held = guard.holders()
                if not writes:
                    guard.ensure_no_writer()
                if held:
                    raise guard.locked(held[0]) from None
            wrong = passphrase_error(error, env, guard.passphrase_from if guard else None)
            if wrong is not None:
                raise wrong from None
            full = disk_full(error, operation, env, guard)
            if full is not None:
                raise full from None
            raise _failure(error, collector, f"{operation} of '{env}'") from None
        if supervisor.interrupted:  # a signal came while the engine ran, which finished anyway
            raise _interrupted(
                operation, env, collector, supervisor, finished=True, before=before, guard=guard
            )
        break
    result = OperationResult(
        env,
        operation,
        list(collector.changes.values()),
        time.monotonic() - started,
        diagnostics=collector.warnings,
        pulled=list(collector.pulled.values()),
    )
    return result, raw


_QUIET: dict[str, Any] = {"color": "never", "suppress_progress": True, "suppress_outputs": True}

# The engine's own default is 4 steps per CPU (8 here). vigil's providers settle writes in batches
# (one list read confirms every write in flight, core.policy.SettleBatch), so the engine must send
# many steps at once: PARALLEL covers a batch (engine/dynamic_host.py's 200 provider threads) plus
# the other types' steps. Not the engine's "unbounded" (MaxInt32): the Python language host
# multiplies the value by 4 into an int32 (pulumi/automation/_server.py), and any other value is a
# fixed pool of that many engine workers (pkg/resource/deploy/step_executor.go, Pulumi 3.274.1).
# The APIs' rate limiters bound what really reaches a service.
PARALLEL = 256


def preview(
    stack: auto.Stack,
    env: str,
    *,
    refresh: bool = False,
    progress: Progress | None = None,
    parallel: int | None = PARALLEL,
    guard: Guard | None = None,
) -> OperationResult:
    result, _ = _run(
        stack,
        "preview",
        lambda c: stack.preview(on_event=c, refresh=refresh, diff=False, parallel=parallel, **_QUIET),
        env,
        progress,
        guard,
    )
    return result


def up(
    stack: auto.Stack,
    env: str,
    *,
    refresh: bool = False,
    progress: Progress | None = None,
    parallel: int | None = PARALLEL,
    guard: Guard | None = None,
) -> OperationResult:
    result, raw = _run(
        stack,
        "up",
        lambda c: stack.up(on_event=c, refresh=refresh, show_secrets=False, parallel=parallel, **_QUIET),
        env,
        progress,
        guard,
    )
    result.outputs = {k: ("[secret]" if v.secret else v.value) for k, v in (raw.outputs or {}).items()}
    return result


def destroy(
    stack: auto.Stack,
    env: str,
    *,
    progress: Progress | None = None,
    preview_only: bool = False,
    guard: Guard | None = None,
    targets: list[str] | None = None,
) -> OperationResult:
    """``targets``: the URNs the confirmed plan showed (``planned_urns``): only those are deleted,
    so what another run added while this one waited for the lock is kept, not destroyed unseen."""
    if preview_only:
        result, _ = _run(
            stack, "destroy-preview", lambda c: stack.preview_destroy(on_event=c, **_QUIET), env, progress
        )
        return result
    result, _ = _run(
        stack,
        "destroy",
        lambda c: stack.destroy(
            on_event=c, show_secrets=False, parallel=PARALLEL, target=targets or None, **_QUIET
        ),
        env,
        progress,
        guard,
    )
    return result


def state_urns(deployment: dict[str, Any]) -> list[str]:
    """Every resource of a deployment document but the stack itself: what a destroy deletes."""
    return [
        str(r["urn"])
        for r in deployment.get("resources") or []
        if isinstance(r, dict) and r.get("urn") and r.get("type") != "pulumi:pulumi:Stack"
    ]


def refresh(
    stack: auto.Stack,
    env: str,
    *,
    progress: Progress | None = None,
    preview_only: bool = False,
    guard: Guard | None = None,
) -> OperationResult:
    if preview_only:
        result, _ = _run(
            stack, "refresh-preview", lambda c: stack.preview_refresh(on_event=c, **_QUIET), env, progress
        )
        return result
    result, _ = _run(
        stack,
        "refresh",
        lambda c: stack.refresh(on_event=c, show_secrets=False, parallel=PARALLEL, **_QUIET),
        env,
        progress,
        guard,
    )
    return result


def export_deployment(stack: auto.Stack, guard: Guard | None = None) -> dict[str, Any]:
    """The stack's state as a deployment document (secrets stay encrypted)."""
    try:
        return dict(stack.export_stack().deployment or {})
    except auto.errors.CommandError as error:
        wrong = passphrase_error(error, stack.name, guard.passphrase_from if guard else None)
        if wrong is not None:
            raise wrong from None
        raise OperationFailed(f"reading the state of '{stack.name}' failed: {_clean(str(error))}") from None


def stack_outputs(stack: auto.Stack) -> dict[str, tuple[Any, bool]]:
    """Current outputs as (value, is_secret); values of secrets are real: callers mask them."""
    try:
        outputs = stack.outputs()
    except auto.errors.CommandError as error:
        wrong = passphrase_error(error, stack.name, None)
        if wrong is not None:
            raise wrong from None
        raise OperationFailed(f"reading the outputs of '{stack.name}' failed: {_clean(str(error))}") from None
    return {k: (v.value, v.secret) for k, v in outputs.items()}


@dataclass(frozen=True)
class PendingOperation:
    type: str  # creating | updating | deleting | reading
    urn: str

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


def pending_operations(stack: auto.Stack) -> list[PendingOperation]:
    """Operations an interrupted or killed run left in the state (the engine keeps them otherwise)."""
    deployment = stack.export_stack().deployment or {}
    return [
        PendingOperation(str(p.get("type", "")), str((p.get("resource") or {}).get("urn", "")))
        for p in deployment.get("pending_operations") or []
    ]


def resolve_pending(stack: auto.Stack) -> tuple[list[PendingOperation], list[PendingOperation]]:
    """After a successful up: drop the pending operations from the state; (resolved, orphaned).

    A pending create whose resource is in the state now was adopted by name (vigil's providers look
    an object up by its natural key before creating it); one whose resource is no longer in the
    stack may have left an object behind, which `vigil drift` lists as unmanaged.
    """
    exported = stack.export_stack()
    deployment = dict(exported.deployment or {})
    pending = [
        PendingOperation(str(p.get("type", "")), str((p.get("resource") or {}).get("urn", "")))
        for p in deployment.get("pending_operations") or []
    ]
    if not pending:
        return [], []
    present = {r.get("urn") for r in deployment.get("resources") or []}
    deployment["pending_operations"] = []
    stack.import_stack(auto.Deployment(version=exported.version, deployment=deployment))
    resolved = [p for p in pending if p.urn in present]
    return resolved, [p for p in pending if p.urn not in present]

"""Stack traces in the state cut to the program's own frames (issue 19: state bytes per resource).

Since Pulumi 3.195 (pulumi/pulumi#20430) every resource registration carries the program's whole
call stack, and the engine stores it in the state next to ``sourcePosition``. The Python SDK
builds it in ``pulumi.runtime.resource._get_stack_trace`` (``traceback.extract_stack()`` from the
frame that constructs the resource down to the interpreter's first frame; ``register_resource``
and ``read_resource`` look the function up in the module at each call, SDK 3.272.0) and offers no
switch to turn it off. For a vigil monitor that was 25 frames, ~2.3 KB of a ~4.4 KB resource:
the frames *below* the project's ``__main__.py`` (vigil's language host, runpy, asyncio, gRPC,
threading) are the same for every resource and say nothing about where it was declared.

This keeps the frames from the resource down to the first ``__main__.py`` (the user's entry; the
whole stack when there is none), so ``sourcePosition`` (frame 0) and the part of the trace that
names the stack's own code stay as the SDK reports them. Nothing a diff, refresh, delete or
import reads depends on them: the engine's snapshot manager calls source positions "purely
metadata" that "do not affect the system correctness" and does not even rewrite the state when
only they change (pkg/backend/snapshot.go, sameSnapshotMutation.mustWrite, Pulumi 3.274.1), so
state written with the full trace previews clean and is rewritten with the short one on the next
`up` without an extra snapshot per resource.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENTRY = "/__main__.py"


def trimmed(trace: Any) -> Any:
    """``trace`` (a ``source_pb2.StackTrace``) without the frames below the program's entry."""
    frames = list(trace.frames)
    for index, frame in enumerate(frames):
        uri = frame.pc.uri if frame.HasField("pc") else ""
        if uri.endswith(ENTRY):
            del trace.frames[index + 1 :]
            break
    return trace


def install() -> bool:
    """Wrap the SDK's stack-trace builder (once); False when this SDK has none to wrap."""
    from pulumi.runtime import resource

    original: Callable[[], Any] | None = getattr(resource, "_get_stack_trace", None)
    if original is None or getattr(original, "_vigil_trimmed", False):
        return original is not None

    def short_stack_trace() -> Any:
        return trimmed(original())

    short_stack_trace._vigil_trimmed = True  # type: ignore[attr-defined]
    resource._get_stack_trace = short_stack_trace  # type: ignore[attr-defined]
    return True

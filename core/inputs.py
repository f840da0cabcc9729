"""Provider inputs as the Python dynamic-provider runtime hands them over, shared by monitors/ and alerts/.

During a preview, inputs computed from other resources arrive as the engine's unknown sentinel
(``pulumi.runtime.rpc.UNKNOWN``); ``None`` means the stack does not manage a field.
"""

from __future__ import annotations

from typing import Any

PROVIDER_KEY = "__provider"
UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi.runtime.rpc.UNKNOWN


def is_unknown(value: Any) -> bool:
    """True for the engine's unknown value, or a list/dict holding one."""
    if isinstance(value, str):
        return value == UNKNOWN_WIRE
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_unknown(v) for v in value)
    return type(value).__name__ == "Unknown"


def known(value: Any) -> bool:
    return value is not None and not is_unknown(value)


def managed(props: dict[str, Any]) -> dict[str, Any]:
    """The inputs the stack sets: None means "not managed" (the live value is kept, never diffed)."""
    return {k: v for k, v in props.items() if k != PROVIDER_KEY and v is not None}

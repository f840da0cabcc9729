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
    """The inputs the stack sets: None means "not managed" (the live value is kept, never diffed).

    Keys starting with ``__`` are vigil's and the engine's own (the serialized provider, the
    ownership file, the reference mark): never a field of the object."""
    return {k: v for k, v in props.items() if not k.startswith("__") and v is not None}


# A resource with many fields registers most of them under one property: the Python SDK tracks one
# Output per top-level property and its wait loop costs grow with their number squared (at 500
# monitors × 25 fields a preview took 4× the engine's floor; packed, it is within 1.5×). Flat
# properties (older state, other resources) read the same through ``unpack``.
SETTINGS_KEY = "settings"


def unpack(props: dict[str, Any]) -> dict[str, Any]:
    """Flat fields of packed or flat properties (the packed value wins over a flat one)."""
    nested = props.get(SETTINGS_KEY)
    flat = {k: v for k, v in props.items() if k != SETTINGS_KEY}
    if isinstance(nested, dict):
        flat.update(nested)
    return flat


def pack(flat: dict[str, Any], nested_fields: tuple[str, ...]) -> dict[str, Any]:
    """The ``nested_fields`` present in ``flat`` go under ``SETTINGS_KEY``; every other key stays."""
    packed = {k: v for k, v in flat.items() if k not in nested_fields}
    packed[SETTINGS_KEY] = {k: flat[k] for k in nested_fields if k in flat}
    return packed

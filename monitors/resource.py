"""Registering a dynamic resource from a frozen Args dataclass (shallow: values may be Outputs)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pulumi

from core.inputs import pack


def props_of(args: Any, *outputs: str) -> dict[str, Any]:
    props = {f.name: getattr(args, f.name) for f in fields(args)}
    props.update({name: None for name in outputs})
    return props


def packed_props(args: Any, top_level: tuple[str, ...]) -> dict[str, Any]:
    """``top_level`` fields as properties; every other field the stack sets packed (core.inputs.pack)."""
    values = {f.name: getattr(args, f.name) for f in fields(args)}
    given = {k: v for k, v in values.items() if k in top_level or v is not None}
    return pack(given, tuple(k for k in values if k not in top_level))


def with_secrets(opts: pulumi.ResourceOptions | None, secrets: list[str]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secrets))

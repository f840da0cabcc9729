"""Registering a dynamic resource from a frozen Args dataclass (shallow: values may be Outputs)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pulumi

from core.inputs import SETTINGS_KEY


def props_of(args: Any, *outputs: str) -> dict[str, Any]:
    props = {f.name: getattr(args, f.name) for f in fields(args)}
    props.update({name: None for name in outputs})
    return props


def packed_props(args: Any, top_level: tuple[str, ...]) -> dict[str, Any]:
    """``top_level`` fields as properties; every other field the stack sets under SETTINGS_KEY."""
    props = {name: getattr(args, name) for name in top_level}
    props[SETTINGS_KEY] = {
        f.name: getattr(args, f.name)
        for f in fields(args)
        if f.name not in top_level and getattr(args, f.name) is not None
    }
    return props


def with_secrets(opts: pulumi.ResourceOptions | None, secrets: list[str]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secrets))

"""Registering a dynamic resource from a frozen Args dataclass (shallow: values may be Outputs)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pulumi


def props_of(args: Any, *outputs: str) -> dict[str, Any]:
    props = {f.name: getattr(args, f.name) for f in fields(args)}
    props.update({name: None for name in outputs})
    return props


def with_secrets(opts: pulumi.ResourceOptions | None, secrets: list[str]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secrets))

"""Small helpers for provider tests: run check like the engine does, then create."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider


def checked(provider: ResourceProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def create(provider: ResourceProvider, props: dict[str, Any]) -> tuple[CreateResult, dict[str, Any]]:
    """check, then create; returns the result and the checked inputs."""
    inputs = checked(provider, props)
    return provider.create(inputs), inputs


def failures(provider: ResourceProvider, props: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, props).failures}

"""Small helpers for provider tests: run check like the engine does, then create."""

from __future__ import annotations

from typing import Any

from vigil.core.provider import Created, Provider


def checked(provider: Provider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def create(provider: Provider, props: dict[str, Any]) -> tuple[Created, dict[str, Any]]:
    """check, then create; returns the result and the checked inputs."""
    inputs = checked(provider, props)
    return provider.create(inputs), inputs


def failures(provider: Provider, props: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, props).failures}

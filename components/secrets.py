"""Resolve the stack's secret references into Pulumi secret outputs (never plain values).

This is the one place the program reads the environment: ``{env: NAME}`` references become
``pulumi.Output.secret(os.environ[NAME])``; ``{config: key}`` references read the stack's
encrypted config.
"""

from __future__ import annotations

import os

import pulumi

from vigil.spec.secrets import SecretRef


class SecretUnavailable(Exception):
    pass


def resolve(ref: SecretRef, used_for: str) -> pulumi.Output[str]:
    if ref.env:
        value = os.environ.get(ref.env)
        if not value:
            raise SecretUnavailable(
                f"{used_for} needs the environment variable {ref.env}, which is not set: "
                f"export {ref.env}=… (in CI, from the repository's secrets)"
            )
        return pulumi.Output.secret(value)
    assert ref.config is not None
    value_output = pulumi.Config().get_secret(ref.config)
    if value_output is None:
        raise SecretUnavailable(
            f"{used_for} needs the secret config value '{ref.config}': "
            f"pulumi config set --secret {ref.config} … --stack {pulumi.get_stack()}"
        )
    return value_output

"""Pulumi program entry: `pulumi up --stack <env>` and `vigil up --env <env>` both run this."""

from vigil.program import run

run()

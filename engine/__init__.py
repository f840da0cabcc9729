"""How vigil drives the Pulumi engine: the CLI binary, the workspace, operations and their results."""

"""CLI commands, one module per group; ``cli.py`` only assembles them and maps errors to exit codes."""

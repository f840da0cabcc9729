"""Probes: exercise the monitoring path the way each piece would fire (``vigil verify``).

``targets`` probes what each uptime monitor watches; ``sentry`` sends a marked test event through a
DSN and asks the API whether it arrived; ``slack`` posts marked test messages. Each probe returns a
``report.Check``: plain data that ``render/verify.py`` prints. Probes sit between the commands and
``core/`` (commands → probes → core); they never drive the Pulumi engine and never print.
"""

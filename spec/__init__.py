"""The stack language and the spec model: typed, immutable building blocks a stack composes.

A stack module (``stacks/<app>.py``) builds a :class:`Stack` from these blocks and the values of
one environment (``stacks/<env>.yaml``). ``load_stack`` loads and validates it offline; every
command (validate, preview, up, drift, runbook, outputs) and the Pulumi program read that result.
"""

from vigil.spec.blocks import (
    Dashboard,
    EmailContact,
    ErrorAlert,
    HeartbeatMonitor,
    HttpMonitor,
    Incident,
    KeywordMonitor,
    LatencyMonitor,
    MaintenanceWindow,
    OnCall,
    PingMonitor,
    PortMonitor,
    ReleaseNotification,
    SentryProject,
    SentryTeam,
    Severity,
    SlackChannel,
    SlackWebhook,
    SlaTargets,
    StatusPage,
    Widget,
)
from vigil.spec.secrets import SecretRef, config_secret, env_secret
from vigil.spec.stack import Stack

__all__ = [
    "Dashboard",
    "EmailContact",
    "ErrorAlert",
    "HeartbeatMonitor",
    "HttpMonitor",
    "Incident",
    "KeywordMonitor",
    "LatencyMonitor",
    "MaintenanceWindow",
    "OnCall",
    "PingMonitor",
    "PortMonitor",
    "ReleaseNotification",
    "SecretRef",
    "SentryProject",
    "SentryTeam",
    "Severity",
    "SlaTargets",
    "SlackChannel",
    "SlackWebhook",
    "Stack",
    "StatusPage",
    "Widget",
    "config_secret",
    "env_secret",
]

"""Names of the stack outputs, shared by the program, the CLI (`vigil outputs`) and the tests."""

from __future__ import annotations

import re

MONITOR_IDS = "uptimerobot_monitor_ids"  # {monitor name: id}
HEARTBEAT_URLS = "uptimerobot_heartbeat_urls"  # {monitor name: url} (secret: the URL is a credential)
STATUS_PAGE_URLS = "uptimerobot_status_page_urls"  # {page name: public url}
SENTRY_PROJECT_IDS = "sentry_project_ids"  # {slug: id}
SENTRY_ENVIRONMENT = "sentry_environment"
SLACK_CHANNEL_ID = "slack_channel_id"


def sentry_dsn(project: str, key: str = "default") -> str:
    suffix = "" if key == "default" else f"_{_ident(key)}"
    return f"sentry_dsn_{_ident(project)}{suffix}"


def sample_rate(project: str, kind: str = "traces") -> str:
    return f"sentry_{kind}_sample_rate_{_ident(project)}"


def _ident(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def resource_name(kind: str, name: str) -> str:
    """Stable Pulumi resource names from block names: ('monitor', 'Backend API') → 'monitor-backend-api'."""
    return f"{kind}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"

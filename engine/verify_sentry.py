"""Send a clearly marked test event through a DSN (the envelope endpoint), then confirm it arrived."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from engine.verify import Check

CONFIRM_ATTEMPTS = 10


def envelope_url(dsn: str) -> tuple[str, str, str]:
    """(envelope URL, public key, project id) from a DSN ``scheme://key@host/path/<project>``."""
    parts = urlsplit(dsn)
    public_key = parts.username or ""
    path, _, project_id = parts.path.rpartition("/")
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return f"{parts.scheme}://{netloc}{path}/api/{project_id}/envelope/", public_key, project_id


def send_test_event(
    project: str, dsn: str, environment: str | None, environ: Mapping[str, str] | None = None
) -> Check:
    url, public_key, project_id = envelope_url(dsn)
    event_id = uuid.uuid4().hex
    event = {
        "event_id": event_id,
        "timestamp": datetime.now(UTC).isoformat(),
        "level": "info",
        "platform": "python",
        "environment": environment or "production",
        "message": "vigil verify: test event (safe to ignore)",
        "tags": {"vigil": "verify"},
    }
    body = "\n".join(
        [json.dumps({"event_id": event_id, "dsn": dsn}), json.dumps({"type": "event"}), json.dumps(event)]
    )
    headers = {
        "Content-Type": "application/x-sentry-envelope",
        "X-Sentry-Auth": f"Sentry sentry_version=7, sentry_client=vigil-verify/1, sentry_key={public_key}",
    }
    try:
        response = requests.post(url, data=body.encode(), headers=headers, timeout=15)
    except requests.RequestException as error:
        return Check(
            "sentry", project, False, f"the envelope endpoint did not answer ({type(error).__name__})"
        )
    if response.status_code != 200:
        return Check(
            "sentry",
            project,
            False,
            f"the envelope endpoint refused the test event "
            f"({response.status_code}): is the DSN key revoked or disabled?",
        )
    return _confirm(project, project_id, event_id, environ)


def _confirm(project: str, project_id: str, event_id: str, environ: Mapping[str, str] | None) -> Check:
    from core import credentials
    from core.errors import ClientError
    from core.sentry import SentryClient

    try:
        client = SentryClient(credentials.sentry(environ))
    except ClientError as error:
        return Check("sentry", project, True, f"event {event_id[:8]} accepted (not confirmed: {error})")
    for attempt in range(CONFIRM_ATTEMPTS):
        events = client.list(client.project_path(project_id, "events/"))
        if any(e.get("eventID") == event_id or e.get("id") == event_id for e in events):
            return Check("sentry", project, True, f"test event {event_id[:8]} arrived in project {project}")
        time.sleep(0.2 * (attempt + 1))
    return Check("sentry", project, False, f"test event {event_id[:8]} was accepted but never showed up")

"""Send a clearly marked test event through a DSN (the envelope endpoint), then confirm it arrived."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import requests

from vigil.core.errors import ClientError
from vigil.core.policy import wait_until
from vigil.probes.report import Check
from vigil.spec import outputs as names
from vigil.spec.stack import Stack

if TYPE_CHECKING:
    from vigil.core.sentry import SentryClient

T = TypeVar("T")
# Reads of the project's events until the test event shows up (about 13 s at most).
CONFIRM_READS = 10
CONFIRM_DELAY_S = 0.2
CONFIRM_CAP_S = 2.0


def envelope_url(dsn: str) -> tuple[str, str, str]:
    """(envelope URL, public key, project id) from a DSN ``scheme://key@host/path/<project>``."""
    parts = urlsplit(dsn)
    public_key = parts.username or ""
    path, _, project_id = parts.path.rpartition("/")
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return f"{parts.scheme}://{netloc}{path}/api/{project_id}/envelope/", public_key, project_id


def send_test_event(
    project: str, dsn: str, environment: str | None, connect: Callable[[], SentryClient]
) -> Check:
    """Post one test event, then wait (bounded) until the org's API, reached by ``connect()``, lists it.

    Without API credentials (``connect`` raises ``ClientError``) the event is sent but not confirmed.
    """
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
    try:
        client = connect()
    except ClientError as error:
        return Check("sentry", project, True, f"event {event_id[:8]} accepted (not confirmed: {error})")

    def arrived() -> bool:
        events = client.list(client.project_path(project_id, "events/"))
        return any(e.get("eventID") == event_id or e.get("id") == event_id for e in events)

    if wait_until(arrived, bool, reads=CONFIRM_READS, delay_s=CONFIRM_DELAY_S, cap_s=CONFIRM_CAP_S):
        return Check("sentry", project, True, f"test event {event_id[:8]} arrived in project {project}")
    return Check("sentry", project, False, f"test event {event_id[:8]} was accepted but never showed up")


def sentry_checks(
    stack: Stack, outputs: Mapping[str, tuple[Any, bool]], connect: Callable[[], SentryClient]
) -> list[Check]:
    """One test event per Sentry project of the stack, through the DSN its outputs hold."""
    checks = []
    for project in stack.sentry_projects:
        dsn, _ = outputs.get(names.sentry_dsn(project.slug), (None, True))
        if not dsn:
            checks.append(
                Check("sentry", project.slug, False, "no DSN in the stack outputs: run `vigil up` first")
            )
            continue
        checks.append(send_test_event(project.slug, str(dsn), stack.sentry_environment, connect))
    return checks

"""The Sentry emulator's protocol over real HTTP: auth, errors, Link pagination, rate limits, retired
endpoints, envelope ingest with DSN keys."""

from __future__ import annotations

import gzip
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.conftest import SandboxApi

RATE_HEADERS = (
    "X-Sentry-Rate-Limit-Limit",
    "X-Sentry-Rate-Limit-Remaining",
    "X-Sentry-Rate-Limit-Reset",
    "X-Sentry-Rate-Limit-ConcurrentLimit",
    "X-Sentry-Rate-Limit-ConcurrentRemaining",
)


@dataclass
class Sentry:
    url: str
    token: str
    org: str
    sandbox: str

    def call(self, method: str, path: str, body: Any = None, token: str | None = None, **params: Any) -> Any:
        return requests.request(
            method,
            f"{self.url}/api/0/{path.format(org=self.org)}",
            json=body,
            params=params or None,
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=10,
            allow_redirects=False,
        )

    def project(self) -> dict[str, Any]:
        assert self.call("POST", "organizations/{org}/teams/", {"slug": "ops"}).status_code == 201
        response = self.call("POST", "teams/{org}/ops/projects/", {"name": "Backend", "default_rules": False})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def control(self, method: str, path: str, **payload: Any) -> requests.Response:
        return requests.request(
            method,
            f"{self.sandbox}/_sandbox/sentry/{path}",
            json={"account": self.token, **payload},
            timeout=10,
        )


def account(sandbox: SandboxApi, **options: Any) -> Sentry:
    created = sandbox.account("sentry", **options)
    return Sentry(created["url"], created["token"], created["org"], sandbox.url)


@pytest.fixture
def sentry(sandbox: SandboxApi) -> Sentry:
    """A fresh organization for each test; overrides the conftest fixture of that name."""
    return account(sandbox)


# --- authentication and error bodies -----------------------------------------------------------
def test_wrong_token_is_401_invalid_token(sentry: Sentry) -> None:
    response = sentry.call("GET", "organizations/{org}/teams/", token="sntry_sbx_wrong")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token"}


def test_missing_token_is_401(sentry: Sentry) -> None:
    response = requests.get(f"{sentry.url}/api/0/organizations/{sentry.org}/teams/", timeout=10)
    assert response.status_code == 401


def test_token_without_the_scope_is_403(sandbox: SandboxApi) -> None:
    reader = account(sandbox, scopes=["org:read"])
    response = reader.call("POST", "organizations/{org}/teams/", {"slug": "backend"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert reader.call("GET", "organizations/{org}/teams/").json() == []  # reading is allowed


def test_unknown_object_is_404_with_detail(sentry: Sentry) -> None:
    response = sentry.call("GET", "projects/{org}/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "The requested resource does not exist"}


def test_other_organization_is_404(sentry: Sentry) -> None:
    assert sentry.call("GET", "organizations/someone-else/teams/").status_code == 404


def test_accounts_do_not_see_each_other(sandbox: SandboxApi) -> None:
    first, second = account(sandbox), account(sandbox)
    first.project()
    assert second.call("GET", "organizations/{org}/projects/").json() == []


def test_validation_error_is_a_drf_field_map(sentry: Sentry) -> None:
    response = sentry.call("POST", "organizations/{org}/teams/", {"slug": "Not A Slug"})
    assert response.status_code == 400
    assert list(response.json()) == ["slug"] and isinstance(response.json()["slug"], list)


# --- pagination --------------------------------------------------------------------------------
def test_client_keys_page_by_10_with_link_headers(sentry: Sentry) -> None:
    project = sentry.project()
    path = f"projects/{{org}}/{project['id']}/keys/"
    for index in range(24):  # plus the default key: 25
        assert sentry.call("POST", path, {"name": f"key-{index}"}).status_code == 201
    seen: list[str] = []
    response = sentry.call("GET", path)
    sizes = []
    for _ in range(10):  # bounded walk: 3 pages expected
        assert response.status_code == 200
        page = response.json()
        sizes.append(len(page))
        seen.extend(k["id"] for k in page)
        following = response.links["next"]
        assert following["rel"] == "next" and following["cursor"]
        if following["results"] != "true":
            break
        response = requests.get(
            following["url"], headers={"Authorization": f"Bearer {sentry.token}"}, timeout=10
        )
    assert sizes == [10, 10, 5]
    assert len(seen) == len(set(seen)) == 25


def test_first_page_has_no_previous_results(sentry: Sentry) -> None:
    project = sentry.project()
    response = sentry.call("GET", f"projects/{{org}}/{project['id']}/keys/")
    assert response.links["previous"]["results"] == "false"
    assert response.links["next"]["results"] == "false"


def test_per_page_is_capped_at_100(sentry: Sentry) -> None:
    for index in range(3):
        assert sentry.call("POST", "organizations/{org}/teams/", {"slug": f"team-{index}"}).status_code == 201
    response = sentry.call("GET", "organizations/{org}/teams/", per_page=2)
    assert len(response.json()) == 2 and response.links["next"]["results"] == "true"
    assert len(sentry.call("GET", "organizations/{org}/teams/", per_page=1000).json()) == 3


# --- rate limits -------------------------------------------------------------------------------
def test_every_response_carries_rate_limit_headers(sentry: Sentry) -> None:
    ok = sentry.call("GET", "organizations/{org}/teams/")
    missing = sentry.call("GET", "projects/{org}/nothing/")
    for response in (ok, missing):
        assert all(name in response.headers for name in RATE_HEADERS), response.headers
    assert ok.headers["X-Sentry-Rate-Limit-Limit"] == "40"
    reset = int(ok.headers["X-Sentry-Rate-Limit-Reset"])
    assert time.time() - 5 < reset <= time.time() + 5  # UTC epoch seconds, within the 1 s window


def test_over_the_limit_is_429_with_sentry_detail(sandbox: SandboxApi) -> None:
    sentry = account(sandbox, rate_limit_per_second=2)
    statuses = [sentry.call("GET", "organizations/{org}/teams/") for _ in range(8)]
    throttled = [r for r in statuses if r.status_code == 429]
    assert throttled, [r.status_code for r in statuses]
    assert throttled[0].json() == {
        "detail": "You are attempting to use this endpoint too frequently. Limit is 2 requests in 1 seconds"
    }
    assert throttled[0].headers["X-Sentry-Rate-Limit-Remaining"] == "0"


def test_rate_limit_is_per_endpoint(sandbox: SandboxApi) -> None:
    sentry = account(sandbox, rate_limit_per_second=2)
    for _ in range(3):
        sentry.call("GET", "organizations/{org}/teams/")
    assert sentry.call("GET", "organizations/{org}/projects/").status_code == 200


# --- retired endpoints -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "replacement"),
    [
        ("GET", "projects/{org}/backend/rules/", "workflows"),
        ("POST", "projects/{org}/backend/rules/", "workflows"),
        ("PUT", "projects/{org}/backend/rules/12/", "workflows"),
        ("DELETE", "projects/{org}/backend/rules/12/", "workflows"),
        ("GET", "organizations/{org}/alert-rules/", "detectors"),
        ("POST", "organizations/{org}/alert-rules/", "detectors"),
        ("PUT", "organizations/{org}/alert-rules/7/", "detectors"),
    ],
)
def test_retired_alert_endpoints_answer_410(sentry: Sentry, method: str, path: str, replacement: str) -> None:
    response = sentry.call(method, path, {"name": "x"})
    assert response.status_code == 410
    assert response.json() == {"message": "This API no longer exists."}
    assert response.headers["X-Sentry-Deprecation-Date"].startswith("2026-")
    assert response.headers["X-Sentry-Replacement-Endpoint"].endswith(f"/{replacement}/")


def test_retired_calls_are_counted(sentry: Sentry) -> None:
    assert sentry.control("GET", "retired-calls").json() == {"retired_calls": 0}
    sentry.call("GET", "projects/{org}/backend/rules/")
    sentry.call("POST", "organizations/{org}/alert-rules/", {})
    assert sentry.control("GET", "retired-calls").json() == {"retired_calls": 2}


# --- envelope ingest ---------------------------------------------------------------------------
def _envelope(message: str, event_id: str) -> bytes:
    event = json.dumps({"event_id": event_id, "message": message, "level": "error", "platform": "python",
                        "environment": "test", "tags": {"probe": "yes"}}).encode()  # fmt: skip
    header = json.dumps({"event_id": event_id, "sent_at": "2026-11-26T00:00:00Z"}).encode()
    item = json.dumps({"type": "event", "length": len(event)}).encode()
    session = b'{"type":"session"}\n{"sid":"abc","status":"ok"}'
    return header + b"\n" + item + b"\n" + event + b"\n" + session + b"\n"


def _dsn_parts(sentry: Sentry, project: dict[str, Any]) -> tuple[str, str]:
    [key] = sentry.call("GET", f"projects/{{org}}/{project['id']}/keys/").json()
    dsn = key["dsn"]["public"]  # http://<public>@127.0.0.1:<port>/sentry/<project id>
    scheme, rest = dsn.split("://")
    public, host_path = rest.split("@")
    base, project_id = host_path.rsplit("/", 1)
    return public, f"{scheme}://{base}/api/{project_id}/envelope/"


def test_envelope_is_ingested_and_read_back(sentry: Sentry) -> None:
    project = sentry.project()
    public, endpoint = _dsn_parts(sentry, project)
    event_id = uuid.uuid4().hex
    auth = f"Sentry sentry_key={public}, sentry_version=7, sentry_client=probe/1.0"
    response = requests.post(endpoint, data=_envelope("probe event", event_id),
                             headers={"X-Sentry-Auth": auth}, timeout=10)  # fmt: skip
    assert response.status_code == 200 and response.json() == {"id": event_id}
    [event] = sentry.call("GET", f"projects/{{org}}/{project['id']}/events/").json()
    assert (event["eventID"], event["message"]) == (event_id, "probe event")
    assert {"key": "probe", "value": "yes"} in event["tags"]
    stored = sentry.control("GET", "events").json()["events"]
    assert [e["id"] for e in stored] == [event_id]


def test_gzipped_envelope_with_query_key_is_ingested(sentry: Sentry) -> None:
    project = sentry.project()
    public, endpoint = _dsn_parts(sentry, project)
    body = gzip.compress(_envelope("zipped", uuid.uuid4().hex))
    response = requests.post(endpoint, params={"sentry_key": public}, data=body,
                             headers={"Content-Encoding": "gzip"}, timeout=10)  # fmt: skip
    assert response.status_code == 200
    events = sentry.call("GET", f"projects/{{org}}/{project['id']}/events/").json()
    assert [e["message"] for e in events] == ["zipped"]


def test_envelope_without_a_key_is_401_and_unknown_key_403(sentry: Sentry) -> None:
    project = sentry.project()
    _, endpoint = _dsn_parts(sentry, project)
    assert requests.post(endpoint, data=_envelope("x", uuid.uuid4().hex), timeout=10).status_code == 401
    response = requests.post(endpoint, params={"sentry_key": "0" * 32}, data=b"{}\n", timeout=10)
    assert response.status_code == 403


def test_revoked_dsn_key_is_rejected(sentry: Sentry) -> None:
    project = sentry.project()
    public, endpoint = _dsn_parts(sentry, project)
    revoked = sentry.control("POST", "keys/revoke", public_key=public)
    assert revoked.status_code == 200
    body = _envelope("late", uuid.uuid4().hex)
    response = requests.post(endpoint, params={"sentry_key": public}, data=body, timeout=10)
    assert response.status_code == 403
    assert sentry.call("GET", f"projects/{{org}}/{project['id']}/events/").json() == []
    key = sentry.call("GET", f"projects/{{org}}/{project['id']}/keys/{public}/").json()
    assert key["isActive"] is False


def test_key_of_another_project_is_rejected(sentry: Sentry) -> None:
    project = sentry.project()
    public, endpoint = _dsn_parts(sentry, project)
    other = endpoint.replace(f"/api/{project['id']}/", "/api/1/")
    response = requests.post(
        other, params={"sentry_key": public}, data=_envelope("x", uuid.uuid4().hex), timeout=10
    )
    assert response.status_code == 403

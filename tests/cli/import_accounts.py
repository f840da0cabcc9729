"""Accounts clicked together before vigil: objects made through the emulators' raw HTTP APIs.

The request bodies are the ones the consoles' API would take (built with the providers' pure
``to_wire``/``build_body`` helpers, which follow the official documents); nothing here goes through
vigil's providers, clients or the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.conftest import SentryAccount, SlackAccount, UptimeRobotAccount

AUTH_HEADER = "Bearer s3cr3t-health-token"
PARTNER_URL = "https://partner.example.com/health?api_key=k3y-in-the-url"
PAGE_PASSWORD = "page-pa55word"


@dataclass
class Populated:
    ids: dict[str, str] = field(default_factory=dict)  # "kind:name" → id
    webhook_url: str = ""

    @property
    def count(self) -> int:
        return len(self.ids)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code < 300, (response.status_code, response.text)
    return dict(response.json())


def populate_uptimerobot(account: UptimeRobotAccount, webhook_url: str, found: Populated) -> None:
    from vigil.monitors.alert_contact import AlertContactProvider
    from vigil.monitors.integration import IntegrationProvider
    from vigil.monitors.maintenance_window import MaintenanceWindowProvider
    from vigil.monitors.monitor import to_wire
    from vigil.monitors.status_page import StatusPageProvider

    contacts = {}
    for name, email in (("ops", "ops@example.com"), ("dev lead", "lead@example.com")):
        body = AlertContactProvider().to_wire(
            {"name": name, "value": email, "notify_on": "UpAndDown"}, creating=True
        )
        contacts[name] = _ok(account.post("/alert-contacts", body))["id"]
        found.ids[f"contact:{name}"] = str(contacts[name])
    body = IntegrationProvider().to_wire(
        {"name": "Slack alerts", "type": "slack", "webhook_url": webhook_url, "channel": "#incidents"},
        creating=True,
    )
    slack = _ok(account.post("/integrations", body))["id"]
    found.ids["integration:Slack alerts"] = str(slack)
    alert = [
        {"contact_id": contacts["ops"], "threshold": 2, "recurrence": 10},
        {"contact_id": slack, "threshold": 2, "recurrence": 10},
    ]
    monitors: list[dict[str, Any]] = [
        {"name": "API health", "type": "http", "interval": 60, "url": "https://api.example.com/health",
         "timeout": 20, "http_method": "GET", "alert_contacts": alert,
         "headers": {"Authorization": AUTH_HEADER, "X-Source": "uptime"}, "tags": ["api", "p0"]},
        {"name": "API v2", "type": "http", "interval": 300, "url": "https://api.example.com/v2/health",
         "success_codes": ["2xx"], "follow_redirects": False, "check_ssl_errors": True,
         "alert_contacts": [{"contact_id": contacts["dev lead"], "threshold": 0, "recurrence": 0}]},
        {"name": "AI", "type": "keyword", "interval": 600, "url": "https://api.example.com/ai/health",
         "keyword": '"status":"healthy"', "keyword_type": "not_exists", "keyword_case_sensitive": True,
         "alert_contacts": alert},
        {"name": "Docs", "type": "keyword", "interval": 900, "url": "https://docs.example.com",
         "keyword": "maintenance", "keyword_type": "exists"},
        {"name": "Partner API", "type": "http", "interval": 300, "url": PARTNER_URL},
        {"name": "Database host", "type": "ping", "interval": 300, "url": "db.example.com"},
        {"name": "Redis", "type": "port", "interval": 300, "url": "redis.example.com", "port": 6379, "timeout": 10},
        {"name": "Nightly backup", "type": "heartbeat", "interval": 86400, "grace_period": 3600,
         "alert_contacts": alert},
        *[
            {"name": f"Service {n}", "type": "http", "interval": 300, "url": f"https://s{n}.example.com/",
             "ssl_expiration_reminder": n % 2 == 0}
            for n in range(1, 9)
        ],
    ]  # fmt: skip
    for values in monitors:
        created = _ok(account.post("/monitors", to_wire(values, creating=True)))
        found.ids[f"monitor:{values['name']}"] = str(created["id"])
    shown = [int(found.ids[f"monitor:{n}"]) for n in ("API health", "AI", "Service 1")]
    body = StatusPageProvider().to_wire(
        {
            "name": "Example status",
            "monitor_ids": shown,
            "custom_domain": "status.example.com",
            "no_index": True,
            "password": PAGE_PASSWORD,
        },
        creating=True,
    )
    found.ids["status-page:Example status"] = str(_ok(account.post("/psps", body))["id"])
    body = MaintenanceWindowProvider().to_wire(
        {"name": "Sunday deploys", "interval": "weekly", "time": "02:00:00", "duration": 90, "days": [7],
         "monitor_ids": [int(found.ids["monitor:API health"])]},
        creating=True,
    )  # fmt: skip
    found.ids["window:Sunday deploys"] = str(_ok(account.post("/maintenance-windows", body))["id"])


def populate_sentry(account: SentryAccount, found: Populated) -> None:
    from vigil.alerts import alert, dashboard, metric_monitor

    org = account.org
    team = _ok(account.post(f"organizations/{org}/teams/", {"slug": "platform"}))
    found.ids["team:platform"] = str(team["id"])
    projects = {}
    for slug, platform in (("backend", "python-fastapi"), ("frontend", "javascript-angular")):
        body = {"name": slug, "slug": slug, "platform": platform, "default_rules": False}
        projects[slug] = str(_ok(account.post(f"teams/{org}/platform/projects/", body))["id"])
        found.ids[f"project:{slug}"] = projects[slug]
    _ok(account.post(f"projects/{org}/backend/keys/", {"name": "browser"}))
    streams = {
        str(d["projectId"]): str(d["id"])
        for d in account.get(f"organizations/{org}/detectors/", query="type:issue_stream").json()
    }
    for slug, channel in (("backend", "#incidents"), ("frontend", None)):
        actions: list[dict[str, Any]] = [{"type": "email", "team_id": team["id"]}]
        if channel:
            actions.append({"type": "slack", "channel": channel})
        fields = {"name": f"{slug} errors", "triggers": ["first_seen_event"], "events_above": 10,
                  "interval": "1m", "frequency": 30, "environment": "production", "actions": actions}  # fmt: skip
        body = alert.build_body(fields, [streams[projects[slug]]], lambda: _slack_id(account), None)
        found.ids[f"alert:{slug} errors"] = str(
            _ok(account.post(f"organizations/{org}/workflows/", body))["id"]
        )
    monitor_fields = {"name": "backend p95", "project_id": projects["backend"], "aggregate": "p95(span.duration)",
                      "threshold": 1500.0, "time_window": 300, "dataset": "events_analytics_platform",
                      "query": "is_transaction:true", "environment": "production", "owner_team_id": team["id"]}  # fmt: skip
    body = metric_monitor.build_body(monitor_fields, None)
    detector = _ok(account.post(f"organizations/{org}/projects/{projects['backend']}/detectors/", body))
    found.ids["metric-monitor:backend p95"] = str(detector["id"])
    fields = {"name": "backend p95 alert", "metric_monitor_id": str(detector["id"]), "frequency": 30,
              "environment": "production", "actions": [{"type": "email", "team_id": team["id"]}]}  # fmt: skip
    body = alert.build_body(fields, [str(detector["id"])], lambda: _slack_id(account), None)
    found.ids["alert:backend p95 alert"] = str(
        _ok(account.post(f"organizations/{org}/workflows/", body))["id"]
    )
    for slug, project_id in projects.items():
        for key in account.get(f"projects/{org}/{project_id}/keys/").json():
            found.ids[f"key:{slug}/{key['name']}"] = str(key["id"])
    widgets = [
        {"title": "Errors", "display": "big_number", "dataset": "error-events", "aggregate": "count()", "query": ""},
        {"title": "p95", "display": "line", "dataset": "spans", "aggregate": "p95(span.duration)",
         "query": "is_transaction:true"},
    ]  # fmt: skip
    body = dashboard.build_body(
        {"title": "Health", "widgets": widgets, "period": "24h", "project_ids": list(projects.values())}, None
    )
    found.ids["dashboard:Health"] = str(_ok(account.post(f"organizations/{org}/dashboards/", body))["id"])


def _slack_id(account: SentryAccount) -> str:
    found = account.get(f"organizations/{account.org}/integrations/", provider_key="slack").json()
    return str(found[0]["id"])


def populate_slack(account: SlackAccount, found: Populated) -> None:
    created = account.call("conversations.create", name="incidents")
    assert created.get("ok"), created
    found.ids["channel:incidents"] = str(created["channel"]["id"])


def populate_on_shared(uptimerobot: UptimeRobotAccount, sentry: SentryAccount, found: Populated) -> None:
    """A monitor alerting the other stack's contact and a project in the other stack's team."""
    from vigil.monitors.monitor import to_wire

    [contact] = [
        c for c in uptimerobot.get("/alert-contacts").json()["data"] if c["value"] == "oncall@example.com"
    ]
    values = {"name": "Payments", "type": "http", "interval": 300, "url": "https://pay.example.com/health",
              "alert_contacts": [{"contact_id": contact["id"], "threshold": 0, "recurrence": 0}]}  # fmt: skip
    found.ids["monitor:Payments"] = str(
        _ok(uptimerobot.post("/monitors", to_wire(values, creating=True)))["id"]
    )
    body = {"name": "billing-api", "slug": "billing-api", "platform": "python", "default_rules": False}
    found.ids["project:billing-api"] = str(
        _ok(sentry.post(f"teams/{sentry.org}/shared/projects/", body))["id"]
    )
    # The dashboard shows every project, the new one too (as a stack's dashboard does).
    path = f"organizations/{sentry.org}/dashboards/{found.ids['dashboard:Health']}/"
    current = sentry.get(path).json()
    projects = [*current["projects"], int(found.ids["project:billing-api"])]
    _ok(sentry.put(path, {**{k: current[k] for k in ("title", "widgets", "period")}, "projects": projects}))

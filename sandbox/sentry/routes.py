"""Sentry's routes, in the order of reference/sentry-api.yaml: the org-scoped API under /api/0, envelope
ingest under /api/<project_id>/envelope/, then the retired alert endpoints (410 on the methods they
took, 405 on the others)."""

from vigil.sandbox.core.routing import Route

ORG = "/api/0/organizations/{org}"
TEAM = "/api/0/teams/{org}/{team}"
PROJECT = "/api/0/projects/{org}/{project}"

ROUTES = [
    Route("GET", "/api/0/internal/health", "health_check"),
    Route("GET", ORG, "get_organization"),
    Route("GET", f"{ORG}/teams", "list_teams"),
    Route("POST", f"{ORG}/teams", "create_team"),
    Route("GET", f"{ORG}/integrations", "list_integrations"),
    Route("GET", f"{ORG}/integrations/{{integration}}", "get_integration"),
    Route("POST", f"{ORG}/integrations/{{integration}}", "update_integration"),
    Route("GET", f"{ORG}/members", "list_members"),
    Route("POST", f"{ORG}/members", "invite_member"),
    Route("GET", f"{ORG}/members/{{member}}", "get_member"),
    Route("PUT", f"{ORG}/members/{{member}}", "update_member"),
    Route("DELETE", f"{ORG}/members/{{member}}", "remove_member"),
    Route("GET", f"{ORG}/projects", "list_projects"),
    Route("GET", f"{ORG}/stats_v2", "get_stats_v2"),  # sandbox/sentry/stats.py
    Route("GET", f"{ORG}/events", "list_organization_events"),  # aggregates only: sandbox/sentry/stats.py
    Route("GET", f"{ORG}/events-stats", "get_events_stats"),  # sandbox/sentry/stats.py
    Route("GET", f"{ORG}/issues", "list_organization_issues"),  # sandbox/sentry/stats.py
    Route("GET", f"{ORG}/sentry-app-installations", "list_app_installations"),
    Route("POST", f"{ORG}/spike-protections", "enable_spike_protection"),
    Route("DELETE", f"{ORG}/spike-protections", "disable_spike_protection"),
    Route("GET", f"{ORG}/workflows", "list_workflows"),
    Route("POST", f"{ORG}/workflows", "create_workflow"),
    Route("GET", f"{ORG}/workflows/{{workflow}}", "get_workflow"),
    Route("PUT", f"{ORG}/workflows/{{workflow}}", "update_workflow"),
    Route("DELETE", f"{ORG}/workflows/{{workflow}}", "delete_workflow"),
    Route("GET", f"{ORG}/detectors", "list_detectors"),
    Route("POST", f"{ORG}/detectors", "create_detector"),
    Route("POST", f"{ORG}/projects/{{project}}/detectors", "create_project_detector"),
    Route("GET", f"{ORG}/detectors/{{detector}}", "get_detector"),
    Route("PUT", f"{ORG}/detectors/{{detector}}", "update_detector"),
    Route("DELETE", f"{ORG}/detectors/{{detector}}", "delete_detector"),
    Route("GET", f"{ORG}/dashboards", "list_dashboards"),
    Route("POST", f"{ORG}/dashboards", "create_dashboard"),
    Route("GET", f"{ORG}/dashboards/{{dashboard}}", "get_dashboard"),
    Route("PUT", f"{ORG}/dashboards/{{dashboard}}", "update_dashboard"),
    Route("DELETE", f"{ORG}/dashboards/{{dashboard}}", "delete_dashboard"),
    Route("GET", TEAM, "get_team"),
    Route("PUT", TEAM, "update_team"),
    Route("DELETE", TEAM, "delete_team"),
    Route("POST", f"{TEAM}/projects", "create_team_project"),
    Route("GET", PROJECT, "get_project"),
    Route("PUT", PROJECT, "update_project"),
    Route("DELETE", PROJECT, "delete_project"),
    Route("POST", f"{PROJECT}/teams/{{team}}", "add_project_team"),
    Route("DELETE", f"{PROJECT}/teams/{{team}}", "remove_project_team"),
    Route("GET", f"{PROJECT}/keys", "list_keys"),
    Route("POST", f"{PROJECT}/keys", "create_key"),
    Route("GET", f"{PROJECT}/keys/{{key}}", "get_key"),
    Route("PUT", f"{PROJECT}/keys/{{key}}", "update_key"),
    Route("DELETE", f"{PROJECT}/keys/{{key}}", "delete_key"),
    Route("GET", f"{PROJECT}/events", "list_project_events"),
    Route("GET", f"{PROJECT}/ownership", "get_ownership"),
    Route("PUT", f"{PROJECT}/ownership", "update_ownership"),
    Route("POST", "/api/{project_id}/envelope", "ingest_envelope"),
]

# Retired in 2026 (reference/sentry-api.md §4a, §5a): the methods the legacy endpoints took answer 410
# with deprecation headers; any other method is a 405, as before the retirement (DRF dispatches on
# the method first). The sets are the old endpoints' handlers (ProjectRulesEndpoint get/post,
# ProjectRuleDetailsEndpoint get/put/delete, the snooze/enable actions, the rule-task status get).
_LIST, _DETAIL, _ACTION, _TASK = (
    ("GET", "POST"),
    ("GET", "PUT", "DELETE"),
    ("POST", "PUT", "DELETE"),
    ("GET",),
)
RETIRED = [
    Route(method, template, operation)
    for template, operation, methods in (
        (f"{PROJECT}/rules", "retired_rules", _LIST),
        (f"{PROJECT}/rules/{{rule}}", "retired_rules", _DETAIL),
        (f"{PROJECT}/rules/{{rule}}/{{action}}", "retired_rules", _ACTION),
        (f"{PROJECT}/rule-task/{{task}}", "retired_rules", _TASK),
        (f"{ORG}/alert-rules", "retired_alert_rules", _LIST),
        (f"{ORG}/alert-rules/{{rule}}", "retired_alert_rules", _DETAIL),
        (f"{ORG}/alert-rules/{{rule}}/{{action}}", "retired_alert_rules", _ACTION),
        (f"{PROJECT}/alert-rules", "retired_alert_rules", _LIST),
        (f"{PROJECT}/alert-rules/{{rule}}", "retired_alert_rules", _DETAIL),
        (f"{PROJECT}/alert-rule-task/{{task}}", "retired_alert_rules", _TASK),
    )
    for method in methods
]

CONTROL_ROUTES = [
    Route("GET", "/retired-calls", "control_retired_calls"),
    Route("GET", "/events", "control_events"),
    Route("POST", "/keys/revoke", "control_revoke_key"),
    Route("GET", "/workflow-churn", "control_workflow_churn"),
    Route("GET", "/issues", "control_issues"),
    Route("GET", "/notifications", "control_notifications"),
    Route("GET", "/outbox", "control_outbox"),
]

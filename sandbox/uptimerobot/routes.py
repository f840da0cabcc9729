"""Uptime Robot v3 routes, in the order of the official OpenAPI document (reference/…-openapi.json).

Operation names are the responses methods and the keys of the control plane's request counters
(``GET /_sandbox/requests``): ``list_monitors`` counts monitor list calls, ``get_monitor`` gets.
"""

from vigil.sandbox.core.routing import Route

ROUTES = [
    Route("POST", "/monitors/bulk/pause", "bulk_pause"),
    Route("POST", "/monitors/bulk/start", "bulk_start"),
    Route("POST", "/monitors/bulk/update", "bulk_update"),
    Route("GET", "/incidents", "list_incidents"),
    Route("GET", "/incidents/{id}", "get_incident"),
    Route("GET", "/incidents/{id}/comments", "list_incident_comments"),
    Route("POST", "/incidents/{id}/comments", "create_incident_comment"),
    Route("GET", "/incidents/{id}/activity-log", "get_incident_activity_log"),
    Route("GET", "/incidents/{id}/alerts", "get_incident_alerts"),
    Route("PATCH", "/incidents/{id}/comments/{commentId}", "update_incident_comment"),
    Route("DELETE", "/incidents/{id}/comments/{commentId}", "delete_incident_comment"),
    Route("POST", "/monitor-groups", "create_monitor_group"),
    Route("GET", "/monitor-groups", "list_monitor_groups"),
    Route("GET", "/monitor-groups/{id}", "get_monitor_group"),
    Route("PATCH", "/monitor-groups/{id}", "update_monitor_group"),
    Route("DELETE", "/monitor-groups/{id}", "delete_monitor_group"),
    Route("GET", "/monitors/storm-protection", "get_storm_protection"),
    Route("PATCH", "/monitors/storm-protection", "update_storm_protection"),
    Route("GET", "/monitors", "list_monitors"),
    Route("POST", "/monitors", "create_monitor"),
    Route("GET", "/monitors/uptime-stats", "get_uptime_stats"),
    Route("GET", "/monitors/{id}/stats/uptime", "get_monitor_uptime_stats"),
    Route("GET", "/monitors/{id}/stats/response-time/all", "get_monitor_response_times_by_region"),
    Route("GET", "/monitors/{id}/stats/response-time", "get_monitor_response_times"),
    Route("GET", "/monitors/{id}", "get_monitor"),
    Route("PATCH", "/monitors/{id}", "update_monitor"),
    Route("DELETE", "/monitors/{id}", "delete_monitor"),
    Route("POST", "/monitors/{id}/reset", "reset_monitor"),
    Route("POST", "/monitors/{id}/pause", "pause_monitor"),
    Route("POST", "/monitors/{id}/start", "start_monitor"),
    Route("GET", "/psps", "list_psps"),
    Route("POST", "/psps", "create_psp"),
    Route("GET", "/psps/{id}", "get_psp"),
    Route("PATCH", "/psps/{id}", "update_psp"),
    Route("DELETE", "/psps/{id}", "delete_psp"),
    Route("GET", "/psps/{pspId}/announcements", "list_announcements"),
    Route("POST", "/psps/{pspId}/announcements", "create_announcement"),
    Route("GET", "/psps/{pspId}/announcements/{id}", "get_announcement"),
    Route("PATCH", "/psps/{pspId}/announcements/{id}", "update_announcement"),
    Route("POST", "/psps/{pspId}/announcements/{id}/pin", "pin_announcement"),
    Route("POST", "/psps/{pspId}/announcements/{id}/unpin", "unpin_announcement"),
    Route("GET", "/maintenance-windows", "list_maintenance_windows"),
    Route("POST", "/maintenance-windows", "create_maintenance_window"),
    Route("GET", "/maintenance-windows/{id}", "get_maintenance_window"),
    Route("PATCH", "/maintenance-windows/{id}", "update_maintenance_window"),
    Route("DELETE", "/maintenance-windows/{id}", "delete_maintenance_window"),
    Route("GET", "/user/me", "get_me"),
    Route("GET", "/user/alert-contacts", "list_user_alert_contacts"),
    Route("GET", "/user/all-alert-contacts", "list_all_alert_contacts"),
    Route("GET", "/integrations", "list_integrations"),
    Route("POST", "/integrations", "create_integration"),
    Route("GET", "/integrations/{id}", "get_integration"),
    Route("PATCH", "/integrations/{id}", "update_integration"),
    Route("DELETE", "/integrations/{id}", "delete_integration"),
    Route("GET", "/alert-contacts", "list_alert_contacts"),
    Route("POST", "/alert-contacts", "create_alert_contact"),
    Route("GET", "/alert-contacts/{id}", "get_alert_contact"),
    Route("PATCH", "/alert-contacts/{id}", "update_alert_contact"),
    Route("DELETE", "/alert-contacts/{id}", "delete_alert_contact"),
    Route("GET", "/tags", "list_tags"),
    Route("DELETE", "/tags/{id}", "delete_tag"),
]

CONTROL_ROUTES = [
    Route("POST", "/monitor-status", "control_monitor_status"),  # append a check to a monitor's history
    # a heartbeat monitor's URL, called by the job it watches (any method, as the real one takes)
    *(Route(method, "/heartbeat/{token}", "control_heartbeat") for method in ("GET", "POST", "HEAD")),
    *(Route(method, "/deliveries", "control_deliveries") for method in ("GET", "DELETE")),
    Route("GET", "/outbox", "control_outbox"),  # the e-mails alert contacts received
    *(Route(method, "/scheduler", "control_scheduler") for method in ("GET", "DELETE")),
    Route("GET", "/status-pages", "control_status_pages"),  # each page's local URL
    Route("GET", "/status/{key}", "control_status_page"),  # a status page as a visitor sees it (HTML)
]

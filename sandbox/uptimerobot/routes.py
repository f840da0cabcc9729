"""Uptime Robot v3 routes, in the order of the official OpenAPI document."""

from sandbox.core.routing import Route

ROUTES = [
    Route("GET", "/monitors", "list_monitors"),
    Route("POST", "/monitors", "create_monitor"),
    Route("GET", "/monitors/{id}", "get_monitor"),
    Route("PATCH", "/monitors/{id}", "update_monitor"),
    Route("DELETE", "/monitors/{id}", "delete_monitor"),
    Route("POST", "/monitors/{id}/pause", "pause_monitor"),
    Route("POST", "/monitors/{id}/start", "start_monitor"),
    Route("GET", "/user/me", "get_me"),
]

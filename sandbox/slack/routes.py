"""Slack routes: Web API methods under /api/<method>, incoming webhooks under /services/…"""

from sandbox.core.routing import Route

ROUTES = [
    Route("POST", "/api/auth.test", "auth_test"),
    Route("GET", "/api/auth.test", "auth_test"),
    Route("GET", "/api/conversations.list", "conversations_list"),
    Route("POST", "/api/conversations.list", "conversations_list"),
    Route("GET", "/api/conversations.info", "conversations_info"),
    Route("POST", "/api/conversations.info", "conversations_info"),
    Route("POST", "/api/conversations.create", "conversations_create"),
    Route("POST", "/api/conversations.rename", "conversations_rename"),
    Route("POST", "/api/conversations.setPurpose", "conversations_set_purpose"),
    Route("POST", "/api/conversations.archive", "conversations_archive"),
    Route("POST", "/api/conversations.unarchive", "conversations_unarchive"),
    Route("POST", "/api/chat.postMessage", "chat_post_message"),
    Route("POST", "/services/{team}/{bot}/{secret}", "incoming_webhook"),
]

CONTROL_ROUTES = [
    Route("GET", "/messages", "list_messages"),
    Route("POST", "/webhooks/revoke", "revoke_webhook"),
    Route("POST", "/webhooks", "create_webhook"),
]

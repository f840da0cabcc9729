"""Slack routes: Web API methods under /api/<method>, incoming webhooks under /services/<T…>/<B…>/<secret>.

Every Web API method answers GET as well as POST: Slack takes arguments "as GET querystring
parameters, POST parameters … or a mix of both" (docs.slack.dev/apis/web-api), so a GET on a write
method runs it with its query arguments; it is never ``unknown_method``.
"""

from vigil.sandbox.core.routing import Route

READS = [("auth.test", "auth_test"), ("conversations.list", "conversations_list"),
         ("conversations.info", "conversations_info"),
         ("conversations.history", "conversations_history")]  # fmt: skip
WRITES = [
    ("conversations.create", "conversations_create"),
    ("conversations.rename", "conversations_rename"),
    ("conversations.setPurpose", "conversations_set_purpose"),
    ("conversations.archive", "conversations_archive"),
    ("conversations.unarchive", "conversations_unarchive"),
    ("conversations.join", "conversations_join"),
    ("chat.postMessage", "chat_post_message"),
]

ROUTES = [
    *(Route(verb, f"/api/{method}", operation) for method, operation in READS for verb in ("GET", "POST")),
    *(Route(verb, f"/api/{method}", operation) for method, operation in WRITES for verb in ("GET", "POST")),
    Route("POST", "/services/{team}/{bot}/{secret}", "incoming_webhook"),
]

CONTROL_ROUTES = [
    Route("GET", "/messages", "control_messages"),
    Route("POST", "/webhooks/revoke", "control_revoke_webhook"),
    Route("POST", "/webhooks", "control_create_webhook"),
]

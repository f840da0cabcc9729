"""A stand-in for the monitored application: the URLs the sandbox stack's monitors check.

Serves Conductor's health endpoints on 127.0.0.1 so `vigil verify --env sandbox` probes something
real; a test switches it unhealthy (503, no keyword) or down (connection refused) to simulate an
outage. Control: ``POST /_target/health {"healthy": false}`` fails every path, and
``{"healthy": false, "paths": ["/api/v1/health"]}`` only those (what `vigil drill` switches off, so
one monitor fails and its neighbours stay up); ``{"healthy": true}`` heals all. ``GET /_target/health``
says what is failing.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEALTHY = {
    "/api/v1/health/simple": {"status": "ok"},
    "/api/v1/health": {"status": "healthy", "database": "ok", "redis": "ok"},
    "/api/v1/ai/health": {"status": "healthy", "provider": "claude"},
}


class _State:
    def __init__(self) -> None:
        self.healthy = True
        self.failing: set[str] = set()  # paths failing while the rest stays healthy
        self.lock = threading.Lock()

    def healthy_at(self, path: str) -> bool:
        return self.healthy and path not in self.failing

    def document(self) -> dict[str, object]:
        return {"healthy": self.healthy and not self.failing, "failing": sorted(self.failing)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _TargetHTTPServer

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        if path == "/_target/health":
            self._send(200, json.dumps(self.server.state.document()).encode(), "application/json")
            return
        healthy = self.server.state.healthy_at(path)
        if path in HEALTHY:
            body = HEALTHY[path] if healthy else {"status": "degraded", "error": "simulated outage"}
            self._send(
                200 if healthy else 503, json.dumps(body, separators=(",", ":")).encode(), "application/json"
            )
        elif path == "/":
            page = b"<!doctype html><title>Conductor CRM</title><app-root></app-root>"
            self._send(200 if healthy else 503, page, "text/html; charset=utf-8")
        else:
            self._send(404, b'{"detail":"Not Found"}', "application/json")

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self) -> None:
        if self.path != "/_target/health":
            self._send(404, b"{}", "application/json")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            payload = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            payload = None
        paths = payload.get("paths") if isinstance(payload, dict) else None
        if not isinstance(payload, dict) or not (paths is None or isinstance(paths, list)):
            self._send(400, b'{"error":"send {\\"healthy\\": bool, \\"paths\\": [..]}"}', "application/json")
            return
        state = self.server.state
        with state.lock:
            healthy = bool(payload.get("healthy", True))
            if healthy:
                state.healthy, state.failing = True, set()
            elif paths:
                state.failing |= {str(p).split("?", 1)[0].rstrip("/") or "/" for p in paths}
            else:
                state.healthy = False
        self._send(200, json.dumps(state.document()).encode(), "application/json")

    def log_message(self, format: str, *args: object) -> None:
        return


class _TargetHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int) -> None:
        self.state = _State()
        super().__init__(("127.0.0.1", port), _Handler)


class TargetServer:
    def __init__(self, port: int = 0) -> None:
        self._server = _TargetHTTPServer(port)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def set_healthy(self, healthy: bool) -> None:
        with self._server.state.lock:
            self._server.state.healthy = healthy
            if healthy:
                self._server.state.failing = set()

    def start(self) -> TargetServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="vigil-target", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

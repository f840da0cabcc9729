"""A threaded HTTP server for the sandbox, bound to 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from vigil.sandbox.core.app import Sandbox
from vigil.sandbox.core.errors import DroppedConnection

LOOPBACK = "127.0.0.1"


class PortInUseError(OSError):
    def __init__(self, port: int) -> None:
        super().__init__(f"port {port} on {LOOPBACK} is already in use")
        self.port = port


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        host, port = self.server.server_address[:2]
        origin = f"http://{host!s}:{port}"
        try:
            response = self.server.sandbox.handle(
                self.command, parts.path, parts.query, dict(self.headers.items()), body, origin
            )
        except DroppedConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload, content_type = response.encode()
        self.send_response(response.status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in response.headers.items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def __getattr__(self, name: str) -> object:
        """Any other method (TRACE, QUERY…) reaches the dispatcher too, which answers 405 where no
        route takes it, never the standard library's HTML 501."""
        if name.startswith("do_") and name[3:].isalpha() and name[3:].isupper():
            return self._serve
        raise AttributeError(name)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header on the sandbox clock, as a real API's server clock (``vigil sla``
        measures its window from it, so an advanced clock moves "now" for clients too)."""
        return super().date_time_string(self.server.sandbox.clock.epoch() if timestamp is None else timestamp)

    def log_message(self, format: str, *args: object) -> None:
        return  # requests are counted by the control plane; nothing (no tokens) goes to logs


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The standard library listens with a backlog of 5: under 40 simultaneous clients the kernel
    # resets connections. The real APIs never drop them, so queue as many as the kernel allows.
    request_queue_size = socket.SOMAXCONN

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)


class SandboxServer:
    """Start/stop a sandbox in a background thread (tests) or in the foreground (the daemon)."""

    def __init__(self, sandbox: Sandbox, port: int = 0) -> None:
        self.sandbox = sandbox
        try:
            self._server = _Server((LOOPBACK, port), sandbox)
        except OSError as error:
            if error.errno in {98, 48}:  # EADDRINUSE on Linux, macOS
                raise PortInUseError(port) from error
            raise
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="vigil-sandbox", daemon=True)
        self._thread.start()
        self.sandbox.start_background()
        return self

    def serve_forever(self) -> None:
        self.sandbox.start_background()
        try:
            self._server.serve_forever()
        finally:
            self.sandbox.stop_background()

    def close(self) -> None:
        """Release the port of a server that never served."""
        self._server.server_close()

    def stop(self) -> None:
        self.sandbox.stop_background()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sandbox.save()

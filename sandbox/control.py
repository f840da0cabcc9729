"""Start, stop and ask a background sandbox (what ``vigil sandbox start|stop|status`` does).

The sandbox runs as ``python -m vigil.sandbox`` bound to 127.0.0.1, with its state file and a small
``server.json`` ({pid, url}) under ``<project>/.vigil/sandbox/``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

DEFAULT_PORT = 8710
START_TIMEOUT_S = 20.0


class SandboxStartError(RuntimeError):
    pass


@dataclass(frozen=True)
class SandboxPaths:
    root: Path

    @classmethod
    def for_project(cls, project_root: Path) -> SandboxPaths:
        return cls(project_root / ".vigil" / "sandbox")

    @property
    def state(self) -> Path:
        return self.root / "state.pickle"

    @property
    def server_file(self) -> Path:
        return self.root / "server.json"

    @property
    def log(self) -> Path:
        return self.root / "sandbox.log"


def _alive(pid: int) -> bool:
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)  # our own child: reap it, or it lingers as a zombie
        if reaped == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def fetch_status(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    try:
        with urlopen(f"{url}/_sandbox/status", timeout=timeout) as response:
            return dict(json.loads(response.read().decode("utf-8")))
    except (URLError, OSError, ValueError):
        return None


def running(paths: SandboxPaths) -> tuple[int, str] | None:
    """(pid, url) of a live sandbox for this project, or None."""
    try:
        info = json.loads(paths.server_file.read_text())
    except (OSError, ValueError):
        return None
    pid, url = int(info.get("pid", 0)), str(info.get("url", ""))
    if pid and _alive(pid) and fetch_status(url) is not None:
        return pid, url
    return None


def start(paths: SandboxPaths, port: int = DEFAULT_PORT) -> tuple[int, str, bool]:
    """Start the sandbox unless it runs: (pid, url, started_now)."""
    current = running(paths)
    if current:
        return current[0], current[1], False
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.server_file.unlink(missing_ok=True)
    log = paths.log.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vigil.sandbox",
            "--port",
            str(port),
            "--state",
            str(paths.state),
            "--ready-file",
            str(paths.server_file),
        ],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            if code == 98:
                taken, role = _port_taken(paths, port)
                raise SandboxStartError(
                    f"port {taken} on 127.0.0.1 is already in use ({role}); stop what uses it, "
                    "or choose another port with `vigil sandbox start --port N` "
                    "(or VIGIL_SANDBOX_PORT)"
                )
            raise SandboxStartError(f"the sandbox exited with code {code}; see {paths.log}")
        current = running(paths)
        if current:
            return current[0], current[1], True
        time.sleep(0.1)
    process.terminate()
    raise SandboxStartError(f"the sandbox did not answer within {START_TIMEOUT_S:.0f} s; see {paths.log}")


def _port_taken(paths: SandboxPaths, port: int) -> tuple[int, str]:
    """Which port a sandbox that exited with 98 found taken (its ready file says; the API's if not)."""
    try:
        info = json.loads(paths.server_file.read_text())
        paths.server_file.unlink(missing_ok=True)
        return int(info["port"]), str(info["role"])
    except (OSError, ValueError, KeyError, TypeError):
        return port, "the sandbox API"


def stop(paths: SandboxPaths) -> bool:
    """Stop a running sandbox; False when none was running."""
    current = running(paths)
    if not current:
        paths.server_file.unlink(missing_ok=True)
        return False
    pid = current[0]
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.05)
    paths.server_file.unlink(missing_ok=True)
    return True


def _get(url: str, timeout: float = 5.0) -> dict[str, Any]:
    try:
        with urlopen(url, timeout=timeout) as response:
            return dict(json.loads(response.read().decode("utf-8")))
    except (URLError, OSError, ValueError) as error:
        raise SandboxStartError(f"the sandbox did not answer {url.split('?')[0]}: {error}") from None


def delivered(url: str) -> dict[str, Any]:
    """What the sandbox's default accounts delivered, oldest first, and its status pages' URLs:
    Slack messages, Uptime Robot alerts (Slack, webhook, e-mail; suppressed and failed included)
    and Sentry's notifications."""
    from datetime import UTC, datetime

    def when(epoch: float | None) -> str:
        return "" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    rows: list[dict[str, Any]] = []
    for message in _get(f"{url}/_sandbox/slack/messages")["messages"]:
        at = float(str(message.get("ts") or "0").split(".")[0] or 0)
        rows.append(
            {
                "at": at,
                "at_iso": when(at),
                "source": "slack",
                "channel": "slack",
                "to": message.get("channel"),
                "status": "received",
                "text": message.get("text"),
                "via": message.get("via"),
            }
        )
    for delivery in _get(f"{url}/_sandbox/uptimerobot/deliveries")["deliveries"]:
        text = delivery.get("subject") or f"{delivery.get('kind')}: {delivery.get('monitor')}"
        rows.append(
            {
                "at": delivery["at"],
                "at_iso": when(delivery["at"]),
                "source": "uptimerobot",
                "channel": delivery["channel"],
                "to": delivery.get("to") or delivery.get("contact"),
                "status": delivery["status"] + (f" ({delivery['detail']})" if delivery.get("detail") else ""),
                "text": text,
                "monitor": delivery.get("monitor"),
                "kind": delivery.get("kind"),
            }
        )
    for note in _get(f"{url}/_sandbox/sentry/notifications")["notifications"]:
        rows.append(
            {
                "at": note["at"],
                "at_iso": when(note["at"]),
                "source": "sentry",
                "channel": note["channel"],
                "to": note["target"],
                "status": note["status"],
                "text": note.get("text"),
                "workflow": note.get("workflow"),
            }
        )
    rows.sort(key=lambda row: float(row["at"] or 0))
    pages = _get(f"{url}/_sandbox/uptimerobot/status-pages")["status_pages"]
    return {"messages": rows, "status_pages": pages}


def target_url(paths: SandboxPaths) -> str | None:
    """The running sandbox's stand-in application URL, from its ready file (drill switches it off)."""
    try:
        info = json.loads(paths.server_file.read_text())
    except (OSError, ValueError):
        return None
    return str(info["target_url"]) if info.get("target_url") else None

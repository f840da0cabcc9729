"""`vigil sla --html` is one self-contained page: it renders in headless Chromium (Debian's
``chromium``) with every request the page could make sent to a recording proxy — which must see
none — and its rendered DOM shows each monitor's name and uptime. The screenshot is kept as an
artifact: in ``$VIGIL_TEST_ARTIFACTS`` when set, else in the test's tmp directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.cli.test_sla import outage
from tests.conftest import ROOT, ProjectDir
from tests.sla.sla_world import World, make_world, own_sandbox  # noqa: F401 (a fixture)
from vigil.sandbox.core.server import SandboxServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUIET = [
    "--headless",
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
]
# The browser's own background services (component updater, network time, Google sign-in) call
# these hosts whatever page is open, even with the flags above; they are not the page's requests.
BROWSER_SERVICES = ("update.googleapis.com", "clients2.google.com", "accounts.google.com")


@pytest.fixture
def world(own_sandbox: SandboxServer, project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: F811
    return make_world(own_sandbox, project.root, monkeypatch)


@pytest.fixture
def recording_proxy() -> Iterator[tuple[str, list[str]]]:
    """An HTTP proxy that answers 502 to everything and remembers what was asked (CONNECT included)."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_error(502)

        do_GET = do_POST = do_HEAD = do_CONNECT = do_PUT = do_OPTIONS = _record  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM, "Debian's chromium is needed for this test: `make setup` installs it"
    return subprocess.run([CHROMIUM, *QUIET, *args], capture_output=True, text=True, timeout=180)


def _host(request_line: str) -> str:
    method, target = request_line.split(" ", 1)
    return target.rsplit(":", 1)[0] if method == "CONNECT" else urlsplit(target).hostname or ""


def _from_page(seen: list[str]) -> list[str]:
    return [line for line in seen if _host(line) not in BROWSER_SERVICES]


def test_the_proxy_sees_what_a_page_fetches(recording_proxy: tuple[str, list[str]], tmp_path: Path) -> None:
    """The control for the offline check: a page that loads an image is caught."""
    page = tmp_path / "fetching.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://images.example.invalid/x.png"></body></html>'
    )
    proxy, seen = recording_proxy
    done = _chromium(f"--proxy-server={proxy}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert _from_page(seen) == ["GET http://images.example.invalid/x.png"]


def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VIGIL_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_html_report_renders_offline_with_names_and_uptime(
    world: World, project: ProjectDir, recording_proxy: tuple[str, list[str]], tmp_path: Path
) -> None:
    outage(world)
    at = world.now() - 60
    world.send(world.transactions([120.0, 480.0] * 50, at) + world.errors(1, at))
    page = tmp_path / "sla.html"
    result = project.vigil("sla", "--env", "prod", "--window", "24h", "--json", "--html", str(page))
    assert result.exit_code == 2, result
    uptime = {m["name"]: m["uptime_pct"] for m in result.json["monitors"]}
    text = page.read_text()
    assert "<script src=" not in text and "<link " not in text  # nothing fetched by the markup itself
    proxy, seen = recording_proxy
    network = [f"--proxy-server={proxy}", "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=15000"]
    dom = _chromium(*network, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = _artifacts(tmp_path) / "sla-report.png"
    taken = _chromium(*network, "--window-size=1280,2600", f"--screenshot={shot}", page.as_uri())
    assert taken.returncode == 0 and shot.stat().st_size > 10_000, taken.stderr[-2000:]
    assert _from_page(seen) == []  # no request left the page
    rendered = dom.stdout
    for name, value in uptime.items():
        cell = re.search(rf"<td[^>]*>{name}</td><td[^>]*>P\d</td><td[^>]*>([^<]+)</td>", rendered)
        assert cell, f"no row for {name}"
        assert cell.group(1).startswith(f"{value:.4f}".rstrip("0").rstrip(".") + "%")
    assert 'class="main-svg"' in rendered  # Plotly drew the charts (JavaScript ran)
    for title in (
        "Uptime per monitor",
        "Downtime timeline",
        "Response time",
        "Error rate",
        "Transaction p95",
    ):
        assert title in rendered
    assert "backend" in rendered and "1%" in rendered  # 1 error / 100 transactions


def test_serve_answers_on_loopback_with_a_30s_refresh(world: World, project: ProjectDir) -> None:
    outage(world)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--project", str(project.root), "sla", "--env", "prod",
         "--window", "24h", "--serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip
    try:
        assert process.stderr is not None
        line = ""
        deadline = time.monotonic() + 120
        while "serving the SLA page on" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line or process.poll() is None, "vigil sla --serve exited"
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        page = requests.get(found.group(0), timeout=30)
        assert page.status_code == 200
        assert '<meta http-equiv="refresh" content="30">' in page.text
        assert "API" in page.text and "97.91" in page.text
        assert requests.get(found.group(0) + "other", timeout=10).status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=30)

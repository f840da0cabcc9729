"""Shared fixtures: one sandbox per test run, an emulator account per test, a project per test.

Every test gets its own Uptime Robot / Sentry / Slack accounts on the shared sandbox, so tests never
meet each other's objects and the suite needs no resets.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import random
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vigil.sandbox.core.app import Sandbox  # noqa: E402
from vigil.sandbox.core.clock import Clock  # noqa: E402
from vigil.sandbox.core.server import SandboxServer  # noqa: E402
from vigil.sandbox.registry import build_services  # noqa: E402

FIXTURE_PROJECT = Path(__file__).parent / "fixtures" / "project"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--contract-max-time",
        type=int,
        default=None,
        help="seconds per document for the contract tests (tests/sandbox/test_contract.py; default 30)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C reaches the processes the tests start, however the suite itself was started.

    A shell without job control starts a background job (``make test &``, ``nohup``) with SIGINT
    ignored, and an ignored signal is inherited across exec: every vigil process a test starts would
    then ignore the Ctrl-C the interrupt tests send it. Python's own handler in this process is reset
    to the default action at exec instead."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    """Every test starts with empty per-process state: no cached lists, limiters or pooled sessions."""
    from vigil.core.http import reset_sessions
    from vigil.core.ratelimit import reset_limiters
    from vigil.core.uptimerobot import forget_snapshots

    forget_snapshots()
    reset_limiters()
    yield
    forget_snapshots()
    reset_limiters()
    reset_sessions()


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    clock = Clock()
    state = tmp_path_factory.mktemp("sandbox") / "state.pickle"
    server = SandboxServer(Sandbox(build_services(clock), state_path=state, clock=clock), port=0).start()
    yield server
    server.stop()


@dataclass
class SandboxApi:
    """Talks to the sandbox's control plane and, as a client would, to its emulated APIs."""

    url: str

    def account(self, service: str, **options: Any) -> dict[str, Any]:
        response = requests.post(
            f"{self.url}/_sandbox/accounts", json={"service": service, **options}, timeout=10
        )
        response.raise_for_status()
        return dict(response.json())

    def control(self, path: str, **payload: Any) -> Any:
        response = requests.post(f"{self.url}/_sandbox/{path}", json=payload, timeout=10)
        response.raise_for_status()
        return response.json()

    def requests_made(self, service: str, account: str) -> dict[str, int]:
        response = requests.get(
            f"{self.url}/_sandbox/requests", params={"service": service, "account": account}, timeout=10
        )
        response.raise_for_status()
        return dict(response.json()["requests"])


@pytest.fixture(scope="session")
def sandbox(sandbox_server: SandboxServer) -> SandboxApi:
    return SandboxApi(sandbox_server.url)


@dataclass
class UptimeRobotAccount:
    url: str
    api_key: str

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(
            f"{self.url}{path}",
            params=params,
            timeout=10,
            headers={"Authorization": f"Bearer {self.api_key}"},
        )

    def monitors(self) -> list[dict[str, Any]]:
        """Every monitor the account holds, read over the API (all pages)."""
        found: list[dict[str, Any]] = []
        cursor = None
        for _ in range(100):
            params: dict[str, Any] = {"limit": 200}
            if cursor:
                params["cursor"] = cursor
            page = self.get("/monitors", **params).json()
            found.extend(page["data"])
            if not page.get("nextLink") or not page["data"]:
                break
            cursor = page["data"][-1]["id"]
        return found

    def patch(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.patch(
            f"{self.url}{path}", json=body, timeout=10, headers={"Authorization": f"Bearer {self.api_key}"}
        )

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{self.url}{path}", json=body, timeout=10, headers={"Authorization": f"Bearer {self.api_key}"}
        )

    def delete(self, path: str) -> requests.Response:
        return requests.delete(
            f"{self.url}{path}", timeout=10, headers={"Authorization": f"Bearer {self.api_key}"}
        )


@pytest.fixture
def uptimerobot(sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch) -> UptimeRobotAccount:
    """A fresh Uptime Robot account, exported as the credentials vigil reads."""
    created = sandbox.account("uptimerobot", plan="team")
    monkeypatch.setenv("UPTIMEROBOT_API_URL", created["url"])
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", created["api_key"])
    return UptimeRobotAccount(created["url"], created["api_key"])


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@dataclass
class ProjectDir:
    """A vigil project in a temporary directory: Pulumi.yaml, __main__.py and stacks/."""

    root: Path

    def write_env(self, env: str, text: str) -> Path:
        path = self.root / "stacks" / f"{env}.yaml"
        path.write_text(text)
        return path

    def vigil(self, *args: str) -> Result:
        """Run the CLI in-process, as a user would type it (exit code, stdout, stderr)."""
        from vigil.cli import run

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run(["--project", str(self.root), *args])
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def pulumi_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pulumi-home")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pulumi_home: Path) -> Iterator[ProjectDir]:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE_PROJECT, root)
    (root / "Pulumi.yaml").write_text("name: vigil-test\nruntime: python\n")
    shutil.copy(ROOT / "__main__.py", root / "__main__.py")
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("PULUMI_BACKEND_URL", state.as_uri())
    monkeypatch.setenv("PULUMI_HOME", str(pulumi_home))
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "test-passphrase")
    monkeypatch.delenv("CI", raising=False)
    for name in (
        "SENTRY_AUTH_TOKEN",
        "SENTRY_URL",
        "SENTRY_ORG",
        "SLACK_BOT_TOKEN",
        "SLACK_API_URL",
        "SLACK_WEBHOOK_URL",
        "VIGIL_ENV",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIGIL_SANDBOX_PORT", "0")  # a test never auto-starts the shared daemon port
    os.environ.pop("VIGIL_PROJECT", None)
    saved = dict(os.environ)
    yield ProjectDir(root)
    os.environ.clear()  # a sandbox run exports its credentials into this process: leave none behind
    os.environ.update(saved)


@dataclass
class SentryAccount:
    url: str
    token: str
    org: str

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(
            f"{self.url}/api/0/{path.lstrip('/')}",
            params=params,
            timeout=10,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def put(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.put(
            f"{self.url}/api/0/{path.lstrip('/')}",
            json=body,
            timeout=10,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{self.url}/api/0/{path.lstrip('/')}",
            json=body,
            timeout=10,
            headers={"Authorization": f"Bearer {self.token}"},
        )


@pytest.fixture
def sentry(sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch) -> SentryAccount:
    created = sandbox.account("sentry")
    monkeypatch.setenv("SENTRY_URL", created["url"])
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", created["token"])
    monkeypatch.setenv("SENTRY_ORG", created["org"])
    return SentryAccount(created["url"], created["token"], created["org"])


@dataclass
class SlackAccount:
    url: str
    token: str
    webhook_url: str
    sandbox_url: str

    def messages(self) -> list[dict[str, Any]]:
        response = requests.get(
            f"{self.sandbox_url}/_sandbox/slack/messages", params={"account": self.token}, timeout=10
        )
        response.raise_for_status()
        return list(response.json()["messages"])

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        return dict(
            requests.post(
                f"{self.url}/{method}",
                json=args,
                timeout=10,
                headers={"Authorization": f"Bearer {self.token}"},
            ).json()
        )


@pytest.fixture
def slack(sandbox: SandboxApi, monkeypatch: pytest.MonkeyPatch) -> SlackAccount:
    created = sandbox.account("slack")
    monkeypatch.setenv("SLACK_API_URL", created["url"])
    monkeypatch.setenv("SLACK_BOT_TOKEN", created["token"])
    monkeypatch.setenv("SLACK_WEBHOOK_URL", created["webhook_url"])
    return SlackAccount(created["url"], created["token"], created["webhook_url"], sandbox.url)


def free_port() -> int:
    """An ephemeral port free at the moment of asking (racy for a port another process binds
    later: use ``reserved_ports`` for that)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def reserved_ports(count: int = 2) -> Iterator[int]:
    """``count`` consecutive free ports for a process the test starts later (the sandbox daemon
    binds its API port and port+1), free of the race a bind-to-0-then-close probe has.

    A probed ephemeral port can be handed by the kernel to any other socket (another test's bind(0)
    or an outgoing connection's local port) before the daemon binds it. These ports come from below
    the ephemeral range, which the kernel never hands out on its own, and each is reserved across
    processes (pytest-xdist workers, other checkouts' suites) by an flock held until the test ends;
    a port something else already holds is skipped. Bounded: 200 draws, then the test fails."""
    high = _ephemeral_low() - count
    low = max(1024, high - 12_000)
    locks = Path(tempfile.gettempdir()) / "vigil-test-ports"
    locks.mkdir(exist_ok=True)
    draw = random.SystemRandom()
    for _ in range(200):
        port = draw.randrange(low, high)
        handle = (locks / f"{port}.lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            if all(_bindable(port + offset) for offset in range(count)):
                yield port
                return
        finally:
            handle.close()  # releases the flock
    raise RuntimeError(f"no {count} free consecutive ports in {low}..{high} after 200 draws")


@pytest.fixture
def sandbox_port() -> Iterator[int]:
    """A port for a sandbox daemon the test starts (its stand-in application takes port+1)."""
    with reserved_ports() as port:
        yield port


@pytest.fixture
def conductor(project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProjectDir]:
    """The shipped Conductor stacks in a throwaway project, with a sandbox daemon on reserved ports."""
    shutil.copy(ROOT / "stacks" / "conductor.py", project.root / "stacks" / "conductor.py")
    with reserved_ports(2) as port:  # the daemon's API port and, at port+1, its stand-in application
        text = (ROOT / "stacks" / "sandbox.yaml").read_text().replace("8711", str(port + 1))
        project.write_env("sandbox", text)
        monkeypatch.setenv("VIGIL_SANDBOX_PORT", str(port))
        monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")  # the sandbox brings its own
        for name in ("UPTIMEROBOT_API_KEY", "UPTIMEROBOT_API_URL"):
            monkeypatch.delenv(name, raising=False)
        yield project
        project.vigil("sandbox", "stop")

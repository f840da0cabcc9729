"""The project, its stacks and the environment the engine runs in.

A project is a directory with ``Pulumi.yaml``, ``__main__.py`` and ``stacks/``. vigil's own
repository is one (the Conductor stacks); a team's repository is another. The engine runs there with:
- state in ``PULUMI_BACKEND_URL`` if set, else ``file://<project>/.vigil/state``;
- the passphrase from ``PULUMI_CONFIG_PASSPHRASE(_FILE)``, or the documented sandbox passphrase for
  environments marked ``sandbox: true``;
- no downloads: plugin acquisition and update checks off;
- API credentials from the environment; for sandbox environments, any that are not set come from
  the running sandbox (started when needed).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from engine.errors import BackendUnusable, PassphraseMissing, SandboxUnavailable
from engine.pulumi_cli import REPO_ROOT, find_pulumi
from sandbox import control

if TYPE_CHECKING:
    from pulumi import automation as auto

# Documented in README: the sandbox holds no real secret, so its state uses a fixed passphrase.
SANDBOX_PASSPHRASE = "vigil-sandbox"

CREDENTIAL_ENV = {
    "uptimerobot": {"UPTIMEROBOT_API_URL": "url", "UPTIMEROBOT_API_KEY": "api_key"},
    "sentry": {"SENTRY_URL": "url", "SENTRY_AUTH_TOKEN": "token", "SENTRY_ORG": "org"},
    "slack": {"SLACK_API_URL": "url", "SLACK_BOT_TOKEN": "token", "SLACK_WEBHOOK_URL": "webhook_url"},
}


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def locate(cls, explicit: Path | None = None) -> Project:
        if explicit is not None:
            return cls(explicit.resolve())
        from_env = os.environ.get("VIGIL_PROJECT")
        if from_env:
            return cls(Path(from_env).resolve())
        cwd = Path.cwd()
        if (cwd / "Pulumi.yaml").exists() and (cwd / "stacks").is_dir():
            return cls(cwd)
        return cls(REPO_ROOT)

    @property
    def stacks_dir(self) -> Path:
        return self.root / "stacks"

    @property
    def state_url(self) -> str:
        return os.environ.get("PULUMI_BACKEND_URL") or (self.root / ".vigil" / "state").as_uri()

    @property
    def sandbox_paths(self) -> control.SandboxPaths:
        return control.SandboxPaths.for_project(self.root)


def sandbox_credentials(project: Project, *, start: bool = True) -> dict[str, str]:
    """Environment variables reaching the project's sandbox (starting it when asked)."""
    paths = project.sandbox_paths
    current = control.running(paths)
    if current is None:
        if not start:
            raise SandboxUnavailable("the sandbox is not running", hint="run `vigil sandbox start`")
        try:
            port = int(os.environ.get("VIGIL_SANDBOX_PORT") or control.DEFAULT_PORT)
            _, url, _ = control.start(paths, port)
        except control.SandboxStartError as error:
            raise SandboxUnavailable(str(error)) from error
    else:
        url = current[1]
    status = control.fetch_status(url) or {}
    env: dict[str, str] = {}
    for service, names in CREDENTIAL_ENV.items():
        document = status.get(service) or {}
        for variable, key in names.items():
            if document.get(key):
                env[variable] = str(document[key])
    return env


def engine_env(project: Project, *, sandbox: bool) -> dict[str, str]:
    binary = find_pulumi()
    env = {
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_HOME": os.environ.get("PULUMI_HOME") or str(project.root / ".vigil" / "pulumi-home"),
        "PULUMI_BACKEND_URL": project.state_url,
        "PULUMI_PYTHON_CMD": os.environ.get("PULUMI_PYTHON_CMD") or sys.executable,
        "PATH": f"{binary.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    if not (os.environ.get("PULUMI_CONFIG_PASSPHRASE") or os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")):
        if not sandbox:
            raise PassphraseMissing(
                "PULUMI_CONFIG_PASSPHRASE is not set: the stack's secrets (DSNs, webhook URLs) are "
                "encrypted with it",
                hint="export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) with your team's "
                "passphrase; in CI, from the repository's secrets",
            )
        env["PULUMI_CONFIG_PASSPHRASE"] = SANDBOX_PASSPHRASE
    if sandbox:
        for variable, value in sandbox_credentials(project).items():
            if not os.environ.get(variable):
                env[variable] = value
                # Commands also call the APIs in-process (drift's inventory, verify, release): the
                # sandbox's credentials are this process's too.
                os.environ[variable] = value
    return env


BACKEND_SCHEMES = ("file", "s3", "gs", "azblob", "https", "http")


def check_backend(url: str, *, default: bool) -> None:
    """A state backend the engine can use, or one line naming the cause and the fix.

    Without this the engine answers ``foo://bar`` with "PULUMI_ACCESS_TOKEN must be set" (it takes
    any unknown URL for Pulumi Cloud) and a missing or read-only directory with a Go stack trace.
    """
    scheme, _, rest = url.partition("://")
    if not rest or scheme.lower() not in BACKEND_SCHEMES:
        raise BackendUnusable(
            f"PULUMI_BACKEND_URL={url!r} is not a state backend vigil can use",
            hint="use file:///absolute/dir, s3://bucket, gs://bucket or azblob://container "
            "(or unset it for the project's .vigil/state)",
        )
    if scheme.lower() != "file" or default:
        return
    path = Path(unquote(urlsplit(url).path))
    if not path.is_dir():
        raise BackendUnusable(
            f"the state backend directory {path} does not exist (PULUMI_BACKEND_URL)",
            hint=f"create it (mkdir -p {path}) or fix PULUMI_BACKEND_URL",
        )
    try:  # a real write: os.access says yes to root on a read-only mount
        probe, probe_path = tempfile.mkstemp(prefix=".vigil-write-check-", dir=path)
        os.close(probe)
        os.unlink(probe_path)
    except OSError:
        raise BackendUnusable(
            f"the state backend directory {path} is not writable (PULUMI_BACKEND_URL)",
            hint="give this user write access to it, or point PULUMI_BACKEND_URL at another directory",
        ) from None


def select_stack(project: Project, env_name: str, *, sandbox: bool) -> auto.Stack:
    from pulumi import automation as auto  # heavy: only commands that run the engine pay for it

    check_backend(project.state_url, default=not os.environ.get("PULUMI_BACKEND_URL"))
    variables = engine_env(project, sandbox=sandbox)
    if not os.environ.get("PULUMI_BACKEND_URL"):
        (project.root / ".vigil" / "state").mkdir(parents=True, exist_ok=True)
    Path(variables["PULUMI_HOME"]).mkdir(parents=True, exist_ok=True)
    binary = find_pulumi()
    command = auto.PulumiCommand(root=str(binary.bin_dir.parent))
    options = auto.LocalWorkspaceOptions(
        work_dir=str(project.root),
        env_vars=variables,
        pulumi_command=command,
        pulumi_home=variables["PULUMI_HOME"],
    )
    return auto.create_or_select_stack(stack_name=env_name, work_dir=str(project.root), opts=options)

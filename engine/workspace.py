"""The project, its stacks and the environment the Pulumi process runs in (handed in as a value).

A project is a directory with ``Pulumi.yaml``, ``__main__.py`` and ``stacks/``. vigil's own
repository is one (the Conductor stacks); a team's repository is another. The engine runs there with:
- state in the backend the caller names (``PULUMI_BACKEND_URL``), else ``file://<project>/.vigil/state``;
- the passphrase from ``PULUMI_CONFIG_PASSPHRASE(_FILE)``, or the default the caller allows (the
  documented sandbox passphrase for environments marked ``sandbox: true``);
- no downloads: plugin acquisition and update checks off;
- API credentials from the variables the caller passes (the command layer adds the sandbox's).

Nothing here reads or writes this process's environment: the command layer reads it once and
passes it down.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse, urlsplit

import yaml

from vigil.engine.errors import BackendUnusable, NotAProject, PassphraseError
from vigil.engine.pulumi_cli import find_pulumi

if TYPE_CHECKING:
    from pulumi import automation as auto

    from vigil.engine.pulumi_process import Supervisor

PASSPHRASE_VARIABLES = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def locate(cls, explicit: Path | None = None, environ: Mapping[str, str] | None = None) -> Project:
        """The project named by ``--project``/``VIGIL_PROJECT``, else the nearest directory (this one
        or above) with ``Pulumi.yaml`` and ``stacks/``. Never vigil's own checkout by default: run
        elsewhere, vigil would act on its example stacks."""
        named = explicit if explicit is not None else (environ or {}).get("VIGIL_PROJECT")
        if named:
            root = Path(named).resolve()
            if not cls.is_project(root):
                raise NotAProject(
                    f"{root} is not a vigil project (no Pulumi.yaml and stacks/ there)",
                    hint=f"create one with `vigil init {root} --app NAME`, or fix --project/VIGIL_PROJECT",
                )
            return cls(root)
        cwd = Path.cwd().resolve()
        for candidate in (cwd, *cwd.parents):
            if cls.is_project(candidate):
                return cls(candidate)
        raise NotAProject(
            f"{cwd} is not inside a vigil project (no Pulumi.yaml and stacks/ here or above)",
            hint="create one with `vigil init --app NAME`, or run vigil inside your project "
            "(or pass --project DIR)",
        )

    @staticmethod
    def is_project(root: Path) -> bool:
        return (root / "Pulumi.yaml").is_file() and (root / "stacks").is_dir()

    @property
    def stacks_dir(self) -> Path:
        return self.root / "stacks"

    @property
    def default_state_url(self) -> str:
        return (self.root / ".vigil" / "state").as_uri()

    @property
    def name(self) -> str:
        """The Pulumi project name (state lives under ``.pulumi/stacks/<name>/`` of the backend)."""
        try:
            document = yaml.safe_load((self.root / "Pulumi.yaml").read_text()) or {}
        except (OSError, yaml.YAMLError):
            return "vigil"
        return str(document.get("name") or "vigil")


@dataclass(frozen=True)
class EngineEnvironment:
    """Everything the Pulumi process gets on top of the environment it inherits."""

    backend_url: str
    pulumi_home: Path
    variables: Mapping[str, str] = field(repr=False)
    passphrase_from: str  # which variable (or "the sandbox default") holds the passphrase, for messages

    def get(self, name: str) -> str | None:
        return self.variables.get(name)


def engine_environment(
    project: Project,
    environ: Mapping[str, str],
    *,
    env_name: str,
    default_passphrase: str | None = None,
    extra: Mapping[str, str] | None = None,
    require_passphrase: bool = True,
) -> EngineEnvironment:
    """The Pulumi process's variables from ``environ`` (the caller's) plus ``extra`` (sandbox credentials)."""
    backend = environ.get("PULUMI_BACKEND_URL") or project.default_state_url
    check_backend(backend, default=backend == project.default_state_url)
    home = Path(environ.get("PULUMI_HOME") or project.root / ".vigil" / "pulumi-home")
    source = next((name for name in PASSPHRASE_VARIABLES if environ.get(name)), None)
    if source is None and default_passphrase is None and require_passphrase:
        raise PassphraseError(
            f"PULUMI_CONFIG_PASSPHRASE is not set: the secrets of '{env_name}' (DSNs, webhook URLs) "
            "are encrypted with it",
            hint="export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) with your team's "
            "passphrase; in CI, from the repository's secrets",
        )
    binary = find_pulumi()
    # Checkpoints (issue 19). With a DIY backend (file://, s3://) Pulumi 3.274.1 saves the WHOLE
    # snapshot at the begin and the end of every step (pkg/backend/snapshot.go, defaultServiceLoop;
    # only "same" steps whose state did not change are elided, sameSnapshotMutation.mustWrite), so
    # an `up` of N resources writes O(N²) bytes. Journaling, which sends only the changes, serves
    # the Pulumi Cloud backend only (pkg/backend/httpstate; DIY journaling is pulumi/pulumi#22075,
    # open). PULUMI_SKIP_CHECKPOINTS=true (sdk/go/common/env/env.go, pulumi/pulumi#10668: "skip
    # saving state checkpoints and only save the final deployment"; snapshot.go switches to
    # unsafeServiceLoop) writes the snapshot once, at the end, at the price Pulumi states: "in the
    # case of network disconnect or crash state edits will be lost".
    #
    # vigil skips them by default because its providers do not need the state to know what a lost
    # run did: every create looks its object up by natural key first and adopts it, after an
    # ambiguous failure too (core/policy.py create_or_adopt); a delete of what is already gone is
    # done; updates are idempotent (they write the stack's values). A run that dies before its final
    # snapshot leaves the state as it was before the run, and the next `up` adopts what the lost run
    # created instead of creating it again. Measured, not argued: `python -m bench kills` (SIGKILL of
    # vigil, of the engine, of the provider, Ctrl-C, SIGTERM, two Ctrl-C; 5 runs each on 100
    # monitors, seed 13) converged 30 of 30 with 0 duplicates, 0 missing, 0 pending operations, 0
    # locks left and no unlock needed; tests/cli/test_crash.py shows a rerun adopting exactly what
    # the killed run created. Ctrl-C and SIGTERM cancel gracefully: the engine still writes its final
    # snapshot. The gain (`python -m bench`, one paired run): `up` of 500 monitors 194.8 s with
    # checkpoints, 37.9 s without. What a hard kill costs with them off: until the rerun the state
    # does not show the lost run's objects, so another stack of the backend does not see them as
    # owned (engine/ownership.py reads checkpoints; a stack declaring the same natural key in that
    # window could adopt them, and this stack's rerun would then refuse them as owned elsewhere; not
    # measured), and no pending operations are left to report (resolve_pending in
    # engine/operations.py still clears those of state written with checkpoints).
    # PULUMI_SKIP_CHECKPOINTS=false in the caller's environment keeps the engine's default (a
    # snapshot per step), e.g. for a backend other stacks read while a long run is in progress.
    variables = {
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_HOME": str(home),
        "PULUMI_BACKEND_URL": backend,
        "PULUMI_PYTHON_CMD": environ.get("PULUMI_PYTHON_CMD") or sys.executable,
        "PATH": f"{binary.bin_dir}{os.pathsep}{environ.get('PATH', '')}",
        "PULUMI_SKIP_CHECKPOINTS": environ.get("PULUMI_SKIP_CHECKPOINTS") or "true",
    }
    for name, value in (extra or {}).items():
        variables.setdefault(name, value)
    if source is None:
        source = "no passphrase"
        if default_passphrase is not None:
            variables["PULUMI_CONFIG_PASSPHRASE"] = default_passphrase
            source = "the sandbox's documented passphrase"
    return EngineEnvironment(backend, home, variables, source)


# What vigil reads besides the engine (locks, checkpoint checks, drift fingerprints: engine/backend.py)
# exists for these two; gs:// and azblob:// would need a store of their own there first.
BACKEND_SCHEMES = ("file", "s3")


def check_backend(url: str, *, default: bool) -> None:
    """A state backend the engine can use, or one line naming the cause and the fix.

    Without this the engine answers ``foo://bar`` with "PULUMI_ACCESS_TOKEN must be set" (it takes
    any unknown URL for Pulumi Cloud) and a missing or read-only directory with a Go stack trace.
    """
    scheme, _, rest = url.partition("://")
    if not rest or scheme.lower() not in BACKEND_SCHEMES:
        raise BackendUnusable(
            f"PULUMI_BACKEND_URL={url!r} is not a state backend vigil can use",
            hint="use file:///absolute/dir or s3://bucket (AWS S3 or an S3-compatible store) "
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


def workspace_options(
    project: Project, engine: EngineEnvironment, supervisor: Supervisor | None = None
) -> auto.LocalWorkspaceOptions:
    from pulumi import automation as auto  # heavy: only commands that run the engine pay for it

    from vigil.engine.pulumi_process import SupervisedPulumiCommand, Supervisor

    if engine.backend_url.startswith("file://"):
        Path(unquote(urlparse(engine.backend_url).path)).mkdir(parents=True, exist_ok=True)
    engine.pulumi_home.mkdir(parents=True, exist_ok=True)
    binary = find_pulumi()
    return auto.LocalWorkspaceOptions(
        work_dir=str(project.root),
        env_vars=dict(engine.variables),
        pulumi_command=SupervisedPulumiCommand(str(binary.bin_dir.parent), supervisor or Supervisor()),
        pulumi_home=str(engine.pulumi_home),
    )


def select_stack(
    project: Project,
    env_name: str,
    engine: EngineEnvironment,
    supervisor: Supervisor | None = None,
    on_create: Callable[[], None] | None = None,
) -> auto.Stack:
    """Select the stack, creating it when new (``on_create`` is told); two first runs create it once."""
    from pulumi import automation as auto

    options = workspace_options(project, engine, supervisor)
    workspace = auto.LocalWorkspace(**options.__dict__)  # as the SDK's create_or_select_stack builds it
    for attempt in range(5):
        try:
            return auto.Stack.select(env_name, workspace)
        except auto.errors.StackNotFoundError:
            pass
        try:
            created = auto.Stack.create(env_name, workspace)
            if on_create is not None:
                on_create()
            return created
        except auto.errors.CommandError as error:
            # The other first run created it between our select and our create (StackAlreadyExists),
            # or its half-written stack file was not readable yet (blob NotFound): select again.
            if attempt == 4 or not _lost_creation_race(error):
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _lost_creation_race(error: Exception) -> bool:
    from pulumi import automation as auto

    text = str(getattr(error, "stderr", "") or error)
    if isinstance(error, auto.errors.StackAlreadyExistsError | auto.errors.ConcurrentUpdateError):
        return True  # already created, or being created by the other run (it holds the lock meanwhile)
    return "NotFound" in text or "already exists" in text

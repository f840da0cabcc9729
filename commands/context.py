"""What every command shares: the project, the output, loading a validated stack, and the run environment.

The run environment is decided here, once per command: a stack marked ``sandbox: true`` runs against
the local emulators (credentials asked from the running sandbox, started when needed, and the
documented sandbox passphrase); any other stack runs against real accounts with what the user
exported. Everything below (the engine, in-process API calls) receives it as a value; nothing writes
``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click import Context as ClickContext  # Typer vendors click; its base Context
from typer.core import TyperGroup

from vigil.commands.errors import SandboxUnavailable, VigilError
from vigil.engine.workspace import EngineEnvironment, Project, engine_environment
from vigil.render.console import Output
from vigil.spec.loader import LoadedStack, UnknownEnvironment, load_stack, read_stack

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class HelpGroup(TyperGroup):
    """A command group that prints its help and exits 0 when called with nothing (`vigil`,
    `vigil sandbox`): asking what there is is not an error."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            typer.echo(ctx.get_help())
            raise typer.Exit(0)
        return super().parse_args(ctx, args)


if TYPE_CHECKING:
    from vigil.engine.backend import Store
    from vigil.engine.operations import Guard
    from vigil.sandbox import control

EnvOption = Annotated[
    str,
    typer.Option(
        "--env",
        "-e",
        metavar="ENV",
        help="environment: a stacks/<env>.yaml file",
        envvar="VIGIL_ENV",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")]
AllowDeleteOption = Annotated[
    bool, typer.Option("--allow-delete", help="allow deletes and replaces in a protected environment")
]
LockTimeoutOption = Annotated[
    str,
    typer.Option(
        "--lock-timeout",
        help="how long to wait for another run's lock on this environment (e.g. 30s, 2m, 0)",
        envvar="VIGIL_LOCK_TIMEOUT",
        metavar="DURATION",
    ),
]

# Documented in README: the sandbox holds no real secret, so its state uses a fixed passphrase.
SANDBOX_PASSPHRASE = "vigil-sandbox"
# `vigil sandbox env` exports this beside the sandbox's credentials, so a shell prepared for plain
# `pulumi` runs on the sandbox is recognised when it is then used for a real environment.
SANDBOX_SHELL_MARKER = "VIGIL_SANDBOX_SHELL"

CREDENTIAL_ENV = {
    "uptimerobot": {
        "UPTIMEROBOT_API_URL": "url",
        "UPTIMEROBOT_API_KEY": "api_key",
        "UPTIMEROBOT_HEARTBEAT_URL": "heartbeat_url",
    },
    "sentry": {"SENTRY_URL": "url", "SENTRY_AUTH_TOKEN": "token", "SENTRY_ORG": "org"},
    "slack": {"SLACK_API_URL": "url", "SLACK_BOT_TOKEN": "token", "SLACK_WEBHOOK_URL": "webhook_url"},
}


@dataclass(frozen=True)
class RunEnvironment:
    """Sandbox or real accounts, decided once: the variables API calls see and the engine's environment."""

    env: str
    sandbox: bool
    variables: Mapping[str, str] = field(repr=False)  # this process's environment plus the sandbox's
    engine: EngineEnvironment

    def get(self, name: str) -> str | None:
        return self.variables.get(name) or None


def sandbox_paths(project: Project) -> control.SandboxPaths:
    from vigil.sandbox import control

    return control.SandboxPaths.for_project(project.root)


# The one variable through which the Pulumi program learns the sandbox's stand-in URL (program/).
TARGET_VARIABLE = "VIGIL_SANDBOX_TARGET"


def sandbox_target(project: Project, environ: Mapping[str, str]) -> str | None:
    from vigil.sandbox import control

    paths = sandbox_paths(project)
    if control.running(paths) is not None:
        return control.target_url(paths)
    try:
        port = int(environ.get("VIGIL_SANDBOX_PORT") or control.DEFAULT_PORT)
    except ValueError:
        return None
    return f"http://127.0.0.1:{port + 1}" if port else None


def sandbox_credentials(
    project: Project, environ: Mapping[str, str], *, start: bool = True
) -> dict[str, str]:
    """Variables reaching the project's sandbox (starting it when asked)."""
    from vigil.sandbox import control

    paths = sandbox_paths(project)
    current = control.running(paths)
    if current is None:
        if not start:
            raise SandboxUnavailable("the sandbox is not running", hint="run `vigil sandbox start`")
        try:
            port = int(environ.get("VIGIL_SANDBOX_PORT") or control.DEFAULT_PORT)
            _, url, _ = control.start(paths, port)
        except control.SandboxStartError as error:
            raise SandboxUnavailable(str(error)) from error
    else:
        url = current[1]
    status = control.fetch_status(url) or {}
    found: dict[str, str] = {}
    for service, names in CREDENTIAL_ENV.items():
        document = status.get(service) or {}
        for variable, key in names.items():
            if document.get(key):
                found[variable] = str(document[key])
    return found


@dataclass
class AppContext:
    project_dir: Path | None = None
    debug: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)

    def project(self) -> Project:
        return Project.locate(self.project_dir, self.environ)

    def output(self, json_mode: bool) -> Output:
        return Output(json_mode=json_mode, debug=self.debug)

    def sandbox_target(self) -> str | None:
        """The stand-in application's URL ``{sandbox: target}`` reads as: the running sandbox's, else
        the one a sandbox started on VIGIL_SANDBOX_PORT will have (its port + 1)."""
        return sandbox_target(self.project(), self.environ)

    def stack(self, env: str, *, strict: bool = False) -> LoadedStack:
        """The validated stack; raises ``InvalidStack`` on an error finding."""
        try:
            return load_stack(
                env, self.project().stacks_dir, strict=strict, sandbox_target=self.sandbox_target()
            )
        except UnknownEnvironment as unknown:
            raise unknown_environment(unknown) from unknown

    def read(self, env: str) -> LoadedStack:
        """The stack with its findings, errors included (``validate``)."""
        try:
            return read_stack(env, self.project().stacks_dir, sandbox_target=self.sandbox_target())
        except UnknownEnvironment as unknown:
            raise unknown_environment(unknown) from unknown

    def sandbox_paths(self) -> control.SandboxPaths:
        return sandbox_paths(self.project())

    def run_environment(self, env: str, loaded: LoadedStack, *, accounts: bool = True) -> RunEnvironment:
        """``accounts=False``: only the state backend is needed (no sandbox start, no passphrase)."""
        project = self.project()
        variables = dict(self.environ)
        extra: dict[str, str] = {}
        if not loaded.sandbox:
            refuse_sandbox_settings(project, env, self.environ)
        if loaded.sandbox and accounts:
            for name, value in sandbox_credentials(project, self.environ).items():
                if not variables.get(name):  # what the user exported wins over the sandbox's
                    variables[name] = extra[name] = value
            target = sandbox_target(project, self.environ)
            if target:  # the program reads `{sandbox: target}` as the sandbox that now runs
                variables[TARGET_VARIABLE] = extra[TARGET_VARIABLE] = target
        engine = engine_environment(
            project,
            self.environ,
            env_name=env,
            default_passphrase=SANDBOX_PASSPHRASE if loaded.sandbox else None,
            extra=extra,
            require_passphrase=accounts,
        )
        return RunEnvironment(env, loaded.sandbox, variables, engine)

    def select(
        self,
        env: str,
        loaded: LoadedStack,
        out: Output | None = None,
        *,
        writes: bool = False,
        lock_timeout: str = "2m",
    ) -> tuple[RunEnvironment, Any]:
        """The run environment and the selected Pulumi stack of a loaded environment.

        Creating a new stack takes its lock: a writer waits for another run's lock first (as its
        operation would), a reader stops with "an update is in progress".
        """
        import time

        from pulumi import automation as auto  # heavy: only commands that run the engine pay for it

        from vigil.engine import state_files
        from vigil.engine.backend import open_store
        from vigil.engine.operations import passphrase_error
        from vigil.engine.pulumi_process import Supervisor
        from vigil.engine.workspace import select_stack

        run = self.run_environment(env, loaded)
        store = open_store(run.engine.backend_url, run.engine.variables)
        project_name = self.project().name
        state_files.ensure_loadable(store, project_name, env)  # a clear error, not "EOF"
        if out is not None and store.read(state_files.checkpoint_key(project_name, env)) is None:
            guard = self.guard(run, out, lock_timeout)
            if writes:
                guard.wait_for_lock(time.monotonic() + guard.lock_timeout)
            else:
                guard.ensure_no_writer()
        supervisor = Supervisor(notice=out.warning if out is not None else None)

        def created() -> None:  # a new stack is pinned to this passphrase: never silently
            if out is not None:
                out.warning(
                    f"created the stack '{env}' in {redact_url(run.engine.backend_url)}: its secrets are "
                    f"encrypted with the passphrase from {run.engine.passphrase_from}, and every later run "
                    "needs the same one"
                )

        try:
            return run, select_stack(self.project(), run.env, run.engine, supervisor, created)
        except auto.errors.CommandError as error:
            wrong = passphrase_error(error, env, run.engine.passphrase_from)
            if wrong is not None:
                raise wrong from None
            raise

    def state_store(self, env: str) -> tuple[Store, str]:
        """The environment's state backend and the Pulumi project name, without its accounts (no
        sandbox start, no passphrase): what `unlock` and `state` read and repair."""
        from vigil.engine.backend import open_store

        run = self.run_environment(env, self.stack(env), accounts=False)
        return open_store(run.engine.backend_url, run.engine.variables), self.project().name

    def guard(self, run: RunEnvironment, out: Output, lock_timeout: str = "2m") -> Guard:
        """How this run meets other runs of the same environment (the lock) — see engine.operations.Guard."""
        from vigil.engine.backend import open_store
        from vigil.engine.operations import Guard

        return Guard(
            open_store(run.engine.backend_url, run.engine.variables),
            self.project().name,
            run.env,
            lock_timeout=parse_duration(lock_timeout, "--lock-timeout"),
            notice=out.warning,
            passphrase_from=run.engine.passphrase_from,
        )


def refuse_sandbox_settings(project: Project, env: str, environ: Mapping[str, str]) -> None:
    """A real environment never runs with the sandbox's passphrase or credentials.

    After ``eval "$(vigil sandbox env)"`` a shell holds both; ``vigil preview --env staging`` there
    ran staging against the emulators and salted a new ``Pulumi.staging.yaml`` with the sandbox's
    published passphrase. The fix is the same for every case: a shell without those exports.
    """
    hint = (
        f"'{env}' is a real environment: open a new shell (or unset what `vigil sandbox env` exported) "
        "and export the team's PULUMI_CONFIG_PASSPHRASE and the real accounts' credentials"
    )
    passphrase = environ.get("PULUMI_CONFIG_PASSPHRASE")
    passphrase_file = environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if not passphrase and passphrase_file:
        try:
            passphrase = Path(passphrase_file).read_text().strip()
        except OSError:
            passphrase = None  # the engine layer reports an unreadable file
    if passphrase == SANDBOX_PASSPHRASE:
        raise VigilError(
            f"the sandbox's passphrase is set for '{env}': its secrets would be encrypted with a "
            "passphrase everyone knows",
            hint=hint,
        )
    if environ.get(SANDBOX_SHELL_MARKER):
        raise VigilError(
            f"this shell is prepared for the sandbox ({SANDBOX_SHELL_MARKER} is set by "
            f"`vigil sandbox env`); '{env}' would run against the emulators",
            hint=hint,
        )
    from vigil.sandbox import control

    current = control.running(sandbox_paths(project))
    if current is None:
        return
    status = control.fetch_status(current[1]) or {}
    for service, names in CREDENTIAL_ENV.items():
        document = status.get(service) or {}
        for variable, key in names.items():
            value = environ.get(variable)
            if value and key != "org" and value == str(document.get(key) or ""):
                raise VigilError(
                    f"{variable} is the local sandbox's; '{env}' would run against the emulators",
                    hint=hint,
                )


def unknown_environment(unknown: UnknownEnvironment) -> VigilError:
    """The error for a mistyped ``--env``, suggesting the closest known name (``prod`` → ``production``)."""
    import difflib

    close = difflib.get_close_matches(unknown.env, unknown.known, n=1, cutoff=0.5)
    if not close:  # a prefix is the usual shorthand: prod, stag
        close = [name for name in unknown.known if name.startswith(unknown.env)][:1]
    known = ", ".join(unknown.known) if unknown.known else "none (add stacks/<env>.yaml)"
    guess = f"did you mean `--env {close[0]}`? " if close else ""
    return VigilError(str(unknown), hint=f"{guess}known environments: {known}")


def redact_url(url: str) -> str:
    """A backend URL without its query (which may carry credentials-like options) for messages."""
    return url.split("?", 1)[0]


def parse_duration(text: str, option: str) -> float:
    """'2m' → 120.0, '30s' → 30.0, '90' → 90.0; a clear error for anything else."""
    value = text.strip().lower()
    scale = {"s": 1, "m": 60, "h": 3600}.get(value[-1:], 1) if value else 1
    number = value[:-1] if value[-1:] in ("s", "m", "h") else value
    try:
        seconds = float(number) * scale
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise VigilError(f"{option} {text!r} is not a duration", hint="use e.g. 30s, 2m or 0")
    return seconds


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj

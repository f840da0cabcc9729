"""Load one environment's stack: ``stacks/<env>.yaml`` names the app module that builds it.

Offline and credential-free: nothing here touches the network or the environment's secrets.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import TypeVar

from vigil.spec.findings import Finding, InvalidStack
from vigil.spec.stack import Stack
from vigil.spec.units import UnitError
from vigil.spec.validate import validate
from vigil.spec.values import MissingValue, ValueTypeError, YamlError, load_values
from vigil.spec.where import Location

T = TypeVar("T")

# A stack module is code: it may loop, wait on the network or exit. Loading it is bounded, and every
# way it can stop (exit, exception, recursion, timeout) is a finding with its file and line.
DEFAULT_TIMEOUT_S = 30.0
_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UnknownEnvironment(LookupError):
    def __init__(self, env: str, known: list[str], stacks_dir: Path) -> None:
        self.env = env
        self.known = known
        listed = ", ".join(known) if known else "none"
        super().__init__(
            f"unknown environment '{env}': no {stacks_dir / (env + '.yaml')}. Known environments: {listed}."
        )


@dataclass(frozen=True)
class LoadedStack:
    stack: Stack
    findings: list[Finding]
    values_file: Path
    sandbox: bool = False  # credentials come from the local sandbox; fixed passphrase

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]


def known_environments(stacks_dir: Path) -> list[str]:
    return sorted(p.stem for p in stacks_dir.glob("*.yaml"))


def load_stack(
    env: str,
    stacks_dir: Path,
    *,
    strict: bool = False,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
    sandbox_target: str | None = None,
) -> LoadedStack:
    """Load and validate; raises ``InvalidStack`` with every finding when any is an error.

    ``sandbox_target``: the running sandbox's stand-in application, for ``{sandbox: target}``."""
    loaded = read_stack(env, stacks_dir, timeout_s=timeout_s, sandbox_target=sandbox_target)
    findings = loaded.findings
    if strict:
        findings = [Finding(f.rule, "error", f.where, f.message, f.fix) for f in findings]
    if any(f.level == "error" for f in findings):
        raise InvalidStack(env, findings)
    return LoadedStack(loaded.stack, findings, loaded.values_file, loaded.sandbox)


def read_stack(
    env: str,
    stacks_dir: Path,
    *,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
    sandbox_target: str | None = None,
) -> LoadedStack:
    """Load and validate, returning the findings instead of raising on them."""
    values_file = stacks_dir / f"{env}.yaml"
    if not values_file.exists():
        raise UnknownEnvironment(env, known_environments(stacks_dir), stacks_dir)
    try:
        values = load_values(values_file, sandbox_target)
    except YamlError as error:
        raise InvalidStack(env, [Finding("yaml", "error", error.where, str(error), error.fix)]) from error
    app = values.get("app")
    if app and not (isinstance(app, str) and _MODULE_NAME.match(app)):
        raise InvalidStack(
            env,
            [
                Finding(
                    "app",
                    "error",
                    values.where("app"),
                    f"`app: {app}` is not the name of a module in {stacks_dir}",
                    "write the module's name only (letters, digits, _), e.g. `app: myapp` for "
                    "stacks/myapp.py; modules outside stacks/ are never imported",
                )
            ],
        )
    if not app:
        raise InvalidStack(
            env,
            [
                Finding(
                    "app",
                    "error",
                    values.where("app"),
                    "the environment does not name its stack module",
                    f"add `app: <module>` to {values_file} (stacks/<module>.py)",
                )
            ],
        )
    module_path = stacks_dir / f"{app}.py"
    if not module_path.is_file():
        raise InvalidStack(
            env,
            [
                Finding(
                    "app",
                    "error",
                    values.where("app"),
                    f"stack module {module_path} does not exist",
                    "create it, or fix the `app:` value",
                )
            ],
        )
    module = _guarded(env, stacks_dir, module_path, "importing it", timeout_s, lambda: _import(module_path))
    build = getattr(module, "build", None)
    if not callable(build):
        raise InvalidStack(
            env,
            [
                Finding(
                    "app",
                    "error",
                    Location(str(module_path), 1),
                    "the stack module has no build(env, values) function",
                    "define `def build(env: str, values: Values) -> Stack`",
                )
            ],
        )
    try:
        stack = _guarded(
            env,
            stacks_dir,
            module_path,
            "in build()",
            timeout_s,
            lambda: build(env, values),
            passthrough=True,
        )
    except MissingValue as error:
        short = error.key.split(".")[-1]
        raise InvalidStack(
            env,
            [
                Finding(
                    "missing-value",
                    "error",
                    error.where,
                    f"'{error.key}' is required by the stack"
                    + (f": did you mean '{short}' instead of '{error.close}'?" if error.close else ""),
                    f"rename `{error.close}:` to `{short}:`"
                    if error.close
                    else f"add `{short}:` to {values_file}",
                )
            ],
        ) from None
    except (ValueTypeError, UnitError, TypeError, ValueError) as error:
        raise InvalidStack(
            env,
            [
                Finding(
                    "schema",
                    "error",
                    getattr(error, "where", None) or _raising_line(error, stacks_dir, module_path),
                    str(error),
                    _schema_fix(error),
                )
            ],
        ) from None
    if not isinstance(stack, Stack):
        raise InvalidStack(
            env,
            [
                Finding(
                    "app",
                    "error",
                    Location(str(module_path), 1),
                    f"build() returned {type(stack).__name__}, not a Stack",
                    "return spec.Stack(...)",
                )
            ],
        )
    findings = []
    try:
        sandbox = values.flag("sandbox")
    except ValueTypeError as error:
        sandbox = False
        findings.append(
            Finding(
                "sandbox-flag",
                "error",
                error.where,
                str(error),
                "write `sandbox: true` only for the local sandbox; remove it (or `sandbox: false`) "
                "for a real environment",
            )
        )
    findings.extend(validate(stack, values))
    return LoadedStack(stack, findings, values_file, sandbox)


def _import(path: Path) -> ModuleType:
    name = f"vigil_stack_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


class StackTimeout(BaseException):
    """Raised into a stack module that runs too long (a BaseException: ``except Exception`` in the
    module does not swallow it; the alarm repeats until loading stops)."""


@contextlib.contextmanager
def _time_limit(timeout_s: float | None) -> Iterator[None]:
    usable = (
        timeout_s is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert timeout_s is not None

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise StackTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _guarded(
    env: str,
    stacks_dir: Path,
    module_path: Path,
    action: str,
    timeout_s: float | None,
    call: Callable[[], T],
    *,
    passthrough: bool = False,
) -> T:
    """Run stack code: its prints go to stderr (``--json`` stays one document on stdout), and an
    exit, a timeout or an unexpected exception becomes a finding at the module's line."""
    try:
        with _time_limit(timeout_s), contextlib.redirect_stdout(sys.stderr):
            return call()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # any other way user code stops is a finding, exit included
        if passthrough and isinstance(error, _LOCATED):
            raise  # located by the caller (a YAML line, or the call with the bad argument)
        where = _raising_line(error, stacks_dir, module_path)
        message, fix = _explain(error, action, timeout_s)
        raise InvalidStack(env, [Finding("stack-module", "error", where, message, fix)]) from None


_UNEXPECTED = re.compile(r"^(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'")


def _schema_fix(error: Exception) -> str:
    """For a misspelt block field (``severitys=``), the field it resembles."""
    import difflib
    from dataclasses import fields, is_dataclass

    from vigil import spec

    found = _UNEXPECTED.match(str(error))
    kind = getattr(spec, found.group(1), None) if found else None
    if found and is_dataclass(kind):
        names = [f.name for f in fields(kind) if f.name != "where"]
        close = difflib.get_close_matches(found.group(2), names, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'? ({found.group(1)} takes {', '.join(names)})"
        return f"{found.group(1)} takes {', '.join(names)}"
    return "correct the value or the call"


_LOCATED = (MissingValue, ValueTypeError, UnitError, TypeError, ValueError)


def _explain(error: BaseException, action: str, timeout_s: float | None) -> tuple[str, str]:
    if isinstance(error, SystemExit):
        return (
            f"the stack module called sys.exit({error.code!r}) {action}",
            "remove the exit: build() must return a Stack (raise an exception to report a problem)",
        )
    if isinstance(error, StackTimeout):
        return (
            f"the stack module did not finish {action} within {timeout_s:g} s",
            "remove the loop or the blocking call (a stack module must not wait on anything)",
        )
    if isinstance(error, RecursionError):
        return f"the stack module recursed without end {action}", "fix the recursion at that line"
    message = f"the stack module raised {type(error).__name__} {action}: {error}"
    return message, "fix the stack module at that line"


def _raising_line(error: BaseException, stacks_dir: Path, module_path: Path) -> Location:
    """The deepest frame of the stack's own code (``stacks/``) in the traceback: the line to fix."""
    found = Location(str(module_path))
    root = stacks_dir.resolve()
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path == module_path.resolve() or root in path.parents:
            found = Location(str(path), frame.lineno)
    return found

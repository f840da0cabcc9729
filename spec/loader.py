"""Load one environment's stack: ``stacks/<env>.yaml`` names the app module that builds it.

Offline and credential-free: nothing here touches the network or the environment's secrets.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from spec.findings import Finding, InvalidStack
from spec.stack import Stack
from spec.units import UnitError
from spec.validate import validate
from spec.values import MissingValue, ValueTypeError, YamlError, load_values
from spec.where import Location


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


def load_stack(env: str, stacks_dir: Path, *, strict: bool = False) -> LoadedStack:
    """Load and validate; raises ``InvalidStack`` with every finding when any is an error."""
    loaded = read_stack(env, stacks_dir)
    findings = loaded.findings
    if strict:
        findings = [Finding(f.rule, "error", f.where, f.message, f.fix) for f in findings]
    if any(f.level == "error" for f in findings):
        raise InvalidStack(env, findings)
    return LoadedStack(loaded.stack, findings, loaded.values_file, loaded.sandbox)


def read_stack(env: str, stacks_dir: Path) -> LoadedStack:
    """Load and validate, returning the findings instead of raising on them."""
    values_file = stacks_dir / f"{env}.yaml"
    if not values_file.exists():
        raise UnknownEnvironment(env, known_environments(stacks_dir), stacks_dir)
    try:
        values = load_values(values_file)
    except YamlError as error:
        raise InvalidStack(
            env, [Finding("yaml", "error", error.where, str(error), "fix the YAML syntax at that line")]
        ) from error
    app = values.get("app")
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
    if not module_path.exists():
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
    module = _import(module_path)
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
        stack = build(env, values)
    except MissingValue as error:
        raise InvalidStack(
            env,
            [
                Finding(
                    "missing-value",
                    "error",
                    error.where,
                    f"'{error.key}' is required by the stack",
                    f"add `{error.key.split('.')[-1]}:` to {values_file}",
                )
            ],
        ) from error
    except (ValueTypeError, UnitError, TypeError, ValueError) as error:
        raise InvalidStack(
            env,
            [
                Finding(
                    "schema",
                    "error",
                    getattr(error, "where", None) or _raising_line(error, module_path),
                    str(error),
                    "correct the value or the call",
                )
            ],
        ) from error
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
    sandbox = bool(values.get("sandbox", False))
    findings = validate(stack, values)
    return LoadedStack(stack, findings, values_file, sandbox)


def _import(path: Path) -> ModuleType:
    name = f"vigil_stack_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _raising_line(error: BaseException, module_path: Path) -> Location:
    """The deepest frame of the stack module in the traceback: the call with the bad argument."""
    found = Location(str(module_path))
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename).resolve() == module_path.resolve():
            found = Location(str(module_path), frame.lineno)
    return found

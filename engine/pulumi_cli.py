"""Find the Pulumi CLI vigil runs: ``pulumi`` on PATH when recent enough, else the cached build.

The version is pinned once, in pyproject.toml ``[tool.vigil] pulumi-cli``; ``make setup``
(scripts/ensure-pulumi.sh) builds it from Pulumi's Go modules into ``$VIGIL_CACHE`` when needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vigil.engine.errors import EngineMissing

REPO_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def pinned_version() -> str:
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["tool"]["vigil"]["pulumi-cli"])


def cache_dir() -> Path:
    return Path(os.environ.get("VIGIL_CACHE") or Path.home() / ".cache" / "vigil")


def cached_prefix(version: str | None = None) -> Path:
    return cache_dir() / f"pulumi-{version or pinned_version()}"


@dataclass(frozen=True)
class PulumiBinary:
    path: Path
    version: str

    @property
    def bin_dir(self) -> Path:
        return self.path.parent


def _version_of(binary: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(binary), "version"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip().lstrip("v") or None


def _as_tuple(version: str) -> tuple[int, ...]:
    core = version.split("-")[0].split("+")[0]
    return tuple(int(p) for p in core.split(".") if p.isdigit())


@lru_cache(maxsize=1)
def find_pulumi() -> PulumiBinary:
    """The Pulumi CLI to use, or ``EngineMissing`` saying how to get one."""
    wanted = pinned_version()
    explicit = os.environ.get("VIGIL_PULUMI")
    candidates = [Path(explicit)] if explicit else []
    candidates.append(cached_prefix(wanted) / "bin" / "pulumi")
    on_path = shutil.which("pulumi")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        version = _version_of(candidate)
        if version and _as_tuple(version) >= _as_tuple(wanted):
            return PulumiBinary(candidate, version)
    raise EngineMissing(
        f"no Pulumi CLI {wanted} or newer found (looked in {cached_prefix(wanted)}/bin and on PATH)",
        hint="run `make setup` (builds Pulumi from its Go modules, about 5 minutes cold), or install "
        f"Pulumi {wanted}+ and put `pulumi` on PATH",
    )

"""vigil from a built wheel, in a fresh venv, in an empty directory, with no access to the checkout.

Issue 20: a team installs vigil with pip and runs `vigil init` in its own repository. The wheel holds
one import namespace (`vigil.*`): nothing generic (`core`, `spec`, `cli.py`…) lands in site-packages.

The namespace comes from `scripts/namespace.py` (applied; its `--check` mode is tested below).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, reserved_ports

pytestmark = pytest.mark.engine


@dataclass
class Installed:
    venv: Path
    work: Path  # outside the checkout
    env: dict[str, str]

    def vigil(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "vigil"), *args],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def _run(*command: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    work = tmp_path_factory.mktemp("wheel")
    assert ROOT not in work.parents
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", ROOT, cwd=work)
    (wheel,) = (work / "dist").glob("vigil-*.whl")
    shutil.copy(ROOT / "requirements.lock", work / "requirements.lock")  # the pins, as a team's CI has them
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=work)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", "-c", "requirements.lock", wheel, cwd=work)
    with reserved_ports() as port:  # the sandbox's API port and its stand-in's, held while the tests run
        yield Installed(venv, work, _environment(venv, work, port))


def _environment(venv: Path, work: Path, port: int) -> dict[str, str]:
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": os.environ.get("HOME", str(work)),  # the Pulumi CLI cache (~/.cache/vigil)
        "VIGIL_SANDBOX_PORT": str(port),
        "NO_COLOR": "1",
    }
    if os.environ.get("VIGIL_CACHE"):
        env["VIGIL_CACHE"] = os.environ["VIGIL_CACHE"]
    return env


def test_the_wheel_installs_one_namespace(installed: Installed) -> None:
    (site,) = (installed.venv / "lib").glob("python3*/site-packages")
    (record,) = site.glob("vigil-*.dist-info/RECORD")
    top_level = {line.split(",")[0].split("/")[0] for line in record.read_text().splitlines()}
    assert {name for name in top_level if not name.endswith(".dist-info") and name != ".."} == {"vigil"}
    probe = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", "import vigil.cli, vigil.core; import core"],
        cwd=installed.work,
        env=installed.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "No module named 'core'" in probe.stderr


def test_init_validate_and_up_on_the_sandbox_from_the_wheel(installed: Installed) -> None:
    project = installed.work / "shopfront-monitoring"
    project.mkdir()
    created = installed.vigil(project, "init", "--app", "shopfront")
    assert created.returncode == 0, created.stderr
    valid = installed.vigil(project, "validate", "--all", "--strict")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    try:
        up = installed.vigil(project, "up", "--env", "sandbox", "--yes")
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        assert "created" in up.stdout + up.stderr
        clean = installed.vigil(project, "preview", "--env", "sandbox", "--expect-no-changes")
        assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    finally:
        installed.vigil(project, "sandbox", "stop")


def test_outside_a_project_the_wheel_points_at_init(installed: Installed) -> None:
    empty = installed.work / "empty"
    empty.mkdir()
    result = installed.vigil(empty, "validate", "--env", "production")
    assert result.returncode == 1
    assert "is not inside a vigil project" in result.stderr and "vigil init" in result.stderr

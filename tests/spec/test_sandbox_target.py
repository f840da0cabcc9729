"""`{sandbox: target}` in a sandbox environment's YAML reads as the sandbox's stand-in application."""

from __future__ import annotations

from pathlib import Path

from vigil.spec.values import DEFAULT_SANDBOX_TARGET, load_values


def _values(tmp_path: Path, target: str | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "sandbox.yaml"
    path.write_text("app: x\nsandbox: true\napi: {sandbox: target}\nurls: [{sandbox: target}]\n")
    return load_values(path, target)


def test_it_reads_as_the_url_given_with_its_yaml_line(tmp_path: Path) -> None:
    values = _values(tmp_path, "http://127.0.0.1:8761")
    assert values.api == "http://127.0.0.1:8761"
    assert f"{values.api}/health" == "http://127.0.0.1:8761/health"
    assert values.api.where.line == 3
    assert values.urls == ["http://127.0.0.1:8761"]


def test_offline_it_is_the_default_ports_target(tmp_path: Path) -> None:
    assert _values(tmp_path).api == DEFAULT_SANDBOX_TARGET == "http://127.0.0.1:8711"

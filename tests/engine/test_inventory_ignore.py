"""`ignore_unmanaged`: objects another tool manages are never reported as unmanaged by drift."""

from __future__ import annotations

from vigil.engine.inventory import ignored


def test_a_pattern_matches_names_of_any_type_case_insensitively() -> None:
    assert ignored("uptimerobot:Monitor", "Legacy checkout", ["legacy *"])
    assert ignored("sentry:Project", "legacy-billing", ["LEGACY-*"])
    assert not ignored("uptimerobot:Monitor", "Checkout", ["legacy *"])


def test_a_type_prefix_limits_the_pattern_to_that_type() -> None:
    assert ignored("uptimerobot:Monitor", "Marketing site", ["Monitor:Marketing *"])
    assert not ignored("uptimerobot:StatusPage", "Marketing site", ["Monitor:Marketing *"])
    assert not ignored("uptimerobot:Monitor", "Marketing site", [])

"""Names read from live accounts reach the terminal as text: control characters are shown, not obeyed."""

from __future__ import annotations

import pytest

from tests.conftest import ProjectDir, UptimeRobotAccount
from vigil.render.console import visible

ONE_MONITOR = 'app: basic\nmonitors:\n  - {name: API, url: "http://127.0.0.1:9/health"}\n'


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain name", "plain name"),
        ("clear\x1b[2Jscreen", "clear\\x1b[2Jscreen"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("line one\nline two\tend", "line one\nline two\tend"),
        ("admin\u202egnp.exe", "admin\\u202egnp.exe"),
        ("caf\u00e9 \u2713", "caf\u00e9 \u2713"),
        ("nul\x00c1\x9b", "nul\\x00c1\\x9b"),
    ],
)
def test_visible_escapes_control_characters_only(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.engine
def test_an_unmanaged_monitor_named_with_an_escape_sequence_is_printed_escaped(
    project: ProjectDir, uptimerobot: UptimeRobotAccount
) -> None:
    project.write_env("t", ONE_MONITOR)
    assert project.vigil("up", "--env", "t", "--yes").exit_code == 0
    made = uptimerobot.post(
        "/monitors",
        {
            "type": "HTTP",
            "friendlyName": "evil\x1b[2J\x1b]0;pwned\x07",
            "url": "https://e.example",
            "interval": 300,
        },
    )
    assert made.status_code == 201, made.text
    result = project.vigil("drift", "--env", "t")
    assert result.exit_code == 2, result
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil\\x1b[2J\\x1b]0;pwned\\x07" in result.stdout

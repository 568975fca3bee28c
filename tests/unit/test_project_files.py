"""README, Makefile, CI script and settings tell the same story (the compose file:
test_compose_file.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callpipe.cli.main import COMMANDS
from callpipe.settings import Settings

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(field: str) -> None:
    """Each environment variable of Settings appears in README.md."""
    assert f"`{field.upper()}`" in README or f"{field.upper()}`" in README


def test_readme_shows_the_two_commands_and_ci_runs_one() -> None:
    """`make demo` and `make test` are in README, Makefile and .ci/run agree."""
    makefile = (REPO / "Makefile").read_text()
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_readme_lists_every_cli_command() -> None:
    """Each `callpipe` sub-command appears in the README's command table."""
    for command in COMMANDS:
        assert f"`callpipe {command}" in README, command

"""Moving handled files into processed/ and rejected/ without overwriting anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.connectors.sources import free_name, move_into, reason_path, reject_into


@pytest.mark.parametrize(
    ("taken", "name", "expected"),
    [
        ([], "call.json", "call.json"),
        (["call.json"], "call.json", "call.1.json"),
        (["call.json", "call.1.json"], "call.json", "call.2.json"),
        (["a.b.json"], "a.b.json", "a.b.1.json"),
        (["README"], "README", "README.1"),
    ],
)
def test_free_name_adds_the_first_free_number(
    tmp_path: Path, taken: list[str], name: str, expected: str
) -> None:
    """A taken name gets .1, .2 ... before its suffix."""
    for existing in taken:
        (tmp_path / existing).write_text("x")
    assert free_name(tmp_path, name) == tmp_path / expected


def test_free_name_for_a_rejection_also_needs_a_free_reason_file(tmp_path: Path) -> None:
    """An orphan reason file is not overwritten by the next rejection's reason."""
    (tmp_path / "call.json.error.txt").write_text("older reason")
    assert free_name(tmp_path, "call.json", with_reason=True) == tmp_path / "call.1.json"
    assert free_name(tmp_path, "call.json") == tmp_path / "call.json"


def test_move_into_creates_the_folder_and_keeps_the_content(tmp_path: Path) -> None:
    """The file arrives intact in a folder created on demand."""
    source = tmp_path / "call.json"
    source.write_text('{"x": 1}')
    target = move_into(source, tmp_path / "processed")
    assert target == tmp_path / "processed" / "call.json"
    assert target.read_text() == '{"x": 1}'
    assert not source.exists()


def test_reject_into_writes_the_reason_beside_the_file(tmp_path: Path) -> None:
    """rejected/<name> comes with rejected/<name>.error.txt holding the reason."""
    source = tmp_path / "call.json"
    source.write_text("{}")
    target = reject_into(source, tmp_path / "rejected", "messages: required field is missing")
    assert target == tmp_path / "rejected" / "call.json"
    assert reason_path(target) == tmp_path / "rejected" / "call.json.error.txt"
    assert reason_path(target).read_text() == "messages: required field is missing\n"


@settings(max_examples=25, deadline=None)
@given(contents=st.lists(st.binary(max_size=20), min_size=1, max_size=6))
def test_files_of_one_name_moved_repeatedly_are_all_kept(
    tmp_path_factory: pytest.TempPathFactory, contents: list[bytes]
) -> None:
    """However often the same name arrives, every version survives in processed/."""
    root = tmp_path_factory.mktemp("clash")
    for content in contents:
        source = root / "daily.json"
        source.write_bytes(content)
        move_into(source, root / "processed")
    kept = sorted(p.read_bytes() for p in (root / "processed").iterdir())
    assert kept == sorted(contents)

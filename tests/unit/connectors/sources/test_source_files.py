"""Finding transcript files and reading them as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.connectors.sources import SourceFileError, find_transcript_files, load_transcript


def touch(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folders_give_their_json_files_recursively_and_sorted(tmp_path: Path) -> None:
    """A folder yields every *.json below it, sorted, and nothing else."""
    for name in ["b.json", "a.json", "sub/c.json", "sub/deeper/d.json", "notes.txt", "e.json.tmp"]:
        touch(tmp_path / name)
    found = find_transcript_files([tmp_path])
    assert found == [
        tmp_path / "a.json",
        tmp_path / "b.json",
        tmp_path / "sub" / "c.json",
        tmp_path / "sub" / "deeper" / "d.json",
    ]


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    """Dotfiles and dot-folders (swap files, partial writes, .git) are not transcripts."""
    touch(tmp_path / ".partial.json")
    touch(tmp_path / ".cache" / "x.json")
    touch(tmp_path / "real.json")
    assert find_transcript_files([tmp_path]) == [tmp_path / "real.json"]


def test_a_named_file_is_taken_whatever_its_suffix(tmp_path: Path) -> None:
    """The user named it, so it is read even without .json."""
    path = touch(tmp_path / "call.txt")
    assert find_transcript_files([path]) == [path]


def test_argument_order_is_kept_and_duplicates_dropped(tmp_path: Path) -> None:
    """Paths come in the order given; a file named twice is published once."""
    first = touch(tmp_path / "z" / "1.json")
    second = touch(tmp_path / "a" / "2.json")
    found = find_transcript_files([tmp_path / "z", second, first, tmp_path / "a"])
    assert found == [first, second]


def test_a_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    """A typo on the command line fails before anything is published."""
    missing = tmp_path / "nope"
    with pytest.raises(SourceFileError) as caught:
        find_transcript_files([missing])
    assert caught.value.path == missing
    assert caught.value.reason == "no such file or folder"
    assert str(missing) in str(caught.value)


def test_load_returns_the_decoded_json(tmp_path: Path) -> None:
    """A JSON file is decoded as is, without judging its content."""
    path = touch(tmp_path / "t.json", '{"call_ref_id": "1", "messages": []}')
    assert load_transcript(path) == {"call_ref_id": "1", "messages": []}


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    """Files saved by Windows tools start with a BOM; it is not part of the JSON."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"a": 1}')
    assert load_transcript(path) == {"a": 1}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b'{"a": 1,}',
            "not JSON: Expecting property name enclosed in double quotes at line 1 column 9",
        ),
        (b"", "not JSON: Expecting value at line 1 column 1"),
        (b'{"a":\n  tru}', "not JSON: Expecting value at line 2 column 3"),
        (b'{"text": "\xff"}', "not UTF-8 text (byte 10)"),
    ],
)
def test_content_that_is_not_json_is_an_error_with_the_position(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    """Not JSON (or not UTF-8): the error says where, and names the file."""
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(SourceFileError) as caught:
        load_transcript(path)
    assert caught.value.path == path
    assert caught.value.reason == reason


def test_an_unreadable_path_is_an_error(tmp_path: Path) -> None:
    """A path that cannot be read as a file (here a folder) says 'unreadable'."""
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(SourceFileError) as caught:
        load_transcript(folder)
    assert caught.value.reason.startswith("unreadable: ")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(value=JSON_VALUES)
def test_any_json_value_reads_back_equal(
    tmp_path_factory: pytest.TempPathFactory, value: object
) -> None:
    """Whatever JSON was written, load_transcript returns the same value."""
    path = tmp_path_factory.mktemp("json") / "v.json"
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    assert load_transcript(path) == value

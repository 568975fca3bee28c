"""JSON documents from outside: nesting bounded, never a RecursionError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis.limits import MAX_JSON_DEPTH
from callpipe.jsondoc import JsonDocumentError, json_depth, load_json_document


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_at_the_limit_is_taken() -> None:
    """32 levels are fine."""
    assert json_depth(load_json_document(_nested(MAX_JSON_DEPTH))) == MAX_JSON_DEPTH


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_nesting_beyond_the_limit_is_refused_in_one_line(depth: int) -> None:
    """Deeper than the limit (and deep enough to exhaust Python's recursion) is refused."""
    with pytest.raises(JsonDocumentError, match=f"nested more than {MAX_JSON_DEPTH} levels"):
        load_json_document(_nested(depth))


def test_objects_count_as_levels_too() -> None:
    """{"a": {"a": ...}} nests like arrays."""
    text = '{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(JsonDocumentError):
        load_json_document(text)


def test_bad_json_says_where() -> None:
    """The parser's message with line and column."""
    with pytest.raises(JsonDocumentError, match="not JSON: Expecting value at line 1 column 1"):
        load_json_document("")


@given(
    st.recursive(
        st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
    )
)
def test_depth_counts_containers(value: object) -> None:
    """json_depth agrees with a plain recursive count."""

    def depth(v: object) -> int:
        if isinstance(v, dict):
            return 1 + max(map(depth, v.values()), default=0)
        if isinstance(v, list):
            return 1 + max(map(depth, v), default=0)
        return 0

    assert json_depth(value) == depth(value)

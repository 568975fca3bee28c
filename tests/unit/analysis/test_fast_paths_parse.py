"""The inline message reader of `parse_transcript` (index-checked timestamp
shape, fields read with ``.get``) gives the same answers as the general reader
`_message`, also for messages with missing fields or fields of other types."""

from __future__ import annotations

from typing import Any

from analysis_support import assert_parse_equals_the_general_reader
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis.times import has_extended_shape

_SHAPE_TEXT = st.text(alphabet=st.sampled_from("0123-T:tZ+ ."), max_size=20)


@given(_SHAPE_TEXT)
def test_extended_shape_is_the_stepped_slice(text: str) -> None:
    """The characters at 4, 7, 10 and 13, exactly as ``parse_timestamp`` checks them."""
    assert has_extended_shape(text) == (text[4:14:3] == "--T:")


def test_extended_shape_examples() -> None:
    assert has_extended_shape("2025-10-02T14:25")
    assert has_extended_shape("2025-10-02T14:25:10.5+05:30")
    assert not has_extended_shape("2025-10-02T14")  # too short for the minutes' colon
    assert not has_extended_shape("2025-10-02 14:25")  # a space: the general path decides
    assert not has_extended_shape("20251002T142510")


_ANY_VALUE = st.sampled_from([None, 3, 2.5, True, [], {}, ["user"], {"a": 1}])
_STAMP = st.one_of(
    st.sampled_from(
        [
            "2025-10-02T14:25:10+05:30",
            "2025-10-02T14:25:09",
            "2025-10-02T08:55:10Z",
            "2025-10-02 14:25:10",
            "20251002T1425",
            "2025-10-02T14",
            "nope",
        ]
    ),
    _ANY_VALUE,
)
_FIELDS = {
    "role": st.one_of(st.sampled_from(["assistant", "user", "system", "User", ""]), _ANY_VALUE),
    "text": st.one_of(st.sampled_from(["Hi", ""]), _ANY_VALUE),
    "timestamp": _STAMP,
    "end_timestamp": _STAMP,
}
# Any field may be missing.
_RAW_MESSAGE = st.one_of(st.fixed_dictionaries({}, optional=_FIELDS), _ANY_VALUE)


@given(raw_messages=st.lists(_RAW_MESSAGE, max_size=5))
def test_parse_equals_the_general_reader_with_missing_fields(raw_messages: list[Any]) -> None:
    assert_parse_equals_the_general_reader(raw_messages)

"""The bounds of a transcript (callpipe.analysis.limits): at the limit taken, beyond it refused
with the field named, and nothing but a TranscriptError ever raised."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import build_call
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis.config import load_analysis_config
from callpipe.analysis.extraction import extract
from callpipe.analysis.limits import (
    CALL_REF_ID_MAX_CHARS,
    CALL_VENDOR_MAX_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES,
    MAX_TOTAL_TEXT_CHARS,
    RECORDING_URL_MAX_CHARS,
)
from callpipe.analysis.payload import build_payload
from callpipe.analysis.transcript import TranscriptError, parse_transcript

TZ = ZoneInfo("Asia/Kolkata")


def _call(**changes: Any) -> dict[str, Any]:
    data = build_call([("assistant", "What is your name?", 1), ("user", "Rahul", 3)])
    data.update(changes)
    return data


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, TZ)
    return caught.value.field


@pytest.mark.parametrize(
    "call_ref_id",
    [
        "1" * CALL_REF_ID_MAX_CHARS,
        "18882175837982271",
        "corpus-a001",
        "a.b_c:d-e",
    ],
)
def test_call_ids_within_the_rule_are_taken(call_ref_id: str) -> None:
    """Up to 128 letters, digits and . _ : - (first a letter or digit)."""
    assert parse_transcript(_call(call_ref_id=call_ref_id), TZ).call_ref_id == call_ref_id


@pytest.mark.parametrize(
    "call_ref_id",
    [
        "1" * (CALL_REF_ID_MAX_CHARS + 1),
        "x" * 300_000,
        "a b",
        "-lead",
        "a/b",
        "a\nb",
        "தமிழ்",
        "id\r\nX-Injected: 1",
    ],
)
def test_call_ids_beyond_the_rule_are_refused(call_ref_id: str) -> None:
    """Too long, or characters unsafe in a header, a key or a file name."""
    assert _refused(_call(call_ref_id=call_ref_id)) == "call_ref_id"


@pytest.mark.parametrize(
    "field, stamp",
    [
        ("start_time", "1999-12-31T23:59:59+05:30"),
        ("end_time", "9999-12-31T23:00:00+00:00"),
        ("end_time", "2101-01-01T00:00:00+05:30"),
    ],
)
def test_times_outside_2000_to_2100_are_refused(field: str, stamp: str) -> None:
    """Far-past and far-future times name their field (year 9999 used to crash a stage)."""
    data = _call(**{field: stamp})
    if field == "start_time":
        data["end_time"] = "2025-10-02T14:30:00+05:30"
    assert _refused(data) == field


def test_a_message_time_outside_the_range_names_the_message() -> None:
    """The inline message reader hands the odd one to the general reader, which names it."""
    data = _call()
    data["messages"][1]["end_timestamp"] = "9999-01-01T00:00:00+05:30"
    assert _refused(data) == "messages[1].end_timestamp"


def test_times_at_the_edges_of_the_range_give_a_payload() -> None:
    """2000-01-01 and 2100-12-31 23:59 (+00:00) format in the output zone without overflow."""
    data = _call(start_time="2000-01-01T00:00:00+05:30", end_time="2100-12-31T23:59:59+00:00")
    transcript = parse_transcript(data, TZ)
    config = load_analysis_config(None)
    payload = build_payload(transcript, extract(transcript, config), config, TZ)
    assert payload["end_time"] == "2101-01-01 05:29:59"


def test_message_counts_and_sizes_at_and_beyond_the_limits() -> None:
    """5,000 messages and 20,000 characters each are taken; one more is refused."""
    many = [{"role": "user", "text": "ok", "timestamp": "2025-10-02T14:25:05+05:30"}]
    assert len(parse_transcript(_call(messages=many * MAX_MESSAGES), TZ).messages) == MAX_MESSAGES
    assert _refused(_call(messages=many * (MAX_MESSAGES + 1))) == "messages"
    long = {
        "role": "user",
        "text": "a" * MAX_MESSAGE_CHARS,
        "timestamp": "2025-10-02T14:25:05+05:30",
    }
    assert parse_transcript(_call(messages=[long]), TZ).messages[0].text == long["text"]
    assert _refused(_call(messages=[{**long, "text": "a" * (MAX_MESSAGE_CHARS + 1)}])) == (
        "messages[0].text"
    )
    count = MAX_TOTAL_TEXT_CHARS // MAX_MESSAGE_CHARS + 1
    assert _refused(_call(messages=[long] * count)) == "messages"


@pytest.mark.parametrize(
    "field, limit",
    [
        ("call_vendor", CALL_VENDOR_MAX_CHARS),
        ("recording_url", RECORDING_URL_MAX_CHARS),
    ],
)
def test_vendor_and_recording_url_lengths(field: str, limit: int) -> None:
    """At the limit taken, one character more refused."""
    parse_transcript(_call(**{field: "v" * limit}), TZ)
    assert _refused(_call(**{field: "v" * (limit + 1)})) == field


_ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    call_ref_id=st.one_of(st.text(max_size=200), _ANY_JSON),
    start=st.one_of(
        st.sampled_from(
            ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2025-10-02T14:25:00+05:30"]
        ),
        _ANY_JSON,
    ),
    messages=st.one_of(st.lists(_ANY_JSON, max_size=5), _ANY_JSON),
)
def test_anything_beyond_the_limits_raises_only_a_transcript_error(
    call_ref_id: object, start: object, messages: object
) -> None:
    """Whatever the values, parsing either succeeds or names a field."""
    data = _call(call_ref_id=call_ref_id, start_time=start, messages=messages)
    try:
        parse_transcript(data, TZ)
    except TranscriptError as exc:
        assert exc.field

"""The message reader of `parse_transcript`: its inline path (index-checked
timestamp shape, fields read with ``.get``, strings sorted as times) gives
what the general reader `_message` gives message by message, also for
messages with missing fields or fields of other types; and the parsed
transcript equals the one `build_transcript` makes, texts included."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from analysis_support import assert_parse_equals_the_general_reader, raw_call
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import build_transcript, parse_transcript
from callpipe.analysis.texts import call_texts_slowly

# --- the inline reader == the field-by-field one ------------------------------


_STAMP_TEXT = st.one_of(
    st.sampled_from(
        [
            "2025-10-02T14:25:10+05:30",
            "2025-10-02T14:25:09+05:30",
            "2025-10-02T14:25:10.5+05:30",
            "2025-10-02T14:25:10,5+05:30",
            "2025-10-02T14:25.5+05:30",
            "2025-10-02T14:25:10.1234567+05:30",
            "2025-10-02T08:55:10Z",
            "2025-10-02t08:55:10z",
            "2025-10-02 14:25:10",
            "2025-10-02T14:25:10",
            "2025-10-02T14:25:10+0530",
            "2025-10-02",
            "20251002T1425",
            "soon",
            "",
        ]
    ),
    st.none(),
    st.integers(0, 3),
)


_RAW_MESSAGE = st.one_of(
    st.fixed_dictionaries(
        {
            "role": st.sampled_from(["assistant", "user", "user", "system", 3]),
            "text": st.one_of(st.sampled_from(["Hi", "Naam?", ""]), st.none()),
            "timestamp": _STAMP_TEXT,
        },
        optional={"end_timestamp": _STAMP_TEXT},
    ),
    st.just([]),
)


@given(raw_messages=st.lists(_RAW_MESSAGE, max_size=6))
def test_parse_equals_reading_message_by_message(raw_messages: list[Any]) -> None:
    assert_parse_equals_the_general_reader(raw_messages)


_ANY_VALUE = st.sampled_from([None, 3, 2.5, True, [], {}, ["user"], {"a": 1}])


_ANY_STAMP = st.one_of(
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
    "timestamp": _ANY_STAMP,
    "end_timestamp": _ANY_STAMP,
}


# Any field may be missing.
_RAW_MESSAGE_WITH_GAPS = st.one_of(st.fixed_dictionaries({}, optional=_FIELDS), _ANY_VALUE)


@given(raw_messages=st.lists(_RAW_MESSAGE_WITH_GAPS, max_size=5))
def test_parse_equals_the_general_reader_with_missing_fields(raw_messages: list[Any]) -> None:
    assert_parse_equals_the_general_reader(raw_messages)


# --- parsed == built, texts included ------------------------------------------


_TEXTS = st.sampled_from(["Hi", "Naam?", "", "İstanbul", "ΣΑΣ", "Straße", "ਹਾਂ ਜੀ", "x\ny"])


_STAMPS = st.sampled_from(
    [
        "2025-10-02T14:25:10+05:30",
        "2025-10-02T14:25:09+05:30",
        "2025-10-02T14:26:00+05:30",
        "2025-10-02T08:55:10Z",
        "2025-10-02T08:56:10Z",
        "2025-10-02T14:25:10",
        "2025-10-02T14:24:10",
        "2025-10-02 14:25:10",
    ]
)


_RAW_MESSAGE_OUT_OF_ORDER = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["assistant", "user", "system"]),
        "text": _TEXTS,
        "timestamp": _STAMPS,
    },
    optional={"end_timestamp": _STAMPS},
)


@given(raw_messages=st.lists(_RAW_MESSAGE_OUT_OF_ORDER, max_size=8))
def test_parsed_transcript_equals_the_built_one_texts_included(raw_messages: list[Any]) -> None:
    # Messages out of order, mixed time styles and texts whose lower case is
    # longer (İ): the texts must be call_texts of the sorted messages.
    tz = ZoneInfo("Asia/Kolkata")
    data = raw_call(raw_messages, recording_url="u")
    transcript = parse_transcript(data, tz)
    built = build_transcript(
        "c1",
        "v",
        "u",
        transcript.start_time,
        transcript.end_time,
        [
            parse_transcript({**data, "messages": [raw]}, tz).messages[0]
            for raw in raw_messages
            if raw["role"] != "system"
        ],
    )
    assert transcript == built
    assert transcript.texts == built.texts == call_texts_slowly(transcript.messages)

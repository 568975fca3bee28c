"""The third round of shortcuts (payload times from a table of two-digit
fields, texts collected by the message reader, catalogue tokens in one
findall) give the same answers as the plain versions they replace."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import build_transcript, parse_transcript
from callpipe.analysis.matching import catalogue_tokens
from callpipe.analysis.texts import call_texts_slowly
from callpipe.analysis.times import format_time

# --- payload times ------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1000, 1, 1, 5, 6, 7, tzinfo=UTC),
        datetime(2025, 10, 2, 9, 0, 22, 500000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(9999, 12, 31, 18, 29, 59, tzinfo=UTC),
    ],
)
def test_payload_time_at_the_year_edges_equals_isoformat_cut(moment: datetime) -> None:
    tz = ZoneInfo("Asia/Kolkata")
    assert format_time(moment, tz) == moment.astimezone(tz).isoformat(" ")[:19]


# --- texts collected by the message reader ------------------------------------

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
_RAW_MESSAGE = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["assistant", "user", "system"]),
        "text": _TEXTS,
        "timestamp": _STAMPS,
    },
    optional={"end_timestamp": _STAMPS},
)


@given(raw_messages=st.lists(_RAW_MESSAGE, max_size=8))
def test_parsed_transcript_equals_the_built_one_texts_included(raw_messages: list[Any]) -> None:
    # Messages out of order, mixed time styles and texts whose lower case is
    # longer (İ): the texts must be call_texts of the sorted messages.
    tz = ZoneInfo("Asia/Kolkata")
    data = {
        "call_ref_id": "c1",
        "call_vendor": "v",
        "recording_url": "u",
        "start_time": "2025-10-02T14:00:00+05:30",
        "end_time": "2025-10-02T15:00:00+05:30",
        "messages": raw_messages,
    }
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


# --- catalogue tokens -----------------------------------------------------------

_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_LATIN_RUN = re.compile(r"[a-z0-9]+")


def _catalogue_tokens_by_splitting(text: str) -> list[str]:
    """The reference: spaces between letters and digits, then runs of both."""
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LATIN_RUN.findall(_LETTER_DIGIT.sub(" ", lowered))


@given(
    st.lists(
        st.sampled_from(["xuv", "XUV", "700", "7", "-", " ", "é", "Ü", "ı", "_", "ev", "9x", "½"]),
        max_size=10,
    ).map("".join)
    | st.text(max_size=20)
)
def test_catalogue_tokens_equal_splitting_then_finding_runs(text: str) -> None:
    assert catalogue_tokens(text) == _catalogue_tokens_by_splitting(text)

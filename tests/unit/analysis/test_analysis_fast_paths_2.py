"""The second round of shortcuts (trie-shaped phrase regexes, listed-word finder,
string-ordered timestamps, the inline message reader, one-pass texts, payload
times) give the same answers as the plain versions they replace."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import (
    PHRASE_LISTS,
    PHRASE_TEXTS,
    assert_parse_equals_the_general_reader,
    packaged_phrase_lists,
)
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, Message
from callpipe.analysis.language import ROMAN_WORD
from callpipe.analysis.matching import PhraseMatcher, latin_word_finder, phrase_key
from callpipe.analysis.texts import call_texts, call_texts_slowly
from callpipe.analysis.times import format_time, string_order_is_time_order

# --- phrase matchers: trie-shaped regex == plain alternation ------------------


def _spans(matcher: PhraseMatcher, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in matcher.matches(text)]


@given(phrases=PHRASE_LISTS, text=PHRASE_TEXTS, whole_words=st.booleans(), pos=st.integers(0, 20))
def test_trie_matcher_equals_plain_alternation(
    phrases: list[str], text: str, whole_words: bool, pos: int
) -> None:
    """Same matches, including longest-first where phrases share a start."""
    trie = PhraseMatcher(phrases, whole_words=whole_words)
    plain = PhraseMatcher(phrases, whole_words=whole_words, trie=False)
    assert _spans(trie, text) == _spans(plain, text)
    found, expected = trie.search(text, pos), plain.search(text, pos)
    assert (found and found.span()) == (expected and expected.span())
    assert trie.count(text) == plain.count(text)


@given(text=PHRASE_TEXTS)
def test_packaged_matchers_equal_plain_alternation(text: str, config: AnalysisConfig) -> None:
    for listed, whole_words in packaged_phrase_lists(config):
        trie = PhraseMatcher(listed, whole_words=whole_words)
        plain = PhraseMatcher(listed, whole_words=whole_words, trie=False)
        lowered = text.lower() + " " + " ".join(listed)
        assert _spans(trie, lowered) == _spans(plain, lowered)


def test_trie_is_not_used_where_its_argument_fails() -> None:
    """A typographic apostrophe in a phrase: the plain alternation decides."""
    matcher = PhraseMatcher(["didn’t", "didn't understand"])
    assert [m.group() for m in matcher.matches("didn’t understand, didn’t")] == [
        "didn’t understand",
        "didn’t",
    ]


def test_phrase_key_maps_keys_to_themselves() -> None:
    """questions.py looks a matched cue up as it stands before normalising it:
    that is only the same when phrase_key(phrase_key(x)) == phrase_key(x)."""
    for code in range(0x110000):
        key = phrase_key(f"{chr(code)}Σ a ’x")
        assert phrase_key(key) == key


# --- language words -----------------------------------------------------------

_WORDS = st.lists(st.text("abhij", min_size=1, max_size=4), max_size=6)


@given(words=_WORDS, text=st.text("abhij ÉéZ\n-ई1", max_size=30))
def test_listed_word_finder_equals_filtering_all_runs(words: list[str], text: str) -> None:
    lowered = text.lower()
    listed = set(words)
    expected = [word for word in ROMAN_WORD.findall(lowered) if word in listed]
    assert latin_word_finder(words).findall(lowered) == expected


# --- timestamps ordered as strings ----------------------------------------------

_LAYOUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"]


@st.composite
def _stamps(draw: Any) -> list[str]:
    offset = draw(st.sampled_from(["+05:30", "-03:00", "+00:00", "Z", ""]))
    layout = draw(st.sampled_from(_LAYOUTS))
    cut = draw(st.sampled_from([0, 3, 5]))  # fraction digits dropped
    count = draw(st.integers(1, 6))
    stamps = []
    for _ in range(count):
        moment = draw(st.datetimes(datetime(2025, 1, 1), datetime(2025, 1, 2)))
        text = moment.strftime(layout)
        if layout.endswith("%f") and cut:
            text = text[:-cut]
        # Now and then another layout, offset or separator slips in.
        text += draw(st.sampled_from([offset, offset, offset, "+05:30", "+0530"]))
        if draw(st.integers(0, 9)) == 0:
            text = text.replace(".", ",")
        stamps.append(text)
    return stamps


@given(stamps=_stamps())
def test_string_order_is_time_order_only_when_it_is(stamps: list[str]) -> None:
    tz = ZoneInfo("Asia/Kolkata")
    times = [datetime.fromisoformat(s) for s in stamps]
    times = [t if t.tzinfo else t.replace(tzinfo=tz) for t in times]
    if string_order_is_time_order(stamps):
        by_string = sorted(range(len(stamps)), key=stamps.__getitem__)
        by_time = sorted(range(len(stamps)), key=times.__getitem__)
        assert by_string == by_time


def test_string_order_is_refused_for_unlike_layouts() -> None:
    assert string_order_is_time_order(["2025-10-02T14:25:10+05:30", "2025-10-02T14:25:11+05:30"])
    assert not string_order_is_time_order(["2025-10-02T14:25.99+05:30"])  # minute fraction
    assert not string_order_is_time_order(["2025-10-02T14:25:10+05:30", "2025-10-02T14:25.5+05:30"])
    assert not string_order_is_time_order(
        ["2025-10-02T14:25:10+05:30", "2025-10-02T14:25:10+01:00"]
    )
    assert not string_order_is_time_order(["2025-10-02T14:25:10.1234567+05:30"])  # cut fraction
    assert not string_order_is_time_order(["2025-10-02T14:25:10Z", "2025-10-02T14:25:11Z"])
    assert not string_order_is_time_order([])
    # Digits of another script are not digits of the layout (fromisoformat reads them).
    assert not string_order_is_time_order(
        ["2025-10-02T14:25:10+05:30", "2025-10-02T14:25:1٣+05:30"]
    )


# --- parsing: the inline reader == the field-by-field one -----------------------

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


# --- texts and payload times ----------------------------------------------------

_MIXED = st.text(alphabet=st.sampled_from("aZ İΣς\n\x00'’-\u0915\u093e"), max_size=20)


@given(st.lists(st.tuples(st.sampled_from(["assistant", "user"]), _MIXED), max_size=8))
def test_call_texts_equal_the_slow_version(turns: list[tuple[str, str]]) -> None:
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    assert call_texts(messages) == call_texts_slowly(messages)


@given(moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)), hours=st.integers(-12, 12))
@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_payload_time_equals_isoformat_cut(moment: datetime, hours: int, zone: str) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(hours=hours)))
    tz = ZoneInfo(zone)
    assert format_time(aware, tz) == aware.astimezone(tz).isoformat(" ")[:19]


def test_word_pattern_is_a_whole_run() -> None:
    finder = latin_word_finder(["haan", "ji", "haanji"])
    assert finder.findall("haan ji, haanji haanjii xhaan jia ji1 ji") == [
        "haan",
        "ji",
        "haanji",
        "ji",
        "ji",
    ]
    assert re.compile(r"(?!)").pattern == latin_word_finder(["two words", "É"]).pattern

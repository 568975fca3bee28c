"""The engine's shortcuts give the same answers as the plain rules they replace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, Message, build_transcript, parse_timestamp
from callpipe.analysis.routing import _confused_messages
from callpipe.analysis.texts import call_texts

# Characters from every packaged script, Latin, joiners and separators.
_MIXED = st.text(
    alphabet=st.sampled_from(
        "aZ Σς\n\x00'’-"
        "\u0900\u0915\u093e\u097f\ua8e0\ua8ff"  # Devanagari (Hindi)
        "\u0a05\u0a3e\u0a85\u0abe\u0b85\u0bcd\u0c05\u0c3e\u0c85\u0cbe"
        "\u0d05\u200c\u200d"
    ),
    max_size=40,
)


@given(replies=st.lists(_MIXED, max_size=6))
def test_script_counts_equal_one_regex_per_language(
    replies: list[str], config: AnalysisConfig
) -> None:
    """Mixed scripts in one call are counted exactly as per-language character classes."""
    text = "\n".join(replies)
    expected = {
        language: len(pattern.findall(text)) for language, pattern in config.script_patterns
    }
    counted = config.script_counter.count(text)
    assert {language: counted.get(language, 0) for language in expected} == expected


@given(st.lists(st.tuples(st.sampled_from(["assistant", "user"]), _MIXED), max_size=8))
def test_call_texts_equal_joining_then_lowering(turns: list[tuple[str, str]]) -> None:
    """Lower-casing per message then joining is the same as joining then lower-casing."""
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    texts = call_texts(messages)
    assistant = [text for role, text in turns if role == "assistant"]
    user = [text for role, text in turns if role == "user"]
    assert texts.user == "\n".join(user)
    assert texts.user_lowered == "\n".join(user).lower()
    assert texts.assistant_lowered == "\x00".join(assistant).lower()
    for number, start_offset in enumerate(texts.assistant_starts):
        index = texts.assistant_indexes[number]
        assert texts.assistant_index_at(start_offset) == index
        assert turns[index][0] == "assistant"


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_naive_times_get_the_zone_like_replace(moment: datetime) -> None:
    """A naive input time is read as wall time in the zone, fold 0, as replace() would."""
    for zone in (ZoneInfo("Asia/Kolkata"), ZoneInfo("America/New_York"), timezone(timedelta(0))):
        text = moment.replace(fold=0).isoformat()
        parsed = parse_timestamp(text, zone)
        expected = datetime.fromisoformat(text).replace(tzinfo=zone)
        assert parsed is not None
        assert (parsed, parsed.tzinfo, parsed.fold) == (expected, expected.tzinfo, expected.fold)
        assert parsed.utcoffset() == expected.utcoffset()


_PHRASE_TEXT = st.lists(
    st.sampled_from(
        ["sorry", "Pardon", "did not  understand", "phir se", "so", "rry", "x", " ", "\n"]
    ),
    max_size=6,
).map("".join)


@given(turns=st.lists(st.tuples(st.sampled_from(["assistant", "user"]), _PHRASE_TEXT), max_size=8))
def test_confused_messages_equal_a_search_per_message(
    turns: list[tuple[str, str]], config: AnalysisConfig
) -> None:
    """One scan of all assistant messages finds the same messages as one search each."""
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    transcript = build_transcript("c1", "v", "", start, start, messages)
    expected = tuple(
        index
        for index, message in enumerate(transcript.messages)
        if message.role == "assistant"
        and config.confusion_matcher.search(message.text.lower()) is not None
    )
    assert _confused_messages(transcript, config) == expected

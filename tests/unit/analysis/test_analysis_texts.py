"""The texts of a call (`texts.call_texts`): one join and one lower-casing
give what lower-casing message by message gives (`call_texts_slowly`)."""

from __future__ import annotations

from datetime import UTC, datetime

from analysis_support import MIXED_SCRIPTS
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import Message
from callpipe.analysis.texts import call_texts, call_texts_slowly


@given(st.lists(st.tuples(st.sampled_from(["assistant", "user"]), MIXED_SCRIPTS), max_size=8))
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
    assert [turns[index][0] for index in texts.user_indexes] == ["user"] * len(user)
    for position, index in enumerate(texts.user_indexes):
        assert texts.user_message_lowered(position) == turns[index][1].lower()


_MIXED_CASES = st.text(alphabet=st.sampled_from("aZ İΣς\n\x00'’-\u0915\u093e"), max_size=20)


@given(st.lists(st.tuples(st.sampled_from(["assistant", "user"]), _MIXED_CASES), max_size=8))
def test_call_texts_equal_the_slow_version(turns: list[tuple[str, str]]) -> None:
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    assert call_texts(messages) == call_texts_slowly(messages)

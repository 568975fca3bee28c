"""Reading the LLM's answer: untrusted JSON in, values for this call's windows out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.analysis.fields import Field
from callpipe.connectors.llm.answer import Answer, Dropped, UnusableAnswer, read_answer
from callpipe.connectors.llm.validation import ValueValidator

ASKED: dict[str, Field] = {
    "name-1": "name",
    "name-2": "name",
    "model-1": "model",
    "email-1": "email",
}


def answer_text(*values: tuple[Any, Any]) -> str:
    return json.dumps({"values": [{"window_id": w, "value": v} for w, v in values]})


def test_good_answer_is_used(validator: ValueValidator) -> None:
    """Valid values for asked windows come back normalised, nothing dropped."""
    text = answer_text(
        ("name-1", "rahul sharma"), ("model-1", "nexon ev"), ("email-1", "R@X.IN"), ("name-2", None)
    )
    answer = read_answer(text, ASKED, validator)
    assert answer == Answer(
        values={
            "name-1": "Rahul Sharma",
            "model-1": "Tata Nexon EV",
            "email-1": "r@x.in",
            "name-2": None,
        },
        dropped=(),
    )


def test_unknown_windows_are_dropped(validator: ValueValidator) -> None:
    """A value for a window that was not asked about is never used."""
    text = answer_text(("email-7", "a@b.com"), ("model-2", "Tata Punch"), ("name-1", "Priya"))
    answer = read_answer(text, ASKED, validator)
    assert isinstance(answer, Answer)
    assert answer.values == {"name-1": "Priya"}
    assert answer.dropped == (
        Dropped("email-7", "unknown_window"),
        Dropped("model-2", "unknown_window"),
    )


def test_invalid_values_are_dropped_and_counted(validator: ValueValidator) -> None:
    """A value the field does not allow means no value for that window, and is recorded."""
    text = answer_text(("name-1", "I don't know"), ("model-1", "Tesla Model 3"), ("email-1", "x"))
    answer = read_answer(text, ASKED, validator)
    assert isinstance(answer, Answer)
    assert answer.values == {"name-1": None, "model-1": None, "email-1": None}
    assert [d.reason for d in answer.dropped] == ["invalid_value"] * 3


def test_first_of_duplicates_counts(validator: ValueValidator) -> None:
    """A window answered twice keeps the first answer."""
    answer = read_answer(answer_text(("name-1", "Amit"), ("name-1", "Sumit")), ASKED, validator)
    assert isinstance(answer, Answer)
    assert answer.values == {"name-1": "Amit"}
    assert answer.dropped == (Dropped("name-1", "duplicate"),)


@pytest.mark.parametrize(
    "item",
    [
        "name-1",
        ["name-1", "Rahul"],
        {"window_id": 1, "value": "Rahul"},
        {"window": "name-1", "value": "Rahul"},
        {"window_id": "name-1"},
        {"window_id": "name-1", "value": 7},
        {"window_id": "name-1", "value": ["Rahul"]},
    ],
)
def test_malformed_items_are_dropped(validator: ValueValidator, item: object) -> None:
    """Entries that are not {window_id: str, value: str|null} are dropped, the rest is kept."""
    text = json.dumps({"values": [item, {"window_id": "email-1", "value": "a@b.co"}]})
    answer = read_answer(text, ASKED, validator)
    assert isinstance(answer, Answer)
    assert answer.values == {"email-1": "a@b.co"}
    assert [d.reason for d in answer.dropped] == ["malformed"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Sure! Here are the values.",
        "[1, 2]",
        '"values"',
        '{"value": []}',
        '{"values": {}}',
        '{"values": [',
        "[" * 100_000,
    ],
)
def test_unusable_answers(validator: ValueValidator, text: str) -> None:
    """Not JSON, or not an object with a values array: nothing can be used."""
    assert isinstance(read_answer(text, ASKED, validator), UnusableAnswer)


def test_code_fence_is_tolerated(validator: ValueValidator) -> None:
    """A JSON object wrapped in a Markdown fence (json_object mode) is still read."""
    text = "```json\n" + answer_text(("name-1", "Priya")) + "\n```"
    answer = read_answer(text, ASKED, validator)
    assert isinstance(answer, Answer) and answer.values == {"name-1": "Priya"}


def test_blank_values_mean_no_value(validator: ValueValidator) -> None:
    """An empty string is the same as null, not an invalid value."""
    answer = read_answer(answer_text(("name-1", "  ")), ASKED, validator)
    assert answer == Answer(values={"name-1": None}, dropped=())


# --- properties -------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)
window_ids = st.sampled_from([*ASKED, "email-2", "model-9", "", "name-1 ", "NAME-1"]) | st.text(
    max_size=8
)
entries = st.fixed_dictionaries(
    {"window_id": window_ids | json_values, "value": st.text(max_size=40) | json_values}
)
shaped = st.builds(lambda items: {"values": items}, st.lists(entries | json_values, max_size=8))


def check_trusted(answer: Answer | UnusableAnswer, validator: ValueValidator) -> None:
    if isinstance(answer, UnusableAnswer):
        return
    assert set(answer.values) <= set(ASKED)
    for window_id, value in answer.values.items():
        if value is not None:
            # Every kept value is already in its normal form: checking it again changes nothing.
            assert validator.check(ASKED[window_id], value) == value


@settings(max_examples=300, deadline=None)
@given(document=json_values | shaped)
def test_arbitrary_json_never_raises_or_invents_windows(
    validator: ValueValidator, document: object
) -> None:
    """Any JSON answer is read without raising, and only asked windows get values."""
    check_trusted(read_answer(json.dumps(document), ASKED, validator), validator)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_raises(validator: ValueValidator, text: str) -> None:
    """Any text at all is read without raising."""
    check_trusted(read_answer(text, ASKED, validator), validator)

"""Capitals read after a character whose lower case is longer ("İ" -> "i̇").

The model and name readers find words in the lower-cased reply and look at
the same places in the reply as said (a model's capital, a name's letters).
A character that lower-cases to two must not shift those places
(`matching.lower_case_in_place`).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig
from callpipe.analysis.matching import lower_case_in_place
from callpipe.analysis.values import extract_model, extract_name
from callpipe.analysis.values.models import find_mentions


@pytest.mark.parametrize(
    "reply, model",
    [
        ("City car chahiye", "Honda City"),  # capitalised: the model
        ("city car chahiye", None),  # an everyday word before a cue word: none
        ("İ City car chahiye", "Honda City"),
        ("İpek here, City car chahiye", "Honda City"),
        ("İİ ciTy car chahiye", None),  # the capital T is not the word's first letter
    ],
)
def test_a_models_capital_is_read_where_the_customer_wrote_it(
    reply: str, model: str | None, config: AnalysisConfig
) -> None:
    """An "İ" before the model does not move the letter whose case is read."""
    assert extract_model(reply, config) == model


def test_a_mention_after_a_longer_lower_case_keeps_its_capital(config: AnalysisConfig) -> None:
    """The mention's offsets are those of the reply as said, and it is capitalised."""
    text = "İ Nexon EV"
    (mention,) = find_mentions(text, lower_case_in_place(text), config)
    assert mention.capitalised
    assert text[mention.start : mention.end] == "Nexon EV"


@pytest.mark.parametrize(
    "reply, name",
    [
        ("İ Mr Rahul", "Rahul"),  # the title is still a title
        ("İ mera naam Rahul hai", "Rahul"),  # the naming phrase is still found
        ("İ, Rahul ji", "Rahul"),
    ],
)
def test_a_name_after_a_longer_lower_case_is_read_whole(
    reply: str, name: str, config: AnalysisConfig
) -> None:
    """An "İ" before the name does not shift its words against their lower case."""
    assert extract_name(reply, config) == name


@given(st.text(alphabet=st.sampled_from("aZ İΣς\n'’-\u0915\u093e\u1e9e\ufb00"), max_size=20))
def test_lower_case_in_place_keeps_every_offset(text: str) -> None:
    """One character for each character; the plain lower case whenever that keeps the length."""
    lowered = lower_case_in_place(text)
    assert len(lowered) == len(text)
    if len(text.lower()) == len(text):
        assert lowered == text.lower()
    else:
        assert lowered == "".join(char.lower()[0] for char in text)

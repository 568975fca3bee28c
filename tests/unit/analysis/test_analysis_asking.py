"""Which field a text asks for (contract section 3): cue words, and only a
sentence that asks makes a cue an attempt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from analysis_support import build_call, response
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, asked_field, load_analysis_config
from callpipe.analysis.questions import sentence_asks, sentence_spans

CONFIG = load_analysis_config()


# Greetings and statements with a cue word are not attempts (the contract's
# examples).
STATEMENTS = [
    ("Welcome to Honda Cars.", None),
    ("We will send the brochure to your email.", None),
    ("We have many car options.", None),
    ("Namaste! Welcome to Tata Motors, India's favourite car brand.", None),
    ("Thank you Rahul ji, I have noted your name.", None),
    ("I will send the details to your email id.\nHave a good day!", None),
]

# A sentence ending with '?' or holding a request word asks; its last cue
# decides.
ASKING_SENTENCES = [
    ("Which car are you considering?", "model"),
    ("Please tell me your email id.", "email"),
    ("Aapka naam batayiye.", "name"),
    ("Your name?", "name"),
    ("Welcome to Honda Cars. May I know your name?", "name"),
    ("What is your name? We will send the brochure to your email.", "name"),
    ("Great, the Creta is a fine car. Could you share your email id", "email"),
    ("Your email id please", "email"),
    ("Aapki gaadi kaunsi hai", "model"),
    ("Which model? And what is your email id?", "email"),
    ("Your name?!", "name"),
]

# Cues match case-insensitively; with cues of several fields the last one
# decides.
CUES = [
    ("May I know your NAME please?", "name"),
    ("Aapka naam kya hai?", "name"),
    ("Which vehicle do you like?", "model"),
    ("Kaunsi gaadi chahiye?", "model"),
    ("Your e-mail please", "email"),
    ("Please share your mail id", "email"),
    ("Thanks for your name. Which car are you looking for?", "model"),
    ("Before the car, may I have your name", "name"),
]

# Cues inside longer words ('Namaste', 'username', 'Scary', 'Emailing') ask
# nothing.
WHOLE_WORDS = [
    ("Namaste! Welcome to Tata Motors.", None),
    ("Your username is ready", None),
    ("Scary cartoons", None),
    ("Emailing you", None),
]

SECTIONS = {
    "statement": STATEMENTS,
    "asking sentence": ASKING_SENTENCES,
    "cue": CUES,
    "whole words": WHOLE_WORDS,
}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(text, field, id=f"{section}: {text!r}")
        for section, rows in SECTIONS.items()
        for text, field in rows
    ],
)
def test_the_field_a_text_asks(text: str, field: str | None, config: AnalysisConfig) -> None:
    """The field the text asks for, or None when it asks for none."""
    asked = asked_field(text, config)
    assert (None if asked is None else asked[0]) == field


def test_sentences_end_at_marks_before_space_and_at_line_breaks() -> None:
    """'.', '!' or '?' before white space or the end, and line breaks, end sentences."""
    text = "Hi! Mail rahul.sharma@gmail.com ok? Yes...\nnext line"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Hi!",
        " Mail rahul.sharma@gmail.com ok?",
        " Yes...",
        "next line",
    ]


def test_a_greeting_with_a_cue_makes_no_window(payload_of: Any) -> None:
    """'Welcome to Honda Cars.' is no model attempt: model stays not_attempted."""
    data = build_call(
        [
            ("assistant", "Welcome to Honda Cars.", 1),
            ("user", "Hello", 3, 4),
            ("assistant", "May I know your name?", 6),
            ("user", "Rahul Sharma", 8, 9),
        ]
    )
    payload = payload_of(data)
    assert response(payload, "model")["attempts"] == 0
    assert response(payload, "model")["remarks"] == "not_attempted"
    assert response(payload, "name")["key_response"] == "Rahul Sharma"


def test_request_words_come_from_questions_json(tmp_path: Path) -> None:
    """An override questions.json replaces the request words whole."""
    (tmp_path / "questions.json").write_text(json.dumps({"request_words": ["sangaa"]}), "utf-8")
    config = load_analysis_config(tmp_path)
    assert asked_field("Tumcha naav sangaa.", CONFIG) is None
    assert asked_field("Your name please.", config) is None
    assert asked_field("Naam sangaa.", config) == ("name", "naam")
    assert asked_field("Your name?", config) == ("name", "name")


_piece = st.sampled_from(
    ["name", "car", "email", "please", "what", "welcome", "to", "honda", "x.y", "ok"]
)
_mark = st.sampled_from([" ", ". ", "? ", "! ", "\n", "?", ".", ", "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_piece, _mark), max_size=12))
def test_an_attempt_always_has_an_asking_sentence_with_its_cue(
    pieces: list[tuple[str, str]],
) -> None:
    """Whatever the text, an asked field's cue lies in a sentence that asks."""
    text = "".join(word + mark for word, mark in pieces)
    asked = asked_field(text, CONFIG)
    sentences = [text[a:b].lower() for a, b in sentence_spans(text)]
    asking = [s for s in sentences if sentence_asks(s, CONFIG)]
    if asked is None:
        assert not any(CONFIG.cue_matcher.search(s) for s in asking)
    else:
        assert any(CONFIG.cue_matcher.search(s) for s in asking)

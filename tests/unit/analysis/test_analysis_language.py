"""Conversational language (contract section 4)."""

from __future__ import annotations

from typing import Any

import pytest
from analysis_support import MIXED_SCRIPTS, build_call
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, LanguageScore, detect_language, parse_transcript
from callpipe.analysis.language import decide_language


def language_of(payload_of: Any, *replies: str, assistant: str = "Hello") -> str:
    turns = [("assistant", assistant, 1)] + [("user", r, 2 + i) for i, r in enumerate(replies)]
    return str(payload_of(build_call(turns))["language"]["conversational"])


@pytest.mark.parametrize(
    "reply, language",
    [
        ("मेरा नाम राहुल है", "hindi"),  # Devanagari
        ("என் பெயர் முத்து", "tamil"),
        ("నా పేరు రాము", "telugu"),
        ("ನನ್ನ ಹೆಸರು ರವಿ", "kannada"),
        ("મારું નામ રવિ છે", "gujarati"),
        ("ਮੇਰਾ ਨਾਮ ਹਰਪ੍ਰੀਤ ਹੈ", "punjabi"),  # Gurmukhi
        ("haan ji, mera naam Amit hai", "hindi"),  # romanised Hindi words
        ("yes, my name is Priya, thank you", "english"),
        ("Vanakkam, romba nandri", "tamil"),
        ("Avunu andi, nenu Ramu", "telugu"),
        ("Houdu, nanage beku", "kannada"),
        ("Kem cho, majama", "gujarati"),
        ("Tusi kiddan, changa", "punjabi"),
    ],
)
def test_each_language_by_script_or_words(reply: str, language: str, payload_of: Any) -> None:
    """Script characters and romanised common words each score for their language."""
    assert language_of(payload_of, reply) == language


def test_only_user_messages_count(payload_of: Any) -> None:
    """A Tamil-speaking bot with an English-speaking customer is English."""
    assert language_of(payload_of, "yes please", assistant="வணக்கம் வணக்கம்") == "english"


def test_tie_gives_hindi(payload_of: Any) -> None:
    """English 2 vs Tamil 2 (two code points): a tie for the top is hindi."""
    assert language_of(payload_of, "yes thank", "ம்") == "hindi"


def test_all_zero_gives_hindi(payload_of: Any) -> None:
    """No script characters and no known words: hindi."""
    assert language_of(payload_of, "Xyz qwerty 123") == "hindi"


def test_no_user_messages_gives_hindi(payload_of: Any) -> None:
    """A call with no customer speech at all is hindi."""
    assert language_of(payload_of) == "hindi"


def test_scores_are_reported_per_language(config: AnalysisConfig, tz: Any) -> None:
    """The decision carries every language's script and word counts (for --explain)."""
    data = build_call([("user", "haan ji सही", 1), ("user", "yes", 2)])
    decision = detect_language(parse_transcript(data, tz), config)
    scores = {s.language: (s.script_chars, s.words) for s in decision.scores}
    assert scores["hindi"] == (3, 2)  # स ह ी + haan, ji
    assert scores["english"] == (0, 1)
    assert decision.rule == "highest_score"


def test_decide_language_rules() -> None:
    """Highest total wins; a shared top score or all zero gives the fallback."""

    def score(lang: str, total: int) -> LanguageScore:
        return LanguageScore(lang, total, 0)

    assert decide_language((score("tamil", 3), score("english", 2)), "hindi").language == "tamil"
    assert decide_language((score("tamil", 3), score("english", 3)), "hindi").rule == "tie"
    assert decide_language((score("tamil", 0),), "hindi").rule == "no_evidence"


@pytest.mark.parametrize("word", ["hello", "hi", "ok", "okay", "hmm", "bye"])
def test_neutral_words_count_for_no_language(word: str, payload_of: Any) -> None:
    """'hello', 'ok', ... said with one Tamil character: Tamil wins, not a tie with English."""
    assert language_of(payload_of, f"{word} {word.upper()} {word}", "ம") == "tamil"
    assert language_of(payload_of, f"{word}, {word}") == "hindi"


def test_neutral_words_are_configuration(config: AnalysisConfig) -> None:
    """languages.json lists the neutral words; none of them scores for a language."""
    assert {"hello", "hi", "ok", "okay", "hmm", "bye"} <= set(config.neutral_words)
    assert not set(config.neutral_words) & set(config.word_languages)


# --- the script counter == one regex per language -----------------------------


@given(replies=st.lists(MIXED_SCRIPTS, max_size=6))
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

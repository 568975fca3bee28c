"""The conversational language of a call (contract section 4).

Only the customer's (user) messages count. Each language scores one point per
character of its script and one point per common word of it in romanised
text. The highest score wins; a tie for the top, or no evidence at all,
gives the fallback (``hindi``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal, NamedTuple

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.transcript import Transcript

_ROMAN_WORD = re.compile(r"[a-z]+")

LanguageRule = Literal["highest_score", "tie", "no_evidence"]


class LanguageScore(NamedTuple):
    """One language's evidence (a NamedTuple: seven are made per call)."""

    language: str
    script_chars: int
    words: int

    @property
    def total(self) -> int:
        return self.script_chars + self.words


@dataclass(frozen=True, slots=True)
class LanguageDecision:
    """The language chosen, why, and every language's score (configuration order)."""

    language: str
    rule: LanguageRule
    scores: tuple[LanguageScore, ...]


def detect_language(transcript: Transcript, config: AnalysisConfig) -> LanguageDecision:
    chars = dict.fromkeys((spec.name for spec in config.languages), 0)
    words = dict.fromkeys(chars, 0)
    # All replies as one text: counting is per character and per word, so
    # joining changes nothing but the number of passes.
    texts = transcript.texts
    word_languages = config.word_languages
    for word, times in Counter(_ROMAN_WORD.findall(texts.user_lowered)).items():
        for language in word_languages.get(word, ()):
            words[language] += times
    if not texts.user.isascii():  # Indic scripts only appear outside ASCII
        chars.update(config.script_counter.count(texts.user))
    scores = tuple(LanguageScore(name, chars[name], words[name]) for name in chars)
    return decide_language(scores, config.fallback_language)


def decide_language(scores: tuple[LanguageScore, ...], fallback: str) -> LanguageDecision:
    """Highest total wins; a shared top score or all zero gives ``fallback``."""
    top = max((score.total for score in scores), default=0)
    if top == 0:
        return LanguageDecision(fallback, "no_evidence", scores)
    leaders = [score.language for score in scores if score.total == top]
    if len(leaders) > 1:
        return LanguageDecision(fallback, "tie", scores)
    return LanguageDecision(leaders[0], "highest_score", scores)

"""The conversational language of a call (contract section 4).

Only the customer's (user) messages count. Each language scores one point per
character of its script and one point per common word of it in romanised
text. The highest score wins; a tie for the top, or no evidence at all,
gives the fallback (``hindi``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.transcript import Transcript

# Romanised words: the runs of a-z in the lower-cased replies (the reference
# definition; `AnalysisConfig.language_word_finder` finds the listed ones).
ROMAN_WORD: Final = re.compile(r"[a-z]+")

LanguageRule = Literal["highest_score", "tie", "no_evidence"]


@dataclass(frozen=True, slots=True)
class LanguageScore:
    """One language's evidence."""

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
    # All replies as one text: counting is per character and per word, so
    # joining changes nothing but the number of passes.
    texts = transcript.texts
    names = config.language_names
    words = dict.fromkeys(names, 0)
    # Only the listed words are found (`latin_word_finder`), a few per call.
    word_languages = config.word_languages
    for word in config.language_word_finder.findall(texts.user_lowered):
        for language in word_languages[word]:
            words[language] += 1
    chars = {}
    if not texts.user.isascii():  # Indic scripts only appear outside ASCII
        chars = config.script_counter.count(texts.user)
    scores = tuple([LanguageScore(name, chars.get(name, 0), words[name]) for name in names])
    return decide_language(scores, config.fallback_language)


def decide_language(scores: tuple[LanguageScore, ...], fallback: str) -> LanguageDecision:
    """Highest total wins; a shared top score or all zero gives ``fallback``."""
    totals = [score.total for score in scores]
    top = max(totals) if totals else 0
    if top == 0:
        return LanguageDecision(fallback, "no_evidence", scores)
    if totals.count(top) > 1:
        return LanguageDecision(fallback, "tie", scores)
    return LanguageDecision(scores[totals.index(top)].language, "highest_score", scores)

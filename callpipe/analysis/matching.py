"""Small text-matching helpers shared by the rules: compiled once, used per message.

Whole-word matching must work for Indic scripts too. Python's ``\\w`` does not
cover their vowel signs (combining marks), so "word character" here is
``\\w`` plus the Indic blocks and the zero-width joiners they use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

_WORD_CHAR = r"\w\u0900-\u0DFF\u200C\u200D"
NOT_AFTER_WORD = rf"(?<![{_WORD_CHAR}])"
NOT_BEFORE_WORD = rf"(?![{_WORD_CHAR}])"

_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_LATIN_TOKEN = re.compile(r"[a-z0-9]+")


def phrase_source(phrase: str) -> str:
    """Regex source for one phrase: any run of spaces matches any whitespace,
    and a straight apostrophe also matches the typographic one (speech-to-text
    engines write both)."""
    words = [re.escape(word) for word in phrase.split()]
    return r"\s+".join(words).replace("'", "['’]")


def phrase_alternation(phrases: Iterable[str]) -> str:
    """Alternation of phrases, longest first, so that where two could match at
    the same place the longer one does ("email id" before "email")."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(phrase_source(phrase) for phrase in unique)


def whole_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """Matches any of ``phrases`` as whole words, case-insensitive; group 1 is the phrase."""
    return re.compile(
        f"{NOT_AFTER_WORD}({phrase_alternation(phrases)}){NOT_BEFORE_WORD}", re.IGNORECASE
    )


_WORD_CHARS_EXTRA: Final = frozenset("_\u200c\u200d")


def is_word_char(char: str) -> bool:
    """Whether ``char`` belongs to a word (see the module docstring)."""
    return char.isalnum() or char in _WORD_CHARS_EXTRA or "\u0900" <= char <= "\u0dff"


class PhraseMatcher:
    """Finds phrases in lower-cased text: whole words, or word starts only.

    The hot path of the engine. A leading look-behind would stop the regex
    engine from skipping ahead to a possible first letter, so the start of
    a word is checked here instead, and the text is lower-cased once by the
    caller rather than matched case-insensitively.
    """

    __slots__ = ("_pattern",)

    def __init__(self, phrases: Iterable[str], *, whole_words: bool = True) -> None:
        listed = [" ".join(phrase.lower().split()) for phrase in phrases]
        if not listed:
            self._pattern = re.compile(r"(?!)")
        elif whole_words:
            self._pattern = re.compile(f"(?:{phrase_alternation(listed)}){NOT_BEFORE_WORD}")
        else:
            self._pattern = re.compile(f"(?:{phrase_alternation(listed)})")

    def search(self, lowered: str, pos: int = 0) -> re.Match[str] | None:
        """The first match at or after ``pos`` that starts a word."""
        pattern = self._pattern
        match = pattern.search(lowered, pos)
        while match is not None:
            start = match.start()
            if start == 0 or not is_word_char(lowered[start - 1]):
                return match
            match = pattern.search(lowered, start + 1)
        return None

    def last(self, lowered: str) -> re.Match[str] | None:
        """The last of the non-overlapping matches, scanning left to right."""
        found = None
        match = self.search(lowered)
        while match is not None:
            found = match
            match = self.search(lowered, match.end())
        return found

    def count(self, lowered: str) -> int:
        """How many non-overlapping matches ``lowered`` holds."""
        total = 0
        match = self.search(lowered)
        while match is not None:
            total += 1
            match = self.search(lowered, match.end())
        return total


class ScriptCounter:
    """Counts, per language, the characters of ``text`` in that language's script.

    Same counts as one character-class regex per language, in about half the
    time: one pass finds the runs of script characters of any language, and
    when they all belong to one language (the usual call) they are counted
    at once. Only a call mixing scripts is counted language by language.
    """

    __slots__ = ("_any_script", "_language_of", "_runs")

    def __init__(self, scripts: Iterable[tuple[str, tuple[tuple[int, int], ...]]]) -> None:
        # The configuration guarantees that no two languages share a character.
        self._runs: dict[str, re.Pattern[str]] = {}
        self._language_of: dict[str, str] = {}
        every = ""
        for language, ranges in scripts:
            source = "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges)
            if not source:
                continue
            self._runs[language] = re.compile(f"[{source}]+")
            every += source
            for low, high in ranges:
                self._language_of.update(dict.fromkeys(map(chr, range(low, high + 1)), language))
        self._any_script = re.compile(f"[{every}]+") if every else re.compile(r"(?!)")

    def count(self, text: str) -> dict[str, int]:
        """language -> characters of its script in ``text`` (languages with none left out)."""
        found = "".join(self._any_script.findall(text))
        if not found:
            return {}
        language = self._language_of[found[0]]
        if self._runs[language].fullmatch(found) is not None:
            return {language: len(found)}
        counts = {}
        for language, pattern in self._runs.items():
            total = sum(map(len, pattern.findall(found)))
            if total:
                counts[language] = total
        return counts


def phrase_key(text: str) -> str:
    """The lookup key of a matched phrase: lower case, single spaces, straight apostrophes."""
    return " ".join(text.lower().replace("’", "'").split())


def catalogue_tokens(text: str) -> list[str]:
    """Words of ``text`` as the catalogue compares them.

    Lower case, accents removed, anything but Latin letters and digits is a
    separator, and letters and digits are split apart, so that "XUV700",
    "xuv-700" and "XUV 700" are all ``["xuv", "700"]``.
    """
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LATIN_TOKEN.findall(_LETTER_DIGIT.sub(" ", lowered))

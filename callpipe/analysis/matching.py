"""Small text-matching helpers shared by the rules: compiled once, used per message.

Whole-word matching must work for Indic scripts too. Python's ``\\w`` does not
cover their vowel signs (combining marks), so "word character" here is
``\\w`` plus the Indic blocks and the zero-width joiners they use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final

_WORD_CHAR: Final = r"\w\u0900-\u0DFF\u200C\u200D"
NOT_AFTER_WORD: Final = rf"(?<![{_WORD_CHAR}])"
NOT_BEFORE_WORD: Final = rf"(?![{_WORD_CHAR}])"

lower_case: Final[Callable[[str], str]] = str.lower
"""``str.lower``, to be called as ``lower_case(text)`` in the engine's compiled
modules: mypyc compiles ``text.lower()`` to its own lower-casing, which
ignores the context a capital sigma needs (``"ZΣ".lower()`` gives ``"zς"``,
mypyc's ``"zσ"``). Through this reference CPython lower-cases, so the
engine's output does not depend on how it was built
(tests/unit/analysis/test_compiled_engine.py checks both)."""


def lower_case_in_place(text: str) -> str:
    """``text`` lower-cased with each character in its place: an offset found
    in the result points at the same character of ``text`` (its capital).

    A few capitals lower-case to two characters ("İ" to "i" and a combining
    dot) and would shift every offset after them; only then is the text
    lower-cased letter by letter, each keeping the first character of its
    lower case. No character lower-cases to fewer, so an unchanged length
    means nothing moved.
    """
    lowered = lower_case(text)
    if len(lowered) == len(text):  # the usual reply: nothing moved
        return lowered
    return "".join([lower_case(char)[0] for char in text])


# Runs of Latin letters and runs of digits: the words of `catalogue_tokens`,
# letters and digits apart ("xuv700" -> "xuv", "700") in one findall.
_LATIN_TOKEN: Final = re.compile(r"[a-z]+|[0-9]+")


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


# Trie tokens of a phrase: a space stands for any run of whitespace, an
# apostrophe for either apostrophe, any other character for itself.
_SPACE_SOURCE: Final = r"\s+"
_APOSTROPHE_SOURCE: Final = "['’]"
_END: Final = ""  # marks, in a trie node, that a phrase ends there
_Node = dict[str, "_Node"]  # a trie node: token -> the node after it


def _word_start_check(width: int, word_class: str = _WORD_CHAR) -> str:
    """Asserts, ``width`` characters into a match, that the character before
    the match is not in ``word_class`` (or that there is none)."""
    return rf"(?<![{word_class}][\s\S]{{{width}}})"


def phrase_trie(phrases: Iterable[str], *, word_start: bool = False) -> str | None:
    """The alternation of `phrase_alternation`, shaped as a trie, or None.

    ``email|email id|e-mail`` becomes ``e(?:mail(?:\\s+id)?|\\-mail)``: the
    regex engine then tries each letter once instead of every phrase in
    turn. Same matches: two phrases that match at one place match the same
    text, so one is a prefix of the other, i.e. both lie on one path of the
    trie; the optional tails are greedy, so the deeper (longer) phrase is
    tried first and a shorter one only when the longer fails (also in what
    follows the group, such as a word-end check). That is the longest-first
    rule of the alternation.

    With ``word_start``, a match must also start a word. That check is a
    look-behind placed where the phrase's first word ends: in front, a
    look-behind would stop the regex engine from skipping ahead to a
    possible first letter; after the first letter, it would run at every
    such letter inside a word; after the first word it runs only when the
    word is there.

    None when that argument does not hold: a typographic apostrophe written
    in a phrase (it matches the text that a straight one matches too), or
    an empty phrase.
    """
    root: _Node = {}
    for phrase in set(phrases):
        if not phrase or "’" in phrase:
            return None
        node = root
        for token in _trie_tokens(phrase):
            node = node.setdefault(token, {})
        node[_END] = {}
    return _trie_source(root, 0 if word_start else None, _WORD_CHAR)


def _trie_tokens(phrase: str) -> list[str]:
    tokens: list[str] = []
    for number, word in enumerate(phrase.split()):
        if number:
            tokens.append(_SPACE_SOURCE)
        tokens.extend(_APOSTROPHE_SOURCE if char == "'" else re.escape(char) for char in word)
    return tokens


def _trie_source(node: _Node, depth: int | None, word_class: str) -> str:
    """Regex source of a trie node; ``depth`` counts the characters of the
    first word matched so far (None: no word-start check, or already done)."""
    if depth is None:
        branches = [
            token + _trie_source(child, None, word_class)
            for token, child in sorted(node.items())
            if token
        ]
        ending = ""
    else:
        check = _word_start_check(depth, word_class)
        branches = [
            # A space ends the first word; any other token is one character of it.
            (check + token + _trie_source(child, None, word_class))
            if token == _SPACE_SOURCE
            else token + _trie_source(child, depth + 1, word_class)
            for token, child in sorted(node.items())
            if token
        ]
        ending = check
    if _END in node:  # a phrase may end here: try the longer ones first (greedy)
        if not branches:
            return ending
        return f"(?:{'|'.join(branches)}|{ending})"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_LOWER_LATIN: Final = "a-z"


def latin_word_finder(words: Iterable[str]) -> re.Pattern[str]:
    """Finds the listed words (lower-case Latin) where each is a whole run of
    ``a-z``: ``findall`` gives the same words as keeping the listed ones of
    ``re.findall("[a-z]+", text)``, in order.

    Cheaper than that when few words are listed ones: each run found costs
    the regex engine far more than scanning over a run that is not listed.
    """
    root: _Node = {}
    for word in set(words):
        if not re.fullmatch(f"[{_LOWER_LATIN}]+", word):
            continue  # no run of a-z can equal it
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    if not root:
        return re.compile(r"(?!)")
    trie = _trie_source(root, 0, _LOWER_LATIN)
    return re.compile(f"{trie}(?![{_LOWER_LATIN}])")


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

    The hot path of the engine. The text is lower-cased once by the caller
    rather than matched case-insensitively. The regex is only tried where a
    phrase's first word occurs: searching the text itself, the regex engine
    would try a match at every letter that can start a phrase ("e", "n",
    "s" ...), while ``str.find`` skips through the text to the few places
    where a first word is written. A match must start a word: the
    trie-shaped regex checks that itself (`phrase_trie`); with the plain
    alternation (``trie=False``, or phrases a trie cannot hold) the matcher
    checks it.

    With ``scan`` (for long word lists such as speech.json's, with dozens
    of first words), one ``str.find`` per first word would cost more than
    letting the regex engine scan: when the trie-shaped regex checks word
    starts itself, matches are then found by the regex's own search (the
    same matches).
    """

    __slots__ = ("_first_words", "_pattern", "_scans", "_starts_words")

    def __init__(
        self,
        phrases: Iterable[str],
        *,
        whole_words: bool = True,
        trie: bool = True,
        scan: bool = False,
    ) -> None:
        listed = [" ".join(lower_case(phrase).split()) for phrase in phrases]
        source = phrase_trie(listed, word_start=True) if listed and trie else None
        self._starts_words = source is not None
        if source is None:
            source = phrase_alternation(listed) if listed else "(?!)"
        if whole_words:
            source = f"(?:{source}){NOT_BEFORE_WORD}"
        self._pattern = re.compile(source)
        self._first_words = _first_words(listed)
        self._scans = scan and self._starts_words

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled regex (whether it checks word starts itself is private)."""
        return self._pattern

    def search(self, lowered: str, pos: int = 0) -> re.Match[str] | None:
        """The first match at or after ``pos`` that starts a word."""
        if self._scans:
            return self._pattern.search(lowered, pos)
        for start in self._candidates(lowered, pos):
            match = self._match_at(lowered, start)
            if match is not None:
                return match
        return None

    def matches(self, lowered: str) -> list[re.Match[str]]:
        """The non-overlapping matches, scanning left to right (as `search` from
        each match's end would find them)."""
        if self._scans:
            return list(self._pattern.finditer(lowered))
        found = []
        end = 0
        for start in self._candidates(lowered, 0):
            if start >= end:
                match = self._match_at(lowered, start)
                if match is not None:
                    found.append(match)
                    end = match.end()
        return found

    def last(self, lowered: str) -> re.Match[str] | None:
        """The last of the non-overlapping matches, scanning left to right."""
        found = self.matches(lowered)
        return found[-1] if found else None

    def count(self, lowered: str) -> int:
        """How many non-overlapping matches ``lowered`` holds."""
        return len(self.matches(lowered))

    def _candidates(self, lowered: str, pos: int) -> list[int]:
        """Where a match may start, in order: wherever a first word occurs.
        No first word is the start of another, so none is found twice."""
        starts = []
        for word in self._first_words:
            start = lowered.find(word, pos)
            while start >= 0:
                starts.append(start)
                start = lowered.find(word, start + 1)
        starts.sort()
        return starts

    def _match_at(self, lowered: str, start: int) -> re.Match[str] | None:
        """The match starting at ``start`` if it starts a word (the regex looks
        behind ``start`` as a search would)."""
        match = self._pattern.match(lowered, start)
        if match is None or self._starts_words:
            return match
        if start == 0 or not is_word_char(lowered[start - 1]):
            return match
        return None


def _first_words(phrases: list[str]) -> list[str]:
    """What every match of a phrase starts with: its first word up to an
    apostrophe (a straight one matches either). A word that starts with
    another listed one is left out: the shorter one is found wherever the
    longer one is."""
    words: set[str] = set()
    for phrase in phrases:
        if phrase.startswith("'"):
            words.update(("'", "’"))
        else:
            words.add(phrase.split(" ")[0].split("'")[0])
    return sorted(
        word
        for word in words
        if not any(other != word and word.startswith(other) for other in words)
    )


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
        # "[x][x]*" rather than "[x]+": a pattern that starts with a repeat
        # gets no first-character set, so the regex engine would try a match
        # at every character instead of skipping to the next script one.
        self._any_script = re.compile(f"[{every}][{every}]*") if every else re.compile(r"(?!)")

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
    return " ".join(lower_case(text).replace("’", "'").split())


def catalogue_tokens(text: str) -> list[str]:
    """Words of ``text`` as the catalogue compares them.

    Lower case, accents removed, anything but Latin letters and digits is a
    separator, and letters and digits are split apart, so that "XUV700",
    "xuv-700" and "XUV 700" are all ``["xuv", "700"]``.
    """
    lowered = lower_case(text)
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LATIN_TOKEN.findall(lowered)

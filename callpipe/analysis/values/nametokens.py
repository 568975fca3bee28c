"""Tokens and name parts of a reply to "What's your name?" (the name reader's words).

`name_tokens` cuts a reply into Latin words (with a dot if one follows),
phrase ends and other tokens (another script, digits, signs); `name_parts`
reads the name parts said from a token on: name words, initials and words
spelled letter by letter (contract section 3, "Values as people say them").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import lower_case
from callpipe.analysis.phrasebook import NAME_TOKEN

MAX_NAME_WORDS: Final = 4
MAX_INITIALS: Final = 3
MIN_SPELLED_LETTERS: Final = 3

# Kinds of token
WORD: Final = 0  # Latin letters (a name word, a filler, a single letter ...)
OTHER: Final = 1  # another script, digits, signs
BREAK: Final = 2  # ends a phrase

_VOWELS: Final = frozenset("aeiouy")
_SPELLED_WORD: Final = re.compile(r"[A-Za-z](?:[-.][A-Za-z])+\.?")
_NAME_PART: Final = re.compile(r"([A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class NameToken:
    """One token of a reply, with its place in the text."""

    kind: int
    text: str
    lowered: str
    start: int
    end: int
    dot: bool


@dataclass(frozen=True, slots=True)
class NamePart:
    """One part of a name: a word, an initial, or a word spelled letter by letter."""

    text: str
    initial: bool = False
    spelled: bool = False

    @property
    def key(self) -> str:
        return lower_case(self.text.rstrip("."))


def name_tokens(text: str, lowered: str, config: AnalysisConfig) -> list[NameToken]:
    tokens = []
    for found in NAME_TOKEN.finditer(text):
        start, end = found.start(), found.end()
        if found.group(1) is not None:
            word = found.group(1)
            if _SPELLED_WORD.fullmatch(word):  # "M-E-E-N-A": letters said one by one
                for offset, char in enumerate(word):
                    if char.isalpha():
                        at = start + offset
                        tokens.append(NameToken(WORD, char, lowered[at], at, at + 1, False))
                continue
            dot = found.group(2) is not None
            word_end = start + len(word)
            tokens.append(NameToken(WORD, word, lowered[start:word_end], start, end, dot))
            if dot and not _keeps_dot(word, config):  # "Rahul." ends a phrase; "P." does not
                tokens.append(NameToken(BREAK, ".", ".", word_end, end, False))
        elif found.group(3) is not None:
            tokens.append(NameToken(BREAK, found.group(3), found.group(3), start, end, False))
        else:
            tokens.append(NameToken(OTHER, found.group(4), lowered[start:end], start, end, False))
    singles = sum(1 for token in tokens if token.kind == WORD and len(token.text) == 1)
    return _spelling_ends(tokens) if singles > MAX_INITIALS else tokens


def _spelling_ends(tokens: list[NameToken]) -> list[NameToken]:
    """A dot after the last of more letters than initials ever are ends the
    phrase: "B H A T I A. Shalini Bhatia" is a spelling, then the name."""
    out: list[NameToken] = []
    run = 0
    for number, token in enumerate(tokens):
        single = token.kind == WORD and len(token.text) == 1
        run = run + 1 if single else 0
        out.append(token)
        following = tokens[number + 1] if number + 1 < len(tokens) else None
        run_ends = following is None or following.kind != WORD or len(following.text) != 1
        if single and token.dot and run > MAX_INITIALS and run_ends:
            out.append(NameToken(BREAK, ".", ".", token.end, token.end, False))
    return out


def _keeps_dot(word: str, config: AnalysisConfig) -> bool:
    """Whether a dot after ``word`` belongs to it: an initial or a title ("Mr.")."""
    return len(word) == 1 or lower_case(word) in config.honorifics


def is_title(token: NameToken, config: AnalysisConfig) -> bool:
    return token.kind == WORD and token.lowered in config.honorifics


def is_name_token(token: NameToken, config: AnalysisConfig) -> bool:
    """A name word or a single letter (not a filler, a common word, a cue or a title)."""
    if token.kind != WORD:
        return False
    key = token.lowered.replace("’", "'")
    if key in config.honorifics:
        return False
    return len(key) == 1 or key not in config.name_stopwords


def name_parts(
    tokens: list[NameToken], start: int, end: int, config: AnalysisConfig
) -> tuple[list[NamePart] | None, int]:
    """The name parts said from ``tokens[start]`` on (stopping at the first
    token that is none, or at ``end``), and where they stop; None when they
    make no name (no word of two letters, too many words)."""
    parts: list[NamePart] = []
    index = start
    while index < end:
        if _inner_title(tokens, index, end, parts, config):
            index += 1  # "Rajesh bhai Patel": the title between two name words is no part
            continue
        if not is_name_token(tokens[index], config):
            break
        if len(tokens[index].text) > 1:
            parts.append(NamePart(title_case(tokens[index].text)))
            index += 1
            continue
        run_end = index
        while run_end < end and tokens[run_end].kind == WORD and len(tokens[run_end].text) == 1:
            run_end += 1
        run = tokens[index:run_end]
        followed = run_end < end and is_name_token(tokens[run_end], config)
        after_word = bool(parts) and not parts[-1].initial
        parts.extend(_letters(run, followed or after_word, config))
        index = run_end
    parts = _without_repeats(parts)
    words = [part for part in parts if not part.initial]
    initials = len(parts) - len(words)
    if not words or len(words) > MAX_NAME_WORDS or initials > MAX_INITIALS:
        return None, index
    if len({part.key for part in words}) < len(words):
        return None, index  # "Bhatia Shalini Bhatia": not one name said once
    if any(len(part.key) < 2 for part in words):
        return None, index
    return parts, index


def _inner_title(
    tokens: list[NameToken], index: int, end: int, parts: list[NamePart], config: AnalysisConfig
) -> bool:
    """Whether ``tokens[index]`` is a title said between a name word and the
    next one (speech.json ``inner_titles``: "Hetal ben Shah")."""
    following = index + 1
    return (
        bool(parts)
        and not parts[-1].initial
        and tokens[index].kind == WORD
        and tokens[index].lowered in config.inner_titles
        and following < end
        and is_name_token(tokens[following], config)
        and len(tokens[following].text) > 1
    )


def _letters(run: list[NameToken], beside_word: bool, config: AnalysisConfig) -> list[NamePart]:
    """A run of single letters: a spelled word, or initials beside a name word."""
    letters = "".join(token.text for token in run)
    dotted = any(token.dot for token in run)
    spelled = len(run) >= MIN_SPELLED_LETTERS and bool(_VOWELS & set(lower_case(letters)))
    if spelled and (len(run) > MAX_INITIALS or not (beside_word and dotted)):
        word = lower_case(letters)
        if word in config.name_stopwords:
            return []
        return [NamePart(title_case(word), spelled=True)]
    if not beside_word:
        return []
    if len(run) == 1 and run[0].lowered in config.name_stopwords and not run[0].dot:
        return []  # "I", "a": a word, not an initial
    return [
        NamePart(token.text.upper() + ("." if token.dot else ""), initial=True) for token in run
    ]


def _without_repeats(parts: list[NamePart]) -> list[NamePart]:
    """A word said twice in a row counts once ("Anil Anil Kapoor")."""
    kept: list[NamePart] = []
    for part in parts:
        if kept and not part.initial and not kept[-1].initial and kept[-1].key == part.key:
            continue
        kept.append(part)
    return kept


def title_case(word: str) -> str:
    """Title case per name part: "o'brien-SHARMA" -> "O'Brien-Sharma"."""
    return _NAME_PART.sub(lambda part: part.group(1).capitalize(), word.replace("’", "'"))

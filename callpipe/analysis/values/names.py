"""A person's name from the reply to "What's your name?" (rule extractor).

Tried in order of trust:

1. an explicit introduction: "my name is X", "mera naam X hai", "naam hai X";
2. unless the reply refuses ("I don't know", "why?"): a weaker introduction
   ("I am X", "this is X", "myself X", "main X hoon") or a trailing one
   ("X speaking", "X here", "X bol raha hoon");
3. a bare name: the reply is nothing but one to four name words, once up to
   three filler words before and two after are dropped ("Haan ji, Rahul
   Sharma", "Rahul ji").

Name words are Latin letters only (contract: a reply in another script is no
name to the rules); fillers, common words of every configured language and
cue words are never name words. The result is title-cased.
"""

from __future__ import annotations

import re
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import lower_case

MAX_NAME_WORDS: Final = 4
MAX_WORDS_BEFORE: Final = 3
MAX_WORDS_AFTER: Final = 2

_LATIN_WORD: Final = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
_TOKEN: Final = re.compile(r"[^\s.,!?;:\"()\[\]]+")
_CLAUSE_END: Final = re.compile(r"[.,!?;:\n]")
_NAME_PART: Final = re.compile(r"([A-Za-z]+)")

_STRONG_INTRO: Final = re.compile(
    r"(?<![A-Za-z])(?:name\s+is|name['’]s|naam(?:\s+(?:hai|he))?)(?![A-Za-z])", re.IGNORECASE
)
_WEAK_INTRO: Final = re.compile(
    r"(?<![A-Za-z])(?:i\s+am|i['’]m|this\s+is|myself|call\s+me|it\s+is|it['’]s|main|mai)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_TRAILING_INTRO: Final = re.compile(
    r"(?<![A-Za-z])(?:speaking|here|bol\s+rah[aie]|bolta|bolti)(?![A-Za-z])", re.IGNORECASE
)


def extract_name(reply: str, config: AnalysisConfig) -> str | None:
    """The name in ``reply`` in title case, or None when it gives none."""
    stopwords = config.stopwords
    for intro in _STRONG_INTRO.finditer(reply):
        found = _words_after(reply[intro.end() :], stopwords)
        if found:
            return _title(found)
    if config.refusal_pattern.search(reply):
        return None
    for intro in _WEAK_INTRO.finditer(reply):
        found = _words_after(reply[intro.end() :], stopwords)
        if found:
            return _title(found)
    for intro in _TRAILING_INTRO.finditer(reply):
        found = _words_before(reply[: intro.start()], stopwords)
        if found:
            return _title(found)
    return _bare_name(reply, stopwords)


def _words_after(text: str, stopwords: frozenset[str]) -> list[str]:
    """The name words at the start of the clause that follows an introduction."""
    clause = _CLAUSE_END.split(text, maxsplit=1)[0]
    return _leading_name_words(clause.split(), stopwords)


def _words_before(text: str, stopwords: frozenset[str]) -> list[str]:
    clause = _CLAUSE_END.split(text)[-1]
    return list(reversed(_leading_name_words(list(reversed(clause.split())), stopwords)))


def _leading_name_words(tokens: list[str], stopwords: frozenset[str]) -> list[str]:
    words: list[str] = []
    for token in tokens:
        if not _is_name_word(token, stopwords) or len(words) == MAX_NAME_WORDS:
            break
        words.append(token)
    return words if words and len(words[0]) > 1 else []


def _bare_name(reply: str, stopwords: frozenset[str]) -> str | None:
    # A question is not a name, even a one-word one ("Kaun?", "Rahul?").
    if "?" in reply:
        return None
    tokens = _TOKEN.findall(reply)
    start, end = 0, len(tokens)
    while start < end and not _is_name_word(tokens[start], stopwords):
        start += 1
    while end > start and not _is_name_word(tokens[end - 1], stopwords):
        end -= 1
    # A few words around a name are manners ("Haan ji, Rahul", "Rahul ji");
    # a longer lead-in is a sentence about something else ("I am looking
    # for the Hyundai Creta").
    if start > MAX_WORDS_BEFORE or len(tokens) - end > MAX_WORDS_AFTER:
        return None
    words = tokens[start:end]
    if not words or len(words) > MAX_NAME_WORDS or len(words[0]) < 2:
        return None
    if not all(_is_name_word(word, stopwords) for word in words):
        return None
    return _title(words)


def _is_name_word(token: str, stopwords: frozenset[str]) -> bool:
    return (
        _LATIN_WORD.fullmatch(token) is not None
        and lower_case(token).replace("’", "'") not in stopwords
    )


def _title(words: list[str]) -> str:
    """Title case per name part: "rahul o'brien-SHARMA" -> "Rahul O'Brien-Sharma"."""
    return " ".join(
        _NAME_PART.sub(lambda part: part.group(1).capitalize(), word.replace("’", "'"))
        for word in words
    )

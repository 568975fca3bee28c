"""A person's name from the reply to "What's your name?" (rule extractor).

Contract section 3, with "Values as people say them". The reply is cut into
phrases (at punctuation and line breaks; not at the dot of an initial or a
title: "P. Lakshmi", "Mr. Rao"), and each phrase may give a candidate:

1. after a naming phrase: "my name is X", "mera naam X hai", "ਮੇਰਾ ਨਾਮ X";
2. unless the reply dodges ("I don't know", "why?"): after an introduction
   ("I am X", "this is X", "main X") or before a trailing one ("X speaking",
   "X bol raha hoon");
3. unless the reply dodges: the phrase is nothing but the name, once up to
   three words before it and two after are dropped as manners ("Haan ji,
   Rahul Sharma", "Rahul ji"); a phrase that asks ("Rahul?") is none.

Name words are Latin letters (contract: a name in another script is none to
the rules), never a filler, a common word of a configured language, a cue
or a title (speech.json ``honorifics``: "Mr.", "Shri", "ji"). A word said
twice in a row counts once ("Anil Anil Kapoor"). Letters said one by one
are joined ("M E E N A" -> Meena) when three or more with a vowel; one or
two letters, dotted ones or ones without a vowel beside a name are initials,
kept upper case as given ("T R Mohan", "K. S. Reddy"). Noise markers are
not part of the name ("Sowmya <unk> Rao" -> Sowmya Rao).

The candidates of a reply are then read in order as one name (`namechoice`:
repetitions confirm, the final version after a correction counts, a
spelling fixes its word); the tokens and name parts are `nametokens`'. A
name refused in place ("not Deepak", "Deepak nahi") is none. When unsure,
"".
"""

from __future__ import annotations

from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import lower_case_in_place
from callpipe.analysis.noise import replace_noise
from callpipe.analysis.phrasebook import token_key
from callpipe.analysis.values.namechoice import (
    BARE,
    INTRODUCED,
    NAMED,
    NameCandidate,
    combine_candidates,
)
from callpipe.analysis.values.nametokens import (
    BREAK,
    MAX_NAME_WORDS,
    OTHER,
    WORD,
    NameToken,
    is_name_token,
    is_title,
    name_parts,
    name_tokens,
)
from callpipe.analysis.values.reading import Reading

__all__ = ["MAX_NAME_WORDS", "extract_name", "read_name"]

MAX_WORDS_BEFORE: Final = 3
MAX_WORDS_AFTER: Final = 2
MIN_BARE_LETTERS: Final = 3


def extract_name(reply: str, config: AnalysisConfig) -> str | None:
    """The name in ``reply`` in title case, or None when it gives none."""
    return read_name(reply, config).value


def read_name(reply: str, config: AnalysisConfig) -> Reading:
    """The name of ``reply`` and the rule that found it (or why none was taken)."""
    text = replace_noise(reply, config.noise_pattern, " ")
    lowered = lower_case_in_place(text)  # name tokens are found in one, read in the other
    tokens = name_tokens(text, lowered, config)
    if not any(token.kind == WORD for token in tokens):
        if any(token.kind == OTHER and not token.text.isascii() for token in tokens):
            return Reading(None, "no name in Latin letters", "the rules read Latin names only")
        return Reading(None, "no name words", "empty, noise or signs only")
    marks = config.name_phrases.find([token_key(token.text) for token in tokens])
    dodged = bool(marks[_REFUSAL])
    candidates = _candidates(tokens, marks, dodged, config)
    if not candidates:
        if dodged:
            return Reading(None, "the reply dodges the question", "refusal phrase")
        return Reading(None, "no name words", "fillers, questions or other words only")
    return combine_candidates(candidates, marks[_CORRECTION])


_NAMING: Final = 0
_BEFORE: Final = 1
_AFTER: Final = 2
_CORRECTION: Final = 3
_REJECT_BEFORE: Final = 4
_REJECT_AFTER: Final = 5
_REFUSAL: Final = 6  # the kinds of `AnalysisConfig.name_phrases`, in this order


# --- candidates ---------------------------------------------------------------


def _candidates(
    tokens: list[NameToken], marks: list[dict[int, int]], dodged: bool, config: AnalysisConfig
) -> list[NameCandidate]:
    """The candidates of each phrase, in order; each phrase is read in pieces
    between correction and refusal words ("Deepak nahi nahi sorry, Dinesh")."""
    cuts = set(marks[_CORRECTION]) | set(marks[_REJECT_AFTER]) | set(marks[_REJECT_BEFORE])
    found: list[NameCandidate] = []
    start = 0
    while start < len(tokens):
        end = start
        while end < len(tokens) and tokens[end].kind != BREAK:
            end += 1
        asks = end < len(tokens) and tokens[end].text == "?"
        piece = start
        index = start
        while index <= end:
            if index == end or index in cuts:
                clean = piece > start  # after a correction or refusal word in the phrase
                candidate = _piece_candidate(
                    tokens, piece, index, marks, dodged, asks, clean, config
                )
                if candidate is not None and not _refused_in_place(
                    candidate, tokens, marks, config
                ):
                    found.append(candidate)
                if index < end:
                    last = max(
                        marks[kind].get(index, index)
                        for kind in (_CORRECTION, _REJECT_AFTER, _REJECT_BEFORE)
                    )
                    index = last + 1
                    piece = index
                    continue
            index += 1
        start = end + 1
    return found


def _refused_in_place(
    candidate: NameCandidate,
    tokens: list[NameToken],
    marks: list[dict[int, int]],
    config: AnalysisConfig,
) -> bool:
    """ "not Deepak", "Deepak ji nahi": the customer says it is not their name."""
    after = candidate.last + 1
    while after < len(tokens) and is_title(tokens[after], config):
        after += 1
    if after in marks[_REJECT_AFTER]:
        return True
    return any(last == candidate.first - 1 for last in marks[_REJECT_BEFORE].values())


def _piece_candidate(
    tokens: list[NameToken],
    start: int,
    end: int,
    marks: list[dict[int, int]],
    dodged: bool,
    asks: bool,
    clean: bool,
    config: AnalysisConfig,
) -> NameCandidate | None:
    found = _name_after_phrase(tokens, start, end, marks[_NAMING], NAMED, config)
    if found is not None or dodged:
        return found
    found = _name_after_phrase(tokens, start, end, marks[_BEFORE], INTRODUCED, config)
    if found is not None:
        return found
    for first, last in marks[_AFTER].items():
        if start < first < end:
            found = _name_before(tokens, start, first, config, _phrase_text(tokens, first, last))
            if found is not None:
                return found
    if asks:
        return None
    return _bare(tokens, start, end, clean, config)


def _name_after_phrase(
    tokens: list[NameToken],
    start: int,
    end: int,
    phrases: dict[int, int],
    strength: int,
    config: AnalysisConfig,
) -> NameCandidate | None:
    """The name right after the first of ``phrases`` (first -> last token)
    that lies in the piece ``start``-``end`` and is followed by one."""
    for first, last in phrases.items():
        if start <= first and last < end:
            intro = _phrase_text(tokens, first, last)
            found = _name_after(tokens, last + 1, end, config, strength, intro)
            if found is not None:
                return found
    return None


def _phrase_text(tokens: list[NameToken], first: int, last: int) -> str:
    return " ".join(token.lowered for token in tokens[first : last + 1])


def _name_after(
    tokens: list[NameToken], start: int, end: int, config: AnalysisConfig, strength: int, intro: str
) -> NameCandidate | None:
    index = start
    while index < end and is_title(tokens[index], config):
        index += 1
    parts, stop = name_parts(tokens, index, end, config)
    if parts is None:
        return None
    return NameCandidate(tuple(parts), strength, index, stop - 1, intro)


def _name_before(
    tokens: list[NameToken], start: int, end: int, config: AnalysisConfig, intro: str
) -> NameCandidate | None:
    first = end
    while first > start and is_title(tokens[first - 1], config):
        first -= 1
    stop = first
    while first > start and is_name_token(tokens[first - 1], config):
        first -= 1
    parts, last = name_parts(tokens, first, stop, config)
    if parts is None or last != stop:
        return None
    return NameCandidate(tuple(parts), INTRODUCED, first, stop - 1, intro)


def _bare(
    tokens: list[NameToken], start: int, end: int, clean: bool, config: AnalysisConfig
) -> NameCandidate | None:
    """The piece is nothing but a name, with a few words of manners around it
    (none when ``clean``: the piece follows a correction or refusal word).

    Said alone, a name needs more evidence than after "my name is", since
    everyday phrases fill name windows too ("Network problem", "Meeting mein
    hoon", "Awaz nahi aa rahi"): no word of the piece makes it a sentence
    (speech.json ``sentence_words``); a one-word name has three letters or
    more; and a name of several words is not written like a sentence, its
    first word capitalised and a later one not ("Signal issue"; a title
    between the names, "Hetal ben Shah", is no word of the name).
    """
    first, stop = start, end
    while first < stop and not is_name_token(tokens[first], config):
        first += 1
    while stop > first and not is_name_token(tokens[stop - 1], config):
        stop -= 1
    if first - start > MAX_WORDS_BEFORE or end - stop > MAX_WORDS_AFTER or first == stop:
        return None
    if clean and (first > start or stop < end):
        return None
    if any(token_key(token.text) in config.sentence_words for token in tokens[start:end]):
        return None
    parts, last = name_parts(tokens, first, stop, config)
    if parts is None or last != stop:
        return None
    words = [part.text for part in parts if not part.initial]
    if len(parts) == 1 and len(words[0]) < MIN_BARE_LETTERS:
        return None
    said = [
        token.text
        for token in tokens[first:stop]
        if len(token.text) > 1 and token.lowered not in config.inner_titles
    ]
    if said and said[0][:1].isupper() and any(word[:1].islower() for word in said[1:]):
        return None
    return NameCandidate(tuple(parts), BARE, first, stop - 1)

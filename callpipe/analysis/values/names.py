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

The candidates of a reply are then read in order, as a careful listener
would: a later one that only repeats part of the name confirms it ("Meena
Iyer. M E E N A, Meena"); one that extends it replaces it ("Rohan. Rohan
Fernandes"); after a correction ("sorry", "nahi", "I mean") the final
version counts, a single corrected word replacing its look-alike ("Shalini
Bhatt... no sorry, Bhatia" -> Shalini Bhatia); a spelling fixes the word it
spells ("Sreya, S H R E Y A" -> Shreya). A name refused in place ("not
Deepak", "Deepak nahi") is none. Two different names with nothing to choose
between them give none: when unsure, "".
"""

from __future__ import annotations

import re
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.fuzzy import bounded_distance
from callpipe.analysis.matching import lower_case
from callpipe.analysis.noise import replace_noise
from callpipe.analysis.phrasebook import NAME_TOKEN, token_key
from callpipe.analysis.values.reading import Reading

MAX_NAME_WORDS: Final = 4
MAX_INITIALS: Final = 3
MAX_WORDS_BEFORE: Final = 3
MAX_WORDS_AFTER: Final = 2
MIN_SPELLED_LETTERS: Final = 3
SIMILAR_EDITS: Final = 2

# Kinds of token
_WORD: Final = 0  # Latin letters (a name word, a filler, a single letter ...)
_OTHER: Final = 1  # another script, digits, signs
_BREAK: Final = 2  # ends a phrase

_VOWELS: Final = frozenset("aeiouy")
_SPELLED_WORD: Final = re.compile(r"[A-Za-z](?:[-.][A-Za-z])+\.?")
_NAME_PART: Final = re.compile(r"([A-Za-z]+)")

# Strengths of a candidate
_BARE: Final = 1
_INTRODUCED: Final = 2
_NAMED: Final = 3
_KIND_TEXT: Final = {_BARE: "the phrase is a name", _INTRODUCED: "introduction", _NAMED: "naming"}


class _Token:
    __slots__ = ("dot", "end", "kind", "lowered", "start", "text")

    def __init__(self, kind: int, text: str, lowered: str, start: int, end: int, dot: bool) -> None:
        self.kind = kind
        self.text = text
        self.lowered = lowered
        self.start = start
        self.end = end
        self.dot = dot


class _Part:
    """One part of a name: a word, an initial, or a word spelled letter by letter."""

    __slots__ = ("initial", "spelled", "text")

    def __init__(self, text: str, initial: bool = False, spelled: bool = False) -> None:
        self.text = text
        self.initial = initial
        self.spelled = spelled

    @property
    def key(self) -> str:
        return lower_case(self.text.rstrip("."))


class _Candidate:
    __slots__ = ("first", "intro", "last", "parts", "strength")

    def __init__(
        self, parts: list[_Part], strength: int, first: int, last: int, intro: str = ""
    ) -> None:
        self.parts = parts
        self.strength = strength
        self.first = first  # token indexes of its first and last part
        self.last = last
        self.intro = intro

    def keys(self) -> list[str]:
        return [part.key for part in self.parts if not part.initial]


def extract_name(reply: str, config: AnalysisConfig) -> str | None:
    """The name in ``reply`` in title case, or None when it gives none."""
    return read_name(reply, config).value


def read_name(reply: str, config: AnalysisConfig) -> Reading:
    """The name of ``reply`` and the rule that found it (or why none was taken)."""
    text = replace_noise(reply, config.noise_pattern, " ")
    lowered = lower_case(text)
    if len(lowered) != len(text):  # keep offsets: lower-case letter by letter
        lowered = "".join(lower_case(char)[:1] or char for char in text)
    tokens = _tokens(text, lowered, config)
    if not any(token.kind == _WORD for token in tokens):
        if any(token.kind == _OTHER and not token.text.isascii() for token in tokens):
            return Reading(None, "no name in Latin letters", "the rules read Latin names only")
        return Reading(None, "no name words", "empty, noise or signs only")
    marks = config.name_phrases.find([token_key(token.text) for token in tokens])
    dodged = bool(marks[_REFUSAL])
    candidates = _candidates(tokens, marks, dodged, config)
    if not candidates:
        if dodged:
            return Reading(None, "the reply dodges the question", "refusal phrase")
        return Reading(None, "no name words", "fillers, questions or other words only")
    return _combine(candidates, marks[_CORRECTION])


# --- tokens and the configured phrases in them ---------------------------------


def _tokens(text: str, lowered: str, config: AnalysisConfig) -> list[_Token]:
    tokens = []
    for found in NAME_TOKEN.finditer(text):
        start, end = found.start(), found.end()
        if found.group(1) is not None:
            word = found.group(1)
            if _SPELLED_WORD.fullmatch(word):  # "M-E-E-N-A": letters said one by one
                for offset, char in enumerate(word):
                    if char.isalpha():
                        at = start + offset
                        tokens.append(_Token(_WORD, char, lowered[at], at, at + 1, False))
                continue
            dot = found.group(2) is not None
            word_end = start + len(word)
            tokens.append(_Token(_WORD, word, lowered[start:word_end], start, end, dot))
            if dot and not _keeps_dot(word, config):  # "Rahul." ends a phrase; "P." does not
                tokens.append(_Token(_BREAK, ".", ".", word_end, end, False))
        elif found.group(3) is not None:
            tokens.append(_Token(_BREAK, found.group(3), found.group(3), start, end, False))
        else:
            tokens.append(_Token(_OTHER, found.group(4), lowered[start:end], start, end, False))
    singles = sum(1 for token in tokens if token.kind == _WORD and len(token.text) == 1)
    return _spelling_ends(tokens) if singles > MAX_INITIALS else tokens


def _spelling_ends(tokens: list[_Token]) -> list[_Token]:
    """A dot after the last of more letters than initials ever are ends the
    phrase: "B H A T I A. Shalini Bhatia" is a spelling, then the name."""
    out: list[_Token] = []
    run = 0
    for number, token in enumerate(tokens):
        single = token.kind == _WORD and len(token.text) == 1
        run = run + 1 if single else 0
        out.append(token)
        following = tokens[number + 1] if number + 1 < len(tokens) else None
        run_ends = following is None or following.kind != _WORD or len(following.text) != 1
        if single and token.dot and run > MAX_INITIALS and run_ends:
            out.append(_Token(_BREAK, ".", ".", token.end, token.end, False))
    return out


def _keeps_dot(word: str, config: AnalysisConfig) -> bool:
    """Whether a dot after ``word`` belongs to it: an initial or a title ("Mr.")."""
    return len(word) == 1 or lower_case(word) in config.honorifics


_NAMING: Final = 0
_BEFORE: Final = 1
_AFTER: Final = 2
_CORRECTION: Final = 3
_REJECT_BEFORE: Final = 4
_REJECT_AFTER: Final = 5
_REFUSAL: Final = 6  # the kinds of `AnalysisConfig.name_phrases`, in this order


# --- candidates ---------------------------------------------------------------


def _candidates(
    tokens: list[_Token], marks: list[dict[int, int]], dodged: bool, config: AnalysisConfig
) -> list[_Candidate]:
    """The candidates of each phrase, in order; each phrase is read in pieces
    between correction and refusal words ("Deepak nahi nahi sorry, Dinesh")."""
    cuts = set(marks[_CORRECTION]) | set(marks[_REJECT_AFTER]) | set(marks[_REJECT_BEFORE])
    found: list[_Candidate] = []
    start = 0
    while start < len(tokens):
        end = start
        while end < len(tokens) and tokens[end].kind != _BREAK:
            end += 1
        asks = end < len(tokens) and tokens[end].text == "?"
        piece = start
        index = start
        while index <= end:
            if index == end or index in cuts:
                candidate = _piece_candidate(tokens, piece, index, marks, dodged, asks, config)
                if candidate is not None and not _refused_in_place(candidate, tokens, marks):
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
    candidate: _Candidate, tokens: list[_Token], marks: list[dict[int, int]]
) -> bool:
    """ "not Deepak", "Deepak nahi": the customer says it is not their name."""
    after = candidate.last + 1
    while after < len(tokens) and tokens[after].kind == _WORD and tokens[after].lowered in ("ji",):
        after += 1
    if after in marks[_REJECT_AFTER]:
        return True
    return any(last == candidate.first - 1 for last in marks[_REJECT_BEFORE].values())


def _piece_candidate(
    tokens: list[_Token],
    start: int,
    end: int,
    marks: list[dict[int, int]],
    dodged: bool,
    asks: bool,
    config: AnalysisConfig,
) -> _Candidate | None:
    for first, last in marks[_NAMING].items():
        if start <= first and last < end:
            intro = _phrase_text(tokens, first, last)
            found = _name_after(tokens, last + 1, end, config, _NAMED, intro)
            if found is not None:
                return found
    if dodged:
        return None
    for first, last in marks[_BEFORE].items():
        if start <= first and last < end:
            intro = _phrase_text(tokens, first, last)
            found = _name_after(tokens, last + 1, end, config, _INTRODUCED, intro)
            if found is not None:
                return found
    for first in marks[_AFTER]:
        if start < first < end:
            found = _name_before(tokens, start, first, config)
            if found is not None:
                return found
    if asks:
        return None
    return _bare(tokens, start, end, config)


def _phrase_text(tokens: list[_Token], first: int, last: int) -> str:
    return " ".join(token.lowered for token in tokens[first : last + 1])


def _name_after(
    tokens: list[_Token], start: int, end: int, config: AnalysisConfig, strength: int, intro: str
) -> _Candidate | None:
    index = start
    while index < end and _is_title(tokens[index], config):
        index += 1
    parts, stop = _parts(tokens, index, end, config)
    if parts is None:
        return None
    return _Candidate(parts, strength, index, stop - 1, intro)


def _name_before(
    tokens: list[_Token], start: int, end: int, config: AnalysisConfig
) -> _Candidate | None:
    first = end
    while first > start and _is_title(tokens[first - 1], config):
        first -= 1
    stop = first
    while first > start and _is_name_token(tokens[first - 1], config):
        first -= 1
    parts, last = _parts(tokens, first, stop, config)
    if parts is None or last != stop:
        return None
    return _Candidate(parts, _INTRODUCED, first, stop - 1, tokens[end].lowered)


def _bare(tokens: list[_Token], start: int, end: int, config: AnalysisConfig) -> _Candidate | None:
    """The piece is nothing but a name, with a few words of manners around it."""
    first, stop = start, end
    while first < stop and not _is_name_token(tokens[first], config):
        first += 1
    while stop > first and not _is_name_token(tokens[stop - 1], config):
        stop -= 1
    if first - start > MAX_WORDS_BEFORE or end - stop > MAX_WORDS_AFTER or first == stop:
        return None
    parts, last = _parts(tokens, first, stop, config)
    if parts is None or last != stop:
        return None
    return _Candidate(parts, _BARE, first, stop - 1)


def _is_title(token: _Token, config: AnalysisConfig) -> bool:
    return token.kind == _WORD and token.lowered in config.honorifics


def _is_name_token(token: _Token, config: AnalysisConfig) -> bool:
    """A name word or a single letter (not a filler, a common word, a cue or a title)."""
    if token.kind != _WORD:
        return False
    key = token.lowered.replace("’", "'")
    if key in config.honorifics:
        return False
    return len(key) == 1 or key not in config.name_stopwords


def _parts(
    tokens: list[_Token], start: int, end: int, config: AnalysisConfig
) -> tuple[list[_Part] | None, int]:
    """The name parts said from ``tokens[start]`` on (stopping at the first
    token that is none, or at ``end``), and where they stop; None when they
    make no name (no word of two letters, too many words)."""
    parts: list[_Part] = []
    index = start
    while index < end and _is_name_token(tokens[index], config):
        if len(tokens[index].text) > 1:
            parts.append(_Part(_title(tokens[index].text)))
            index += 1
            continue
        run_end = index
        while run_end < end and tokens[run_end].kind == _WORD and len(tokens[run_end].text) == 1:
            run_end += 1
        run = tokens[index:run_end]
        followed = run_end < end and _is_name_token(tokens[run_end], config)
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


def _letters(run: list[_Token], beside_word: bool, config: AnalysisConfig) -> list[_Part]:
    """A run of single letters: a spelled word, or initials beside a name word."""
    letters = "".join(token.text for token in run)
    dotted = any(token.dot for token in run)
    spelled = len(run) >= MIN_SPELLED_LETTERS and bool(_VOWELS & set(lower_case(letters)))
    if spelled and (len(run) > MAX_INITIALS or not (beside_word and dotted)):
        word = lower_case(letters)
        if word in config.name_stopwords:
            return []
        return [_Part(_title(word), spelled=True)]
    if not beside_word:
        return []
    if len(run) == 1 and run[0].lowered in config.name_stopwords and not run[0].dot:
        return []  # "I", "a": a word, not an initial
    return [_Part(token.text.upper() + ("." if token.dot else ""), initial=True) for token in run]


def _without_repeats(parts: list[_Part]) -> list[_Part]:
    """A word said twice in a row counts once ("Anil Anil Kapoor")."""
    kept: list[_Part] = []
    for part in parts:
        if kept and not part.initial and not kept[-1].initial and kept[-1].key == part.key:
            continue
        kept.append(part)
    return kept


def _title(word: str) -> str:
    """Title case per name part: "o'brien-SHARMA" -> "O'Brien-Sharma"."""
    return _NAME_PART.sub(lambda part: part.group(1).capitalize(), word.replace("’", "'"))


# --- reading the candidates as one name -------------------------------------------


def _combine(candidates: list[_Candidate], corrections: dict[int, int]) -> Reading:
    current = candidates[0]
    rule = _KIND_TEXT[current.strength]
    detail = f"'{current.intro}'" if current.intro else ""
    for candidate in candidates[1:]:
        corrected = any(current.last < index < candidate.first for index in corrections)
        keys, current_keys = candidate.keys(), current.keys()
        if set(keys) <= set(current_keys) and not (corrected and keys != current_keys):
            rule_note = "spelled letters confirm it" if candidate.parts[0].spelled else ""
            detail = _join(detail, rule_note)
            continue  # a repetition of part of the name confirms it
        if set(current_keys) <= set(keys):
            current, rule = candidate, "the name restated in full"
            continue
        if corrected:
            current = _corrected(current, candidate)
            rule, detail = "correction: the final version counts", ""
            continue
        replaced = _spelling_fix(current, candidate)
        if replaced is not None:
            current, rule, detail = replaced, "the spelling fixes a word", ""
            continue
        if candidate.strength < current.strength:
            continue  # a loose phrase beside a clear introduction
        if candidate.strength > current.strength:
            current, rule = candidate, _KIND_TEXT[candidate.strength]
            detail = f"'{candidate.intro}'" if candidate.intro else ""
            continue
        return Reading(None, "two different names", "nothing says which one is the customer's")
    if any(part.spelled for part in current.parts):
        detail = _join(detail, "letters said one by one joined")
    if any(part.initial for part in current.parts):
        detail = _join(detail, "initials kept as given")
    return Reading(" ".join(part.text for part in current.parts), rule, detail)


def _corrected(current: _Candidate, candidate: _Candidate) -> _Candidate:
    """The final version: a single corrected word replaces its look-alike
    ("Shalini Bhatt... sorry, Bhatia"), anything else replaces the name."""
    words = [part for part in candidate.parts if not part.initial]
    if len(candidate.parts) == 1 and len(current.parts) > 1:
        replaced = _replace_similar(current, words[0], candidate)
        if replaced is not None:
            return replaced
    return candidate


def _spelling_fix(current: _Candidate, candidate: _Candidate) -> _Candidate | None:
    """A word spelled letter by letter replaces the word it spells ("Sreya,
    S H R E Y A")."""
    if len(candidate.parts) != 1 or not candidate.parts[0].spelled:
        return None
    return _replace_similar(current, candidate.parts[0], candidate)


def _replace_similar(current: _Candidate, part: _Part, said: _Candidate) -> _Candidate | None:
    """``current`` with its word most like ``part`` replaced by it (None when
    none is alike); it now stands where ``said`` was said."""
    best = None
    best_edits = SIMILAR_EDITS + 1
    for index, old in enumerate(current.parts):
        if old.initial or old.key[:1] != part.key[:1]:
            continue
        edits = bounded_distance(old.key, part.key, SIMILAR_EDITS)
        if edits < best_edits:
            best, best_edits = index, edits
    if best is None:
        return None
    parts = list(current.parts)
    parts[best] = part
    return _Candidate(parts, max(current.strength, said.strength), said.first, said.last)


def _join(left: str, right: str) -> str:
    if not right:
        return left
    return f"{left}; {right}" if left else right

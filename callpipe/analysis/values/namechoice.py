"""Reading a reply's name candidates as one name, as a careful listener would.

A later candidate that only repeats part of the name confirms it ("Meena
Iyer. M E E N A, Meena"); one that holds the whole name replaces it ("Rohan.
Rohan Fernandes"); after a correction ("sorry", "nahi", "I mean") the final
version counts, a single corrected word replacing its look-alike ("Shalini
Bhatt... no sorry, Bhatia" -> Shalini Bhatia); a spelling fixes the word it
spells ("Sreya, S H R E Y A" -> Shreya); a loose phrase beside an
introduced name is ignored. Two different names with nothing to choose
between them give none: when unsure, "".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from callpipe.analysis.fuzzy import bounded_distance
from callpipe.analysis.values.nametokens import NamePart
from callpipe.analysis.values.reading import Reading

SIMILAR_EDITS: Final = 2

# Strengths of a candidate
BARE: Final = 1
INTRODUCED: Final = 2
NAMED: Final = 3
STRENGTH_TEXT: Final = {BARE: "the phrase is a name", INTRODUCED: "introduction", NAMED: "naming"}


@dataclass(frozen=True, slots=True)
class NameCandidate:
    """A name said in one phrase: its parts, how it was said, where (token indexes)."""

    parts: tuple[NamePart, ...]
    strength: int
    first: int  # token indexes of its first and last part
    last: int
    intro: str = ""

    def keys(self) -> list[str]:
        return [part.key for part in self.parts if not part.initial]


def combine_candidates(candidates: list[NameCandidate], corrections: dict[int, int]) -> Reading:
    """The name the candidates say together (``corrections``: the token indexes
    where correction words start), and the rule that decided it."""
    current = candidates[0]
    rule = STRENGTH_TEXT[current.strength]
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
            current, rule = candidate, STRENGTH_TEXT[candidate.strength]
            detail = f"'{candidate.intro}'" if candidate.intro else ""
            continue
        return Reading(None, "two different names", "nothing says which one is the customer's")
    if any(part.spelled for part in current.parts):
        detail = _join(detail, "letters said one by one joined")
    if any(part.initial for part in current.parts):
        detail = _join(detail, "initials kept as given")
    return Reading(" ".join(part.text for part in current.parts), rule, detail)


def _corrected(current: NameCandidate, candidate: NameCandidate) -> NameCandidate:
    """The final version: a single corrected word replaces its look-alike
    ("Shalini Bhatt... sorry, Bhatia"), anything else replaces the name."""
    words = [part for part in candidate.parts if not part.initial]
    if len(candidate.parts) == 1 and len(current.parts) > 1:
        replaced = _replace_similar(current, words[0], candidate)
        if replaced is not None:
            return replaced
    return candidate


def _spelling_fix(current: NameCandidate, candidate: NameCandidate) -> NameCandidate | None:
    """A word spelled letter by letter replaces the word it spells ("Sreya,
    S H R E Y A")."""
    if len(candidate.parts) != 1 or not candidate.parts[0].spelled:
        return None
    return _replace_similar(current, candidate.parts[0], candidate)


def _replace_similar(
    current: NameCandidate, part: NamePart, said: NameCandidate
) -> NameCandidate | None:
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
    return NameCandidate(tuple(parts), max(current.strength, said.strength), said.first, said.last)


def _join(left: str, right: str) -> str:
    if not right:
        return left
    return f"{left}; {right}" if left else right

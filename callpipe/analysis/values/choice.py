"""Which of the models a reply names is the one the customer wants (contract section 3).

"I drive an Alto, I want the Fronx" -> Fronx; "Verna or City, City zyada
pasand hai" -> City; "Venue nahi, Sonet chahiye" -> Sonet; "Creta-va
Venue-va theriyala" (Creta or Venue, I don't know) -> none.

Each mention is read in its clause (clauses end at punctuation), with the
phrase lists of speech.json ``model_choice`` and ``corrections``:

- *refused*: a ``reject_after`` word within three words after it ("Kylaq
  nahi") or a ``reject_before`` word within three words before it ("not
  the Venue"), with no other model in between;
- *owned*: an ``own`` phrase in its clause with no other model in between
  ("mere paas Swift hai", "I drive an Alto");
- *corrected*: a ``corrections`` word between it and a later model ("Seltos...
  nahi nahi, Sonet"): the final version counts;
- *wanted*: a ``want`` phrase in its clause with no other model in between
  ("Sonet chahiye", "I want the Exter").

Of the mentions left, one model is the answer; of several, the last one
wanted (the final version: "I like the Thar... I want the XUV 3XO"), unless
it is one side of "X or Y"; or a longer name that restates an earlier one
("Nexon... Nexon EV"); otherwise the customer has not chosen and there is no
model. An everyday word that is also a model ("city") does not count in lower
case beside another model ("Comet EV chahiye, chhoti gaadi city ke liye").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise
from typing import Final

from callpipe.analysis.catalogue import CatalogueMatch
from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import PhraseMatcher, catalogue_tokens
from callpipe.analysis.values.reading import Reading

NEAR_WORDS: Final = 3
_WORD: Final = re.compile(r"(?:[^\W_]|[\u0900-\u0DFF\u200c\u200d])+")
_CLAUSE_END: Final = re.compile(r"[.!?](?=\s|$)|[,;:\n…]|\.\.+")


class Mention:
    """A catalogue entry named in a reply, with where it was said.

    ``first_word`` / ``last_word`` index the reply's words; ``start`` / ``end``
    are character offsets in the lower-cased reply; ``capitalised``: the
    customer's text starts it with a capital; ``after_brand``: a brand word
    comes right before it.
    """

    __slots__ = (
        "after_brand",
        "capitalised",
        "end",
        "first_word",
        "last_word",
        "match",
        "start",
    )

    def __init__(
        self,
        match: CatalogueMatch,
        first_word: int,
        last_word: int,
        start: int,
        end: int,
        capitalised: bool,
        after_brand: bool,
    ) -> None:
        self.match = match
        self.first_word = first_word
        self.last_word = last_word
        self.start = start
        self.end = end
        self.capitalised = capitalised
        self.after_brand = after_brand


def choose_model(mentions: list[Mention], lowered: str, config: AnalysisConfig) -> Reading:
    """The model the customer wants among ``mentions`` of ``lowered`` (the
    lower-cased reply without noise markers), and why."""
    if len(mentions) > 1:
        everyday = config.everyday_model_words
        kept = [
            m
            for m in mentions
            if m.capitalised
            or m.after_brand
            or " ".join(catalogue_tokens(m.match.alias)) not in everyday
        ]
        if kept:
            mentions = kept
    if len(mentions) == 1:
        return _single(mentions[0])
    starts = [found.start() for found in _WORD.finditer(lowered)]
    clauses = _clause_of_words(lowered, starts)
    wanted: list[Mention] = []
    left: list[Mention] = []
    refused = 0
    for number, mention in enumerate(mentions):
        previous = mentions[number - 1] if number else None
        following = mentions[number + 1] if number + 1 < len(mentions) else None
        if _refused(mention, previous, following, lowered, starts, clauses, config):
            refused += 1
            continue
        left.append(mention)
        if _near_phrase(config.model_want, mention, previous, following, lowered, starts, clauses):
            wanted.append(mention)
    if not left:
        return Reading(None, "no wanted model", f"{refused} named, all owned or refused")
    chosen = _one_model(left)
    if chosen is not None:
        return _reading(chosen, "the one model left", f"{refused} other(s) owned or refused")
    if wanted:
        last = wanted[-1]
        if not _an_alternative(last, left, lowered, config):
            return _reading(last, "the model the customer wants", f"the last wanted of {len(left)}")
    restated = _restated(left)
    if restated is not None:
        return _reading(restated, "a longer name restating the earlier one")
    names = ", ".join(sorted({m.match.canonical or "?" for m in left}))
    return Reading(None, "several models, none chosen", names)


def _an_alternative(
    mention: Mention, mentions: list[Mention], lowered: str, config: AnalysisConfig
) -> bool:
    """Whether ``mention`` is one side of "X or Y" with another model: the
    customer has not chosen between them ("I want the Creta or the Seltos")."""
    position = mentions.index(mention)
    for other in (position - 1, position + 1):
        if not 0 <= other < len(mentions):
            continue
        if mentions[other].match.canonical == mention.match.canonical:
            continue
        left, right = sorted((mention, mentions[other]), key=lambda m: m.start)
        between = lowered[left.end : right.start]
        if config.model_alternatives.search(between) is not None:
            return True
    return False


def _single(mention: Mention) -> Reading:
    return _reading(mention, "the only model named")


def _reading(mention: Mention, rule: str, detail: str = "") -> Reading:
    match = mention.match
    if match.canonical is None:
        return Reading(None, "slip equally close to several entries", ", ".join(match.candidates))
    how = {
        "alias": f"catalogue name '{match.alias}'",
        "joined": f"'{match.alias}' with words split or joined, or O for 0",
        "slip": f"speech-to-text slip of '{match.alias}' ({match.edits} edit(s))",
    }[match.kind]
    return Reading(match.canonical, rule, f"{how}; {detail}" if detail else how)


def _one_model(mentions: list[Mention]) -> Mention | None:
    """The last mention when all name the same model, else None."""
    first = mentions[0].match.canonical
    if first is None:
        return None
    return mentions[-1] if all(m.match.canonical == first for m in mentions) else None


def _same_or_part(mention: Mention, chosen: Mention) -> bool:
    """Whether ``mention`` names ``chosen``'s model or a shorter name of it."""
    name, other = mention.match.canonical, chosen.match.canonical
    if name is None or other is None:
        return False
    return name == other or other.startswith(name + " ")


def _restated(mentions: list[Mention]) -> Mention | None:
    """The last mention when each earlier one is a shorter name of the next
    ("Thar... Thar Roxx", "Nexon, Nexon EV")."""
    if all(_same_or_part(earlier, later) for earlier, later in pairwise(mentions)):
        return mentions[-1]
    return None


def _refused(
    mention: Mention,
    previous: Mention | None,
    following: Mention | None,
    lowered: str,
    starts: list[int],
    clauses: list[int],
    config: AnalysisConfig,
) -> bool:
    first, last = mention.first_word, mention.last_word
    for found in config.model_reject_after.matches(lowered):
        word = bisect_right(starts, found.start()) - 1
        near = last < word <= last + NEAR_WORDS and clauses[word] == clauses[last]
        if near and (following is None or word < following.first_word):
            return True
    for found in config.model_reject_before.matches(lowered):
        word = bisect_right(starts, found.end() - 1) - 1
        near = first - NEAR_WORDS <= word < first and clauses[word] == clauses[first]
        if near and (previous is None or word > previous.last_word):
            return True
    if _near_phrase(config.model_own, mention, previous, following, lowered, starts, clauses):
        return True
    if following is not None:
        for found in config.correction_matcher.matches(lowered):
            if mention.end <= found.start() and found.end() <= following.start:
                return True
    return False


def _near_phrase(
    matcher: PhraseMatcher,
    mention: Mention,
    previous: Mention | None,
    following: Mention | None,
    lowered: str,
    starts: list[int],
    clauses: list[int],
) -> bool:
    """Whether a phrase of ``matcher`` is in the mention's clause with no other
    mention between them."""
    clause = clauses[mention.first_word]
    for found in matcher.matches(lowered):
        word = bisect_right(starts, found.start()) - 1
        if word < 0 or clauses[word] != clause:
            continue
        if word < mention.first_word and (previous is None or word > previous.last_word):
            return True
        if word > mention.last_word and (following is None or word < following.first_word):
            return True
    return False


def _clause_of_words(lowered: str, starts: list[int]) -> list[int]:
    """The clause number of each word (clauses end at punctuation)."""
    ends = [found.start() for found in _CLAUSE_END.finditer(lowered)]
    clauses = []
    clause = 0
    index = 0
    for start in starts:
        while index < len(ends) and ends[index] < start:
            clause += 1
            index += 1
        clauses.append(clause)
    return clauses

"""Which of the models a reply names is the one the customer wants (contract section 3).

"I drive an Alto, I want the Fronx" -> Fronx; "Verna or City, City zyada
pasand hai" -> City; "Venue nahi, Sonet chahiye" -> Sonet; "Creta-va
Venue-va theriyala" (Creta or Venue, I don't know) -> none.

Each mention is read in its clause (clauses end at punctuation), with the
phrase lists of speech.json ``model_choice`` and ``corrections``. A phrase
between two mentions belongs to the nearer one (the earlier on a tie, as in
"Creta chahiye Seltos nahi").

- *refused*: a ``reject_after`` word within three words after it ("Kylaq
  nahi") or a ``reject_before`` word within three words before it ("not
  the Venue"), with no other model in between;
- *owned*: an ``own`` phrase in its clause ("mere paas Swift hai", "I drive
  an Alto", "Creta exchange karke");
- *corrected*: a ``corrections`` word between it and a later model ("Seltos...
  nahi nahi, Sonet"): the final version counts;
- *wanted*: a ``want`` phrase in its clause ("Sonet chahiye", "I want the Exter").

A model owned or refused is not the answer, even when it is the only one
named ("mere paas Creta hai"). Of the mentions left, one model is the answer;
of several, the last one wanted (the final version: "I like the Thar... I
want the XUV 3XO"), unless it is one side of "X or Y" or of "X and Y, both";
or a longer name that restates an earlier one ("Thar... Thar Roxx");
otherwise the customer has not chosen and there is no model. An everyday word
that is also a model ("city") does not count in lower case and without its
brand beside another model, before a cue word or before a word that shows
its everyday sense (``everyday_followers``): "city car chahiye", "Comet EV
chahiye, chhoti gaadi city ke liye", "for city driving", "budget would be
six to eight lakhs".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from callpipe.analysis.catalogue import CatalogueMatch
from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import PhraseMatcher, catalogue_tokens
from callpipe.analysis.values.reading import Reading

NEAR_WORDS: Final = 3
_WORD: Final = re.compile(r"(?:[^\W_]|[\u0900-\u0DFF\u200c\u200d])+")
_CLAUSE_END: Final = re.compile(r"[.!?](?=\s|$)|[,;:\n…]|\.\.+")


@dataclass(frozen=True, slots=True)
class Mention:
    """A catalogue entry named in a reply, with where it was said.

    ``first_word`` / ``last_word`` index the reply's words; ``start`` / ``end``
    are character offsets in the lower-cased reply, which are those of the
    reply as said (`matching.lower_case_in_place`); ``capitalised``: the
    customer's text starts it with a capital; ``after_brand``: a brand word
    comes right before it.
    """

    match: CatalogueMatch
    first_word: int
    last_word: int
    start: int
    end: int
    capitalised: bool
    after_brand: bool


class _Words:
    """The reply's words: where each starts, and its clause."""

    __slots__ = ("clauses", "lowered", "starts")

    def __init__(self, lowered: str) -> None:
        self.lowered = lowered
        self.starts = [found.start() for found in _WORD.finditer(lowered)]
        ends = [found.start() for found in _CLAUSE_END.finditer(lowered)]
        self.clauses: list[int] = []
        clause = 0
        index = 0
        for start in self.starts:
            while index < len(ends) and ends[index] < start:
                clause += 1
                index += 1
            self.clauses.append(clause)

    def word_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def matched_words(self, matcher: PhraseMatcher) -> list[tuple[int, int]]:
        """(first word, last word) of each match of ``matcher``."""
        return [
            (self.word_at(found.start()), self.word_at(found.end() - 1))
            for found in matcher.matches(self.lowered)
        ]


def choose_model(mentions: list[Mention], lowered: str, config: AnalysisConfig) -> Reading:
    """The model the customer wants among ``mentions`` of ``lowered`` (the
    lower-cased reply without noise markers), and why."""
    if (
        len(mentions) == 1
        and not _everyday(mentions[0], config)
        and not _may_refuse(lowered, config)
    ):
        return _reading(mentions[0], "the only model named")  # the usual reply, at once
    words = _Words(lowered)
    mentions = _without_everyday_words(mentions, words, config)
    if not mentions:
        return Reading(None, "no catalogue model named", "an everyday word only")
    wanted: list[Mention] = []
    left: list[Mention] = []
    refused = 0
    # What is wanted only matters between several models.
    want = words.matched_words(config.model_want) if len(mentions) > 1 else []
    for number, mention in enumerate(mentions):
        previous = mentions[number - 1] if number else None
        following = mentions[number + 1] if number + 1 < len(mentions) else None
        if _refused(mention, previous, following, words, config):
            refused += 1
            continue
        left.append(mention)
        if want and _near(want, mention, previous, following, words):
            wanted.append(mention)
    if not left:
        what = "owned or refused" if len(mentions) > 1 else "the one named is owned or refused"
        return Reading(None, "no wanted model", what)
    chosen = _one_model(left)
    if chosen is not None:
        if len(mentions) == 1:
            return _reading(chosen, "the only model named")
        return _reading(chosen, "the one model left", f"{refused} other(s) owned or refused")
    if wanted:
        last = wanted[-1]
        if not _undecided(last, left, words, config):
            return _reading(last, "the model the customer wants", f"the last wanted of {len(left)}")
    restated = _restated(left)
    if restated is not None:
        return _reading(restated, "a longer name restating the earlier one")
    names = ", ".join(sorted({m.match.canonical or "?" for m in left}))
    return Reading(None, "several models, none chosen", names)


def _everyday(mention: Mention, config: AnalysisConfig) -> bool:
    """A model named by an everyday word, in lower case, without its brand."""
    return (
        not mention.capitalised
        and not mention.after_brand
        and " ".join(catalogue_tokens(mention.match.alias)) in config.everyday_model_words
    )


def _may_refuse(lowered: str, config: AnalysisConfig) -> bool:
    """Whether ``lowered`` holds a phrase that may make a model owned or refused."""
    return (
        config.model_reject_after.search(lowered) is not None
        or config.model_reject_before.search(lowered) is not None
        or config.model_own.search(lowered) is not None
    )


def _without_everyday_words(
    mentions: list[Mention], words: _Words, config: AnalysisConfig
) -> list[Mention]:
    cues = config.model_cue_words
    followers = config.everyday_model_followers
    kept = []
    for mention in mentions:
        if _everyday(mention, config):
            following = mention.last_word + 1
            next_word = ""
            if following < len(words.starts):
                end = words.starts[following + 1] if following + 1 < len(words.starts) else None
                next_word = words.lowered[words.starts[following] : end].strip(" ,.!?")
            if len(mentions) > 1 or next_word in cues or next_word in followers:
                continue
        kept.append(mention)
    return kept


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
    if all(m.match.canonical == first for m in mentions):
        return mentions[-1]
    return None


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


def _undecided(
    mention: Mention, mentions: list[Mention], words: _Words, config: AnalysisConfig
) -> bool:
    """Whether ``mention`` is one side of "X or Y", or of "X and Y, both",
    with another model: the customer has not chosen between them."""
    position = mentions.index(mention)
    for other in (position - 1, position + 1):
        if not 0 <= other < len(mentions):
            continue
        if mentions[other].match.canonical == mention.match.canonical:
            continue
        left, right = sorted((mention, mentions[other]), key=lambda m: m.start)
        between = words.lowered[left.end : right.start]
        if config.model_alternatives.search(between) is not None:
            return True
        for first, _ in words.matched_words(config.model_both):
            if right.last_word < first <= right.last_word + NEAR_WORDS:
                return True
    return False


def _refused(
    mention: Mention,
    previous: Mention | None,
    following: Mention | None,
    words: _Words,
    config: AnalysisConfig,
) -> bool:
    first, last = mention.first_word, mention.last_word
    clauses = words.clauses
    for word, _ in words.matched_words(config.model_reject_after):
        near = last < word <= last + NEAR_WORDS and clauses[word] == clauses[last]
        if near and (following is None or word < following.first_word):
            return True
    for _, word in words.matched_words(config.model_reject_before):
        near = first - NEAR_WORDS <= word < first and clauses[word] == clauses[first]
        if near and (previous is None or word > previous.last_word):
            return True
    if _near(words.matched_words(config.model_own), mention, previous, following, words):
        return True
    if following is not None:
        for found in config.correction_matcher.matches(words.lowered):
            if mention.end <= found.start() and found.end() <= following.start:
                return True
    return False


def _near(
    phrases: list[tuple[int, int]],
    mention: Mention,
    previous: Mention | None,
    following: Mention | None,
    words: _Words,
) -> bool:
    """Whether one of ``phrases`` (first and last word) is in the mention's
    clause and nearer to it than to any other mention."""
    clause = words.clauses[mention.first_word]
    for first, last in phrases:
        if first < 0 or words.clauses[first] != clause:
            continue
        if last < mention.first_word:
            distance = mention.first_word - last
            if previous is None or (
                first > previous.last_word and distance < first - previous.last_word
            ):
                return True
        elif first > mention.last_word:
            distance = first - mention.last_word
            if following is None or distance <= following.first_word - last:
                return True
    return False

"""Phrases found word by word in a tokenised reply (the name reader's lists).

The name reader cuts a reply into tokens anyway; finding its phrase lists
(introductions, corrections, refusals ...) on those tokens is one dict
lookup per token, where a regex per list would scan the text once per list.
Phrases are cut into tokens by the same pattern as replies, so they match
exactly the token runs a reply is cut into: whole words, any case (the
tokens are looked up lower-cased), straight or typographic apostrophes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from callpipe.analysis.matching import lower_case

# A Latin word (with inner apostrophes and hyphens), maybe with a dot; the
# end of a phrase; anything else that is not space.
NAME_TOKEN: Final = re.compile(
    r"([A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+)*)(\.(?!\.))?"
    r"|(\.{2,}|…|[.,!?;:]|\s-\s)"
    r"|([^\sA-Za-z.,!?;:…\"()\[\]<>{}]+)"
)


def token_key(text: str) -> str:
    """How a token is looked up: lower case, straight apostrophes."""
    return lower_case(text).replace("’", "'")


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The token keys of a listed phrase (its dots and signs dropped)."""
    return tuple(
        token_key(found.group(1) or found.group(4))
        for found in NAME_TOKEN.finditer(phrase)
        if found.group(1) is not None or found.group(4) is not None
    )


class PhraseBook:
    """Several lists of phrases ("kinds"), found in one pass over the tokens.

    `find` gives, per kind, first token -> last token of each match, as a
    left-to-right scan for non-overlapping matches would (the longest phrase
    of the kind where two start at one token).
    """

    __slots__ = ("_kinds", "_starting")

    def __init__(self, kinds: Iterable[Iterable[str]]) -> None:
        # first token -> (the other tokens, kind), longest first
        self._starting: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        count = 0
        for kind, phrases in enumerate(kinds):
            count += 1
            for phrase in phrases:
                tokens = phrase_tokens(phrase)
                if tokens:
                    entry = (tokens[1:], kind)
                    listed = self._starting.setdefault(tokens[0], [])
                    if entry not in listed:
                        listed.append(entry)
        for listed in self._starting.values():
            listed.sort(key=lambda entry: -len(entry[0]))
        self._kinds = count

    def find(self, keys: list[str]) -> list[dict[int, int]]:
        """Per kind, the matches in the token keys ``keys`` (first -> last index)."""
        found: list[dict[int, int]] = [{} for _ in range(self._kinds)]
        ends = [0] * self._kinds
        for index, key in enumerate(keys):
            listed = self._starting.get(key)
            if listed is None:
                continue
            for rest, kind in listed:
                if index < ends[kind] or index in found[kind]:
                    continue
                last = index + len(rest)
                if last >= len(keys):
                    continue
                if any(keys[index + 1 + offset] != word for offset, word in enumerate(rest)):
                    continue
                found[kind][index] = last
                ends[kind] = last + 1
        return found

"""The model catalogue as the rule extractor reads it: exact aliases, split or
joined words, a letter O for a zero, and bounded speech-to-text slips.

Built once per configuration. Reply and catalogue are compared as catalogue
tokens (`matching.catalogue_tokens`); a run of reply tokens names an entry
when, written together with ``o`` read as ``0``, it equals one of the
entry's names written the same way: "grandvitara", "Grand Vitara", "XL 6",
"XUV 7OO" (letter O) all find theirs. Failing that, a run may be a slip of
an alias with as many words: each differing word within its allowed edits
(`fuzzy.allowed_edits`), two in all, its first letter in the same class, and
exactly one catalogue entry that close (contract: else no model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from callpipe.analysis.fuzzy import allowed_edits, bounded_distance, first_letter_class
from callpipe.analysis.matching import catalogue_tokens

MAX_SLIP_EDITS: Final = 2
SLIP_CACHE_SIZE: Final = 4096
MIN_SLIP_LENGTH: Final = 4
# Split words add tokens ("grand vi tara"): runs this much longer than the
# longest alias are still compared.
EXTRA_SPLIT_TOKENS: Final = 2


def squash(tokens: list[str] | tuple[str, ...]) -> str:
    """Tokens written together, a letter O read as a zero."""
    return "".join(tokens).replace("o", "0")


@dataclass(frozen=True, slots=True)
class CatalogueMatch:
    """One catalogue entry found in a run of reply tokens.

    ``canonical`` is None when a slip was equally close to several entries
    (``candidates`` names them). ``kind`` is ``alias``, ``joined`` (split or
    joined words, or a letter O for a zero) or ``slip``; ``edits`` the
    slip's edit distance; ``alias`` the catalogue name matched.
    """

    canonical: str | None
    kind: str
    length: int
    alias: str
    edits: int = 0
    candidates: tuple[str, ...] = ()


class CatalogueIndex:
    """Lookups of `catalogue.json` for the model extractor."""

    __slots__ = (
        "_by_tokens",
        "_prefixes",
        "_slip_cache",
        "_slips",
        "_squashed",
        "brand_words",
        "longest",
    )

    def __init__(self, catalogue: Mapping[str, Mapping[str, tuple[str, ...]]]) -> None:
        self._by_tokens: dict[tuple[str, ...], tuple[str, str]] = {}
        self._squashed: dict[str, tuple[str, str]] = {}
        # number of tokens -> (alias tokens, canonical) of names without digits
        self._slips: dict[int, list[tuple[tuple[str, ...], str]]] = {}
        # Slips found before, by the reply words: replies repeat model names.
        self._slip_cache: dict[str, CatalogueMatch | None] = {}
        brand_words: set[str] = set()
        longest = 0
        for brand, models in catalogue.items():
            brand_words.update(catalogue_tokens(brand))
            for model, aliases in models.items():
                canonical = f"{brand} {model}"
                for alias in (model, *aliases):
                    tokens = tuple(catalogue_tokens(alias))
                    longest = max(longest, len(tokens))
                    self._by_tokens.setdefault(tokens, (canonical, alias))
                    self._squashed.setdefault(squash(tokens), (canonical, alias))
                    if not any(token.isdigit() for token in tokens):
                        self._slips.setdefault(len(tokens), []).append((tokens, canonical))
        self.brand_words = frozenset(brand_words)
        self.longest = longest + EXTRA_SPLIT_TOKENS
        # Every start of a name written together: a reply word that starts none
        # cannot start a name, and most reply words are such words.
        self._prefixes = frozenset(
            name[:end] for name in self._squashed for end in range(1, len(name) + 1)
        )

    def longest_at(self, tokens: list[str], start: int, end: int) -> CatalogueMatch | None:
        """The longest run ``tokens[start:stop]`` (``stop <= end``) that names an
        entry, exactly or written together; None when none does.

        The run grows one token at a time while it, written together, is
        still the start of some name, so a word that starts none (most words
        of a reply) costs one set lookup.
        """
        written = ""
        found: tuple[str, str] | None = None
        found_stop = start
        for stop in range(start, end):
            written += tokens[stop].replace("o", "0")
            if written not in self._prefixes:
                break
            named = self._squashed.get(written)
            if named is not None:
                found, found_stop = named, stop + 1
        if found is None:
            return None
        run = tokens[start:found_stop]
        exact = self._by_tokens.get(tuple(run))
        if exact is not None:
            return CatalogueMatch(exact[0], "alias", len(run), exact[1])
        return CatalogueMatch(found[0], "joined", len(run), found[1])

    def squashed_owner(self, tokens: list[str] | tuple[str, ...]) -> str | None:
        """The entry whose name, written together, these tokens spell (config checks)."""
        found = self._squashed.get(squash(tokens))
        return found[0] if found is not None else None

    def may_slip(self, token: str, stopwords: frozenset[str]) -> bool:
        """Whether a reply word may be a slip of a catalogue word at all."""
        return _may_slip(token, stopwords, self.brand_words)

    def slip(self, tokens: list[str], stopwords: frozenset[str]) -> CatalogueMatch | None:
        """The entry ``tokens`` are a slip of (None when none is close enough);
        a match without a canonical when several entries are equally close.

        Equally close counts whatever the first letters ("Kigor": Kiger and
        Tigor); the one closest entry is taken only when each changed word
        keeps its first letter's class ("Kreta" -> Creta, not "lunch" -> Punch).
        """
        if not any(_may_slip(token, stopwords, self.brand_words) for token in tokens):
            return None  # no word that could be a slip (most words of a reply)
        key = " ".join(tokens)
        if key in self._slip_cache:
            return self._slip_cache[key]
        found = self._closest(tokens, stopwords)
        if len(self._slip_cache) >= SLIP_CACHE_SIZE:
            self._slip_cache.clear()
        self._slip_cache[key] = found
        return found

    def _closest(self, tokens: list[str], stopwords: frozenset[str]) -> CatalogueMatch | None:
        best = MAX_SLIP_EDITS + 1
        found: dict[str, tuple[str, ...]] = {}
        for alias, canonical in self._slips.get(len(tokens), ()):
            edits = _slip_edits(tokens, alias, stopwords, self.brand_words)
            if edits < best:
                best = edits
                found = {canonical: alias}
            elif edits == best and edits <= MAX_SLIP_EDITS:
                found.setdefault(canonical, alias)
        if best > MAX_SLIP_EDITS or best == 0:
            return None
        if len(found) > 1:
            return CatalogueMatch(None, "slip", len(tokens), "", best, tuple(sorted(found)))
        canonical, alias = next(iter(found.items()))
        for said, listed in zip(tokens, alias, strict=True):
            if said != listed and first_letter_class(said) != first_letter_class(listed):
                return None
        return CatalogueMatch(canonical, "slip", len(tokens), " ".join(alias), best)


def _may_slip(token: str, stopwords: frozenset[str], brand_words: frozenset[str]) -> bool:
    """Whether a reply word may be a slip of a catalogue word at all."""
    return (
        len(token) >= MIN_SLIP_LENGTH
        and token.isalpha()
        and token not in stopwords
        and token not in brand_words
    )


def _slip_edits(
    tokens: list[str],
    alias: tuple[str, ...],
    stopwords: frozenset[str],
    brand_words: frozenset[str],
) -> int:
    """The edits that turn ``tokens`` into ``alias`` word by word, or more than
    `MAX_SLIP_EDITS` when a word may not slip that far."""
    total = 0
    for said, listed in zip(tokens, alias, strict=True):
        if said == listed:
            continue
        if not _may_slip(said, stopwords, brand_words):
            return MAX_SLIP_EDITS + 1
        bound = allowed_edits(listed)
        edits = bounded_distance(said, listed, bound)
        if edits > bound:
            return MAX_SLIP_EDITS + 1
        total += edits
    return total

"""The checks an LLM value must pass before it is trusted (pure).

The LLM may transliterate and understand far more than the rules, but what
it returns must still be a value the contract allows (section 3), in the
same form the rules produce:

- name: one to four words of Latin letters (apostrophes and hyphens inside
  a word are fine), plus up to three initials ("P. Lakshmi", "T R Mohan",
  kept upper case with their dots), not made only of fillers or common
  words, without titles ("Mr.", "Shri", "ji" around the name, "bhai"
  between its words: dropped, as the rules drop them), re-cased to title case;
- model: a model of the configured catalogue, returned in its canonical
  ``Brand Model`` form; an alias ("nexon ev"), optionally after words of
  the right brand ("Maruti Swift"), is normalised to it; anything else,
  including a model of the wrong brand ("Hyundai Nexon"), is dropped;
- email: spaces removed, lower-cased, and matching the rules' address pattern.
"""

from __future__ import annotations

import re

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.fields import Field
from callpipe.analysis.matching import catalogue_tokens
from callpipe.analysis.values.emails import is_email
from callpipe.analysis.values.names import MAX_NAME_WORDS

_NAME_WORD = re.compile(r"[A-Za-z]+(?:['\-][A-Za-z]+)*")
_INITIAL = re.compile(r"[A-Za-z]\.?")
_NAME_PART = re.compile(r"[A-Za-z]+")
MAX_INITIALS = 3


class ValueValidator:
    """Checks and normalises LLM values against one AnalysisConfig (built once)."""

    def __init__(self, config: AnalysisConfig) -> None:
        self._stopwords = config.stopwords
        self._titles = config.honorifics
        self._inner_titles = config.inner_titles
        self._aliases = config.model_aliases
        self._brand_words: dict[str, frozenset[str]] = {}
        self._canonical: dict[tuple[str, ...], str] = {}
        for brand, models in config.catalogue.items():
            for model in models:
                canonical = f"{brand} {model}"
                self._canonical[tuple(catalogue_tokens(canonical))] = canonical
                self._brand_words[canonical] = frozenset(catalogue_tokens(brand))

    def check(self, field: Field, value: str) -> str | None:
        """The value in its normal form, or None when it is not a valid value of ``field``."""
        if field == "name":
            return self.name(value)
        if field == "model":
            return self.model(value)
        return self.email(value)

    def name(self, value: str) -> str | None:
        words = value.replace("’", "'").split()
        while words and words[0].rstrip(".").lower() in self._titles:
            words.pop(0)
        while words and words[-1].rstrip(".").lower() in self._titles:
            words.pop()
        words = [word for number, word in enumerate(words) if not self._inner_title(words, number)]
        names = [word for word in words if len(word.rstrip(".")) > 1]
        initials = [word for word in words if len(word.rstrip(".")) <= 1]
        if not names or len(names) > MAX_NAME_WORDS or len(initials) > MAX_INITIALS:
            return None
        if not all(_NAME_WORD.fullmatch(word) for word in names):
            return None
        if not all(_INITIAL.fullmatch(word) for word in initials):
            return None
        # "Yes", "Hello Sir": fillers only. A real name may share one word
        # with the lists ("Will Smith"), so only all-filler answers go.
        if all(word.lower() in self._stopwords for word in names):
            return None
        return " ".join(
            word.upper()
            if len(word.rstrip(".")) <= 1
            else _NAME_PART.sub(lambda part: part.group().capitalize(), word)
            for word in words
        )

    def _inner_title(self, words: list[str], number: int) -> bool:
        """A title between two name words ("Rajesh Bhai Patel"), as the rules
        read it (`nametokens`): not beside an initial, not first or last."""
        if not 0 < number < len(words) - 1 or words[number].lower() not in self._inner_titles:
            return False
        return len(words[number - 1].rstrip(".")) > 1 and len(words[number + 1].rstrip(".")) > 1

    def model(self, value: str) -> str | None:
        tokens = tuple(catalogue_tokens(value))
        if not tokens:
            return None
        canonical = self._canonical.get(tokens) or self._aliases.get(tokens)
        if canonical is not None:
            return canonical
        # Brand words, then a model name or alias: "Maruti Swift", "Tata Nexon electric".
        for split in range(1, len(tokens)):
            found = self._aliases.get(tokens[split:])
            if found is not None and set(tokens[:split]) <= self._brand_words[found]:
                return found
        return None

    def email(self, value: str) -> str | None:
        candidate = "".join(value.split()).lower()
        return candidate if is_email(candidate) else None

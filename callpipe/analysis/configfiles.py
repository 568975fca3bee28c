"""Checking the JSON data files of the analysis configuration.

Each reader takes the decoded JSON of one file and returns plain typed values,
or raises `AnalysisConfigError` naming the file and the key path, so that a
typo in an override file is found at start-up, not as odd payloads later.
A key ``_comment`` is a note for people and is skipped wherever it appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from callpipe.analysis.fields import FIELDS, Field
from callpipe.analysis.matching import catalogue_tokens

COMMENT_KEY = "_comment"


class AnalysisConfigError(ValueError):
    """A data file of the analysis configuration is unreadable or malformed."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class LanguageSpec:
    """One language of contract section 4: its script ranges and common words."""

    name: str
    scripts: tuple[tuple[int, int], ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Phrases:
    """The contents of phrases.json."""

    confusion: tuple[str, ...]
    dealer_nouns: tuple[str, ...]
    dealer_verbs: tuple[str, ...]
    name_refusals: tuple[str, ...]
    fillers: tuple[str, ...]
    email_spoken: tuple[tuple[str, tuple[str, ...]], ...]


# --- cues.json ----------------------------------------------------------------


def read_cues(data: object) -> dict[Field, tuple[str, ...]]:
    file = "cues.json"
    entries = _object(data, file, "")
    _only_keys(entries, file, "", FIELDS)
    cues = {field: _phrases(_required(entries, file, "", field), file, field) for field in FIELDS}
    owner: dict[str, Field] = {}
    for field, phrases in cues.items():
        for index, phrase in enumerate(phrases):
            key = " ".join(phrase.lower().split())
            if owner.setdefault(key, field) != field:
                raise AnalysisConfigError(
                    file, f"{field}[{index}]", f"{phrase!r} is already a cue of {owner[key]}"
                )
    return cues


# --- questions.json -----------------------------------------------------------


def read_questions(data: object) -> tuple[str, ...]:
    """The request words that make a sentence ask something (contract section 3)."""
    file = "questions.json"
    root = _object(data, file, "")
    _only_keys(root, file, "", ("request_words",))
    return _phrases(_required(root, file, "", "request_words"), file, "request_words")


# --- catalogue.json -----------------------------------------------------------


def read_catalogue(data: object) -> dict[str, dict[str, tuple[str, ...]]]:
    """brand -> model -> aliases, each alias giving at least one catalogue token."""
    file = "catalogue.json"
    root = _object(data, file, "")
    _only_keys(root, file, "", ("brands",))
    brands = _object(_required(root, file, "", "brands"), file, "brands")
    catalogue: dict[str, dict[str, tuple[str, ...]]] = {}
    for brand, raw_models in _entries(brands):
        brand_key = f"brands.{brand}"
        if not brand.strip():
            raise AnalysisConfigError(file, brand_key, "a brand name must not be empty")
        models: dict[str, tuple[str, ...]] = {}
        for model, raw_aliases in _entries(_object(raw_models, file, brand_key)):
            model_key = f"{brand_key}.{model}"
            if not catalogue_tokens(model):
                raise AnalysisConfigError(file, model_key, "a model name needs letters or digits")
            aliases = _phrases(raw_aliases, file, model_key, allow_empty=True)
            for index, alias in enumerate(aliases):
                if not catalogue_tokens(alias):
                    raise AnalysisConfigError(
                        file, f"{model_key}[{index}]", "an alias needs letters or digits"
                    )
            models[model] = aliases
        catalogue[brand] = models
    return catalogue


# --- languages.json -----------------------------------------------------------

_RANGE = re.compile(r"([0-9A-Fa-f]{4,6})-([0-9A-Fa-f]{4,6})")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Languages:
    """The contents of languages.json."""

    languages: tuple[LanguageSpec, ...]
    fallback: str
    neutral: tuple[str, ...]
    """Words said alike in every language: they score for none (contract section 4)."""


def read_languages(data: object) -> Languages:
    """The languages in file order, the fallback language and the neutral words.

    ``neutral`` may be left out (no neutral words); a neutral word may not
    also be listed under a language.
    """
    file = "languages.json"
    root = _object(data, file, "")
    _only_keys(root, file, "", ("fallback", "neutral", "languages"))
    entries = _object(_required(root, file, "", "languages"), file, "languages")
    languages = tuple(_language(name, raw, file) for name, raw in _entries(entries))
    if not languages:
        raise AnalysisConfigError(file, "languages", "needs at least one language")
    _check_ranges_apart(languages, file)
    fallback = _required(root, file, "", "fallback")
    if not isinstance(fallback, str) or fallback not in {spec.name for spec in languages}:
        raise AnalysisConfigError(file, "fallback", f"{fallback!r} is not one of the languages")
    neutral = _strings(root.get("neutral", []), file, "neutral")
    for index, word in enumerate(neutral):
        if not _WORD.fullmatch(word):
            raise AnalysisConfigError(
                file, f"neutral[{index}]", f"{word!r} is not one lower-case Latin word"
            )
        for spec in languages:
            if word in spec.words:
                raise AnalysisConfigError(
                    file, f"neutral[{index}]", f"{word!r} is also a word of {spec.name}"
                )
    return Languages(languages, fallback, tuple(dict.fromkeys(neutral)))


def _language(name: str, raw: object, file: str) -> LanguageSpec:
    key = f"languages.{name}"
    if not _WORD.fullmatch(name):
        raise AnalysisConfigError(file, key, "a language name is one lower-case word")
    entry = _object(raw, file, key)
    _only_keys(entry, file, key, ("scripts", "words"))
    scripts = []
    for index, text in enumerate(_strings(entry.get("scripts", []), file, f"{key}.scripts")):
        found = _RANGE.fullmatch(text)
        low, high = (int(found.group(1), 16), int(found.group(2), 16)) if found else (1, 0)
        if low > high:
            raise AnalysisConfigError(
                file, f"{key}.scripts[{index}]", f"{text!r} is not a range like '0B80-0BFF'"
            )
        scripts.append((low, high))
    words = _strings(entry.get("words", []), file, f"{key}.words")
    for index, word in enumerate(words):
        if not _WORD.fullmatch(word):
            raise AnalysisConfigError(
                file, f"{key}.words[{index}]", f"{word!r} is not one lower-case Latin word"
            )
    return LanguageSpec(name=name, scripts=tuple(scripts), words=tuple(dict.fromkeys(words)))


def _check_ranges_apart(languages: tuple[LanguageSpec, ...], file: str) -> None:
    # A character must count for one language only, or scores lose their meaning.
    seen: list[tuple[int, int, str]] = []
    for spec in languages:
        for low, high in spec.scripts:
            for other_low, other_high, other in seen:
                if low <= other_high and other_low <= high:
                    raise AnalysisConfigError(
                        file,
                        f"languages.{spec.name}.scripts",
                        f"range {low:04X}-{high:04X} overlaps a range of {other}",
                    )
            seen.append((low, high, spec.name))


# --- phrases.json -------------------------------------------------------------

_SYMBOL = re.compile(r"[a-z0-9@._+\-]+")


def read_phrases(data: object) -> Phrases:
    file = "phrases.json"
    root = _object(data, file, "")
    keys = ("confusion", "dealer_request", "name_refusals", "fillers", "email_spoken")
    _only_keys(root, file, "", keys)
    dealer = _object(_required(root, file, "", "dealer_request"), file, "dealer_request")
    _only_keys(dealer, file, "dealer_request", ("nouns", "verbs"))
    spoken = _object(_required(root, file, "", "email_spoken"), file, "email_spoken")
    email_spoken = []
    for symbol, raw in _entries(spoken):
        if not _SYMBOL.fullmatch(symbol):
            raise AnalysisConfigError(
                file, f"email_spoken.{symbol}", "must be letters, digits or @ . _ + -"
            )
        email_spoken.append((symbol, _phrases(raw, file, f"email_spoken.{symbol}")))
    return Phrases(
        confusion=_phrases(_required(root, file, "", "confusion"), file, "confusion"),
        dealer_nouns=_phrases(
            _required(dealer, file, "dealer_request", "nouns"), file, "dealer_request.nouns"
        ),
        dealer_verbs=_phrases(
            _required(dealer, file, "dealer_request", "verbs"), file, "dealer_request.verbs"
        ),
        name_refusals=_phrases(
            _required(root, file, "", "name_refusals"), file, "name_refusals", allow_empty=True
        ),
        fillers=_phrases(_required(root, file, "", "fillers"), file, "fillers", allow_empty=True),
        email_spoken=tuple(email_spoken),
    )


# --- speech.json --------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """The contents of speech.json: how values are said on the phone (contract
    section 3, "Values as people say them")."""

    noise_markers: tuple[str, ...]
    honorifics: tuple[str, ...]
    inner_titles: tuple[str, ...]
    not_names: tuple[str, ...]
    sentence_words: tuple[str, ...]
    corrections: tuple[str, ...]
    numbers: tuple[tuple[int, tuple[str, ...]], ...]
    """(value, words): 0-19, the tens 20-90, and the multipliers 100 and 1000."""
    repeats: tuple[tuple[str, int], ...]
    intros_naming: tuple[str, ...]
    intros_before: tuple[str, ...]
    intros_after: tuple[str, ...]
    want: tuple[str, ...]
    own: tuple[str, ...]
    reject_before: tuple[str, ...]
    reject_after: tuple[str, ...]
    alternatives: tuple[str, ...]
    both: tuple[str, ...]
    everyday_words: tuple[str, ...]
    everyday_followers: tuple[str, ...]


NUMBER_VALUES: Final = frozenset([*range(20), *range(20, 100, 10), 100, 1000])


def read_speech(data: object) -> Speech:
    file = "speech.json"
    root = _object(data, file, "")
    keys = (
        "noise_markers",
        "honorifics",
        "inner_titles",
        "not_names",
        "sentence_words",
        "corrections",
        "numbers",
        "repeats",
        "name_intros",
        "model_choice",
    )
    _only_keys(root, file, "", keys)
    intros = _object(_required(root, file, "", "name_intros"), file, "name_intros")
    _only_keys(intros, file, "name_intros", ("naming", "before", "after"))
    choice = _object(_required(root, file, "", "model_choice"), file, "model_choice")
    choice_keys = (
        "want",
        "own",
        "reject_before",
        "reject_after",
        "alternatives",
        "both",
        "everyday_words",
        "everyday_followers",
    )
    _only_keys(choice, file, "model_choice", choice_keys)

    def listed(parent: dict[str, Any], path: str, key: str) -> tuple[str, ...]:
        full = _join(path, key)
        return _phrases(_required(parent, file, path, key), file, full, allow_empty=True)

    def optional(parent: dict[str, Any], path: str, key: str) -> tuple[str, ...]:
        # Lists added after the first release: a customer's older file without them still loads.
        if key not in parent:
            return ()
        return listed(parent, path, key)

    return Speech(
        noise_markers=listed(root, "", "noise_markers"),
        honorifics=listed(root, "", "honorifics"),
        inner_titles=optional(root, "", "inner_titles"),
        not_names=listed(root, "", "not_names"),
        sentence_words=listed(root, "", "sentence_words"),
        corrections=listed(root, "", "corrections"),
        numbers=_numbers(root, file),
        repeats=_repeats(root, file),
        intros_naming=listed(intros, "name_intros", "naming"),
        intros_before=listed(intros, "name_intros", "before"),
        intros_after=listed(intros, "name_intros", "after"),
        want=listed(choice, "model_choice", "want"),
        own=listed(choice, "model_choice", "own"),
        reject_before=listed(choice, "model_choice", "reject_before"),
        reject_after=listed(choice, "model_choice", "reject_after"),
        alternatives=listed(choice, "model_choice", "alternatives"),
        both=listed(choice, "model_choice", "both"),
        everyday_words=listed(choice, "model_choice", "everyday_words"),
        everyday_followers=optional(choice, "model_choice", "everyday_followers"),
    )


def _numbers(root: dict[str, Any], file: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    numbers = []
    for key, raw in _entries(_object(_required(root, file, "", "numbers"), file, "numbers")):
        if not key.isdigit() or int(key) not in NUMBER_VALUES:
            raise AnalysisConfigError(
                file, f"numbers.{key}", "must be 0-19, a multiple of 10 up to 90, 100 or 1000"
            )
        numbers.append((int(key), _phrases(raw, file, f"numbers.{key}")))
    return tuple(numbers)


def _repeats(root: dict[str, Any], file: str) -> tuple[tuple[str, int], ...]:
    repeats = []
    for word, times in _entries(_object(_required(root, file, "", "repeats"), file, "repeats")):
        if not isinstance(times, int) or isinstance(times, bool) or not 2 <= times <= 9:
            raise AnalysisConfigError(file, f"repeats.{word}", "must be a whole number 2-9")
        repeats.append((word, times))
    return tuple(repeats)


# --- shared readers -----------------------------------------------------------


def _object(value: object, file: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AnalysisConfigError(file, key, f"expected an object, got {type(value).__name__}")
    return value


def _entries(entries: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in entries.items() if key != COMMENT_KEY]


def _required(entries: dict[str, Any], file: str, parent: str, key: str) -> object:
    if key not in entries:
        raise AnalysisConfigError(file, _join(parent, key), "required key is missing")
    return entries[key]


def _only_keys(entries: dict[str, Any], file: str, parent: str, allowed: tuple[str, ...]) -> None:
    for key, _ in _entries(entries):
        if key not in allowed:
            raise AnalysisConfigError(
                file, _join(parent, key), f"unknown key (expected {', '.join(allowed)})"
            )


def _strings(value: object, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise AnalysisConfigError(file, key, f"expected a list, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise AnalysisConfigError(file, f"{key}[{index}]", "expected a non-empty string")
    return tuple(value)


def _phrases(value: object, file: str, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    phrases = _strings(value, file, key)
    if not phrases and not allow_empty:
        raise AnalysisConfigError(file, key, "needs at least one entry")
    return tuple(dict.fromkeys(phrases))


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key

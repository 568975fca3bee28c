"""The analysis configuration: cue words, car catalogue, language words, phrases.

The rules of the contract are code; the word lists they use are data, kept in
``callpipe/analysis/data/*.json`` so that they can grow without a release. A
folder given as ``ANALYSIS_CONFIG_DIR`` (or ``--config-dir``) may hold files
of the same names; each one found there replaces the packaged file whole.

Everything the rules match with is compiled once here, because the rules run
for every message of every call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TypedDict

from callpipe.analysis.catalogue import CatalogueIndex
from callpipe.analysis.configfiles import (
    AnalysisConfigError,
    LanguageSpec,
    Phrases,
    Speech,
    read_catalogue,
    read_cues,
    read_languages,
    read_phrases,
    read_questions,
    read_speech,
)
from callpipe.analysis.fields import Field
from callpipe.analysis.matching import (
    PhraseMatcher,
    ScriptCounter,
    catalogue_tokens,
    latin_word_finder,
    phrase_key,
    whole_phrases,
)
from callpipe.analysis.noise import noise_pattern
from callpipe.analysis.numbers import NumberWords
from callpipe.analysis.phrasebook import PhraseBook

CONFIG_FILES = (
    "cues.json",
    "questions.json",
    "catalogue.json",
    "languages.json",
    "phrases.json",
    "speech.json",
)

_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class AnalysisConfig:
    """The checked data files plus the matchers compiled from them.

    Build it with `load_analysis_config` (files) or `build_analysis_config`
    (already decoded data, handy in tests).
    """

    cues: Mapping[Field, tuple[str, ...]]
    request_words: tuple[str, ...]
    catalogue: Mapping[str, Mapping[str, tuple[str, ...]]]
    languages: tuple[LanguageSpec, ...]
    fallback_language: str
    neutral_words: tuple[str, ...]
    phrases: Phrases
    speech: Speech
    # --- compiled (derived from the above) ---
    language_names: tuple[str, ...] = field(repr=False, compare=False)
    cue_matcher: PhraseMatcher = field(repr=False, compare=False)
    cue_fields: Mapping[str, Field] = field(repr=False, compare=False)
    request_matcher: PhraseMatcher = field(repr=False, compare=False)
    model_aliases: Mapping[tuple[str, ...], str] = field(repr=False, compare=False)
    longest_alias: int = field(repr=False, compare=False)
    script_patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(repr=False, compare=False)
    script_counter: ScriptCounter = field(repr=False, compare=False)
    word_languages: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)
    language_word_finder: re.Pattern[str] = field(repr=False, compare=False)
    confusion_matcher: PhraseMatcher = field(repr=False, compare=False)
    dealer_noun_matcher: PhraseMatcher = field(repr=False, compare=False)
    dealer_verb_matcher: PhraseMatcher = field(repr=False, compare=False)
    stopwords: frozenset[str] = field(repr=False, compare=False)
    email_spoken_pattern: re.Pattern[str] = field(repr=False, compare=False)
    email_symbols: Mapping[str, str] = field(repr=False, compare=False)
    catalogue_index: CatalogueIndex = field(repr=False, compare=False)
    noise_pattern: re.Pattern[str] = field(repr=False, compare=False)
    honorifics: frozenset[str] = field(repr=False, compare=False)
    inner_titles: frozenset[str] = field(repr=False, compare=False)
    name_stopwords: frozenset[str] = field(repr=False, compare=False)
    sentence_words: frozenset[str] = field(repr=False, compare=False)
    correction_matcher: PhraseMatcher = field(repr=False, compare=False)
    number_words: NumberWords = field(repr=False, compare=False)
    name_phrases: PhraseBook = field(repr=False, compare=False)
    model_want: PhraseMatcher = field(repr=False, compare=False)
    model_own: PhraseMatcher = field(repr=False, compare=False)
    model_reject_before: PhraseMatcher = field(repr=False, compare=False)
    model_reject_after: PhraseMatcher = field(repr=False, compare=False)
    model_alternatives: PhraseMatcher = field(repr=False, compare=False)
    model_both: PhraseMatcher = field(repr=False, compare=False)
    model_cue_words: frozenset[str] = field(repr=False, compare=False)
    everyday_model_words: frozenset[str] = field(repr=False, compare=False)
    everyday_model_followers: frozenset[str] = field(repr=False, compare=False)


def load_analysis_config(override_dir: Path | None = None) -> AnalysisConfig:
    """Reads the packaged data files, each replaced by its namesake in ``override_dir``."""
    if override_dir is not None and not override_dir.is_dir():
        raise AnalysisConfigError(str(override_dir), "", "the config folder does not exist")
    decoded: dict[str, object] = {}
    for name in CONFIG_FILES:
        override = override_dir / name if override_dir is not None else None
        if override is not None and override.is_file():
            decoded[name] = _decode(name, override.read_bytes(), str(override))
        else:
            packaged = resources.files("callpipe.analysis").joinpath("data").joinpath(name)
            decoded[name] = _decode(name, packaged.read_bytes(), name)
    return build_analysis_config(decoded)


def build_analysis_config(files: Mapping[str, object]) -> AnalysisConfig:
    """An AnalysisConfig from the decoded JSON of the files (keyed by file name)."""
    for name in CONFIG_FILES:
        if name not in files:
            raise AnalysisConfigError(name, "", "file is missing")
    cues = read_cues(files["cues.json"])
    request_words = read_questions(files["questions.json"])
    catalogue = read_catalogue(files["catalogue.json"])
    language_file = read_languages(files["languages.json"])
    languages, fallback = language_file.languages, language_file.fallback
    phrases = read_phrases(files["phrases.json"])
    speech = read_speech(files["speech.json"])
    aliases = _model_aliases(catalogue)
    catalogue_index = _catalogue_index(catalogue)
    stopwords = _stopwords(cues, languages, phrases) | frozenset(language_file.neutral)
    return AnalysisConfig(
        cues=MappingProxyType(cues),
        request_words=request_words,
        catalogue=MappingProxyType({b: MappingProxyType(m) for b, m in catalogue.items()}),
        languages=languages,
        fallback_language=fallback,
        neutral_words=language_file.neutral,
        phrases=phrases,
        speech=speech,
        language_names=tuple(spec.name for spec in languages),
        cue_matcher=PhraseMatcher(c for cs in cues.values() for c in cs),
        cue_fields=MappingProxyType({phrase_key(c): f for f, cs in cues.items() for c in cs}),
        request_matcher=PhraseMatcher(request_words, scan=True),
        model_aliases=MappingProxyType(aliases),
        longest_alias=max((len(key) for key in aliases), default=0),
        script_patterns=tuple(
            (spec.name, _char_class(spec.scripts)) for spec in languages if spec.scripts
        ),
        script_counter=ScriptCounter((spec.name, spec.scripts) for spec in languages),
        word_languages=MappingProxyType(_word_languages(languages)),
        language_word_finder=latin_word_finder(word for spec in languages for word in spec.words),
        confusion_matcher=PhraseMatcher(phrases.confusion),
        dealer_noun_matcher=PhraseMatcher(phrases.dealer_nouns, whole_words=False),
        dealer_verb_matcher=PhraseMatcher(phrases.dealer_verbs, whole_words=False),
        stopwords=stopwords,
        email_spoken_pattern=_whole_or_never(p for _, ps in phrases.email_spoken for p in ps),
        email_symbols=MappingProxyType(
            {phrase_key(p): symbol for symbol, ps in phrases.email_spoken for p in ps}
        ),
        catalogue_index=catalogue_index,
        **_speech_rules(speech, phrases, cues, stopwords),
    )


class _SpeechRules(TypedDict):
    """The `AnalysisConfig` fields compiled from speech.json (the value readers')."""

    noise_pattern: re.Pattern[str]
    honorifics: frozenset[str]
    inner_titles: frozenset[str]
    name_stopwords: frozenset[str]
    sentence_words: frozenset[str]
    correction_matcher: PhraseMatcher
    number_words: NumberWords
    name_phrases: PhraseBook
    model_want: PhraseMatcher
    model_own: PhraseMatcher
    model_reject_before: PhraseMatcher
    model_reject_after: PhraseMatcher
    model_alternatives: PhraseMatcher
    model_both: PhraseMatcher
    model_cue_words: frozenset[str]
    everyday_model_words: frozenset[str]
    everyday_model_followers: frozenset[str]


def _speech_rules(
    speech: Speech,
    phrases: Phrases,
    cues: Mapping[Field, tuple[str, ...]],
    stopwords: frozenset[str],
) -> _SpeechRules:
    return _SpeechRules(
        noise_pattern=noise_pattern(speech.noise_markers),
        honorifics=frozenset(phrase_key(word) for word in speech.honorifics),
        inner_titles=frozenset(phrase_key(word) for word in speech.inner_titles),
        name_stopwords=stopwords | frozenset(phrase_key(word) for word in speech.not_names),
        sentence_words=frozenset(phrase_key(word) for word in speech.sentence_words),
        correction_matcher=PhraseMatcher(speech.corrections, scan=True),
        number_words=NumberWords(
            {phrase_key(word): value for value, words in speech.numbers for word in words},
            {phrase_key(word): times for word, times in speech.repeats},
        ),
        name_phrases=PhraseBook(
            (
                speech.intros_naming,
                speech.intros_before,
                speech.intros_after,
                speech.corrections,
                speech.reject_before,
                speech.reject_after,
                phrases.name_refusals,
            )
        ),
        model_want=PhraseMatcher(speech.want, scan=True),
        model_own=PhraseMatcher(speech.own, scan=True),
        model_reject_before=PhraseMatcher(speech.reject_before, scan=True),
        model_reject_after=PhraseMatcher(speech.reject_after, scan=True),
        model_alternatives=PhraseMatcher(speech.alternatives, scan=True),
        model_both=PhraseMatcher(speech.both, scan=True),
        model_cue_words=frozenset(phrase_key(cue) for cue in cues["model"]),
        everyday_model_words=frozenset(
            " ".join(catalogue_tokens(word)) for word in speech.everyday_words
        ),
        everyday_model_followers=frozenset(phrase_key(word) for word in speech.everyday_followers),
    )


def _decode(name: str, raw: bytes, shown_as: str) -> object:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalysisConfigError(shown_as, "", f"not valid JSON: {exc}") from exc


def _model_aliases(
    catalogue: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> dict[tuple[str, ...], str]:
    """catalogue tokens of every model name and alias -> ``"Brand Model"``."""
    index: dict[tuple[str, ...], str] = {}
    for brand, models in catalogue.items():
        for model, aliases in models.items():
            canonical = f"{brand} {model}"
            for alias in (model, *aliases):
                key = tuple(catalogue_tokens(alias))
                if index.setdefault(key, canonical) != canonical:
                    raise AnalysisConfigError(
                        "catalogue.json",
                        f"brands.{brand}.{model}",
                        f"alias {alias!r} also names {index[key]}",
                    )
    return index


def _catalogue_index(
    catalogue: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> CatalogueIndex:
    """The catalogue's lookups; two models whose names, written together with
    O read as 0, are the same word would be told apart by chance: an error."""
    index = CatalogueIndex(catalogue)
    for brand, models in catalogue.items():
        for model, aliases in models.items():
            canonical = f"{brand} {model}"
            for alias in (model, *aliases):
                owner = index.squashed_owner(catalogue_tokens(alias))
                if owner != canonical:
                    raise AnalysisConfigError(
                        "catalogue.json",
                        f"brands.{brand}.{model}",
                        f"alias {alias!r} written together is also a name of {owner}",
                    )
    return index


def _char_class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges) + "]")


def _word_languages(languages: tuple[LanguageSpec, ...]) -> dict[str, tuple[str, ...]]:
    # A word listed for two languages scores a point for each (contract: per language).
    index: dict[str, tuple[str, ...]] = {}
    for spec in languages:
        for word in spec.words:
            index[word] = (*index.get(word, ()), spec.name)
    return index


def _stopwords(
    cues: Mapping[Field, tuple[str, ...]],
    languages: tuple[LanguageSpec, ...],
    phrases: Phrases,
) -> frozenset[str]:
    """Words that are never a name or part of an email address: fillers, the
    common words of every language, the cue words themselves, and the words
    of a request for a human ("connect", "dealer")."""
    words = {phrase_key(word) for word in phrases.fillers}
    words.update(
        phrase_key(word)
        for word in (*phrases.dealer_nouns, *phrases.dealer_verbs)
        if " " not in word.strip()
    )
    words.update(word for spec in languages for word in spec.words)
    words.update(phrase_key(cue) for cs in cues.values() for cue in cs if " " not in cue.strip())
    return frozenset(words)


def _whole_or_never(phrases: Iterable[str]) -> re.Pattern[str]:
    listed = list(phrases)
    return whole_phrases(listed) if listed else _NEVER

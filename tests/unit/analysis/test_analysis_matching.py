"""Phrase matching (`matching.py`): each shortcut against its reference.

- `PhraseMatcher` tries its regex only where `str.find` finds a first word:
  the same matches as a plain regex search with the same pattern;
- its trie-shaped regex: the same matches as a plain alternation;
- `latin_word_finder`: the listed words of all the runs of a-z;
- `catalogue_tokens`: one findall, the same as splitting letters from digits
  and then finding the runs.
"""

from __future__ import annotations

import re
import unicodedata

from analysis_support import PHRASE_LISTS, PHRASE_TEXTS, packaged_phrase_lists
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig
from callpipe.analysis.language import ROMAN_WORD
from callpipe.analysis.matching import (
    PhraseMatcher,
    catalogue_tokens,
    latin_word_finder,
    phrase_key,
)

# --- first words found by str.find == a regex search --------------------------


def _searched(pattern: re.Pattern[str], text: str, pos: int = 0) -> list[tuple[int, int]]:
    """The matches a plain regex search finds, left to right (the reference)."""
    spans = []
    match = pattern.search(text, pos)
    while match is not None:
        spans.append(match.span())
        match = pattern.search(text, match.end())
    return spans


@given(phrases=PHRASE_LISTS, text=PHRASE_TEXTS, whole_words=st.booleans(), pos=st.integers(0, 20))
def test_phrase_matcher_equals_a_regex_search(
    phrases: list[str], text: str, whole_words: bool, pos: int
) -> None:
    # The trie regex checks word starts itself, so searching it is the reference.
    matcher = PhraseMatcher(phrases, whole_words=whole_words)
    expected = _searched(matcher.pattern, text)
    assert [match.span() for match in matcher.matches(text)] == expected
    found = matcher.search(text, pos)
    first = _searched(matcher.pattern, text, pos)[:1]
    assert ([found.span()] if found else []) == first
    last = matcher.last(text)
    assert (last.span() if last else None) == (expected[-1] if expected else None)
    assert matcher.count(text) == len(expected)


@given(text=PHRASE_TEXTS)
def test_packaged_matchers_equal_a_regex_search(text: str, config: AnalysisConfig) -> None:
    for listed, whole_words in packaged_phrase_lists(config):
        matcher = PhraseMatcher(listed, whole_words=whole_words)
        lowered = (text + " " + " x".join(listed) + "\x00" + " ".join(listed).upper()).lower()
        spans = [match.span() for match in matcher.matches(lowered)]
        assert spans == _searched(matcher.pattern, lowered)


# --- trie-shaped regex == plain alternation -----------------------------------


def _spans(matcher: PhraseMatcher, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in matcher.matches(text)]


@given(phrases=PHRASE_LISTS, text=PHRASE_TEXTS, whole_words=st.booleans(), pos=st.integers(0, 20))
def test_trie_matcher_equals_plain_alternation(
    phrases: list[str], text: str, whole_words: bool, pos: int
) -> None:
    """Same matches, including longest-first where phrases share a start."""
    trie = PhraseMatcher(phrases, whole_words=whole_words)
    plain = PhraseMatcher(phrases, whole_words=whole_words, trie=False)
    assert _spans(trie, text) == _spans(plain, text)
    found, expected = trie.search(text, pos), plain.search(text, pos)
    assert (found and found.span()) == (expected and expected.span())
    assert trie.count(text) == plain.count(text)


@given(text=PHRASE_TEXTS)
def test_packaged_matchers_equal_plain_alternation(text: str, config: AnalysisConfig) -> None:
    for listed, whole_words in packaged_phrase_lists(config):
        trie = PhraseMatcher(listed, whole_words=whole_words)
        plain = PhraseMatcher(listed, whole_words=whole_words, trie=False)
        lowered = text.lower() + " " + " ".join(listed)
        assert _spans(trie, lowered) == _spans(plain, lowered)


def test_trie_is_not_used_where_its_argument_fails() -> None:
    """A typographic apostrophe in a phrase: the plain alternation decides."""
    matcher = PhraseMatcher(["didn’t", "didn't understand"])
    assert [m.group() for m in matcher.matches("didn’t understand, didn’t")] == [
        "didn’t understand",
        "didn’t",
    ]


def test_phrase_key_maps_keys_to_themselves() -> None:
    """questions.py looks a matched cue up as it stands before normalising it:
    that is only the same when phrase_key(phrase_key(x)) == phrase_key(x)."""
    for code in range(0x110000):
        key = phrase_key(f"{chr(code)}Σ a ’x")
        assert phrase_key(key) == key


# --- listed words == filtering all runs ---------------------------------------


_WORDS = st.lists(st.text("abhij", min_size=1, max_size=4), max_size=6)


@given(words=_WORDS, text=st.text("abhij ÉéZ\n-ई1", max_size=30))
def test_listed_word_finder_equals_filtering_all_runs(words: list[str], text: str) -> None:
    lowered = text.lower()
    listed = set(words)
    expected = [word for word in ROMAN_WORD.findall(lowered) if word in listed]
    assert latin_word_finder(words).findall(lowered) == expected


def test_word_pattern_is_a_whole_run() -> None:
    finder = latin_word_finder(["haan", "ji", "haanji"])
    assert finder.findall("haan ji, haanji haanjii xhaan jia ji1 ji") == [
        "haan",
        "ji",
        "haanji",
        "ji",
        "ji",
    ]
    assert re.compile(r"(?!)").pattern == latin_word_finder(["two words", "É"]).pattern


# --- catalogue tokens ---------------------------------------------------------


_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


_LATIN_RUN = re.compile(r"[a-z0-9]+")


def _catalogue_tokens_by_splitting(text: str) -> list[str]:
    """The reference: spaces between letters and digits, then runs of both."""
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LATIN_RUN.findall(_LETTER_DIGIT.sub(" ", lowered))


@given(
    st.lists(
        st.sampled_from(["xuv", "XUV", "700", "7", "-", " ", "é", "Ü", "ı", "_", "ev", "9x", "½"]),
        max_size=10,
    ).map("".join)
    | st.text(max_size=20)
)
def test_catalogue_tokens_equal_splitting_then_finding_runs(text: str) -> None:
    assert catalogue_tokens(text) == _catalogue_tokens_by_splitting(text)

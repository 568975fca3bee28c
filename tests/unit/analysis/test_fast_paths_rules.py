"""Shortcuts in the rules (phrase matching, language words, script counts,
value extraction) give the same answers as the plain versions they replace."""

from __future__ import annotations

import re

from analysis_support import PHRASE_LISTS, PHRASE_TEXTS, packaged_phrase_lists
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig
from callpipe.analysis.matching import PhraseMatcher

# --- phrase matchers: first words found by str.find == a regex search -------


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

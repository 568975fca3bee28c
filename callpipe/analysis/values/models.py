"""A car model from the reply to "Which model are you looking for?" (rule extractor).

Contract section 3. Every catalogue entry the reply names is a *mention*
(`catalogue.CatalogueIndex`: aliases, split or joined words, a letter O for a
zero, bounded slips); at each place the longest one counts. When the reply
names several models, the customer's words decide (`choice`): the one they
want, not one they own, refuse or only compare, and their final version
after a correction. When it stays unclear which model they want, or the
named slip is equally close to two entries, there is no model: a wrong
model in the CRM costs more than an empty one. A brand alone names no model.
"""

from __future__ import annotations

import re
from typing import Final

from callpipe.analysis.catalogue import CatalogueMatch
from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import catalogue_tokens, lower_case_in_place
from callpipe.analysis.noise import replace_noise
from callpipe.analysis.values.choice import Mention, choose_model
from callpipe.analysis.values.reading import Reading

# Words: Latin letters and digits, or a run of an Indian script; the rest
# is punctuation and space.
_WORD: Final = re.compile(r"(?:[^\W_]|[\u0900-\u0DFF\u200c\u200d])+")
# Where a run of tokens that names a model cannot continue: a sentence end.
_SPAN_BREAK: Final = re.compile(r"[.!?](?=\s|$)|[;…]")
# A slip is looked for in runs of at most this many words.
SLIP_WORDS: Final = 3


def extract_model(reply: str, config: AnalysisConfig) -> str | None:
    """The canonical ``"Brand Model"`` the customer wants, or None."""
    return read_model(reply, config).value


def read_model(reply: str, config: AnalysisConfig) -> Reading:
    """The model of ``reply`` and the rule that found it (or why none was taken)."""
    text = replace_noise(reply, config.noise_pattern, " ")
    lowered = lower_case_in_place(text)  # so that a mention's capital is read in ``text``
    mentions = find_mentions(text, lowered, config)
    if not mentions:
        return Reading(None, "no catalogue model named")
    return choose_model(mentions, lowered, config)


def find_mentions(text: str, lowered: str, config: AnalysisConfig) -> list[Mention]:
    """The catalogue entries named in ``lowered`` (``text`` as said, for its
    capitals, at the same offsets: `lower_case_in_place`), left to right,
    the longest at each place."""
    index = config.catalogue_index
    words = list(_WORD.finditer(lowered))
    if not words:
        return []
    breaks = [found.start() for found in _SPAN_BREAK.finditer(lowered)]
    # Catalogue tokens of the Latin words, each with its word and its group:
    # a group is a stretch of Latin words that a model name may span.
    tokens: list[str] = []
    token_words: list[int] = []
    token_groups: list[int] = []
    group = 0
    previous_end = 0
    next_break = 0
    for number, word in enumerate(words):
        while next_break < len(breaks) and breaks[next_break] < word.start():
            if breaks[next_break] >= previous_end:
                group += 1
            next_break += 1
        text_of_word = word.group()
        if text_of_word.isascii() and (text_of_word.isalpha() or text_of_word.isdigit()):
            word_tokens = [text_of_word]  # what catalogue_tokens gives, without its regex
        else:
            word_tokens = catalogue_tokens(text_of_word)
        if not word_tokens:  # another script: a model name does not reach across it
            group += 1
        for token in word_tokens:
            tokens.append(token)
            token_words.append(number)
            token_groups.append(group)
        previous_end = word.end()
    # Words that may be a slip of a catalogue word (most of a reply's words
    # are fillers, short or a brand: no slip is looked for around those).
    may_slip = [index.may_slip(token, config.stopwords) for token in tokens]
    mentions: list[Mention] = []
    start = 0
    while start < len(tokens):
        match = _match_at(tokens, token_groups, may_slip, start, config)
        if match is None:
            start += 1
            continue
        first_word = words[token_words[start]]
        last_word = words[token_words[start + match.length - 1]]
        before = tokens[start - 1] if start > 0 else ""
        mentions.append(
            Mention(
                match,
                token_words[start],
                token_words[start + match.length - 1],
                first_word.start(),
                last_word.end(),
                text[first_word.start() : first_word.start() + 1].isupper(),
                before in index.brand_words,
            )
        )
        start += match.length
    return mentions


def _match_at(
    tokens: list[str],
    groups: list[int],
    may_slip: list[bool],
    start: int,
    config: AnalysisConfig,
) -> CatalogueMatch | None:
    """The longest catalogue match starting at ``tokens[start]``: exact names
    first, then slips (at most three words)."""
    index = config.catalogue_index
    group = groups[start]
    end = start
    while end < len(tokens) and end - start < index.longest and groups[end] == group:
        end += 1
    exact = index.longest_at(tokens, start, end)
    if exact is not None:
        return exact
    last = min(end, start + SLIP_WORDS)
    if not any(may_slip[start:last]):
        return None
    for stop in range(last, start, -1):
        slip = index.slip(tokens[start:stop], config.stopwords)
        if slip is not None:
            return slip
    return None

"""An email address from the reply to "What is your email id?" (rule extractor).

Written addresses are taken as they are; spoken ones are rebuilt first:
"rahul dot sharma at the rate gmail dot com" -> ``rahul.sharma@gmail.com``.
The spoken forms of ``@ . _ -`` and of digits are configuration
(phrases.json, ``email_spoken``).

Around each ``@`` the address is grown word by word:

- before it, words run together ("spaces removed") until a filler or a
  common word that is not tied to the address by a spoken separator ("my
  email is rahul sharma at ..." stops at "is", but "the dot king at ..."
  keeps "the");
- after it, words run together until the first dot; after a dot only words
  tied by a separator belong to the domain ("gmail dot com please").

The result, lower-cased, must match the standard address pattern. When a
reply holds several addresses, the last one wins (customers correct
themselves).
"""

from __future__ import annotations

import re
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import lower_case, phrase_key

EMAIL_PATTERN: Final = re.compile(
    r"[a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*@(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,}"
)

CLAUSE_BREAK: Final = ";"
_CLAUSE_END: Final = re.compile(r"[.,!?;:]+(?=\s|$)|[,!?;:]")
_TOKEN: Final = re.compile(r"[a-z0-9]+|[@._+\-;]")
_LOCAL_SEPARATORS: Final = frozenset("._-+")
_DOMAIN_SEPARATORS: Final = frozenset(".-")


def is_email(text: str) -> bool:
    """Whether ``text`` is one address in the standard pattern (lower case)."""
    return EMAIL_PATTERN.fullmatch(text) is not None


def email_tokens(reply: str, config: AnalysisConfig) -> list[str]:
    """The reply as address tokens: words, digits and the symbols ``@ . _ + -``,
    with spoken forms replaced by what they stand for (``;`` ends a clause)."""
    return [token for token, _ in _tokens(reply, config)]


def extract_email(reply: str, config: AnalysisConfig) -> str | None:
    """The last valid address in ``reply``, lower-cased, or None."""
    tokens = _tokens(reply, config)
    found = None
    for index, (token, _) in enumerate(tokens):
        if token != "@":
            continue
        local = _local_part(tokens, index, config.stopwords)
        domain = _domain(tokens, index)
        candidate = f"{local}@{domain}"
        if local and domain and is_email(candidate):
            found = candidate
    return found


# (token, written right after the previous token with no space between)
_Token = tuple[str, bool]


def _tokens(reply: str, config: AnalysisConfig) -> list[_Token]:
    symbols = config.email_symbols
    # Apostrophes go ("it's" is one filler word); punctuation before a space
    # ends a clause, which no address crosses ("x@y.com. Actually ...").
    text = _CLAUSE_END.sub(f" {CLAUSE_BREAK} ", lower_case(reply).replace("’", "").replace("'", ""))
    spelled = config.email_spoken_pattern.sub(
        lambda m: f" {symbols[phrase_key(m.group(1))]} ", text
    )
    tokens = []
    previous_end = -1
    for match in _TOKEN.finditer(spelled):
        tokens.append((match.group(), match.start() == previous_end))
        previous_end = match.end()
    return tokens


def _local_part(tokens: list[_Token], at: int, stopwords: frozenset[str]) -> str:
    # A written address ("rahul.s@...") is the characters glued to "@"; a
    # space next to a separator does not end it ("rahul dot s@gmail.com").
    written = tokens[at][1]
    parts: list[str] = []
    index = at - 1
    while index >= 0:
        token, glued = tokens[index]
        if token == "@" or token == CLAUSE_BREAK:
            break
        if written:
            parts.append(token)
            bridged = token in _LOCAL_SEPARATORS or (
                index > 0 and tokens[index - 1][0] in _LOCAL_SEPARATORS
            )
            if not glued and not bridged:
                break
            index -= 1
            continue
        if token not in _LOCAL_SEPARATORS:
            tied = (index + 1 < at and tokens[index + 1][0] in _LOCAL_SEPARATORS) or (
                index > 0 and tokens[index - 1][0] in _LOCAL_SEPARATORS
            )
            if token in stopwords and not tied:
                break
        parts.append(token)
        index -= 1
    return "".join(reversed(parts)).lstrip("._-+")


def _domain(tokens: list[_Token], at: int) -> str:
    written = at + 1 < len(tokens) and tokens[at + 1][1]
    parts: list[str] = []
    seen_dot = False
    index = at + 1
    while index < len(tokens):
        token, glued = tokens[index]
        bridged = token in _DOMAIN_SEPARATORS or tokens[index - 1][0] in _DOMAIN_SEPARATORS
        if written and not glued and not bridged and index > at + 1:
            break  # the written address ended at the space
        if token in _DOMAIN_SEPARATORS:
            seen_dot = seen_dot or token == "."
        elif not token[0].isalnum():  # "@", "_", "+" or a clause break
            break
        elif seen_dot and tokens[index - 1][0] not in _DOMAIN_SEPARATORS:
            break  # "gmail dot com thanks": the domain ended at "com"
        parts.append(token)
        index += 1
    return "".join(parts).rstrip(".-")

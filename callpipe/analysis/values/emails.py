"""An email address from the reply to "What is your email id?" (rule extractor).

Written addresses are taken as they are; spoken ones are rebuilt first:
"rahul dot sharma at the rate gmail dot com" -> ``rahul.sharma@gmail.com``.
The spoken forms of ``@ . _ - +`` are configuration (phrases.json,
``email_spoken``), so are numbers said as words (speech.json: "double
seven" -> ``77``, "ninety nine" -> ``99``, see `numbers`). Letters said one
by one run together like any spoken words ("a n i l" -> ``anil``).

Around each ``@`` the address is grown word by word:

- before it, words run together ("spaces removed") until a filler or a
  common word that is not tied to the address by a spoken separator ("my
  email is rahul sharma at ..." stops at "is", but "the dot king at ..."
  keeps "the"); a letter said in a row of letters is never such a word
  ("a n i l k" keeps "a" and "i");
- after it, words run together until the first dot; after a dot only words
  tied by a separator belong to the domain ("gmail dot com please").

No address runs across the end of a clause or a word in another script. A
speech-to-text noise marker, or a "double o" (``oo`` or ``00``?), inside an
address, or between it and a word before it that may belong to it, hides a
part of it, so that address is not read ("sneha at [inaudible] dot com",
"rahul [noise] sharma at gmail dot com"); a marker before the customer
starts the address does not ("[noise] p lakshmi at outlook dot in"). The result,
lower-cased, must match the standard address pattern. When a reply holds
several addresses, the last one wins (customers correct themselves).
"""

from __future__ import annotations

import re
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import lower_case, phrase_key
from callpipe.analysis.noise import replace_noise
from callpipe.analysis.numbers import words_as_digits
from callpipe.analysis.values.reading import Reading

EMAIL_PATTERN: Final = re.compile(
    r"[a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*@(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,}"
)

CLAUSE_BREAK: Final = ";"
# A noise marker: an address that reaches it may have lost a part.
UNSURE: Final = "|"
# A part said so that it cannot be written with confidence ("double o": oo or
# 00?): an address that holds it is not read.
AMBIGUOUS: Final = "#"
_CLAUSE_END: Final = re.compile(r"[.,!?;:]+(?=\s|$)|[,!?;:]")
# A dash with space around it is punctuation, or a spoken "dash" written as
# a sign: unsure (see UNSURE) either way.
_SPACED_DASH: Final = re.compile(r"\s[-–—]+\s|[–—]")
# Address tokens: words, digits, symbols, and anything else that is not
# space (another script, a leftover bracket): a break.
_TOKEN: Final = re.compile(r"[a-z0-9]+|[@._+\-;|]|[^\sa-z0-9@._+\-;|]+")
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
    return read_email(reply, config).value


def read_email(reply: str, config: AnalysisConfig) -> Reading:
    """The last valid address in ``reply`` and how it was read (or why none was)."""
    tokens = _tokens(reply, config)
    found = None
    valid = 0
    tried = 0
    floor = 0  # an address never reaches back into the one before it
    for index, (token, _) in enumerate(tokens):
        if token != "@":
            continue
        tried += 1
        local = _local_part(tokens, index, config.stopwords, floor)
        domain, domain_end = _domain(tokens, index)
        candidate = f"{local}@{domain}"
        if local and domain and is_email(candidate):
            found = candidate
            valid += 1
            floor = domain_end
    if found is None:
        if not tried:
            return Reading(None, "no address", "no '@' written or spoken")
        return Reading(None, "no valid address", f"{tried} '@' without a whole address around it")
    written = "@" in reply
    rule = "written address" if written else "spoken address"
    detail = f"the last of {valid} addresses (final version)" if valid > 1 else ""
    return Reading(found, rule, detail)


# (token, written right after the previous token with no space between)
_Token = tuple[str, bool]


def _tokens(reply: str, config: AnalysisConfig) -> list[_Token]:
    symbols = config.email_symbols
    text = replace_noise(
        lower_case(reply).replace(UNSURE, " "), config.noise_pattern, f" {UNSURE} "
    )
    # Apostrophes go ("it's" is one filler word); punctuation before a space
    # ends a clause, which no address crosses ("x@y.com. Actually ...").
    text = _SPACED_DASH.sub(f" {UNSURE} ", text.replace("’", "").replace("'", ""))
    text = _CLAUSE_END.sub(f" {CLAUSE_BREAK} ", text)
    spelled = config.email_spoken_pattern.sub(
        lambda m: f" {symbols[phrase_key(m.group(1))]} ", text
    )
    raw: list[_Token] = []
    previous_end = -1
    for match in _TOKEN.finditer(spelled):
        token = match.group()
        if not token[0].isascii():
            token = CLAUSE_BREAK  # another language's words: no address crosses them
        elif not (token[0].isalnum() or token in "@._+-;|"):
            token = UNSURE  # a stray sign ("rahul#1"): no address reads through it
        raw.append((token, match.start() == previous_end))
        previous_end = match.end()
    words = [token for token, _ in raw]
    converted = words_as_digits(words, config.number_words, AMBIGUOUS)
    return [(word, raw[index][1]) for word, index in converted]


def _local_part(tokens: list[_Token], at: int, stopwords: frozenset[str], floor: int) -> str:
    # A written address ("rahul.s@...") is the characters glued to "@"; a
    # space next to a separator does not end it ("rahul dot s@gmail.com").
    written = tokens[at][1]
    parts: list[str] = []
    index = at - 1
    while index >= floor:
        token, glued = tokens[index]
        if token == AMBIGUOUS:
            return ""
        if token == UNSURE:
            if _words_before(tokens, index, floor, stopwords):
                return ""  # a word of the address may hide behind the marker
            break  # the marker came before the customer started the address
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
        if token not in _LOCAL_SEPARATORS and token in stopwords and not _spelled(tokens, index):
            tied = (index + 1 < at and tokens[index + 1][0] in _LOCAL_SEPARATORS) or (
                index > 0 and tokens[index - 1][0] in _LOCAL_SEPARATORS
            )
            if not tied:
                break
        parts.append(token)
        index -= 1
    return "".join(reversed(parts)).lstrip("._-+")


def _words_before(tokens: list[_Token], index: int, floor: int, stopwords: frozenset[str]) -> bool:
    """Whether a word that may belong to an address comes before ``tokens[index]``
    in its clause ("rahul [noise] sharma at ..."), rather than nothing or
    fillers ("[noise] p lakshmi at ...", "my email is [noise] ...")."""
    index -= 1
    while index >= floor:
        token = tokens[index][0]
        if token == CLAUSE_BREAK or token == "@":
            return False
        if token != UNSURE and token not in stopwords:
            return True
        index -= 1
    return False


def _spelled(tokens: list[_Token], index: int) -> bool:
    """Whether ``tokens[index]`` is a letter said in a row of single letters."""
    if len(tokens[index][0]) != 1 or not tokens[index][0].isalpha():
        return False
    return any(
        0 <= other < len(tokens) and len(tokens[other][0]) == 1 and tokens[other][0].isalpha()
        for other in (index - 1, index + 1)
    )


def _domain(tokens: list[_Token], at: int) -> tuple[str, int]:
    """The domain after the ``@`` at ``at``, and the index after its last token."""
    written = at + 1 < len(tokens) and tokens[at + 1][1]
    parts: list[str] = []
    seen_dot = False
    index = at + 1
    while index < len(tokens):
        token, glued = tokens[index]
        bridged = token in _DOMAIN_SEPARATORS or tokens[index - 1][0] in _DOMAIN_SEPARATORS
        if written and not glued and not bridged and index > at + 1:
            break  # the written address ended at the space
        if token == AMBIGUOUS:
            return "", index
        if token in _DOMAIN_SEPARATORS:
            seen_dot = seen_dot or token == "."
        elif not token[0].isalnum():  # "@", "_", "+", a clause break or an unsure part
            break
        elif seen_dot and tokens[index - 1][0] not in _DOMAIN_SEPARATORS:
            break  # "gmail dot com thanks": the domain ended at "com"
        parts.append(token)
        index += 1
    return "".join(parts).rstrip(".-"), index

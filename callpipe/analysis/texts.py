"""The texts of one call that several rules search, each made once.

Questions (cues), routing (dealer requests, confusion) and language all look
at the lower-cased assistant or user messages. Making those texts once per
call, in one pass over the messages, saves each rule its own pass, join and
`str.lower`. A `Transcript` builds its `CallTexts` when it is made.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from callpipe.analysis.matching import lower_case

if TYPE_CHECKING:  # transcript imports this module
    from callpipe.analysis.transcript import Message

# Joins the assistant messages: neither a word character nor whitespace, so
# no phrase can match across two messages.
ASSISTANT_JOINER: Final = "\x00"
USER_JOINER: Final = "\n"  # white space: a phrase may match across it


@dataclass(frozen=True, slots=True)
class CallTexts:
    """Derived from the messages; see `call_texts`."""

    user: str
    """The user messages as written, joined by newlines."""
    user_lowered: str
    """The same, lower-cased."""
    user_indexes: tuple[int, ...]
    """The message index of each user message, in order."""
    user_starts: tuple[int, ...]
    """Where each user message starts in ``user_lowered``."""
    assistant_lowered: str
    """The assistant messages lower-cased, joined by `ASSISTANT_JOINER`."""
    assistant_indexes: tuple[int, ...]
    """The message index of each assistant message, in order."""
    assistant_starts: tuple[int, ...]
    """Where each assistant message starts in ``assistant_lowered``."""

    def assistant_index_at(self, offset: int) -> int:
        """The index of the assistant message that holds ``assistant_lowered[offset]``."""
        return self.assistant_indexes[bisect_right(self.assistant_starts, offset) - 1]

    def user_message_lowered(self, position: int) -> str:
        """The ``position``-th user message, lower-cased (a slice of ``user_lowered``)."""
        starts = self.user_starts
        end = starts[position + 1] - 1 if position + 1 < len(starts) else len(self.user_lowered)
        return self.user_lowered[starts[position] : end]


def call_texts(messages: Sequence[Message]) -> CallTexts:
    """The texts of ``messages`` (assistant/user messages in time order).

    Lower-casing each message and joining gives the same text as joining and
    lower-casing: the joiners are neither cased nor case-ignorable, so even
    the context-dependent final sigma comes out the same. So the joined text
    is lower-cased at once; only where that changed a length (``İ`` becomes
    two characters) are the messages lowered one by one to find the offsets.
    """
    user, user_indexes, assistant, indexes = _by_role(messages)
    joined = ASSISTANT_JOINER.join(assistant)
    lowered = lower_case(joined)
    joined_user = USER_JOINER.join(user)
    user_lowered = lower_case(joined_user)
    if len(lowered) != len(joined) or len(user_lowered) != len(joined_user):
        return call_texts_slowly(messages)  # lower-casing changed lengths: offsets anew
    return CallTexts(
        joined_user,
        user_lowered,
        tuple(user_indexes),
        _starts(user),
        lowered,
        tuple(indexes),
        _starts(assistant),
    )


def _by_role(messages: Sequence[Message]) -> tuple[list[str], list[int], list[str], list[int]]:
    """The user texts and their message indexes, then the assistant ones."""
    user: list[str] = []
    user_indexes: list[int] = []
    assistant: list[str] = []
    assistant_indexes: list[int] = []
    for index, message in enumerate(messages):
        if message.role == "user":
            user.append(message.text)
            user_indexes.append(index)
        elif message.role == "assistant":
            assistant.append(message.text)
            assistant_indexes.append(index)
    return user, user_indexes, assistant, assistant_indexes


def _starts(texts: list[str]) -> tuple[int, ...]:
    """Where each of ``texts`` starts once they are joined by a one-character joiner."""
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1  # the next starts after this one and the joiner
    return tuple(starts)


def call_texts_slowly(messages: Sequence[Message]) -> CallTexts:
    """`call_texts`, lower-casing message by message (the reference version)."""
    user, user_indexes, assistant_texts, indexes = _by_role(messages)
    user_lowered = [lower_case(text) for text in user]
    assistant = [lower_case(text) for text in assistant_texts]
    return CallTexts(
        user=USER_JOINER.join(user),
        user_lowered=USER_JOINER.join(user_lowered),
        user_indexes=tuple(user_indexes),
        user_starts=_starts(user_lowered),
        assistant_lowered=ASSISTANT_JOINER.join(assistant),
        assistant_indexes=tuple(indexes),
        assistant_starts=_starts(assistant),
    )

"""Which assistant messages ask for which field, and the window of each attempt.

Contract section 3. A question's window runs from the question to the end of
the customer's reply (the user messages before the next assistant message).
The windows are what a value extractor looks at: the rule extractor one by
one, an LLM extractor all in one request.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.fields import FIELDS, Field
from callpipe.analysis.matching import phrase_key
from callpipe.analysis.transcript import Transcript

REPLY_SEPARATOR = "\n"


class AttemptWindow(NamedTuple):
    """One attempt at a field: the question and the customer's reply to it.

    ``id`` is ``<field>-<sequence>`` (``email-2``), unique within a call;
    ``question_index`` is the question's position in ``Transcript.messages``.
    (A NamedTuple: immutable, and built faster than a frozen dataclass.)
    """

    id: str
    field: Field
    sequence: int
    question_index: int
    cue: str
    start: datetime
    end: datetime
    replies: tuple[str, ...]

    @property
    def reply_text(self) -> str:
        """The reply as one text, one user message per line ("" when there was none)."""
        return REPLY_SEPARATOR.join(self.replies)


def asked_field(text: str, config: AnalysisConfig) -> tuple[Field, str] | None:
    """The field an assistant message asks for and the cue that decided it.

    With cues of several fields, the one occurring last wins: "Thanks for
    your name. Which car?" moves on to the model.
    """
    last = config.cue_matcher.last(text.lower())
    if last is None:
        return None
    cue = last.group()
    return config.cue_fields[phrase_key(cue)], cue


def find_attempt_windows(
    transcript: Transcript, config: AnalysisConfig
) -> tuple[AttemptWindow, ...]:
    """Every attempt of the call, in the order the questions were asked."""
    messages = transcript.messages
    count = len(messages)
    sequences = dict.fromkeys(FIELDS, 0)
    windows = []
    for index, cue in _last_cues(transcript, config).items():
        message = messages[index]
        field = config.cue_fields[phrase_key(cue)]
        sequences[field] += 1
        replies = []
        end = None
        following = index + 1
        while following < count and messages[following].role == "user":
            reply = messages[following]
            replies.append(reply.text)
            end = reply.end_timestamp or reply.timestamp
            following += 1
        if end is None:  # no reply: the next message of any role, else the call's end
            end = messages[following].timestamp if following < count else transcript.end_time
        windows.append(
            AttemptWindow(
                id=f"{field}-{sequences[field]}",
                field=field,
                sequence=sequences[field],
                question_index=index,
                cue=cue,
                start=message.timestamp,
                # An attempt cannot end before it starts, whatever the clocks said.
                end=max(end, message.timestamp),
                replies=tuple(replies),
            )
        )
    return tuple(windows)


def _last_cues(transcript: Transcript, config: AnalysisConfig) -> dict[int, str]:
    """message index -> the last cue in that assistant message, in message order.

    Same answer as `asked_field` per message, found in one pass over all
    assistant messages joined (the per-message overhead dominated). The
    joiner is neither a word character nor whitespace, so no cue can match
    across two messages.
    """
    texts = transcript.texts
    joined = texts.assistant_lowered
    found: dict[int, str] = {}
    matcher = config.cue_matcher
    match = matcher.search(joined)
    while match is not None:
        found[texts.assistant_index_at(match.start())] = match.group()
        match = matcher.search(joined, match.end())
    return found

"""Which assistant messages ask for which field, and the window of each attempt.

Contract section 3. A question's window runs from the question to the end of
the customer's reply (the user messages before the next assistant message).
The windows are what a value extractor looks at: the rule extractor one by
one, an LLM extractor all in one request.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.fields import FIELDS, Field
from callpipe.analysis.matching import lower_case, phrase_key
from callpipe.analysis.transcript import Transcript

REPLY_SEPARATOR: Final = "\n"


@dataclass(init=False, slots=True)
class AttemptWindow:
    """One attempt at a field: the question and the customer's reply to it.

    ``id`` is ``<field>-<sequence>`` (``email-2``), unique within a call;
    ``question_index`` is the question's position in ``Transcript.messages``.
    ``__init__`` is written out so that mypyc compiles it (see the note above
    `extraction.Attempt`).
    """

    id: Final[str]
    field: Final[Field]
    sequence: Final[int]
    question_index: Final[int]
    cue: Final[str]
    start: Final[datetime]
    end: Final[datetime]
    replies: Final[tuple[str, ...]]

    def __init__(
        self,
        id: str,
        field: Field,
        sequence: int,
        question_index: int,
        cue: str,
        start: datetime,
        end: datetime,
        replies: tuple[str, ...],
    ) -> None:
        self.id = id
        self.field = field
        self.sequence = sequence
        self.question_index = question_index
        self.cue = cue
        self.start = start
        self.end = end
        self.replies = replies

    @property
    def reply_text(self) -> str:
        """The reply as one text, one user message per line ("" when there was none)."""
        return REPLY_SEPARATOR.join(self.replies)


def asked_field(text: str, config: AnalysisConfig) -> tuple[Field, str] | None:
    """The field an assistant message asks for and the cue that decided it.

    With cues of several fields, the one occurring last wins: "Thanks for
    your name. Which car?" moves on to the model.
    """
    last = config.cue_matcher.last(lower_case(text))
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
    cue_fields = config.cue_fields
    sequences = dict.fromkeys(FIELDS, 0)
    windows = []
    for index, cue in _last_cues(transcript, config).items():
        question = messages[index]
        # The matched text is lower-cased already, so it is usually a key as
        # it stands; phrase_key maps keys to themselves (a test checks).
        field = cue_fields.get(cue) or cue_fields[phrase_key(cue)]
        sequence = sequences[field] + 1
        sequences[field] = sequence
        start = question.timestamp
        replies = []
        end = None
        following = index + 1
        while following < count:
            reply = messages[following]
            if reply.role != "user":
                break
            replies.append(reply.text)
            end = reply.end_timestamp or reply.timestamp
            following += 1
        if end is None:  # no reply: the next message of any role, else the call's end
            end = messages[following].timestamp if following < count else transcript.end_time
        if start > end:  # an attempt cannot end before it starts, whatever the clocks said
            end = start
        windows.append(
            AttemptWindow(
                f"{field}-{sequence}", field, sequence, index, cue, start, end, tuple(replies)
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
    found: dict[int, str] = {}
    matches = config.cue_matcher.matches(texts.assistant_lowered)
    if matches:
        starts = texts.assistant_starts
        indexes = texts.assistant_indexes
        for match in matches:  # a later cue of the same message replaces an earlier one
            found[indexes[bisect_right(starts, match.start()) - 1]] = match.group()
    return found

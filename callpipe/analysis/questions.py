"""Which assistant messages ask for which field, and the window of each attempt.

Contract section 3. A message asks for a field when one of its sentences
asks something (ends with ``?`` or holds a request word) and holds a cue of
the field; with cues of several fields in asking sentences, the last cue
decides. A cue in a sentence that asks nothing ("Welcome to Honda Cars.")
makes no attempt. A question's window runs from the question to the end of
the customer's reply (the user messages before the next assistant message).
The windows are what a value extractor looks at: the rule extractor one by
one, an LLM extractor all in one request.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.fields import FIELDS, Field
from callpipe.analysis.matching import lower_case, phrase_key
from callpipe.analysis.transcript import Transcript

REPLY_SEPARATOR: Final = "\n"

# Contract section 3: sentences end at ".", "!" or "?" followed by white
# space or the end of the text, and at line breaks (so that
# "rahul.sharma@gmail.com" stays one word). A run of marks ends a sentence once.
_SENTENCE_END: Final = re.compile(r"[.!?]+(?=\s|$)|[\n\r\u2028\u2029]")
_END_MARKS: Final = ".!?"


@dataclass(frozen=True, slots=True)
class AttemptWindow:
    """One attempt at a field: the question and the customer's reply to it.

    ``id`` is ``<field>-<sequence>`` (``email-2``), unique within a call;
    ``question_index`` is the question's position in ``Transcript.messages``.
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

    Only cues in sentences that ask something count; of those, the one
    occurring last wins: "Thanks for your name. Which car?" moves on to the
    model, "Welcome to Honda Cars." asks nothing.
    """
    lowered = lower_case(text)
    cue = _last_asking_cue(lowered, config.cue_matcher.matches(lowered), 0, config)
    if cue is None:
        return None
    return config.cue_fields[phrase_key(cue)], cue


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (contract section 3), the
    end after the sentence's closing marks; blank sentences are left out."""
    spans = []
    start = 0
    for found in _SENTENCE_END.finditer(text):
        if text[start : found.end()].strip():
            spans.append((start, found.end()))
        start = found.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def sentence_asks(sentence: str, config: AnalysisConfig) -> bool:
    """Whether a lower-cased sentence asks something: it ends with ``?`` or
    holds a request word (questions.json)."""
    stripped = sentence.rstrip()
    marks = len(stripped) - len(stripped.rstrip(_END_MARKS))
    if marks and "?" in stripped[len(stripped) - marks :]:
        return True
    return config.request_matcher.search(sentence) is not None


def _last_asking_cue(
    lowered: str, matches: list[re.Match[str]], offset: int, config: AnalysisConfig
) -> str | None:
    """The last of ``matches`` (cues found in ``lowered``, their positions
    ``offset`` characters further on) that lies in an asking sentence."""
    if not matches:
        return None
    # The usual question: its last cue is in its last sentence, which ends
    # with "?" ("Thank you. Which model are you looking for?"). That
    # sentence asks, so the message asks that cue's field.
    last = matches[-1]
    stripped = lowered.rstrip()
    if stripped.endswith("?"):
        rest = stripped[last.end() - offset :].rstrip(_END_MARKS)
        if _SENTENCE_END.search(rest) is None:
            return last.group()
    spans = sentence_spans(lowered)
    starts = [start for start, _ in spans]
    asks: dict[int, bool] = {}
    for match in reversed(matches):
        index = bisect_right(starts, match.start() - offset) - 1
        if index < 0:
            continue
        asking = asks.get(index)
        if asking is None:
            start, end = spans[index]
            asking = sentence_asks(lowered[start:end], config)
            asks[index] = asking
        if asking:
            return match.group()
    return None


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
    """message index -> the last cue in an asking sentence of that assistant
    message, in message order.

    Same answer as `asked_field` per message. The cues are found in one pass
    over all assistant messages joined (the per-message overhead dominated;
    the joiner is neither a word character nor whitespace, so no cue can
    match across two messages); only the messages that hold a cue are then
    cut into sentences.
    """
    texts = transcript.texts
    found: dict[int, str] = {}
    matches = config.cue_matcher.matches(texts.assistant_lowered)
    if not matches:
        return found
    starts = texts.assistant_starts
    indexes = texts.assistant_indexes
    lowered = texts.assistant_lowered
    by_message: dict[int, list[re.Match[str]]] = {}
    for match in matches:
        by_message.setdefault(bisect_right(starts, match.start()) - 1, []).append(match)
    for position, in_message in by_message.items():
        start = starts[position]
        end = starts[position + 1] - 1 if position + 1 < len(starts) else len(lowered)
        cue = _last_asking_cue(lowered[start:end], in_message, start, config)
        if cue is not None:
            found[indexes[position]] = cue
    return found

"""Whether the call is handed to a dealer, and why (contract section 5).

The rules are tried in order; the first that holds decides:

1. the customer asked for a human (a dealer noun and a talk verb in one
   user message) -> true, at that message;
2. all three fields verified -> true, at the call's end;
3. understanding issues (mean attempts over asked fields > 2, or 3+
   assistant messages with confusion phrases) -> true, at the end of the
   last attempt (the call's end when nothing was asked);
4. one or two fields verified -> false;
5. none verified -> false.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.extraction import Extraction
from callpipe.analysis.transcript import Transcript

RoutingRule = Literal[
    "dealer_requested", "all_data_collected", "understanding_issues", "partial_data", "no_data"
]

REASONS: Final[dict[RoutingRule, str]] = {
    "dealer_requested": "Customer requested to speak with dealer",
    "all_data_collected": "All data collected - routing to dealer",
    "understanding_issues": "Unable to understand customer responses",
    "partial_data": "Partial data collected - call ended",
    "no_data": "No data collected - call failed",
}

MEAN_ATTEMPTS_LIMIT: Final = 2
CONFUSED_MESSAGES_LIMIT: Final = 3


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    """The routing outcome with the evidence behind it (for ``--explain``).

    ``message_index`` is the user message that asked for a human (rule 1);
    ``mean_attempts`` and ``confused_messages`` are filled from rule 3 on.
    """

    rule: RoutingRule
    status: bool
    time: datetime | None
    message_index: int | None = None
    noun: str = ""
    verb: str = ""
    mean_attempts: float | None = None
    confused_messages: tuple[int, ...] = ()

    @property
    def reason(self) -> str:
        return REASONS[self.rule]

    @property
    def rule_number(self) -> int:
        return list(REASONS).index(self.rule) + 1


def decide_routing(
    transcript: Transcript, extraction: Extraction, config: AnalysisConfig
) -> RoutingDecision:
    requested = _dealer_request(transcript, config)
    if requested is not None:
        return requested

    verified = sum(1 for entry in extraction.fields if entry.value is not None)
    if verified == len(extraction.fields):
        return RoutingDecision("all_data_collected", True, transcript.end_time)

    asked = [len(entry.attempts) for entry in extraction.fields if entry.attempts]
    mean = sum(asked) / len(asked) if asked else None
    confused = _confused_messages(transcript, config)
    too_many_attempts = mean is not None and mean > MEAN_ATTEMPTS_LIMIT
    if too_many_attempts or len(confused) >= CONFUSED_MESSAGES_LIMIT:
        last = extraction.last_attempt()
        time = last[1].end if last is not None else transcript.end_time
        return RoutingDecision(
            "understanding_issues", True, time, mean_attempts=mean, confused_messages=confused
        )
    rule: RoutingRule = "partial_data" if verified else "no_data"
    return RoutingDecision(rule, False, None, mean_attempts=mean, confused_messages=confused)


def _dealer_request(transcript: Transcript, config: AnalysisConfig) -> RoutingDecision | None:
    """Rule 1 at the first user message holding a dealer noun and a talk verb."""
    nouns, verbs = config.dealer_noun_matcher, config.dealer_verb_matcher
    texts = transcript.texts
    # One scan of all replies, lower-cased once, finds the replies that may
    # hold a noun: those a match starts in or reaches into (the joiner is a
    # line break, and "real person" matches across one). Only those are
    # searched again on their own, noun and verb, in message order.
    starts = texts.user_starts
    holding_noun: dict[int, None] = {}
    for match in nouns.matches(texts.user_lowered):
        first = bisect_right(starts, match.start()) - 1
        last = bisect_right(starts, match.end() - 1) - 1
        holding_noun.update(dict.fromkeys(range(first, last + 1)))
    for position in holding_noun:
        lowered = texts.user_message_lowered(position)
        noun = nouns.search(lowered)
        verb = verbs.search(lowered)
        if noun is not None and verb is not None:
            index = texts.user_indexes[position]
            return RoutingDecision(
                "dealer_requested",
                True,
                transcript.messages[index].timestamp,
                index,
                noun.group(),
                verb.group(),
            )
    return None


def _confused_messages(transcript: Transcript, config: AnalysisConfig) -> tuple[int, ...]:
    """Indexes of the assistant messages that hold a confusion phrase."""
    # One pass over all assistant messages joined; no phrase matches across
    # the joiner, so a message holds a phrase iff a match starts inside it.
    texts = transcript.texts
    matches = config.confusion_matcher.matches(texts.assistant_lowered)
    if not matches:
        return ()
    starts = texts.assistant_starts
    indexes = texts.assistant_indexes
    found = {indexes[bisect_right(starts, match.start()) - 1]: None for match in matches}
    return tuple(found)  # an ordered set: each message once, in message order

"""Where a customer who was not handed over was lost (contract section 6).

No dropoff when the call is complete or routed to a dealer. Otherwise the
dropoff time is the last assistant message (the call's end if there is
none), and the action is ``ivr`` when nothing was asked; else the field of
the last question if it is not verified; else the first unverified field
in the order name, model, email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from callpipe.analysis.extraction import Extraction
from callpipe.analysis.routing import RoutingDecision
from callpipe.analysis.transcript import Transcript

OverallStatus = Literal["complete", "partial", "failed"]
DropoffRule = Literal["complete", "routed", "ivr", "last_question", "first_unverified"]


@dataclass(frozen=True, slots=True)
class DropoffDecision:
    """``action`` is "" when there is no dropoff; ``time`` is None then."""

    overall_status: OverallStatus
    rule: DropoffRule
    action: str
    time: datetime | None
    last_question_field: str = ""


def overall_status(extraction: Extraction) -> OverallStatus:
    verified = sum(1 for entry in extraction.fields if entry.value is not None)
    if verified == len(extraction.fields):
        return "complete"
    return "partial" if verified else "failed"


def decide_dropoff(
    transcript: Transcript, extraction: Extraction, routing: RoutingDecision
) -> DropoffDecision:
    status = overall_status(extraction)
    if status == "complete":
        return DropoffDecision(status, "complete", "", None)
    if routing.status:
        return DropoffDecision(status, "routed", "", None)
    assistant = transcript.texts.assistant_indexes
    time = transcript.messages[assistant[-1]].timestamp if assistant else transcript.end_time
    last = extraction.last_attempt()
    if last is None:
        return DropoffDecision(status, "ivr", "ivr", time)
    last_field = last[0]
    if extraction.field(last_field).value is None:
        return DropoffDecision(status, "last_question", last_field, time, last_field)
    first_missing = next(entry.field for entry in extraction.fields if entry.value is None)
    return DropoffDecision(status, "first_unverified", first_missing, time, last_field)

"""Helpers shared by the LLM tests (unit and integration): building calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from callpipe.analysis import Message, Transcript, build_transcript
from callpipe.analysis.transcript import Role

IST = timezone(timedelta(hours=5, minutes=30))
START = datetime(2025, 10, 2, 14, 25, tzinfo=IST)

Turns = Sequence[tuple[Role, str]]
MakeCall = Callable[[str, Turns], Transcript]


def build_call(call_ref_id: str, turns: Turns) -> Transcript:
    """A call whose messages are 5 s apart, in the order given."""
    messages = [
        Message(role, text, START + timedelta(seconds=5 * index))
        for index, (role, text) in enumerate(turns)
    ]
    return build_transcript(
        call_ref_id, "Ozonetel", "", START, START + timedelta(seconds=5 * len(turns) + 5), messages
    )

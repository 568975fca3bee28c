"""Helpers shared by the LLM tests (unit and integration): building calls and
running a client's work to its end."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from callpipe.analysis import Message, Transcript, build_transcript
from callpipe.analysis.transcript import Role

IST = timezone(timedelta(hours=5, minutes=30))
START = datetime(2025, 10, 2, 14, 25, tzinfo=IST)

Turns = Sequence[tuple[Role, str]]
MakeCall = Callable[[str, Turns], Transcript]
T = TypeVar("T")


def build_call(call_ref_id: str, turns: Turns) -> Transcript:
    """A call whose messages are 5 s apart, in the order given."""
    messages = [
        Message(role, text, START + timedelta(seconds=5 * index))
        for index, (role, text) in enumerate(turns)
    ]
    return build_transcript(
        call_ref_id, "Ozonetel", "", START, START + timedelta(seconds=5 * len(turns) + 5), messages
    )


def run_and_close(work: Coroutine[Any, Any, T], close: Callable[[], Awaitable[None]]) -> T:
    """Runs ``work`` in a new event loop, then ``close``, even when the work fails:
    a test must not leave a client's connections open for the next one."""

    async def run() -> T:
        try:
            return await work
        finally:
            await close()

    return asyncio.run(run())

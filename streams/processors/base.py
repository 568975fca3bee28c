"""The contract between a Faust agent and the work of its stage."""

from __future__ import annotations

from typing import Protocol

from callpipe.streams.deadletter import DeadLetterWriter
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import StageObserver


class Processor(Protocol):
    """Turns one consumed record into the records to produce.

    Bad input becomes a dead-letter Produce (`dead_letters`). `process` may
    still raise: the agent's `callpipe.streams.guard.RecordGuard` dead-letters what
    one record causes, and only a failure of the stage itself (the registry
    unreachable) stops the worker before the offset is committed.
    """

    stage: str
    dead_letters: DeadLetterWriter
    observer: StageObserver  # told what the stage does (callpipe.streams.observer)
    source: str  # logical topic consumed
    sinks: tuple[str, ...]  # logical topics produced
    concurrency: int  # records in flight (order within a call is kept by key)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def process(self, consumed: Consumed) -> list[Produce]: ...

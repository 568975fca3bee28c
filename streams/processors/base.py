"""The contract between a Faust agent and the work of its stage."""

from __future__ import annotations

from typing import Protocol

from streams.messages import Consumed, Produce


class Processor(Protocol):
    """Turns one consumed record into the records to produce.

    `process` must not raise for bad input: bad input becomes a dead-letter
    Produce. An exception means the stage itself is broken (e.g. the registry
    is unreachable) and the worker should stop before committing the offset.
    """

    stage: str
    source: str                  # logical topic consumed
    sinks: tuple[str, ...]       # logical topics produced
    concurrency: int             # records in flight (order within a call is kept by key)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def process(self, consumed: Consumed) -> list[Produce]: ...

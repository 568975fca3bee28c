"""A record never crashes a stage: what fails for one record becomes its dead letter.

Processors already dead-letter what they expect (undecodable bytes, invalid
transcripts, failed deliveries). The guard catches the rest: an engine bug
that one odd transcript triggers, an output too large for Kafka, anything a
library raises for one record. Only failures of the stage itself propagate
and stop the worker:

- `StageError`s: the schema registry is unreachable (`RegistryError`), or
- the same unexpected failure record after record (`UNEXPECTED_IN_A_ROW`
  records in a row), which is a bug that hits every record rather than one
  bad record: dead-lettering them all would empty the topic into the
  dead-letter topic, so the stage stops instead and an operator looks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from callpipe.connectors.registry.errors import RegistryError
from callpipe.streams.deadletter import Failure
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.processors import Processor

log = logging.getLogger(__name__)

MAX_RECORD_BYTES = 990_000
"""Largest output record (key, value and headers): Faust's producer refuses
requests over 1,000,000 bytes, and the batch around a record needs a little."""

UNEXPECTED_IN_A_ROW = 20
"""Unexpected failures in a row after which the stage, not the records, is broken."""

STAGE_ERRORS: tuple[type[BaseException], ...] = (RegistryError,)
"""Failures of the stage itself: never a dead letter, the worker stops."""


class StageBroken(RuntimeError):
    """Records keep failing the same unexpected way: the stage stops."""


class OutputTooLarge(ValueError):
    """An output record would exceed `MAX_RECORD_BYTES`."""

    def __init__(self, topic: str, size: int) -> None:
        super().__init__(
            f"{topic}: output record of {size} bytes exceeds the {MAX_RECORD_BYTES}-byte limit"
        )
        self.topic = topic
        self.size = size


def record_size(output: Produce) -> int:
    headers = sum(len(name) + len(value) for name, value in output.headers)
    return len(output.key or b"") + len(output.value) + headers


class RecordGuard:
    """Runs a processor on one record; anything that record alone causes is dead-lettered."""

    def __init__(self, processor: Processor, max_record_bytes: int = MAX_RECORD_BYTES) -> None:
        self._processor = processor
        self._max_record_bytes = max_record_bytes
        self._unexpected_in_a_row = 0

    async def process(self, consumed: Consumed) -> list[Produce]:
        try:
            outputs = await self._processor.process(consumed)
            self._check_sizes(outputs)
        except STAGE_ERRORS:
            raise
        except Exception as exc:
            return self._dead_letter(consumed, exc)
        self._unexpected_in_a_row = 0
        return outputs

    def _check_sizes(self, outputs: Sequence[Produce]) -> None:
        for output in outputs:
            size = record_size(output)
            if size > self._max_record_bytes:
                raise OutputTooLarge(output.topic, size)

    def _dead_letter(self, consumed: Consumed, exc: Exception) -> list[Produce]:
        self._unexpected_in_a_row += 1
        if self._unexpected_in_a_row >= UNEXPECTED_IN_A_ROW:
            raise StageBroken(
                f"{self._unexpected_in_a_row} records in a row failed unexpectedly "
                f"(last: {type(exc).__name__}: {exc}); the stage stops"
            ) from exc
        log.error(
            "record failed unexpectedly",
            exc_info=exc,
            extra={
                "fields": {
                    "stage": self._processor.stage,
                    "topic": consumed.topic,
                    "partition": consumed.partition,
                    "offset": consumed.offset,
                }
            },
        )
        failure = Failure.of(exc, call_ref_id=_key_text(consumed.key))
        return [self._processor.dead_letters.write(consumed, failure)]


def _key_text(key: bytes | None) -> str | None:
    if not key:
        return None
    return key[:256].decode("utf-8", "replace")

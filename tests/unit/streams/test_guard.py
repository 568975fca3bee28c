"""A record never crashes a stage: the guard turns what one record causes into its dead letter."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from callpipe.connectors.registry.errors import RegistryError
from callpipe.streams.deadletter import Failure
from callpipe.streams.guard import (
    MAX_RECORD_BYTES,
    UNEXPECTED_IN_A_ROW,
    OutputTooLarge,
    RecordGuard,
    StageBroken,
)
from callpipe.streams.messages import Consumed, Produce

CONSUMED = Consumed("calls.extracted", 1, 42, b"call-1", b"\x00value")


class _Letters:
    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def write(self, consumed: Consumed, failure: Failure, message: str = "") -> Produce:
        self.failures.append(failure)
        return Produce("calls.dead-letter", consumed.key, b"letter")


class _Processor:
    stage = "analysis"
    source = "calls.extracted"
    sinks = ("calls.analyzed", "calls.dead-letter")
    concurrency = 1

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.dead_letters = _Letters()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def process(self, consumed: Consumed) -> list[Produce]:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        result: list[Produce] = self.outcome
        return result


def _process(guard: RecordGuard) -> list[Produce]:
    return asyncio.run(guard.process(CONSUMED))


@pytest.mark.parametrize(
    "error",
    [
        OverflowError("date value out of range"),
        KeyError("payload"),
        RecursionError("deep"),
        TypeError("unexpected"),
    ],
)
def test_an_unexpected_error_becomes_the_records_dead_letter(error: Exception) -> None:
    """An engine bug one record triggers is dead-lettered with its class and the call id."""
    processor = _Processor(error)
    outputs = _process(RecordGuard(processor))  # type: ignore[arg-type]
    assert [o.topic for o in outputs] == ["calls.dead-letter"]
    failure = processor.dead_letters.failures[0]
    assert (failure.error_class, failure.call_ref_id) == (type(error).__name__, "call-1")


def test_an_output_too_large_for_kafka_is_dead_lettered() -> None:
    """An output over the size limit is never sent: the record goes to the dead-letter topic."""
    huge = Produce("calls.analyzed", b"call-1", b"x" * (MAX_RECORD_BYTES + 1))
    processor = _Processor([huge])
    outputs = _process(RecordGuard(processor))  # type: ignore[arg-type]
    assert [o.topic for o in outputs] == ["calls.dead-letter"]
    assert processor.dead_letters.failures[0].error_class == OutputTooLarge.__name__


def test_an_output_at_the_limit_goes_out() -> None:
    """Key, value and headers together exactly at the limit are fine."""
    output = Produce("calls.analyzed", b"k", b"x" * (MAX_RECORD_BYTES - 3), ((("h", b"v")),))
    assert _process(RecordGuard(_Processor([output]))) == [output]  # type: ignore[arg-type]


def test_a_registry_failure_stops_the_stage() -> None:
    """The registry unreachable is the stage's failure, never a dead letter."""
    guard = RecordGuard(_Processor(RegistryError("calls.analyzed-value", "down")))  # type: ignore[arg-type]
    with pytest.raises(RegistryError):
        _process(guard)


def test_the_same_failure_record_after_record_stops_the_stage() -> None:
    """A bug that hits every record stops the stage instead of emptying the topic."""
    processor = _Processor(ValueError("broken"))
    guard = RecordGuard(processor)  # type: ignore[arg-type]
    for _ in range(UNEXPECTED_IN_A_ROW - 1):
        _process(guard)
    with pytest.raises(StageBroken):
        _process(guard)


def test_a_success_resets_the_count_of_unexpected_failures() -> None:
    """Occasional bad records never add up to a broken stage."""
    processor = _Processor(ValueError("odd record"))
    guard = RecordGuard(processor)  # type: ignore[arg-type]
    for _ in range(3):
        for _ in range(UNEXPECTED_IN_A_ROW - 1):
            _process(guard)
        processor.outcome = []
        assert _process(guard) == []
        processor.outcome = ValueError("odd record")


def test_failure_of_an_exception_names_its_field() -> None:
    """A TranscriptError-like exception's field is kept; a non-string field is dropped."""
    error = ValueError("x")
    error.field = "messages[3].text"  # type: ignore[attr-defined]
    assert Failure.of(error).field == "messages[3].text"
    assert Failure.of(KeyError("y")).field is None

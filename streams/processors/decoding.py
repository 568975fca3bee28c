"""Decoding a consumed record, or dead-lettering its bytes when they are not one.

Every stage starts this way: bytes that are not its topic's Avro record are
expected (a producer outside the pipeline, an old schema), so they become a
dead letter of their own and never reach the record guard's count of
unexpected failures.
"""

from __future__ import annotations

from typing import TypeVar

from callpipe.connectors.registry import DecodeError
from callpipe.streams.deadletter import DeadLetterWriter
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.typed_serde import TypedSerde

R = TypeVar("R")


def decode_or_dead_letter(
    serde: TypedSerde[R],
    consumed: Consumed,
    dead_letters: DeadLetterWriter,
    call_ref_id: str | None = None,
) -> R | Produce:
    """The record ``consumed`` holds, or the dead letter of its undecodable bytes.

    ``call_ref_id`` names the call in the dead letter when the caller knows it.
    """
    try:
        return serde.decode(consumed.value)
    except DecodeError as exc:
        return dead_letters.undecodable(consumed, exc, call_ref_id)

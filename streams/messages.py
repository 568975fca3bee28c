"""What a processor receives and what it asks the agent to produce."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Consumed:
    """One consumed Kafka record, as bytes (decoding is the processor's job).

    ``timestamp`` is the record's Kafka timestamp in seconds since the epoch
    (None when the record has none).
    """

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: float | None = None


@dataclass(frozen=True)
class Produce:
    """A record for the agent to send; `topic` is the logical name."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = field(default=())

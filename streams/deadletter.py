"""Dead-letter records: the failed record kept whole, plus why, where and when.

The facts also travel as headers named like Kafka Connect's
`errors.deadletterqueue.context.headers.enable` ones, so tools that know
Connect's dead-letter queues can read ours.

A dead letter must always fit in Kafka, or the record it speaks for would be
lost with it: the error message, the key and the call id are cut to a few
kilobytes, and an original value larger than `MAX_ORIGINAL_BYTES` is kept as
its first bytes plus its size (`original_size`); its topic, partition and
offset say where the whole record is.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from callpipe.connectors.registry import DecodeError, SerdeFactory
from callpipe.record_types import DeadLetter, DeliveryAttempt
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import NullStageObserver, StageObserver
from callpipe.streams.typed_serde import TypedSerde

log = logging.getLogger(__name__)

MAX_ORIGINAL_BYTES = 512 * 1024
"""Original values up to this size are kept whole (a transcript is far smaller)."""
MAX_TEXT_CHARS = 2000
"""Error messages, call ids and header values are cut to this many characters."""
MAX_KEY_BYTES = 1024


def _cut(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut_bytes(data: bytes | None, limit: int) -> bytes | None:
    return data if data is None or len(data) <= limit else data[:limit]


@dataclass(frozen=True)
class Failure:
    """Why a record could not be processed."""

    error_class: str
    message: str
    field: str | None = None
    http_status: int | None = None
    call_ref_id: str | None = None
    attempts: Sequence[DeliveryAttempt] = ()

    @classmethod
    def of(cls, exc: BaseException, call_ref_id: str | None = None) -> Failure:
        """The failure an unexpected exception stands for (its class, message and field)."""
        field = getattr(exc, "field", None)
        return cls(
            type(exc).__name__,
            str(exc) or repr(exc),
            field=field if isinstance(field, str) else None,
            call_ref_id=call_ref_id,
        )


def dead_letter_record(
    stage: str, consumed: Consumed, failure: Failure, failed_at: datetime
) -> DeadLetter:
    """The DeadLetter record, bounded in size whatever the failed record was."""
    value = consumed.value
    too_large = value is not None and len(value) > MAX_ORIGINAL_BYTES
    return {
        "stage": stage,
        "call_ref_id": None if failure.call_ref_id is None else _cut(failure.call_ref_id, 256),
        "error_class": _cut(failure.error_class, 200),
        "error_message": _cut(failure.message),
        "error_field": None if failure.field is None else _cut(failure.field, 200),
        "http_status": failure.http_status,
        "attempts": list(failure.attempts),
        "original_topic": consumed.topic,
        "original_partition": consumed.partition,
        "original_offset": consumed.offset,
        "original_key": _cut_bytes(consumed.key, MAX_KEY_BYTES),
        "original_value": _cut_bytes(value, MAX_ORIGINAL_BYTES),
        "original_size": len(value) if too_large and value is not None else None,
        "failed_at": failed_at,
    }


def dead_letter_headers(
    stage: str, consumed: Consumed, failure: Failure
) -> tuple[tuple[str, bytes], ...]:
    headers = [
        ("__connect.errors.topic", consumed.topic),
        ("__connect.errors.partition", str(consumed.partition)),
        ("__connect.errors.offset", str(consumed.offset)),
        ("__connect.errors.stage", stage),
        ("__connect.errors.exception.class.name", _cut(failure.error_class, 200)),
        ("__connect.errors.exception.message", _cut(failure.message)),
    ]
    if failure.http_status is not None:
        headers.append(("callpipe.errors.http.status", str(failure.http_status)))
    if failure.field is not None:
        headers.append(("callpipe.errors.field", _cut(failure.field, 200)))
    return tuple((name, value.encode()) for name, value in headers)


def dead_letter(
    topic: str, stage: str, consumed: Consumed, failure: Failure, encoded: bytes
) -> Produce:
    """The Produce of an already-encoded dead-letter record, keyed like the original."""
    key = failure.call_ref_id.encode() if failure.call_ref_id else consumed.key
    key = _cut_bytes(key, MAX_KEY_BYTES)
    return Produce(topic, key, encoded, dead_letter_headers(stage, consumed, failure))


class DeadLetterWriter:
    """One stage's way to a dead-letter topic: logged, observed, encoded, keyed."""

    def __init__(
        self,
        stage: str,
        topic: str,
        serdes: SerdeFactory,
        observer: StageObserver | None = None,
    ) -> None:
        self.stage = stage
        self.topic = topic
        self._serde = TypedSerde.of(serdes, topic, DeadLetter)
        self._observer = observer or NullStageObserver()
        self._observer.on_dead_letter_topic(topic)

    def undecodable(
        self, consumed: Consumed, exc: DecodeError, call_ref_id: str | None = None
    ) -> Produce:
        """The dead letter of a record whose bytes are not its topic's Avro record."""
        return self.write(consumed, Failure("DecodeError", str(exc), call_ref_id=call_ref_id))

    def write(
        self, consumed: Consumed, failure: Failure, message: str = "record dead-lettered"
    ) -> Produce:
        log.warning(
            message,
            extra={
                "fields": {
                    "stage": self.stage,
                    "call_ref_id": failure.call_ref_id,
                    "error": failure.error_class,
                    "field": failure.field,
                    "http_status": failure.http_status,
                    "attempts": len(failure.attempts),
                    "message": _cut(failure.message, 500),
                    "topic": consumed.topic,
                    "partition": consumed.partition,
                    "offset": consumed.offset,
                }
            },
        )
        self._observer.on_dead_letter(self.topic, failure.error_class)
        record = dead_letter_record(self.stage, consumed, failure, datetime.now(UTC))
        return dead_letter(self.topic, self.stage, consumed, failure, self._serde.encode(record))

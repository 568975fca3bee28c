"""Dead-letter records: the failed record kept whole, plus why, where and when.

The facts also travel as headers named like Kafka Connect's
`errors.deadletterqueue.context.headers.enable` ones, so tools that know
Connect's dead-letter queues can read ours.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from callpipe import metrics
from connectors.registry import AvroSerde
from streams.messages import Consumed, Produce

log = logging.getLogger("callpipe.deadletter")


@dataclass(frozen=True)
class Failure:
    """Why a record could not be processed."""

    error_class: str
    message: str
    field: str | None = None
    http_status: int | None = None
    call_ref_id: str | None = None
    attempts: Sequence[dict[str, Any]] = ()


def dead_letter_record(stage: str, consumed: Consumed, failure: Failure,
                       failed_at: datetime) -> dict[str, Any]:
    return {
        "stage": stage,
        "call_ref_id": failure.call_ref_id,
        "error_class": failure.error_class,
        "error_message": failure.message,
        "error_field": failure.field,
        "http_status": failure.http_status,
        "attempts": list(failure.attempts),
        "original_topic": consumed.topic,
        "original_partition": consumed.partition,
        "original_offset": consumed.offset,
        "original_key": consumed.key,
        "original_value": consumed.value,
        "failed_at": failed_at,
    }


def dead_letter_headers(stage: str, consumed: Consumed,
                        failure: Failure) -> tuple[tuple[str, bytes], ...]:
    headers = [
        ("__connect.errors.topic", consumed.topic),
        ("__connect.errors.partition", str(consumed.partition)),
        ("__connect.errors.offset", str(consumed.offset)),
        ("__connect.errors.stage", stage),
        ("__connect.errors.exception.class.name", failure.error_class),
        ("__connect.errors.exception.message", failure.message),
    ]
    if failure.http_status is not None:
        headers.append(("callpipe.errors.http.status", str(failure.http_status)))
    if failure.field is not None:
        headers.append(("callpipe.errors.field", failure.field))
    return tuple((name, value.encode()) for name, value in headers)


def dead_letter(topic: str, stage: str, consumed: Consumed, failure: Failure,
                encoded: bytes) -> Produce:
    """The Produce of an already-encoded dead-letter record, keyed like the original."""
    key = failure.call_ref_id.encode() if failure.call_ref_id else consumed.key
    return Produce(topic, key, encoded, dead_letter_headers(stage, consumed, failure))


class DeadLetterWriter:
    """One stage's way to a dead-letter topic: logged, counted, encoded, keyed."""

    def __init__(self, stage: str, topic: str, serde: AvroSerde) -> None:
        self.stage = stage
        self.topic = topic
        self._serde = serde

    def write(self, consumed: Consumed, failure: Failure,
              message: str = "record dead-lettered") -> Produce:
        log.warning(message, extra={"fields": {
            "stage": self.stage, "call_ref_id": failure.call_ref_id,
            "error": failure.error_class, "field": failure.field,
            "http_status": failure.http_status, "attempts": len(failure.attempts),
            "message": failure.message,
            "topic": consumed.topic, "partition": consumed.partition, "offset": consumed.offset,
        }})
        metrics.DEAD_LETTERS.labels(self.topic).inc()
        metrics.RECORD_ERRORS.labels(self.stage, failure.error_class).inc()
        record = dead_letter_record(self.stage, consumed, failure, datetime.now(UTC))
        return dead_letter(self.topic, self.stage, consumed, failure, self._serde.encode(record))

"""The records both webhook stages (delivery, retry) write, as pure functions.

- ``WebhookDelivered`` when the receiver took the call;
- ``WebhookRetry`` when the call waits for a delayed retry: its calls.analyzed
  record as consumed, the retry it waits for, when it is due, every attempt;
- the ``Failure`` of a dead letter, with every attempt.

Attempts travel as the Avro ``DeliveryAttempt``/``RetryAttempt`` dicts (the
same fields) and are numbered across both stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callpipe.connectors.webhook.outcome import Attempt, DeliveryOutcome, DeliveryStatus, bounded
from callpipe.privacy import mask_text
from callpipe.record_types import CallAnalyzed, DeliveryAttempt, WebhookDelivered, WebhookRetry
from callpipe.streams.deadletter import Failure
from callpipe.streams.messages import Consumed

AttemptRecord = DeliveryAttempt


def attempt_record(attempt: Attempt, number: int | None = None) -> AttemptRecord:
    """An Attempt as the DeliveryAttempt Avro record (``number`` renumbers it)."""
    return {
        "number": attempt.number if number is None else number,
        "started_at": datetime.fromisoformat(attempt.started_at.replace("Z", "+00:00")),
        "duration_ms": float(attempt.duration_ms),
        "http_status": attempt.http_status,
        "error": str(attempt.error_kind) if attempt.error_kind is not None else None,
        "retry_delay_ms": None if attempt.retry_delay_s is None else attempt.retry_delay_s * 1000,
    }


def all_attempts(before: Sequence[AttemptRecord], outcome: DeliveryOutcome) -> list[AttemptRecord]:
    """The attempts so far followed by the outcome's primary ones, numbered on, bounded."""
    last = before[-1]["number"] if before else 0
    primary = [a for a in outcome.attempts if a.target == "primary"]
    new = [attempt_record(a, last + i) for i, a in enumerate(primary, start=1)]
    return list(bounded([*before, *new]))


def delivered_record(
    analyzed: CallAnalyzed,
    outcome: DeliveryOutcome,
    attempts: Sequence[AttemptRecord],
    url: str,
    now: datetime,
) -> WebhookDelivered:
    """The WebhookDelivered record of a call the receiver took."""
    return {
        "call_ref_id": analyzed["call_ref_id"],
        "idempotency_key": outcome.idempotency_key,
        "url": url,
        "http_status": outcome.http_status or 0,
        "delivered_at": now,
        "attempts": list(attempts),
        "forward_status": str(outcome.forward.status) if outcome.forward else None,
    }


def retry_record(
    analyzed: CallAnalyzed,
    origin: Consumed,
    outcome: DeliveryOutcome,
    attempts: Sequence[AttemptRecord],
    retry: int,
    due_at: datetime,
) -> WebhookRetry:
    """The WebhookRetry record of a call that waits for delayed retry ``retry``."""
    return {
        "call_ref_id": analyzed["call_ref_id"],
        "idempotency_key": outcome.idempotency_key,
        "retry": retry,
        "due_at": due_at,
        "http_status": outcome.http_status,
        "error_message": mask_text(outcome.error or str(outcome.status)),
        "attempts": list(attempts),
        "analyzed_topic": origin.topic,
        "analyzed_partition": origin.partition,
        "analyzed_offset": origin.offset,
        "analyzed_key": origin.key,
        "analyzed_value": origin.value or b"",
        "requeued_at": None,
    }


def origin_of(retry: WebhookRetry) -> Consumed:
    """The calls.analyzed record a WebhookRetry carries, as it was consumed."""
    return Consumed(
        retry["analyzed_topic"],
        retry["analyzed_partition"],
        retry["analyzed_offset"],
        retry["analyzed_key"],
        retry["analyzed_value"],
    )


def delivery_failure(
    call_ref_id: str, outcome: DeliveryOutcome, attempts: Sequence[AttemptRecord]
) -> Failure:
    """Why a call is dead-lettered: a permanent answer, or every retry failed."""
    permanent = outcome.status is DeliveryStatus.FAILED_PERMANENT
    return Failure(
        "HTTPStatus" if permanent else "RetriesExhausted",
        mask_text(outcome.error or str(outcome.status)),
        http_status=outcome.http_status,
        call_ref_id=call_ref_id,
        attempts=list(attempts),
    )

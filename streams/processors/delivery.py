"""Delivery: calls.analyzed -> HTTP POST -> webhooks.delivered, webhooks.retry or dead letter.

The agent runs many deliveries at once (WEBHOOK_CONCURRENCY); a partition's
offset is committed only up to the last record whose processing finished, so
an offset advances only after its webhook succeeded, or the call was handed
to webhooks.retry, or its dead letter was written (the producer is flushed
before every commit).

What happens to a call:

- **2xx**: recorded on webhooks.delivered.
- **Another 4xx** (permanent): dead-lettered at once.
- **The endpoint is down** (the circuit of the destination opens): the call
  waits at the gate, however long, and the stage pauses its partitions
  (``pauses``) so calls wait in Kafka, not in memory. Nothing is
  dead-lettered or rescheduled because the endpoint is down.
- **This call keeps failing** while the endpoint is otherwise up (in-process
  retries exhausted with the circuit closed, or a Retry-After longer than
  the in-process cap): handed to webhooks.retry for delayed retry 1 of
  WEBHOOK_RETRY_SCHEDULE; without a schedule, dead-lettered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from callpipe import metrics
from callpipe.connectors.registry import DecodeError, SerdeFactory
from callpipe.connectors.webhook.outcome import Attempt, DeliveryOutcome, DeliveryStatus
from callpipe.connectors.webhook.schedule import RetrySchedule
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.streams.deadletter import DeadLetterWriter, Failure
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.pauses import SourcePauses
from callpipe.streams.processors.webhook_records import (
    all_attempts,
    delivered_record,
    delivery_failure,
    retry_record,
)
from callpipe.topics import ANALYZED, DELIVERED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY

log = logging.getLogger("callpipe.delivery")

Clock = Callable[[], datetime]

RESCHEDULED = (DeliveryStatus.FAILED_RETRIES_EXHAUSTED, DeliveryStatus.DEFERRED)


def utc_now() -> datetime:
    return datetime.now(UTC)


class _AttemptMetrics:
    def on_attempt(self, attempt: Attempt) -> None:
        if attempt.target != "primary":
            return
        status_class = f"{attempt.http_status // 100}xx" if attempt.http_status else "none"
        outcome = (
            "success"
            if attempt.http_status and 200 <= attempt.http_status < 300
            else (str(attempt.error_kind) if attempt.error_kind else "http_error")
        )
        metrics.WEBHOOK_ATTEMPTS.labels(outcome, status_class).inc()
        if attempt.number > 1:
            metrics.WEBHOOK_RETRIES.inc()


def log_delivered(record: dict[str, Any], outcome: DeliveryOutcome, attempts: int) -> None:
    payload = record["payload"]
    log.info(
        "Single Interface webhook delivered successfully",
        extra={
            "fields": {
                "call_ref_id": record["call_ref_id"],
                "http_status": outcome.http_status,
                "attempts": attempts,
                "data_points": sum(
                    1 for item in payload["response_data"] if item["remarks"] == "verified"
                ),
                "duration_s": payload["duration"],
            }
        },
    )


class DeliveryProcessor:
    stage = "delivery"
    source = ANALYZED
    sinks: tuple[str, ...] = (DELIVERED, WEBHOOKS_RETRY, WEBHOOKS_DEAD_LETTER)

    def __init__(
        self,
        serdes: SerdeFactory,
        sender: WebhookSender,
        concurrency: int,
        schedule: RetrySchedule | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.concurrency = concurrency
        self._analyzed = serdes.for_topic(ANALYZED)
        self._delivered = serdes.for_topic(DELIVERED)
        self._retry = serdes.for_topic(WEBHOOKS_RETRY)
        self.dead_letters = DeadLetterWriter(
            self.stage, WEBHOOKS_DEAD_LETTER, serdes.for_topic(WEBHOOKS_DEAD_LETTER)
        )
        self._sender = sender
        self._schedule = schedule or RetrySchedule()
        self._clock = clock
        self._said_disabled = False
        gate = sender.gate
        self.pauses = SourcePauses(hold_all=lambda: gate is not None and gate.holding)

    @staticmethod
    def attempt_observer() -> _AttemptMetrics:
        return _AttemptMetrics()

    async def start(self) -> None:
        if not self._sender.enabled:
            self._announce_disabled()

    async def stop(self) -> None:
        await self._sender.aclose()

    async def process(self, consumed: Consumed) -> list[Produce]:
        try:
            record = self._analyzed.decode(consumed.value)
        except DecodeError as exc:
            return [self.dead_letters.write(consumed, Failure("DecodeError", str(exc)))]
        started = time.perf_counter()
        outcome = await self._sender.deliver(record["payload"], record["idempotency_key"])
        metrics.WEBHOOK_DELIVERIES.labels(str(outcome.status)).inc()
        if outcome.status is DeliveryStatus.DISABLED:
            self._announce_disabled()
            return []
        metrics.WEBHOOK_DELIVERY_SECONDS.observe(time.perf_counter() - started)
        attempts = all_attempts([], outcome)
        if outcome.status is DeliveryStatus.DELIVERED:
            return [self._delivered_record(record, outcome, attempts)]
        if outcome.status in RESCHEDULED and len(self._schedule):
            return [self._first_retry(consumed, record, outcome, attempts)]
        return [
            self.dead_letters.write(
                consumed,
                delivery_failure(record["call_ref_id"], outcome, attempts),
                "Single Interface webhook failed, dead-lettered",
            )
        ]

    def _delivered_record(
        self, record: dict[str, Any], outcome: DeliveryOutcome, attempts: list[dict[str, Any]]
    ) -> Produce:
        now = self._clock()
        call_end: datetime = record["call_end_time"]
        metrics.END_TO_END_SECONDS.observe(max(0.0, (now - call_end).total_seconds()))
        ingested_at: datetime | None = record.get("ingested_at")
        if ingested_at is not None:  # None: analysed before the field existed
            metrics.PIPELINE_LATENCY_SECONDS.observe(max(0.0, (now - ingested_at).total_seconds()))
        log_delivered(record, outcome, len(attempts))
        delivered = delivered_record(record, outcome, attempts, self._sender.url, now)
        return Produce(DELIVERED, record["call_ref_id"].encode(), self._delivered.encode(delivered))

    def _first_retry(
        self,
        consumed: Consumed,
        record: dict[str, Any],
        outcome: DeliveryOutcome,
        attempts: list[dict[str, Any]],
    ) -> Produce:
        """Hands the call to webhooks.retry for delayed retry 1."""
        delay = max(self._schedule.delays[0], outcome.retry_after_s or 0.0)
        due_at = self._clock() + timedelta(seconds=delay)
        retry = retry_record(record, consumed, outcome, attempts, 1, due_at)
        metrics.DELAYED_RETRIES.labels(self.stage, "1").inc()
        log.warning(
            "Single Interface webhook failed; the call goes to the delayed retries",
            extra={
                "fields": {
                    "call_ref_id": record["call_ref_id"],
                    "status": str(outcome.status),
                    "http_status": outcome.http_status,
                    "attempts": len(attempts),
                    "retry": 1,
                    "due_in_s": round(delay, 3),
                }
            },
        )
        return Produce(WEBHOOKS_RETRY, record["call_ref_id"].encode(), self._retry.encode(retry))

    def _announce_disabled(self) -> None:
        if not self._said_disabled:
            self._said_disabled = True
            log.warning(
                "webhooks disabled (WEBHOOKS_ENABLED=false): calls are analysed and "
                "kept on calls.analyzed, nothing is posted"
            )

"""Delivery: calls.analyzed -> HTTP POST -> webhooks.delivered or webhooks.dead-letter.

The agent runs many deliveries at once (WEBHOOK_CONCURRENCY); Faust commits
a partition's offset only up to the last record whose processing finished,
so an offset advances only after its webhook succeeded or its dead letter
was written (the producer is flushed before every commit).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from callpipe import metrics
from callpipe.privacy import mask_text
from callpipe.topics import ANALYZED, DELIVERED, WEBHOOKS_DEAD_LETTER
from connectors.registry import DecodeError, SerdeFactory
from connectors.webhook.outcome import Attempt, DeliveryOutcome, DeliveryStatus
from connectors.webhook.sender import WebhookSender
from streams.deadletter import DeadLetterWriter, Failure
from streams.messages import Consumed, Produce

log = logging.getLogger("callpipe.delivery")


def attempt_record(attempt: Attempt) -> dict[str, Any]:
    """An Attempt as the DeliveryAttempt Avro record."""
    return {
        "number": attempt.number,
        "started_at": datetime.fromisoformat(attempt.started_at.replace("Z", "+00:00")),
        "duration_ms": float(attempt.duration_ms),
        "http_status": attempt.http_status,
        "error": str(attempt.error_kind) if attempt.error_kind is not None else None,
        "retry_delay_ms": None if attempt.retry_delay_s is None else attempt.retry_delay_s * 1000,
    }


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


class DeliveryProcessor:
    stage = "delivery"
    source = ANALYZED
    sinks: tuple[str, ...] = (DELIVERED, WEBHOOKS_DEAD_LETTER)

    def __init__(self, serdes: SerdeFactory, sender: WebhookSender, concurrency: int) -> None:
        self.concurrency = concurrency
        self._analyzed = serdes.for_topic(ANALYZED)
        self._delivered = serdes.for_topic(DELIVERED)
        self.dead_letters = DeadLetterWriter(
            self.stage, WEBHOOKS_DEAD_LETTER, serdes.for_topic(WEBHOOKS_DEAD_LETTER)
        )
        self._sender = sender
        self._said_disabled = False

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
        call_ref_id: str = record["call_ref_id"]
        key: str = record["idempotency_key"]
        started = time.perf_counter()
        outcome = await self._sender.deliver(record["payload"], key)
        metrics.WEBHOOK_DELIVERIES.labels(str(outcome.status)).inc()
        if outcome.status is DeliveryStatus.DISABLED:
            self._announce_disabled()
            return []
        metrics.WEBHOOK_DELIVERY_SECONDS.observe(time.perf_counter() - started)
        if outcome.status is DeliveryStatus.DELIVERED:
            return [self._delivered_record(record, outcome)]
        failure = Failure(
            "HTTPStatus"
            if outcome.status is DeliveryStatus.FAILED_PERMANENT
            else "RetriesExhausted",
            mask_text(outcome.error or str(outcome.status)),
            http_status=outcome.http_status,
            call_ref_id=call_ref_id,
            attempts=[attempt_record(a) for a in outcome.attempts if a.target == "primary"],
        )
        return [
            self.dead_letters.write(
                consumed, failure, "Single Interface webhook failed, dead-lettered"
            )
        ]

    def _delivered_record(self, record: dict[str, Any], outcome: DeliveryOutcome) -> Produce:
        now = datetime.now(UTC)
        call_end: datetime = record["call_end_time"]
        metrics.END_TO_END_SECONDS.observe(max(0.0, (now - call_end).total_seconds()))
        ingested_at: datetime | None = record.get("ingested_at")
        if ingested_at is not None:  # None: analysed before the field existed
            metrics.PIPELINE_LATENCY_SECONDS.observe(max(0.0, (now - ingested_at).total_seconds()))
        payload = record["payload"]
        primary = [a for a in outcome.attempts if a.target == "primary"]
        log.info(
            "Single Interface webhook delivered successfully",
            extra={
                "fields": {
                    "call_ref_id": record["call_ref_id"],
                    "http_status": outcome.http_status,
                    "attempts": len(primary),
                    "data_points": sum(
                        1 for item in payload["response_data"] if item["remarks"] == "verified"
                    ),
                    "duration_s": payload["duration"],
                }
            },
        )
        delivered = {
            "call_ref_id": record["call_ref_id"],
            "idempotency_key": outcome.idempotency_key,
            "url": self._sender.url,
            "http_status": outcome.http_status or 0,
            "delivered_at": now,
            "attempts": [attempt_record(a) for a in primary],
            "forward_status": str(outcome.forward.status) if outcome.forward else None,
        }
        return Produce(DELIVERED, record["call_ref_id"].encode(), self._delivered.encode(delivered))

    def _announce_disabled(self) -> None:
        if not self._said_disabled:
            self._said_disabled = True
            log.warning(
                "webhooks disabled (WEBHOOKS_ENABLED=false): calls are analysed and "
                "kept on calls.analyzed, nothing is posted"
            )

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

from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import DeliveryOutcome, DeliveryStatus
from callpipe.connectors.webhook.schedule import RetrySchedule
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.record_types import CallAnalyzed, DeliveryAttempt
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import StageObserver
from callpipe.streams.pauses import SourcePauses
from callpipe.streams.processors.decoding import decode_or_dead_letter
from callpipe.streams.processors.webhook_outputs import Clock, utc_now
from callpipe.streams.processors.webhook_records import all_attempts
from callpipe.streams.processors.webhook_stage import WebhookStage
from callpipe.topics import ANALYZED

log = logging.getLogger(__name__)

RESCHEDULED = (DeliveryStatus.FAILED_RETRIES_EXHAUSTED, DeliveryStatus.DEFERRED)
DISABLED = "calls are analysed and kept on calls.analyzed, nothing is posted"


class DeliveryProcessor(WebhookStage):
    stage = "delivery"
    source = ANALYZED

    def __init__(
        self,
        serdes: SerdeFactory,
        sender: WebhookSender,
        concurrency: int,
        schedule: RetrySchedule | None = None,
        clock: Clock = utc_now,
        observer: StageObserver | None = None,
    ) -> None:
        super().__init__(serdes, sender, clock, observer)
        self.concurrency = concurrency
        self._schedule = schedule or RetrySchedule()
        self.pauses = SourcePauses(hold_all=self._circuit_holds_calls)

    async def start(self) -> None:
        if not self._sender.enabled:
            self._outputs.announce_disabled(DISABLED)

    async def process(self, consumed: Consumed) -> list[Produce]:
        call = decode_or_dead_letter(self._analyzed, consumed, self.dead_letters)
        if isinstance(call, Produce):
            return [call]
        started = time.perf_counter()
        outcome = await self._sender.deliver(call["payload"], call["idempotency_key"])
        if outcome.status is DeliveryStatus.DISABLED:
            self.observer.on_delivery(outcome.status, None)
            self._outputs.announce_disabled(DISABLED)
            return []
        self.observer.on_delivery(outcome.status, time.perf_counter() - started)
        attempts = all_attempts([], outcome)
        if outcome.status is DeliveryStatus.DELIVERED:
            self._observe_latency(call)
            return [self._outputs.delivered(call, outcome, attempts)]
        if outcome.status in RESCHEDULED and len(self._schedule):
            return [self._first_retry(consumed, call, outcome, attempts)]
        why = "Single Interface webhook failed, dead-lettered"
        return [self._outputs.failed(call, consumed, outcome, attempts, why)]

    def _observe_latency(self, call: CallAnalyzed) -> None:
        now = self._outputs.clock()
        ingested_at = call.get("ingested_at")  # None: analysed before the field existed
        since_ingest = None if ingested_at is None else (now - ingested_at).total_seconds()
        self.observer.on_delivered((now - call["call_end_time"]).total_seconds(), since_ingest)

    def _first_retry(
        self,
        consumed: Consumed,
        call: CallAnalyzed,
        outcome: DeliveryOutcome,
        attempts: list[DeliveryAttempt],
    ) -> Produce:
        """Hands the call to webhooks.retry for delayed retry 1."""
        delay = max(self._schedule.delays[0], outcome.retry_after_s or 0.0)
        log.warning(
            "Single Interface webhook failed; the call goes to the delayed retries",
            extra={
                "fields": {
                    "call_ref_id": call["call_ref_id"],
                    "status": str(outcome.status),
                    "http_status": outcome.http_status,
                    "attempts": len(attempts),
                    "retry": 1,
                    "due_in_s": round(delay, 3),
                }
            },
        )
        return self._outputs.retry(call, consumed, outcome, attempts, 1, delay)

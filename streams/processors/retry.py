"""Retry: webhooks.retry -> (when due) HTTP POST -> delivered, the next retry, or dead letter.

Each record is a call waiting for delayed retry ``retry`` of
WEBHOOK_RETRY_SCHEDULE. The stage holds many records at once
(RECORDS_IN_MEMORY) so that waiting ones hold up nobody (``retry_timing``
says when a record is tried, waited for or requeued), and posts at most
WEBHOOK_CONCURRENCY at a time. A retry is one attempt:

- **2xx**: recorded on webhooks.delivered with every attempt;
- **another 4xx**: dead-lettered;
- **retryable failure**: produced again for the next retry, due after its
  delay (or the receiver's longer Retry-After); after the last one,
  dead-lettered (``RetriesExhausted``) with every attempt's time.

The stage honours the destination's circuit like the delivery stage: while
it is open, due records wait at its gate and the stage pauses its
partitions. One of them, the probe, is tried per WEBHOOK_CIRCUIT_PROBE_S; a
failed probe is that record's retry (so a stage whose only records fail for
their own reasons moves on through their schedules instead of staying
stuck), and every other waiting record keeps its place.

Its dead letters name the call's calls.analyzed record (topic, partition,
offset, bytes): ``callpipe dlq replay`` puts the call back for delivery.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import DeliveryOutcome, DeliveryStatus
from callpipe.connectors.webhook.schedule import RetrySchedule
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.record_types import CallAnalyzed, WebhookRetry
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import StageObserver
from callpipe.streams.pauses import SourcePauses
from callpipe.streams.processors.decoding import decode_or_dead_letter
from callpipe.streams.processors.retry_timing import RetryTiming, Step
from callpipe.streams.processors.webhook_outputs import Clock, utc_now
from callpipe.streams.processors.webhook_records import all_attempts, origin_of
from callpipe.streams.processors.webhook_stage import WebhookStage
from callpipe.topics import WEBHOOKS_RETRY

log = logging.getLogger(__name__)

RECORDS_IN_MEMORY = 1024
"""Records the stage holds at once (waiting until due, or posting)."""
DISABLED = "delayed retries stay on webhooks.retry, nothing is posted"

Sleep = Callable[[float], Awaitable[None]]


class RetryProcessor(WebhookStage):
    stage = "retry"
    source = WEBHOOKS_RETRY
    concurrency = RECORDS_IN_MEMORY

    def __init__(
        self,
        serdes: SerdeFactory,
        sender: WebhookSender,
        schedule: RetrySchedule,
        *,
        hold_s: float,
        posting: int,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        observer: StageObserver | None = None,
    ) -> None:
        super().__init__(serdes, sender, clock, observer)
        self._retry = self._outputs.retries
        self._schedule = schedule
        self._timing = RetryTiming(hold_s)
        self._posting = asyncio.Semaphore(posting)
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self.pauses = SourcePauses(self._circuit_holds_calls, drain=False, clock=monotonic)

    async def process(self, consumed: Consumed) -> list[Produce]:
        record = decode_or_dead_letter(self._retry, consumed, self.dead_letters)
        if isinstance(record, Produce):
            return [record]
        origin = origin_of(record)
        call = decode_or_dead_letter(
            self._analyzed, origin, self.dead_letters, record["call_ref_id"]
        )
        if isinstance(call, Produce):
            return [call]
        if not await self._until_due(consumed.partition, record):
            return [self._requeue(record)]
        async with self._posting:
            self.observer.on_retry_started((self._clock() - record["due_at"]).total_seconds())
            outcome = await self._sender.deliver(
                call["payload"], record["idempotency_key"], wait_out_outage=False
            )
        return [self._after(record, call, origin, outcome)]

    async def _until_due(self, partition: int, record: WebhookRetry) -> bool:
        """Waits while the record is due soon; False when it is to be requeued instead."""
        while True:
            decision = self._timing.decide(record["due_at"], record["requeued_at"], self._clock())
            if decision.step is Step.ATTEMPT:
                return True
            if decision.step is Step.REQUEUE:
                return False
            if decision.pace:
                self.pauses.hold(partition, self._monotonic() + decision.wait_s)
            await self._sleep(decision.wait_s)

    def _requeue(self, record: WebhookRetry, *, postpone: bool = False) -> Produce:
        """The same record at the end of the topic (``postpone``: not due for HOLD)."""
        self.observer.on_retry_requeued()
        now = self._clock()
        again: WebhookRetry = {**record, "requeued_at": now}
        if postpone:
            again["due_at"] = max(record["due_at"], now + timedelta(seconds=self._timing.hold_s))
        return self._outputs.requeued(again)

    def _after(
        self,
        record: WebhookRetry,
        call: CallAnalyzed,
        origin: Consumed,
        outcome: DeliveryOutcome,
    ) -> Produce:
        """What the retry's outcome asks for: delivered, the next retry, or a dead letter."""
        self.observer.on_delivery(outcome.status, None)
        if outcome.status is DeliveryStatus.DISABLED:
            self._outputs.announce_disabled(DISABLED)
            return self._requeue(record, postpone=True)
        attempts = all_attempts(record["attempts"], outcome)
        if outcome.status is DeliveryStatus.DELIVERED:
            return self._outputs.delivered(call, outcome, attempts)
        following = record["retry"] + 1
        delay = self._schedule.delay(following)
        if outcome.status is DeliveryStatus.FAILED_PERMANENT or delay is None:
            why = "permanent failure" if delay is not None else "every retry failed"
            message = f"Single Interface webhook failed ({why}), dead-lettered"
            return self._outputs.failed(call, origin, outcome, attempts, message)
        wait = max(delay, outcome.retry_after_s or 0.0)
        log.info(
            "delayed retry failed; the call waits for the next one",
            extra={
                "fields": {
                    "call_ref_id": call["call_ref_id"],
                    "http_status": outcome.http_status,
                    "attempts": len(attempts),
                    "retry": following,
                    "due_in_s": round(wait, 3),
                }
            },
        )
        return self._outputs.retry(call, origin, outcome, attempts, following, wait)

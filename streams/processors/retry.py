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
from datetime import UTC, datetime, timedelta
from typing import Any

from callpipe import metrics
from callpipe.connectors.registry import DecodeError, SerdeFactory
from callpipe.connectors.webhook.outcome import DeliveryOutcome, DeliveryStatus
from callpipe.connectors.webhook.schedule import RetrySchedule
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.streams.deadletter import DeadLetterWriter, Failure
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.pauses import SourcePauses
from callpipe.streams.processors.delivery import log_delivered
from callpipe.streams.processors.retry_timing import RetryTiming, Step
from callpipe.streams.processors.webhook_records import (
    AttemptRecord,
    all_attempts,
    delivered_record,
    delivery_failure,
    origin_of,
    retry_record,
)
from callpipe.topics import ANALYZED, DELIVERED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY

log = logging.getLogger("callpipe.retry")

RECORDS_IN_MEMORY = 1024
"""Records the stage holds at once (waiting until due, or posting)."""

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class RetryProcessor:
    stage = "retry"
    source = WEBHOOKS_RETRY
    sinks: tuple[str, ...] = (DELIVERED, WEBHOOKS_RETRY, WEBHOOKS_DEAD_LETTER)
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
    ) -> None:
        self._retry = serdes.for_topic(WEBHOOKS_RETRY)
        self._analyzed = serdes.for_topic(ANALYZED)
        self._delivered = serdes.for_topic(DELIVERED)
        self.dead_letters = DeadLetterWriter(
            self.stage, WEBHOOKS_DEAD_LETTER, serdes.for_topic(WEBHOOKS_DEAD_LETTER)
        )
        self._sender = sender
        self._schedule = schedule
        self._timing = RetryTiming(hold_s)
        self._posting = asyncio.Semaphore(posting)
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self._said_disabled = False
        gate = sender.gate
        self.pauses = SourcePauses(
            lambda: gate is not None and gate.holding, drain=False, clock=monotonic
        )

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self._sender.aclose()

    async def process(self, consumed: Consumed) -> list[Produce]:
        try:
            record = self._retry.decode(consumed.value)
        except DecodeError as exc:
            return [self.dead_letters.write(consumed, Failure("DecodeError", str(exc)))]
        origin = origin_of(record)
        try:
            analyzed = self._analyzed.decode(origin.value)
        except DecodeError as exc:
            failure = Failure("DecodeError", str(exc), call_ref_id=record["call_ref_id"])
            return [self.dead_letters.write(origin, failure)]
        if not await self._until_due(consumed.partition, record):
            return [self._requeue(record)]
        async with self._posting:
            lateness = (self._clock() - record["due_at"]).total_seconds()
            metrics.RETRY_LATENESS_SECONDS.observe(max(0.0, lateness))
            outcome = await self._sender.deliver(
                analyzed["payload"], record["idempotency_key"], wait_out_outage=False
            )
        return [self._after(record, analyzed, origin, outcome)]

    async def _until_due(self, partition: int, record: dict[str, Any]) -> bool:
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

    def _requeue(self, record: dict[str, Any], *, postpone: bool = False) -> Produce:
        """The same record at the end of the topic (``postpone``: not due for HOLD)."""
        metrics.RETRY_REQUEUED.inc()
        now = self._clock()
        again = {**record, "requeued_at": now}
        if postpone:
            again["due_at"] = max(record["due_at"], now + timedelta(seconds=self._timing.hold_s))
        return Produce(WEBHOOKS_RETRY, record["call_ref_id"].encode(), self._retry.encode(again))

    def _after(
        self,
        record: dict[str, Any],
        analyzed: dict[str, Any],
        origin: Consumed,
        outcome: DeliveryOutcome,
    ) -> Produce:
        """What the retry's outcome asks for: delivered, the next retry, or a dead letter."""
        metrics.WEBHOOK_DELIVERIES.labels(str(outcome.status)).inc()
        if outcome.status is DeliveryStatus.DISABLED:
            self._announce_disabled()
            return self._requeue(record, postpone=True)
        attempts = all_attempts(record["attempts"], outcome)
        if outcome.status is DeliveryStatus.DELIVERED:
            now = self._clock()
            log_delivered(analyzed, outcome, len(attempts))
            delivered = delivered_record(analyzed, outcome, attempts, self._sender.url, now)
            key = analyzed["call_ref_id"].encode()
            return Produce(DELIVERED, key, self._delivered.encode(delivered))
        following = record["retry"] + 1
        delay = self._schedule.delay(following)
        if outcome.status is DeliveryStatus.FAILED_PERMANENT or delay is None:
            failure = delivery_failure(analyzed["call_ref_id"], outcome, attempts)
            why = "permanent failure" if delay is not None else "every retry failed"
            return self.dead_letters.write(
                origin, failure, f"Single Interface webhook failed ({why}), dead-lettered"
            )
        return self._next_retry(analyzed, origin, outcome, attempts, following, delay)

    def _next_retry(
        self,
        analyzed: dict[str, Any],
        origin: Consumed,
        outcome: DeliveryOutcome,
        attempts: list[AttemptRecord],
        following: int,
        delay: float,
    ) -> Produce:
        wait = max(delay, outcome.retry_after_s or 0.0)
        due_at = self._clock() + timedelta(seconds=wait)
        retry = retry_record(analyzed, origin, outcome, attempts, following, due_at)
        metrics.DELAYED_RETRIES.labels(self.stage, str(following)).inc()
        log.info(
            "delayed retry failed; the call waits for the next one",
            extra={
                "fields": {
                    "call_ref_id": analyzed["call_ref_id"],
                    "http_status": outcome.http_status,
                    "attempts": len(attempts),
                    "retry": following,
                    "due_in_s": round(wait, 3),
                }
            },
        )
        key = analyzed["call_ref_id"].encode()
        return Produce(WEBHOOKS_RETRY, key, self._retry.encode(retry))

    def _announce_disabled(self) -> None:
        if not self._said_disabled:
            self._said_disabled = True
            log.warning(
                "webhooks disabled (WEBHOOKS_ENABLED=false): delayed retries stay on "
                "webhooks.retry, nothing is posted"
            )

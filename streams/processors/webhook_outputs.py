"""What both webhook stages (delivery, retry) produce after an outcome, encoded and keyed.

A call the receiver took goes to webhooks.delivered, a call that waits for a
delayed retry to webhooks.retry, and a call that failed for good to
webhooks.dead-letter; each is keyed by its call_ref_id, logged and observed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import DeliveryOutcome
from callpipe.record_types import CallAnalyzed, DeliveryAttempt, WebhookDelivered, WebhookRetry
from callpipe.streams.deadletter import DeadLetterWriter
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import StageObserver
from callpipe.streams.processors.webhook_records import (
    delivered_record,
    delivery_failure,
    retry_record,
)
from callpipe.streams.typed_serde import TypedSerde
from callpipe.topics import DELIVERED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class WebhookOutputs:
    """One webhook stage's way to its three output topics."""

    def __init__(
        self, stage: str, serdes: SerdeFactory, url: str, observer: StageObserver, clock: Clock
    ) -> None:
        self._delivered = TypedSerde.of(serdes, DELIVERED, WebhookDelivered)
        self.retries = TypedSerde.of(serdes, WEBHOOKS_RETRY, WebhookRetry)
        self.dead_letters = DeadLetterWriter(stage, WEBHOOKS_DEAD_LETTER, serdes, observer)
        self._url = url
        self._observer = observer
        self.clock = clock
        self._said_disabled = False

    def delivered(
        self, call: CallAnalyzed, outcome: DeliveryOutcome, attempts: Sequence[DeliveryAttempt]
    ) -> Produce:
        """The call's WebhookDelivered record (the receiver took it)."""
        record = delivered_record(call, outcome, attempts, self._url, self.clock())
        _log_delivered(call, outcome, len(attempts))
        return Produce(DELIVERED, call["call_ref_id"].encode(), self._delivered.encode(record))

    def retry(
        self,
        call: CallAnalyzed,
        origin: Consumed,
        outcome: DeliveryOutcome,
        attempts: Sequence[DeliveryAttempt],
        number: int,
        wait_s: float,
    ) -> Produce:
        """The call's WebhookRetry record for delayed retry ``number``, due in ``wait_s``."""
        due_at = self.clock() + timedelta(seconds=wait_s)
        record = retry_record(call, origin, outcome, attempts, number, due_at)
        self._observer.on_delayed_retry(number)
        return self.requeued(record)

    def requeued(self, record: WebhookRetry) -> Produce:
        """``record`` produced (again) on webhooks.retry."""
        return Produce(WEBHOOKS_RETRY, record["call_ref_id"].encode(), self.retries.encode(record))

    def failed(
        self,
        call: CallAnalyzed,
        origin: Consumed,
        outcome: DeliveryOutcome,
        attempts: Sequence[DeliveryAttempt],
        message: str,
    ) -> Produce:
        """The dead letter of a call that failed for good; ``origin`` is its calls.analyzed."""
        failure = delivery_failure(call["call_ref_id"], outcome, attempts)
        return self.dead_letters.write(origin, failure, message)

    def announce_disabled(self, what_stays: str) -> None:
        """Says once that webhooks are disabled and what stays where."""
        if not self._said_disabled:
            self._said_disabled = True
            log.warning("webhooks disabled (WEBHOOKS_ENABLED=false): %s", what_stays)


def _log_delivered(call: CallAnalyzed, outcome: DeliveryOutcome, attempts: int) -> None:
    payload = call["payload"]
    log.info(
        "Single Interface webhook delivered successfully",
        extra={
            "fields": {
                "call_ref_id": call["call_ref_id"],
                "http_status": outcome.http_status,
                "attempts": attempts,
                "data_points": sum(
                    1 for item in payload["response_data"] if item["remarks"] == "verified"
                ),
                "duration_s": payload["duration"],
            }
        },
    )

"""A StageObserver that writes down what it was told, for the stage tests."""

from __future__ import annotations

from typing import Any

from callpipe.analysis.extraction import Extraction
from callpipe.connectors.webhook.outcome import Attempt, DeliveryStatus
from callpipe.record_types import OverallStatus, SingleInterfacePayload


class RecordingObserver:
    """Keeps every event as (method name, arguments), in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [args for event, args in self.events if event == name]

    def on_record_in(self) -> None:
        self.events.append(("on_record_in", ()))

    def on_record_done(self, produced: int, seconds: float) -> None:
        self.events.append(("on_record_done", (produced, seconds)))

    def on_dead_letter_topic(self, topic: str) -> None:
        self.events.append(("on_dead_letter_topic", (topic,)))

    def on_dead_letter(self, topic: str, error_class: str) -> None:
        self.events.append(("on_dead_letter", (topic, error_class)))

    def on_call_analyzed(
        self, payload: SingleInterfacePayload, extraction: Extraction, status: OverallStatus
    ) -> None:
        self.events.append(("on_call_analyzed", (payload, extraction, status)))

    def on_attempt(self, attempt: Attempt) -> None:
        self.events.append(("on_attempt", (attempt,)))

    def on_delivery(self, status: DeliveryStatus, seconds: float | None) -> None:
        self.events.append(("on_delivery", (status, seconds)))

    def on_delivered(self, since_call_end_s: float, since_ingest_s: float | None) -> None:
        self.events.append(("on_delivered", (since_call_end_s, since_ingest_s)))

    def on_delayed_retry(self, retry: int) -> None:
        self.events.append(("on_delayed_retry", (retry,)))

    def on_retry_requeued(self) -> None:
        self.events.append(("on_retry_requeued", ()))

    def on_retry_started(self, lateness_s: float) -> None:
        self.events.append(("on_retry_started", (lateness_s,)))

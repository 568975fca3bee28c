"""The one seam through which the stages report what they did (like Faust's sensors).

The agent loop, the dead-letter writer and every processor call a
`StageObserver`; none of them imports Prometheus. `streams.wiring` gives each
stage a `callpipe.streams.prometheus_observer.PrometheusStageObserver`; unit
tests give a recording fake or nothing (`NullStageObserver`).

The webhook sender's `AttemptObserver` seam is the same object: a
StageObserver has ``on_attempt``.
"""

from __future__ import annotations

from typing import Protocol

from callpipe.analysis.extraction import Extraction
from callpipe.connectors.webhook.outcome import Attempt, DeliveryStatus
from callpipe.record_types import OverallStatus, SingleInterfacePayload


class StageObserver(Protocol):
    """What one stage's process reports; each method is told one event."""

    def on_record_in(self) -> None:
        """A record was consumed by the stage's agent."""

    def on_record_done(self, produced: int, seconds: float) -> None:
        """The record's outputs were handed to the producer after ``seconds``."""

    def on_dead_letter_topic(self, topic: str) -> None:
        """The stage may write dead letters to ``topic`` (said once, at start)."""

    def on_dead_letter(self, topic: str, error_class: str) -> None:
        """A record went to ``topic`` because of ``error_class``."""

    def on_call_analyzed(
        self, payload: SingleInterfacePayload, extraction: Extraction, status: OverallStatus
    ) -> None:
        """The analysis stage decided a call (``status`` is the engine's decision)."""

    def on_attempt(self, attempt: Attempt) -> None:
        """One HTTP attempt of the webhook sender (its AttemptObserver seam)."""

    def on_delivery(self, status: DeliveryStatus, seconds: float | None) -> None:
        """A delivery ended with ``status``; ``seconds`` from first attempt to outcome
        (None when nothing was timed)."""

    def on_delivered(self, since_call_end_s: float, since_ingest_s: float | None) -> None:
        """The receiver took a call; its latencies (None: the record has no ingest time)."""

    def on_delayed_retry(self, retry: int) -> None:
        """A call was put on webhooks.retry for delayed retry ``retry``."""

    def on_retry_requeued(self) -> None:
        """The retry stage put a record back at the end of webhooks.retry."""

    def on_retry_started(self, lateness_s: float) -> None:
        """A delayed retry was started ``lateness_s`` after it was due."""


class NullStageObserver:
    """Hears everything and keeps nothing: the observer of a processor nobody watches."""

    def on_record_in(self) -> None:
        return None

    def on_record_done(self, produced: int, seconds: float) -> None:
        return None

    def on_dead_letter_topic(self, topic: str) -> None:
        return None

    def on_dead_letter(self, topic: str, error_class: str) -> None:
        return None

    def on_call_analyzed(
        self, payload: SingleInterfacePayload, extraction: Extraction, status: OverallStatus
    ) -> None:
        return None

    def on_attempt(self, attempt: Attempt) -> None:
        return None

    def on_delivery(self, status: DeliveryStatus, seconds: float | None) -> None:
        return None

    def on_delivered(self, since_call_end_s: float, since_ingest_s: float | None) -> None:
        return None

    def on_delayed_retry(self, retry: int) -> None:
        return None

    def on_retry_requeued(self) -> None:
        return None

    def on_retry_started(self, lateness_s: float) -> None:
        return None

"""The StageObserver of a running worker: callpipe.metrics' families, labelled by stage.

Analysis counts the spec's seven data-quality figures once per call:

1. completion (`callpipe_calls_analyzed_total{overall_status}`: the engine's
   decision, name, model and email all verified);
2. dropoff by stage (`callpipe_dropoffs_total{action}`);
3. attempts per field (`callpipe_field_attempts{field}`, asked fields only;
   `callpipe_field_remarks_total{field,remarks}` beside it);
4. language distribution (`callpipe_languages_total{language}`);
5. routing reasons (`callpipe_dealer_routing_total{status,reason}`);
6. call duration by outcome (`callpipe_call_duration_seconds{overall_status}`);
7. response time per attempt (`callpipe_response_seconds{field}`): the
   attempt's end minus its start, from the extraction's own times (the
   payload's are cut to whole seconds).
"""

from __future__ import annotations

from callpipe import metrics
from callpipe.analysis.extraction import Extraction
from callpipe.connectors.webhook.outcome import Attempt, DeliveryStatus
from callpipe.record_types import OverallStatus, SingleInterfacePayload


def response_times(extraction: Extraction) -> list[tuple[str, float]]:
    """(field, seconds) of every attempt, in the extraction's order; never negative."""
    return [
        (entry.field, max(0.0, (attempt.end - attempt.start).total_seconds()))
        for entry in extraction.fields
        for attempt in entry.attempts
    ]


def attempt_labels(attempt: Attempt) -> tuple[str, str]:
    """(outcome, status_class) of one HTTP attempt."""
    status = attempt.http_status
    status_class = f"{status // 100}xx" if status else "none"
    if status and 200 <= status < 300:
        return "success", status_class
    return (str(attempt.error_kind) if attempt.error_kind else "http_error"), status_class


class PrometheusStageObserver:
    """One stage's StageObserver; the series of its own stage label are made at start."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self._records_in = metrics.RECORDS_IN.labels(stage)
        self._records_out = metrics.RECORDS_OUT.labels(stage)
        self._processing_seconds = metrics.PROCESSING_SECONDS.labels(stage)

    def on_record_in(self) -> None:
        self._records_in.inc()

    def on_record_done(self, produced: int, seconds: float) -> None:
        self._processing_seconds.observe(seconds)
        self._records_out.inc(produced)

    def on_dead_letter_topic(self, topic: str) -> None:
        metrics.DEAD_LETTERS.labels(topic)  # at 0 from the start: increase() sees the first one

    def on_dead_letter(self, topic: str, error_class: str) -> None:
        metrics.DEAD_LETTERS.labels(topic).inc()
        metrics.RECORD_ERRORS.labels(self.stage, error_class).inc()

    def on_call_analyzed(
        self, payload: SingleInterfacePayload, extraction: Extraction, status: OverallStatus
    ) -> None:
        metrics.CALLS_ANALYZED.labels(status).inc()
        metrics.DROPOFFS.labels(payload["dropoff"]["action"]).inc()
        metrics.LANGUAGES.labels(payload["language"]["conversational"]).inc()
        routing = payload["dealer_routing"]
        metrics.ROUTING.labels(str(routing["status"]).lower(), routing["reason"]).inc()
        metrics.CALL_DURATION_SECONDS.labels(status).observe(payload["duration"])
        for item in payload["response_data"]:
            metrics.FIELD_REMARKS.labels(item["key_value"], item["remarks"]).inc()
            if item["attempts"]:
                metrics.FIELD_ATTEMPTS.labels(item["key_value"]).observe(item["attempts"])
        for field, seconds in response_times(extraction):
            metrics.RESPONSE_SECONDS.labels(field).observe(seconds)

    def on_attempt(self, attempt: Attempt) -> None:
        if attempt.target != "primary":
            return
        metrics.WEBHOOK_ATTEMPTS.labels(*attempt_labels(attempt)).inc()
        if attempt.number > 1:
            metrics.WEBHOOK_RETRIES.inc()

    def on_delivery(self, status: DeliveryStatus, seconds: float | None) -> None:
        metrics.WEBHOOK_DELIVERIES.labels(str(status)).inc()
        if seconds is not None:
            metrics.WEBHOOK_DELIVERY_SECONDS.observe(seconds)

    def on_delivered(self, since_call_end_s: float, since_ingest_s: float | None) -> None:
        metrics.END_TO_END_SECONDS.observe(max(0.0, since_call_end_s))
        if since_ingest_s is not None:
            metrics.PIPELINE_LATENCY_SECONDS.observe(max(0.0, since_ingest_s))

    def on_delayed_retry(self, retry: int) -> None:
        metrics.DELAYED_RETRIES.labels(self.stage, str(retry)).inc()

    def on_retry_requeued(self) -> None:
        metrics.RETRY_REQUEUED.inc()

    def on_retry_started(self, lateness_s: float) -> None:
        metrics.RETRY_LATENESS_SECONDS.observe(max(0.0, lateness_s))

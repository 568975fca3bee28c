"""The spec's seven data-quality figures, counted once per analysed call.

1. completion (`callpipe_calls_analyzed_total{overall_status}`, with the
   spec's condition: name, model and email all verified);
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

from typing import Any

from callpipe import metrics
from callpipe.analysis.extraction import Extraction
from callpipe.streams.records import overall_status


def response_times(extraction: Extraction) -> list[tuple[str, float]]:
    """(field, seconds) of every attempt, in the extraction's order; never negative."""
    return [
        (entry.field, max(0.0, (attempt.end - attempt.start).total_seconds()))
        for entry in extraction.fields
        for attempt in entry.attempts
    ]


def count_quality(payload: dict[str, Any], extraction: Extraction) -> None:
    """Adds one call to the seven figures."""
    status = overall_status(payload)
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

"""Prometheus metrics of a worker process (served on /metrics, see streams.worker).

Labels are bounded: stages, outcomes, status classes, the spec's fixed
vocabularies (languages, routing reasons, dropoff actions, fields), and the
circuit's ``destination``, the configured webhook URL without credentials or
query (one per configured endpoint). Never a call id.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_E2E_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 300, 900, 3600)

RECORDS_IN = Counter("callpipe_records_in_total", "Records consumed by an agent.", ["stage"])
RECORDS_OUT = Counter("callpipe_records_out_total", "Records produced by an agent.", ["stage"])
RECORD_ERRORS = Counter(
    "callpipe_record_errors_total",
    "Records an agent could not process (sent to a dead-letter topic).",
    ["stage", "error"],
)
PROCESSING_SECONDS = Histogram(
    "callpipe_processing_seconds", "Time an agent spent on one record.", ["stage"],
    buckets=_LATENCY_BUCKETS,
)
DEAD_LETTERS = Counter("callpipe_dead_letters_total", "Records written to a dead-letter topic.",
                       ["topic"])

WEBHOOK_ATTEMPTS = Counter(
    "callpipe_webhook_attempts_total", "HTTP attempts to deliver a webhook.",
    ["outcome", "status_class"],
)
WEBHOOK_RETRIES = Counter("callpipe_webhook_retries_total", "Webhook attempts that were retries.")
WEBHOOK_DELIVERIES = Counter(
    "callpipe_webhook_deliveries_total", "Final delivery outcomes, one per call.", ["outcome"]
)
WEBHOOK_DELIVERY_SECONDS = Histogram(
    "callpipe_webhook_delivery_seconds", "Time from first attempt to final outcome.",
    buckets=_LATENCY_BUCKETS,
)
CIRCUIT_OPEN = Gauge(
    "callpipe_webhook_circuit_open",
    "1 while the destination's circuit is open (nothing posted but probes), else 0.",
    ["destination"],
)
CIRCUIT_WAITING = Gauge(
    "callpipe_webhook_circuit_waiting", "Calls waiting for the circuit to close.", ["destination"]
)
CIRCUIT_PROBES = Counter(
    "callpipe_webhook_circuit_probes_total",
    "Calls tried while the circuit was open, by result (success closes it).",
    ["destination", "result"],
)
DELAYED_RETRIES = Counter(
    "callpipe_webhook_delayed_retries_total",
    "Calls put on webhooks.retry for a delayed retry, by stage and retry number.",
    ["stage", "retry"],
)
RETRY_REQUEUED = Counter(
    "callpipe_webhook_retry_requeued_total",
    "Records the retry stage put back at the end of webhooks.retry (not due yet).",
)
RETRY_LATENESS_SECONDS = Histogram(
    "callpipe_webhook_retry_lateness_seconds",
    "How long after its due time a delayed retry was started (before any wait for an open "
    "circuit).",
    buckets=_LATENCY_BUCKETS,
)
END_TO_END_SECONDS = Histogram(
    "callpipe_end_to_end_seconds", "From the call's end to the webhook's acceptance.",
    buckets=_E2E_BUCKETS,
)

# The spec's data-quality figures, counted when a call is analysed.
CALLS_ANALYZED = Counter("callpipe_calls_analyzed_total", "Calls by overall status.",
                         ["overall_status"])
DROPOFFS = Counter("callpipe_dropoffs_total", "Calls by dropoff stage ('' = none).", ["action"])
LANGUAGES = Counter("callpipe_languages_total", "Calls by conversational language.",
                    ["language"])
ROUTING = Counter("callpipe_dealer_routing_total", "Calls by routing reason.",
                  ["status", "reason"])
FIELD_REMARKS = Counter("callpipe_field_remarks_total", "Data points by remarks.",
                        ["field", "remarks"])
FIELD_ATTEMPTS = Histogram("callpipe_field_attempts", "Attempts per asked data point.",
                           ["field"], buckets=(1, 2, 3, 4, 5, 8))
CALL_DURATION_SECONDS = Histogram(
    "callpipe_call_duration_seconds", "Call duration by overall status.", ["overall_status"],
    buckets=(15, 30, 60, 90, 120, 180, 240, 300, 600, 1200),
)

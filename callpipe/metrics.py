"""Prometheus metrics of callpipe's processes, each family in the registry of its owner.

A worker serves only what it owns (`registry_for`): every stage worker
serves the `PIPELINE` families (records in and out, errors, dead letters,
consumer lag) and the process collectors; the analysis worker alone serves
the spec's data-quality figures (`ANALYSIS`), the delivery worker alone the
webhook and latency figures (`DELIVERY`), the extraction worker alone the
LLM extractor's (`EXTRACTION`, see callpipe.connectors.llm.metrics), and `callpipe
ingest` its requests (`INGEST`). So a sum over all targets never mixes in a
family that another process exports at zero.

Labels are bounded: stages, outcomes, status classes, partitions, the spec's
fixed vocabularies (languages, routing reasons, dropoff actions, fields), and
the circuit's ``destination``, the configured webhook URL without credentials
or query (one per configured endpoint). Never a call id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

# A `*_created` gauge beside every counter and histogram doubles the series for a
# start time that `process_start_time_seconds` already gives.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client

Owner = Literal["extraction", "analysis", "delivery", "retry", "ingest"]

PIPELINE = CollectorRegistry()
"""Families every stage worker serves (labelled by stage)."""
EXTRACTION = CollectorRegistry()
ANALYSIS = CollectorRegistry()
DELIVERY = CollectorRegistry()
INGEST = CollectorRegistry()
_OWNED: dict[Owner, CollectorRegistry] = {
    "extraction": EXTRACTION,
    "analysis": ANALYSIS,
    "delivery": DELIVERY,
    "retry": DELIVERY,  # the retry stage posts webhooks too: the same families, its own counts
    "ingest": INGEST,
}

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_DAY = 86_400
PIPELINE_LATENCY_BUCKETS = (
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    60,
    300,
    900,
    3600,
    6 * 3600,
    _DAY,
    7 * _DAY,
    30 * _DAY,
    90 * _DAY,
    365 * _DAY,
)
"""One set for both latencies: tens of milliseconds for a live call measured from its
ingest, up to a year for a backfilled call measured from its end."""
RESPONSE_BUCKETS = (0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 120, 300)

# --- every stage ----------------------------------------------------------------
RECORDS_IN, RECORDS_OUT = (
    Counter(name, doc, ["stage"], registry=PIPELINE)
    for name, doc in (
        ("callpipe_records_in_total", "Records consumed by an agent."),
        ("callpipe_records_out_total", "Records produced by an agent."),
    )
)
RECORD_ERRORS = Counter(
    "callpipe_record_errors_total",
    "Records an agent could not process (sent to a dead-letter topic).",
    ["stage", "error"],
    registry=PIPELINE,
)
PROCESSING_SECONDS = Histogram(
    "callpipe_processing_seconds",
    "Time an agent spent on one record.",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
    registry=PIPELINE,
)
DEAD_LETTERS = Counter(
    "callpipe_dead_letters_total",
    "Records written to a dead-letter topic.",
    ["topic"],
    registry=PIPELINE,
)

# Consumer lag of every stage's group, as the broker sees it (callpipe.streams.lag): every
# running worker reports all stages, so a stopped stage's backlog stays visible.
_PARTITION = ["stage", "topic", "partition"]
CONSUMER_LAG = Gauge(
    "callpipe_consumer_lag",
    "Records on the stage's source partition its group has not committed.",
    _PARTITION,
    registry=PIPELINE,
)
COMMITTED_OFFSET = Gauge(
    "callpipe_consumer_committed_offset",
    "The stage group's committed offset (absent before its first commit).",
    _PARTITION,
    registry=PIPELINE,
)
END_OFFSET = Gauge(
    "callpipe_consumer_end_offset",
    "The source partition's end offset (high watermark).",
    _PARTITION,
    registry=PIPELINE,
)
LAG_PROBE_SUCCESS = Gauge(
    "callpipe_consumer_lag_probe_success",
    "1 when the last lag probe reached the broker, else 0.",
    registry=PIPELINE,
)

# --- delivery -------------------------------------------------------------------
WEBHOOK_ATTEMPTS = Counter(
    "callpipe_webhook_attempts_total",
    "HTTP attempts to deliver a webhook.",
    ["outcome", "status_class"],
    registry=DELIVERY,
)
WEBHOOK_RETRIES = Counter(
    "callpipe_webhook_retries_total", "Webhook attempts that were retries.", registry=DELIVERY
)
WEBHOOK_DELIVERIES = Counter(
    "callpipe_webhook_deliveries_total",
    "Final delivery outcomes, one per call.",
    ["outcome"],
    registry=DELIVERY,
)
WEBHOOK_DELIVERY_SECONDS = Histogram(
    "callpipe_webhook_delivery_seconds",
    "Time from first attempt to final outcome.",
    buckets=_LATENCY_BUCKETS,
    registry=DELIVERY,
)
CIRCUIT_OPEN = Gauge(
    "callpipe_webhook_circuit_open",
    "1 while the destination's circuit is open (nothing posted but probes), else 0.",
    ["destination"],
    registry=DELIVERY,
)
CIRCUIT_WAITING = Gauge(
    "callpipe_webhook_circuit_waiting",
    "Calls waiting for the circuit to close.",
    ["destination"],
    registry=DELIVERY,
)
CIRCUIT_PROBES = Counter(
    "callpipe_webhook_circuit_probes_total",
    "Calls tried while the circuit was open, by result (success closes it).",
    ["destination", "result"],
    registry=DELIVERY,
)
DELAYED_RETRIES = Counter(
    "callpipe_webhook_delayed_retries_total",
    "Calls put on webhooks.retry for a delayed retry, by stage and retry number.",
    ["stage", "retry"],
    registry=DELIVERY,
)
RETRY_REQUEUED = Counter(
    "callpipe_webhook_retry_requeued_total",
    "Records the retry stage put back at the end of webhooks.retry (not due yet).",
    registry=DELIVERY,
)
RETRY_LATENESS_SECONDS = Histogram(
    "callpipe_webhook_retry_lateness_seconds",
    "How long after its due time a delayed retry was started (before any wait for an open "
    "circuit).",
    buckets=_LATENCY_BUCKETS,
    registry=DELIVERY,
)
END_TO_END_SECONDS = Histogram(
    "callpipe_end_to_end_seconds",
    "From the call's end to the webhook's acceptance.",
    buckets=PIPELINE_LATENCY_BUCKETS,
    registry=DELIVERY,
)
PIPELINE_LATENCY_SECONDS = Histogram(
    "callpipe_pipeline_latency_seconds",
    "From the call's ingest (its Kafka timestamp on calls.transcript-saved) to the "
    "webhook's acceptance.",
    buckets=PIPELINE_LATENCY_BUCKETS,
    registry=DELIVERY,
)
for _outcome in ("delivered", "failed_permanent", "failed_retries_exhausted"):
    WEBHOOK_DELIVERIES.labels(_outcome)  # at 0 from the start, so ratios and alerts work

# --- analysis: the spec's seven data-quality figures ------------------------------
CALLS_ANALYZED = Counter(
    "callpipe_calls_analyzed_total",
    "Calls by completion: complete = name, model and email all verified (spec figure 1).",
    ["overall_status"],
    registry=ANALYSIS,
)
DROPOFFS, LANGUAGES = (
    Counter(name, doc, [label], registry=ANALYSIS)
    for name, doc, label in (
        ("callpipe_dropoffs_total", "Calls by dropoff stage ('' = none).", "action"),
        ("callpipe_languages_total", "Calls by conversational language.", "language"),
    )
)
ROUTING, FIELD_REMARKS = (
    Counter(name, doc, labels, registry=ANALYSIS)
    for name, doc, labels in (
        ("callpipe_dealer_routing_total", "Calls by routing reason.", ["status", "reason"]),
        ("callpipe_field_remarks_total", "Data points by remarks.", ["field", "remarks"]),
    )
)
FIELD_ATTEMPTS = Histogram(
    "callpipe_field_attempts",
    "Attempts per asked data point.",
    ["field"],
    buckets=(1, 2, 3, 4, 5, 8),
    registry=ANALYSIS,
)
CALL_DURATION_SECONDS = Histogram(
    "callpipe_call_duration_seconds",
    "Call duration by overall status.",
    ["overall_status"],
    buckets=(15, 30, 60, 90, 120, 180, 240, 300, 600, 1200),
    registry=ANALYSIS,
)
RESPONSE_SECONDS = Histogram(
    "callpipe_response_seconds",
    "Response time of one attempt (its end minus its start, from the extraction's times).",
    ["field"],
    buckets=RESPONSE_BUCKETS,
    registry=ANALYSIS,
)

# The spec's vocabularies, each series at 0 from the start: increase() and rate() then
# count a call from the first one on (tests/unit/test_metrics_owners.py keeps them
# equal to the engine's).
OVERALL_STATUSES = ("complete", "partial", "failed")
FIELDS = ("name", "model", "email")
REMARKS = ("verified", "not_available", "not_attempted")
DROPOFF_ACTIONS = ("", "ivr", "name", "model", "email")
SPEC_LANGUAGES = ("hindi", "english", "tamil", "telugu", "kannada", "gujarati", "punjabi")
ROUTING_REASONS = (
    ("true", "Customer requested to speak with dealer"),
    ("true", "All data collected - routing to dealer"),
    ("true", "Unable to understand customer responses"),
    ("false", "Partial data collected - call ended"),
    ("false", "No data collected - call failed"),
)
for _status in OVERALL_STATUSES:
    CALLS_ANALYZED.labels(_status)
    CALL_DURATION_SECONDS.labels(_status)
for _field in FIELDS:
    FIELD_ATTEMPTS.labels(_field)
    RESPONSE_SECONDS.labels(_field)
    for _remarks in REMARKS:
        FIELD_REMARKS.labels(_field, _remarks)
for _action in DROPOFF_ACTIONS:
    DROPOFFS.labels(_action)
for _language in SPEC_LANGUAGES:
    LANGUAGES.labels(_language)
for _routed, _reason in ROUTING_REASONS:
    ROUTING.labels(_routed, _reason)

# --- ingest ---------------------------------------------------------------------
INGEST_OUTCOMES = ("accepted", "invalid", "too_large", "unauthorized", "unavailable")
INGEST_REQUESTS = Counter(
    "callpipe_ingest_requests_total",
    "POST /v1/transcripts requests by outcome.",
    ["outcome"],
    registry=INGEST,
)
INGEST_REQUEST_SECONDS = Histogram(
    "callpipe_ingest_request_seconds",
    "Time to answer one POST /v1/transcripts.",
    buckets=_LATENCY_BUCKETS,
    registry=INGEST,
)
for _outcome in INGEST_OUTCOMES:
    INGEST_REQUESTS.labels(_outcome)


class _Union(Collector):
    """A collector that yields what other registries collect (one /metrics page)."""

    def __init__(self, registries: Iterable[CollectorRegistry]) -> None:
        self._registries = tuple(registries)

    def collect(self) -> Iterator[Metric]:
        for registry in self._registries:
            yield from registry.collect()


def registry_for(owner: Owner) -> CollectorRegistry:
    """What the process of ``owner`` serves on /metrics: its own families, the stage
    families when it is a stage worker, and the process collectors."""
    parts = [REGISTRY, _OWNED[owner]]
    if owner != "ingest":
        parts.insert(1, PIPELINE)
    served = CollectorRegistry()
    served.register(_Union(parts))
    return served

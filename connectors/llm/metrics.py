"""Prometheus metrics of the LLM extractor (served by the extraction worker only).

Labels are bounded: outcomes and fallback reasons are the fixed ``reason``
words of `callpipe.connectors.llm.errors` (plus ``ok``), directions ``in``/``out``,
drop reasons those of `callpipe.connectors.llm.answer`. Never a call id, a model name
or any text of a call.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from callpipe.metrics import EXTRACTION

_LLM_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120)

FALLBACK_REASONS = ("timeout", "unavailable", "rejected", "refused", "invalid_answer", "error")
REQUEST_OUTCOMES = ("ok", *FALLBACK_REASONS)

LLM_REQUESTS = Counter(
    "callpipe_llm_requests_total",
    "LLM chat requests (one per call, SDK retries included) by outcome.",
    ["outcome"],
    registry=EXTRACTION,
)
LLM_REQUEST_SECONDS = Histogram(
    "callpipe_llm_request_seconds",
    "Time of one LLM request, SDK retries included, queueing for a slot excluded.",
    buckets=_LLM_BUCKETS,
    registry=EXTRACTION,
)
LLM_TOKENS = Counter(
    "callpipe_llm_tokens_total",
    "Tokens reported by the endpoint (in: prompt, out: completion).",
    ["direction"],
    registry=EXTRACTION,
)
LLM_FALLBACKS = Counter(
    "callpipe_llm_fallbacks_total",
    "Calls whose values came from the rules instead, by reason.",
    ["reason"],
    registry=EXTRACTION,
)
LLM_CACHE_HITS = Counter(
    "callpipe_llm_cache_hits_total",
    "Calls answered from the on-disk cache (no request).",
    registry=EXTRACTION,
)
LLM_VALUES_DROPPED = Counter(
    "callpipe_llm_values_dropped_total",
    "Pieces of otherwise usable LLM answers that were not trusted, by reason.",
    ["reason"],
    registry=EXTRACTION,
)

# Every series exists from the start (at 0), so rate() and alerts work before the first failure.
for _outcome in REQUEST_OUTCOMES:
    LLM_REQUESTS.labels(_outcome)
for _reason in FALLBACK_REASONS:
    LLM_FALLBACKS.labels(_reason)
for _direction in ("in", "out"):
    LLM_TOKENS.labels(_direction)

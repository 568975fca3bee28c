"""Each process serves only the metric families it owns (callpipe.metrics.registry_for)."""

from __future__ import annotations

import pytest
from prometheus_client import generate_latest

from callpipe import metrics
from callpipe.connectors.llm import (
    metrics as llm_metrics,  # registers the extraction worker's LLM families
)

STAGE_FAMILIES = (
    "callpipe_records_in_total",
    "callpipe_dead_letters_total",
    "callpipe_consumer_lag",
    "callpipe_consumer_end_offset",
)
OWNED = {
    "extraction": ("callpipe_llm_requests_total", "callpipe_llm_request_seconds"),
    "analysis": (
        "callpipe_calls_analyzed_total",
        "callpipe_response_seconds",
        "callpipe_call_duration_seconds",
        "callpipe_dealer_routing_total",
    ),
    "delivery": (
        "callpipe_webhook_deliveries_total",
        "callpipe_pipeline_latency_seconds",
        "callpipe_end_to_end_seconds",
        "callpipe_webhook_retries_total",
    ),
    "ingest": ("callpipe_ingest_requests_total", "callpipe_ingest_request_seconds"),
}


def _families(owner: metrics.Owner) -> set[str]:
    text = generate_latest(metrics.registry_for(owner)).decode()
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


@pytest.mark.parametrize("owner", sorted(OWNED))
def test_a_process_serves_its_own_families_and_no_other_owners(owner: metrics.Owner) -> None:
    """Its own families and the process collectors are there; another owner's never are."""
    assert llm_metrics.LLM_REQUESTS is not None
    families = _families(owner)
    assert set(OWNED[owner]) <= families
    assert "process_cpu_seconds_total" in families
    for other, names in OWNED.items():
        if other != owner:
            assert not set(names) & families, other


@pytest.mark.parametrize("owner", ["extraction", "analysis", "delivery"])
def test_every_stage_worker_serves_the_stage_families(owner: metrics.Owner) -> None:
    """Records, dead letters and the consumer lag are served by each stage's worker."""
    assert set(STAGE_FAMILIES) <= _families(owner)


def test_ingest_serves_no_stage_families() -> None:
    """callpipe ingest consumes nothing, so it has no records-in or lag families."""
    assert not set(STAGE_FAMILIES) & _families("ingest")


def test_the_series_made_at_start_are_the_engines_vocabularies() -> None:
    """Languages, routing reasons (with their status) and dropoff actions created at 0 are
    exactly those the engine can emit, so none is missing from a rate()."""
    from callpipe.analysis.config import load_analysis_config
    from callpipe.analysis.routing import REASONS

    config = load_analysis_config(None)
    assert set(metrics.SPEC_LANGUAGES) == set(config.language_names)
    routed = {"dealer_requested", "all_data_collected", "understanding_issues"}
    assert set(metrics.ROUTING_REASONS) == {
        (str(rule in routed).lower(), reason) for rule, reason in REASONS.items()
    }
    assert set(metrics.DROPOFF_ACTIONS) == {"", "ivr", *metrics.FIELDS}

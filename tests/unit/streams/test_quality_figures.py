"""The spec's seven figures and the pipeline latency, measured by the processors (no Kafka)."""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe import metrics
from callpipe.analysis.config import load_analysis_config
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import Attempt, DeliveryOutcome, DeliveryStatus
from callpipe.records import transcript_saved_record
from callpipe.settings import load_settings
from callpipe.streams.messages import Consumed
from callpipe.streams.processors.analysis import AnalysisProcessor
from callpipe.streams.processors.delivery import DeliveryProcessor
from callpipe.streams.processors.extraction import ExtractionProcessor
from callpipe.streams.prometheus_observer import PrometheusStageObserver
from callpipe.topics import ANALYZED, EXTRACTED, TRANSCRIPT_SAVED
from tests.unit.streams.webhook_fakes import in_memory_serdes

TZ = ZoneInfo("Asia/Kolkata")
FIELDS = ("name", "model", "email")
EXAMPLE_1 = Path(__file__).resolve().parents[3] / "examples" / "01-complete-hindi.transcript.json"


def _spec_status(payload: dict[str, Any]) -> str:
    """The spec's figure 1: complete when name, model and email each have a verified data
    point, partial when one or two have, failed when none has."""
    verified = {i["key_value"] for i in payload["response_data"] if i["remarks"] == "verified"}
    found = verified & set(FIELDS)
    return "complete" if len(found) == 3 else "partial" if found else "failed"


_SERDES = in_memory_serdes(load_settings(topic_prefix="unit."))


@functools.cache
def _extracted_example_1_bytes() -> bytes:
    return _extract(_SERDES, json.loads(EXAMPLE_1.read_text()), None)


def _extracted_example_1() -> dict[str, Any]:
    """Example 1's calls.extracted record (all three fields found), a fresh copy."""
    return _SERDES.for_topic(EXTRACTED).decode(_extracted_example_1_bytes())


@given(st.sets(st.sampled_from(FIELDS)))
def test_complete_means_name_model_and_email_each_verified(kept: set[str]) -> None:
    """The analysed record's overall_status (the engine's decision, carried) is complete
    exactly when each of the three fields is verified, partial when one or two are, failed
    when none is: a call whose values were found for the fields in ``kept`` only."""
    record = _extracted_example_1()
    for entry in record["fields"]:
        if entry["field"] not in kept:
            entry["value"] = None
    encoded = _SERDES.for_topic(EXTRACTED).encode(record)
    analyzed = _SERDES.for_topic(ANALYZED).decode(_analyse(_SERDES, encoded))
    assert analyzed["overall_status"] == _spec_status(analyzed["payload"])
    assert analyzed["overall_status"] == (
        "complete" if len(kept) == 3 else "partial" if kept else "failed"
    )


def _sample(registry: Any, name: str, **labels: str) -> float:
    return float(registry.get_sample_value(name, labels) or 0.0)


def _examples(contract_examples: list[tuple[Path, Path]]) -> list[dict[str, Any]]:
    return [json.loads(transcript.read_text()) for transcript, _ in contract_examples]


def _extract(serdes: SerdeFactory, transcript: dict[str, Any], timestamp: float | None) -> bytes:
    saved = serdes.for_topic(TRANSCRIPT_SAVED).encode(transcript_saved_record(transcript, "t"))
    consumed = Consumed("unit.calls.transcript-saved", 0, 1, b"k", saved, timestamp)
    processor = ExtractionProcessor(serdes, load_analysis_config(None), TZ)
    [output] = asyncio.run(processor.process(consumed))
    return output.value


def _analyse(serdes: SerdeFactory, extracted: bytes) -> bytes:
    processor = AnalysisProcessor(
        serdes, load_analysis_config(None), TZ, observer=PrometheusStageObserver("analysis")
    )
    consumed = Consumed("unit.calls.extracted", 0, 1, b"k", extracted)
    [output] = asyncio.run(processor.process(consumed))
    return output.value


def test_completion_of_the_contract_examples(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Example 1 is the one complete call; the other three have one or two fields verified."""
    statuses = []
    for transcript in _examples(contract_examples):
        analyzed = _analyse(serdes, _extract(serdes, transcript, None))
        statuses.append(serdes.for_topic(ANALYZED).decode(analyzed)["overall_status"])
    assert statuses == ["complete", "partial", "partial", "partial"]


def test_response_time_is_each_attempts_end_minus_its_start(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Example 1: name 5 s, model 5 s, email 5 s and 10 s (the contract's attempt windows)."""
    extracted = _extract(serdes, _examples(contract_examples)[0], None)
    before = {
        field: (
            _sample(metrics.ANALYSIS, "callpipe_response_seconds_count", field=field),
            _sample(metrics.ANALYSIS, "callpipe_response_seconds_sum", field=field),
        )
        for field in FIELDS
    }
    _analyse(serdes, extracted)
    expected = {"name": (1, 5.0), "model": (1, 5.0), "email": (2, 15.0)}
    for field, (count, total) in expected.items():
        assert _sample(metrics.ANALYSIS, "callpipe_response_seconds_count", field=field) == (
            before[field][0] + count
        )
        assert _sample(
            metrics.ANALYSIS, "callpipe_response_seconds_sum", field=field
        ) == pytest.approx(before[field][1] + total)


class _DeliveringSender:
    url = "http://receiver.test/api/webhooks/singleinterface"
    enabled = True
    gate = None  # no circuit breaker in front of it

    async def deliver(self, payload: dict[str, Any], key: str) -> DeliveryOutcome:
        attempt = Attempt("primary", 1, "2026-01-01T00:00:00.000Z", 3.0, 200, None, None)
        return DeliveryOutcome(DeliveryStatus.DELIVERED, key, 200, None, (attempt,))

    async def aclose(self) -> None:
        return None


def _deliver(serdes: SerdeFactory, analyzed: bytes) -> None:
    processor = DeliveryProcessor(
        serdes,
        _DeliveringSender(),  # type: ignore[arg-type]
        concurrency=1,
        observer=PrometheusStageObserver("delivery"),
    )
    asyncio.run(processor.process(Consumed("unit.calls.analyzed", 0, 1, b"k", analyzed)))


def test_ingest_time_travels_from_the_transcript_record_to_the_pipeline_latency(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """The TranscriptSaved record's Kafka timestamp reaches calls.analyzed; delivery measures
    from it (seconds), while the call-end latency of a 2025 call is months."""
    ingested = datetime.now(UTC).timestamp() - 2.0
    extracted = _extract(serdes, _examples(contract_examples)[0], ingested)
    assert serdes.for_topic(EXTRACTED).decode(extracted)["ingested_at"] == datetime.fromtimestamp(
        int(ingested * 1000) / 1000, UTC
    )
    analyzed = _analyse(serdes, extracted)
    record = serdes.for_topic(ANALYZED).decode(analyzed)
    assert record["ingested_at"] == datetime.fromtimestamp(int(ingested * 1000) / 1000, UTC)
    count = _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_count")
    total = _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_sum")
    in_10s = _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_bucket", le="10.0")
    _deliver(serdes, analyzed)
    assert _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_count") == count + 1
    assert 2.0 <= _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_sum") - total < 10
    after = _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_bucket", le="10.0")
    assert after == in_10s + 1


def test_both_latencies_share_buckets_from_ten_milliseconds_to_a_year() -> None:
    """Ingest latency (milliseconds) and call-end latency of a backfill (months) both fit."""
    for histogram in (metrics.PIPELINE_LATENCY_SECONDS, metrics.END_TO_END_SECONDS):
        bounds = [b for b in histogram._upper_bounds if b != float("inf")]
        assert bounds[0] <= 0.01 and bounds[-1] >= 365 * 86_400
    assert (
        metrics.PIPELINE_LATENCY_SECONDS._upper_bounds == metrics.END_TO_END_SECONDS._upper_bounds
    )


@pytest.mark.parametrize("timestamp", [None, -0.001])
def test_a_record_without_a_kafka_timestamp_is_not_measured(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]], timestamp: float | None
) -> None:
    """No timestamp (None, or Kafka's -1 ms): ingested_at is null and no latency is made up."""
    analyzed = _analyse(serdes, _extract(serdes, _examples(contract_examples)[1], timestamp))
    assert serdes.for_topic(ANALYZED).decode(analyzed)["ingested_at"] is None
    count = _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_count")
    _deliver(serdes, analyzed)
    assert _sample(metrics.DELIVERY, "callpipe_pipeline_latency_seconds_count") == count

"""The stages report through their StageObserver, and only streams' Prometheus observer
touches the metric globals."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from callpipe.analysis.config import load_analysis_config
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import DeliveryStatus
from callpipe.connectors.webhook.schedule import RetrySchedule
from callpipe.records import transcript_saved_record
from callpipe.streams.messages import Consumed
from callpipe.streams.observer import NullStageObserver, StageObserver
from callpipe.streams.processors.analysis import AnalysisProcessor
from callpipe.streams.processors.delivery import DeliveryProcessor
from callpipe.streams.processors.extraction import ExtractionProcessor
from callpipe.streams.processors.retry import RetryProcessor
from callpipe.streams.prometheus_observer import PrometheusStageObserver
from callpipe.topics import ANALYZED, CALLS_DEAD_LETTER, TRANSCRIPT_SAVED, WEBHOOKS_DEAD_LETTER
from tests.unit.streams.observer_fakes import RecordingObserver
from tests.unit.streams.webhook_fakes import (
    TZ,
    Clock,
    ScriptedSender,
    analyzed_bytes,
    outcome,
)

STREAMS = Path(__file__).resolve().parents[3] / "streams"
METRICS_USERS = {"prometheus_observer.py", "circuit_report.py", "lag.py", "worker.py"}
"""The observer itself; the circuit's own observer; the lag monitor; the /metrics server."""


def _processor(serdes: SerdeFactory, observer: StageObserver, stage: str) -> Any:
    config = load_analysis_config(None)
    sender: Any = ScriptedSender([])
    if stage == "extraction":
        return ExtractionProcessor(serdes, config, TZ, observer=observer)
    if stage == "analysis":
        return AnalysisProcessor(serdes, config, TZ, observer=observer)
    if stage == "delivery":
        return DeliveryProcessor(serdes, sender, 1, observer=observer)
    schedule = RetrySchedule()
    return RetryProcessor(serdes, sender, schedule, hold_s=60, posting=1, observer=observer)


@pytest.mark.parametrize("stage", ["extraction", "analysis", "delivery", "retry"])
def test_an_undecodable_record_is_observed_as_a_dead_letter(
    serdes: SerdeFactory, stage: str
) -> None:
    """Each stage names its dead-letter topic at start and reports the DecodeError."""
    observer = RecordingObserver()
    processor = _processor(serdes, observer, stage)
    [output] = asyncio.run(processor.process(Consumed("t", 0, 1, b"k", b"\x00junk")))
    topic = CALLS_DEAD_LETTER if stage in ("extraction", "analysis") else WEBHOOKS_DEAD_LETTER
    assert output.topic == topic
    assert observer.named("on_dead_letter_topic") == [(topic,)]
    assert observer.named("on_dead_letter") == [(topic, "DecodeError")]


def test_the_analysis_stage_reports_the_engines_status(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Example 2 is partial: the observer hears the status and payload the record carries."""
    transcript = json.loads(contract_examples[1][0].read_text())
    saved = serdes.for_topic(TRANSCRIPT_SAVED).encode(transcript_saved_record(transcript, "t"))
    extraction = _processor(serdes, NullStageObserver(), "extraction")
    [extracted] = asyncio.run(extraction.process(Consumed("t", 0, 0, None, saved)))
    observer = RecordingObserver()
    analysis = _processor(serdes, observer, "analysis")
    [analysed] = asyncio.run(analysis.process(Consumed("e", 0, 0, None, extracted.value)))
    record = serdes.for_topic(ANALYZED).decode(analysed.value)
    [(payload, _extraction, status)] = observer.named("on_call_analyzed")
    assert status == record["overall_status"] == "partial"
    assert payload == record["payload"]


def test_a_delivery_is_observed_with_its_time_and_latencies(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Delivered: the outcome with a time, then both latencies (no ingest time: None)."""
    observer = RecordingObserver()
    sender = ScriptedSender([outcome(DeliveryStatus.DELIVERED, 200)])
    processor = DeliveryProcessor(serdes, sender, 1, clock=Clock(), observer=observer)  # type: ignore[arg-type]
    analysed = analyzed_bytes(serdes, contract_examples[0][0])
    asyncio.run(processor.process(Consumed("a", 0, 0, b"k", analysed)))
    [(status, seconds)] = observer.named("on_delivery")
    assert status is DeliveryStatus.DELIVERED and seconds is not None and seconds >= 0
    [(since_end, since_ingest)] = observer.named("on_delivered")
    assert since_end > 0 and since_ingest is None


def test_a_first_delayed_retry_is_observed(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Retries exhausted with a schedule: retry 1 is reported."""
    observer = RecordingObserver()
    failed = outcome(DeliveryStatus.FAILED_RETRIES_EXHAUSTED, 500, attempts=2)
    sender = ScriptedSender([failed])
    schedule = RetrySchedule.parse("30s")
    processor = DeliveryProcessor(serdes, sender, 1, schedule, Clock(), observer=observer)  # type: ignore[arg-type]
    analysed = analyzed_bytes(serdes, contract_examples[0][0])
    asyncio.run(processor.process(Consumed("a", 0, 0, b"k", analysed)))
    assert observer.named("on_delayed_retry") == [(1,)]


def test_the_observers_satisfy_the_seam() -> None:
    """The no-op, the Prometheus and the recording observers are all StageObservers."""
    observers: list[StageObserver] = [
        NullStageObserver(),
        PrometheusStageObserver("analysis"),
        RecordingObserver(),
    ]
    assert len(observers) == 3


@pytest.mark.parametrize("path", sorted(STREAMS.rglob("*.py")), ids=lambda p: p.name)
def test_stage_code_never_touches_the_metric_globals(path: Path) -> None:
    """Processors, the agent loop and dead letters report to the observer instead."""
    uses = re.search(
        r"^from callpipe import metrics|^import callpipe\.metrics", path.read_text(), re.M
    )
    assert uses is None or path.name in METRICS_USERS

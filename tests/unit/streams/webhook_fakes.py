"""Fakes of the webhook stage tests: an in-memory registry, a scripted sender, a clock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.common.avro import _schema_loads

from callpipe.analysis.config import load_analysis_config
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import Attempt, DeliveryOutcome, DeliveryStatus
from callpipe.edges import registry_config
from callpipe.records import transcript_saved_record
from callpipe.settings import Settings
from callpipe.streams.messages import Consumed
from callpipe.streams.processors.analysis import AnalysisProcessor
from callpipe.streams.processors.extraction import ExtractionProcessor
from callpipe.topics import TOPICS, TRANSCRIPT_SAVED, subject_for

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Kolkata")


def in_memory_serdes(settings: Settings) -> SerdeFactory:
    client = SchemaRegistryClient.new_client({"url": "mock://webhook-stages"})
    for name, spec in TOPICS.items():
        # The in-memory registry only matches the exact form _schema_loads gives.
        client.register_schema(subject_for(settings, name), _schema_loads(spec.schema_str()))
    return SerdeFactory(registry_config(settings), client=client)


def analyzed_bytes(serdes: SerdeFactory, transcript_path: Path) -> bytes:
    """A real calls.analyzed record of a contract example, through both stages."""
    transcript = json.loads(transcript_path.read_text())
    config = load_analysis_config(None)
    saved = serdes.for_topic(TRANSCRIPT_SAVED).encode(transcript_saved_record(transcript, "t"))
    extraction = ExtractionProcessor(serdes, config, TZ)
    [extracted] = asyncio.run(extraction.process(Consumed("t", 0, 0, None, saved)))
    analysis = AnalysisProcessor(serdes, config, TZ)
    [analyzed] = asyncio.run(analysis.process(Consumed("e", 0, 0, None, extracted.value)))
    return analyzed.value


class Clock:
    """Wall clock and monotonic clock that only the injected sleep moves."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return (self.now - START).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def outcome(
    status: DeliveryStatus,
    http_status: int | None,
    *,
    attempts: int = 1,
    retry_after_s: float | None = None,
) -> DeliveryOutcome:
    tries = tuple(
        Attempt("primary", n, "2026-01-01T09:00:00.000Z", 5.0, http_status, None, None)
        for n in range(1, attempts + 1)
    )
    error = None if status is DeliveryStatus.DELIVERED else f"HTTP {http_status}"
    return DeliveryOutcome(status, "k", http_status, error, tries, retry_after_s=retry_after_s)


class ScriptedSender:
    """Stands in for WebhookSender: answers the given outcomes in turn."""

    url = "http://receiver.test/api/webhooks/singleinterface"
    gate = None
    enabled = True

    def __init__(self, outcomes: Iterable[DeliveryOutcome]) -> None:
        self._outcomes = list(outcomes)
        self.calls: list[tuple[str, bool]] = []

    async def deliver(
        self, payload: dict[str, Any], key: str, *, wait_out_outage: bool = True
    ) -> DeliveryOutcome:
        self.calls.append((key, wait_out_outage))
        answer = self._outcomes.pop(0)
        return DeliveryOutcome(
            answer.status,
            key,
            answer.http_status,
            answer.error,
            answer.attempts,
            retry_after_s=answer.retry_after_s,
        )

    async def aclose(self) -> None:
        return None

"""Producing transcripts to calls.transcript-saved, for every source connector.

One confluent-kafka producer with idempotence on (no duplicates from its own
retries), keyed by call_ref_id so that a call always lands on one partition.
Sources validate first, so what they produce is a transcript the pipeline
can analyse; the extraction stage still checks again, for other producers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from callpipe.analysis.transcript import parse_transcript
from callpipe.connectors.kafka.admin import ensure_topics
from callpipe.connectors.kafka.config import KafkaConfig, producer_config
from callpipe.connectors.registry import RegistryConfig, SerdeFactory
from callpipe.health import CheckResult
from callpipe.records import transcript_saved_record
from callpipe.topics import TRANSCRIPT_SAVED

log = logging.getLogger(__name__)


class ProduceError(RuntimeError):
    """The broker did not accept a record."""


DeliveryCallback = Callable[[ProduceError | None], None]
"""Told once per record: None when the broker acknowledged it, else why it did not."""


@dataclass(frozen=True, slots=True)
class ProducerConfig:
    """What a transcript producer needs (built from Settings by `callpipe.edges`)."""

    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    registry: RegistryConfig = field(default_factory=RegistryConfig)
    output_timezone: str = "Asia/Kolkata"
    """Of input times without an offset (OUTPUT_TIMEZONE)."""


class TranscriptProducer:
    """Validates and produces transcripts; call `flush()` before trusting delivery."""

    def __init__(
        self,
        config: ProducerConfig,
        source: str,
        serdes: SerdeFactory | None = None,
        *,
        ensure: bool = True,
    ) -> None:
        if ensure:
            ensure_topics(config.kafka)
        self.config = config
        self.source = source
        self.topic = config.kafka.topic(TRANSCRIPT_SAVED)
        self._serde = (serdes or SerdeFactory(config.registry)).for_topic(TRANSCRIPT_SAVED)
        self._serde.register()
        self._tz: tzinfo = ZoneInfo(config.output_timezone)
        self._producer = Producer(
            producer_config(
                config.kafka.bootstrap_servers, **{"linger.ms": 5, "compression.type": "lz4"}
            )
        )
        self._errors: list[str] = []

    def validate(self, data: object) -> str:
        """The call_ref_id of a valid transcript; raises TranscriptError otherwise."""
        return parse_transcript(data, self._tz).call_ref_id

    def produce(self, data: dict[str, Any], on_delivery: DeliveryCallback | None = None) -> str:
        """Validates and enqueues one transcript; returns its call_ref_id.

        With ``on_delivery`` the caller learns this record's own outcome (and
        owns it: a refusal is reported there, not by `flush`).
        """
        call_ref_id = self.validate(data)
        value = self._serde.encode(transcript_saved_record(data, self.source))
        self.produce_raw(call_ref_id.encode(), value, on_delivery)
        return call_ref_id

    def produce_raw(
        self, key: bytes | None, value: bytes, on_delivery: DeliveryCallback | None = None
    ) -> None:
        """Enqueues already-encoded bytes (tests use it to send undecodable records)."""
        callback = self._on_delivery if on_delivery is None else _reporting_to(on_delivery)
        while True:
            try:
                self._producer.produce(self.topic, value=value, key=key, on_delivery=callback)
                break
            except BufferError:  # local queue full: let librdkafka send some first
                self._producer.poll(0.1)
        self._producer.poll(0)

    def poll(self, timeout_s: float = 0.0) -> None:
        """Serves delivery callbacks that are due, waiting at most ``timeout_s``."""
        self._producer.poll(timeout_s)

    def reaches_broker(self, timeout_s: float = 2.0) -> CheckResult:
        """Whether the producer gets the topic's metadata from a broker (blocks up to
        ``timeout_s``): the readiness of `callpipe ingest`."""
        try:
            metadata = self._producer.list_topics(self.topic, timeout=timeout_s)
        except KafkaException as exc:
            return CheckResult(False, f"no broker reachable: {exc.args[0] if exc.args else exc}")
        return CheckResult(True, f"{len(metadata.brokers)} broker(s) reachable")

    def flush(self, timeout_s: float = 30.0) -> None:
        """Waits until every record is acknowledged; raises if any was refused."""
        remaining = self._producer.flush(timeout_s)
        if remaining:
            raise ProduceError(f"{remaining} records not acknowledged after {timeout_s}s")
        if self._errors:
            errors, self._errors = self._errors, []
            raise ProduceError(f"{len(errors)} records refused by Kafka: {errors[0]}")

    def _on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        if err is not None:
            self._errors.append(str(KafkaException(err)))


def _reporting_to(callback: DeliveryCallback) -> Callable[[KafkaError | None, Message], None]:
    # librdkafka's (err, msg) becomes our own error type, so callers never see confluent's.
    def report(err: KafkaError | None, msg: Message) -> None:
        callback(None if err is None else ProduceError(str(KafkaException(err))))

    return report

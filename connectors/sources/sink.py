"""The producer every source writes to: opening it, and handing it one transcript.

Sources depend on the `TranscriptSink` protocol (the methods of
`TranscriptProducer` they use), so unit tests can give them a fake.
`open_producer` connects to the real Kafka and schema registry and fails
fast with one `SourceUnavailable`; `submit` validates and enqueues one
decoded transcript and turns the producer's failures into the sources' errors.
"""

from __future__ import annotations

from typing import Any, Protocol

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from callpipe.analysis.transcript import TranscriptError
from callpipe.connectors.kafka.admin import TopicAdminError, ensure_topics
from callpipe.connectors.kafka.config import KafkaConfig, client_config, kafka_reason
from callpipe.connectors.kafka.producer import DeliveryCallback, ProducerConfig, TranscriptProducer
from callpipe.connectors.registry import EncodeError, RegistryError
from callpipe.connectors.sources.errors import RecordTooLarge, SourceUnavailable

CONNECT_TIMEOUT_S = 5.0
"""How long a source waits for Kafka at start-up before saying it is unreachable."""


class TranscriptSink(Protocol):
    """What a source needs from `TranscriptProducer`."""

    def validate(self, data: object) -> str: ...

    def produce(self, data: dict[str, Any], on_delivery: DeliveryCallback | None = None) -> str: ...

    def poll(self, timeout_s: float = 0.0) -> None: ...

    def flush(self, timeout_s: float = 30.0) -> None: ...


def open_producer(
    config: ProducerConfig, source: str, *, timeout_s: float = CONNECT_TIMEOUT_S
) -> TranscriptProducer:
    """A producer whose topics exist and whose schema is registered.

    ``source`` is recorded in every record (``publish``, ``ingest-http``,
    ``folder-watcher``). Raises `SourceUnavailable` when Kafka or the
    registry cannot be reached.
    """
    _check_kafka(config.kafka, timeout_s)
    try:
        ensure_topics(config.kafka, timeout_s)
        return TranscriptProducer(config, source, ensure=False)
    except TopicAdminError as exc:
        raise SourceUnavailable(str(exc)) from exc
    except RegistryError as exc:
        raise SourceUnavailable(
            f"cannot use the schema registry at {config.registry.url}: {exc}"
        ) from exc


def _check_kafka(kafka: KafkaConfig, timeout_s: float) -> None:
    # Typed as Any: the stubs only know string/number options, librdkafka also takes a logger.
    admin = AdminClient(client_config(kafka.bootstrap_servers))
    try:
        admin.list_topics(timeout=timeout_s)
    except KafkaException as exc:
        raise SourceUnavailable(
            f"cannot reach Kafka at {kafka.bootstrap_servers}: {kafka_reason(exc)}"
        ) from exc


def submit(sink: TranscriptSink, data: object, on_delivery: DeliveryCallback | None = None) -> str:
    """Validates and enqueues one decoded transcript; returns its call_ref_id.

    Raises `TranscriptError` (invalid; names the field), `RecordTooLarge`, or
    `SourceUnavailable` (Kafka or the registry refused; worth retrying).
    ``on_delivery`` later tells whether the broker acknowledged the record.
    """
    if not isinstance(data, dict):
        sink.validate(data)  # raises the TranscriptError that names the problem
        raise TranscriptError("transcript", "expected an object")
    try:
        return sink.produce(data, on_delivery)
    except EncodeError as exc:
        # Validation passed, so this is a mismatch between contract and schema.
        problem = f"does not fit the TranscriptSaved schema: {exc}"
        raise TranscriptError("transcript", problem) from exc
    except RegistryError as exc:
        raise SourceUnavailable(f"schema registry: {exc}") from exc
    except KafkaException as exc:
        error = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
        if error is not None and error.code() == KafkaError.MSG_SIZE_TOO_LARGE:
            raise RecordTooLarge(f"record too large for Kafka: {kafka_reason(exc)}") from exc
        raise SourceUnavailable(f"Kafka refused the record: {kafka_reason(exc)}") from exc

"""The real broker and the real registry: Avro round trips and compatibility."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from confluent_kafka import Consumer

from callpipe.connectors.kafka.admin import ensure_topics
from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.registry.errors import RegistryError
from callpipe.connectors.registry.serde import AvroSerde
from callpipe.edges import kafka_config, producer_config, registry_config
from callpipe.records import transcript_saved_record
from callpipe.settings import Settings
from callpipe.topics import TOPICS, TRANSCRIPT_SAVED, subject_for


def _consume_all(settings: Settings, topic: str, count: int, timeout_s: float = 30) -> list:
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"{settings.consumer_group_prefix}-reader",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([settings.topic(topic)])
    messages = []
    try:
        import time

        deadline = time.monotonic() + timeout_s
        while len(messages) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                messages.append(message)
    finally:
        consumer.close()
    return messages


def test_topics_are_created_with_the_configured_partitions(settings: Settings) -> None:
    """ensure_topics creates every pipeline topic once, with TOPIC_PARTITIONS partitions."""
    from confluent_kafka.admin import AdminClient

    created = ensure_topics(kafka_config(settings))
    assert sorted(created) == sorted(settings.topic(name) for name in TOPICS)
    assert ensure_topics(kafka_config(settings)) == []
    metadata = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers}).list_topics(
        timeout=10
    )
    for name in TOPICS:
        assert len(metadata.topics[settings.topic(name)].partitions) == settings.topic_partitions


def test_transcripts_round_trip_through_broker_and_registry(
    settings: Settings, contract_examples: list
) -> None:
    """Transcripts produced as Avro come back from the real broker, keyed by call_ref_id."""
    producer = TranscriptProducer(producer_config(settings), source="test")
    sent = {}
    for transcript_path, _ in contract_examples:
        data = json.loads(transcript_path.read_text())
        sent[producer.produce(data)] = transcript_saved_record(data, "test")
    producer.flush()

    serde = SerdeFactory(registry_config(settings)).for_topic(TRANSCRIPT_SAVED)
    messages = _consume_all(settings, TRANSCRIPT_SAVED, len(sent))
    received = {m.key().decode(): serde.decode(m.value()) for m in messages}
    assert received == sent
    assert all(m.value()[0] == 0 for m in messages), "Confluent wire format: magic byte 0"


def test_registry_refuses_an_incompatible_schema(settings: Settings) -> None:
    """With BACKWARD compatibility, adding a field without a default is refused (409)."""
    serdes = SerdeFactory(registry_config(settings))
    serde = serdes.for_topic(TRANSCRIPT_SAVED)
    first_id = serde.register()
    assert serde.register() == first_id, "registering the same schema again is a no-op"

    breaking = json.loads(TOPICS[TRANSCRIPT_SAVED].schema_str())
    breaking["fields"].append({"name": "dealer_id", "type": "string"})
    incompatible = AvroSerde(serde.topic, serde.subject, json.dumps(breaking), serdes.client)
    with pytest.raises(RegistryError) as refused:
        incompatible.register()
    assert refused.value.status == 409

    compatible = json.loads(TOPICS[TRANSCRIPT_SAVED].schema_str())
    compatible["fields"].append({"name": "dealer_id", "type": "string", "default": ""})
    assert (
        AvroSerde(serde.topic, serde.subject, json.dumps(compatible), serdes.client).register()
        != first_id
    )

    url = f"{settings.schema_registry_url}/config/{subject_for(settings, TRANSCRIPT_SAVED)}"
    assert httpx.get(url).json()["compatibilityLevel"] == "BACKWARD"


def test_undecodable_bytes_raise_decode_error(settings: Settings) -> None:
    """Bytes that are not Confluent-framed Avro raise DecodeError naming the topic."""
    from callpipe.connectors.registry import DecodeError

    serde = SerdeFactory(registry_config(settings)).for_topic(TRANSCRIPT_SAVED)
    for junk in (b"", b'{"json": true}', b"\x00\x00\x00\xff\xff" + uuid.uuid4().bytes):
        with pytest.raises(DecodeError, match=settings.topic(TRANSCRIPT_SAVED)):
            serde.decode(junk)

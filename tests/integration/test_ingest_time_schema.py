"""The optional ingested_at field on the real registry: BACKWARD compatible, old records read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.registry.serde import AvroSerde
from callpipe.edges import registry_config
from callpipe.settings import Settings
from callpipe.topics import ANALYZED, EXTRACTED, TOPICS
from tests.payload_support import PARTIAL_DROPOFF, example_payload


def _without_ingested_at(topic: str) -> str:
    schema = json.loads(TOPICS[topic].schema_str())
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "ingested_at"]
    assert len(schema["fields"]) == len(json.loads(TOPICS[topic].schema_str())["fields"]) - 1
    return json.dumps(schema)


def _analyzed_record() -> dict[str, object]:
    return {
        "call_ref_id": "c-1",
        "idempotency_key": "bot_c-1-abc",
        "call_end_time": datetime(2025, 10, 2, 9, 41, 20, tzinfo=UTC),
        "overall_status": "partial",
        "payload": example_payload(PARTIAL_DROPOFF, "c-1"),
    }


@pytest.mark.parametrize("topic", [EXTRACTED, ANALYZED])
def test_the_new_field_is_accepted_after_the_old_schema(settings: Settings, topic: str) -> None:
    """The subject holds the schema without ingested_at; the current one registers on top
    (BACKWARD: a new optional field with a default)."""
    serdes = SerdeFactory(registry_config(settings))
    current = serdes.for_topic(topic)
    old = AvroSerde(current.topic, current.subject, _without_ingested_at(topic), serdes.client)
    old_id = old.register()
    assert current.register() != old_id


def test_a_record_written_before_the_field_reads_as_not_measured(settings: Settings) -> None:
    """An analysed call written by an older analysis worker decodes with no ingest time,
    which the delivery stage leaves out of the pipeline latency."""
    serdes = SerdeFactory(registry_config(settings))
    current = serdes.for_topic(ANALYZED)
    old = AvroSerde(current.topic, current.subject, _without_ingested_at(ANALYZED), serdes.client)
    old.register()
    current.register()
    decoded = current.decode(old.encode(_analyzed_record()))
    assert decoded["call_ref_id"] == "c-1"
    assert decoded.get("ingested_at") is None

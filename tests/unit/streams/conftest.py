"""Fixtures of the stream tests: settings and an in-memory schema registry."""

from __future__ import annotations

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.common.avro import _schema_loads

from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import registry_config
from callpipe.settings import Settings, load_settings
from callpipe.topics import TOPICS, subject_for


@pytest.fixture
def settings() -> Settings:
    return load_settings(topic_prefix="unit.")


@pytest.fixture
def serdes(settings: Settings) -> SerdeFactory:
    client = SchemaRegistryClient.new_client({"url": "mock://unit"})
    for name, spec in TOPICS.items():
        # The serializer looks its schema up in the form _schema_loads gives it; the
        # in-memory registry, unlike a real one, only matches that exact string.
        client.register_schema(subject_for(settings, name), _schema_loads(spec.schema_str()))
    return SerdeFactory(registry_config(settings), client=client)

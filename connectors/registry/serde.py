"""Avro in the Confluent wire format, one serde per topic.

confluent-kafka's AvroSerializer/AvroDeserializer (fastavro underneath) do
the work; we register each schema once at start-up with BACKWARD
compatibility, so a worker that would break readers fails fast instead of
writing records nobody can read.
"""

from __future__ import annotations

from typing import Any

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

from callpipe.settings import Settings
from callpipe.topics import TOPICS, subject_for
from connectors.registry.errors import DecodeError, EncodeError, RegistryError

COMPATIBILITY = "BACKWARD"
REGISTRY_TIMEOUT_S = 10


class AvroSerde:
    """Encodes and decodes one topic's values."""

    def __init__(
        self, topic: str, subject: str, schema_str: str, client: SchemaRegistryClient
    ) -> None:
        self.topic = topic
        self.subject = subject
        self._context = SerializationContext(topic, MessageField.VALUE)
        self._serializer = AvroSerializer(
            client,
            schema_str,
            conf={"auto.register.schemas": False, "use.latest.version": False,
                  "subject.name.strategy.type": "TOPIC"},
        )
        # TOPIC: <topic>-value, as registered. The client's default strategy first asks
        # the registry for "associations", an API Apicurio does not have.
        self._deserializer = AvroDeserializer(
            client, schema_str, conf={"subject.name.strategy.type": "TOPIC"}
        )
        self._client = client
        self._schema_str = schema_str
        self.schema_id: int | None = None

    def register(self) -> int:
        """Sets BACKWARD compatibility and registers the schema; returns its id."""
        try:
            self._ensure_compatibility()
            self.schema_id = int(
                self._client.register_schema(self.subject, Schema(self._schema_str, "AVRO"))
            )
        except SchemaRegistryError as exc:
            raise RegistryError(self.subject, exc.error_message, exc.http_status_code) from exc
        except Exception as exc:  # connection errors surface as requests/httpx errors
            raise RegistryError(self.subject, f"registry unreachable: {exc}") from exc
        return self.schema_id

    def _ensure_compatibility(self) -> None:
        # Workers of several stages start together: when two set the rule at
        # once, Apicurio answers 409 "rule already exists" to the loser.
        for _ in range(3):
            try:
                if self._client.get_compatibility(self.subject) == COMPATIBILITY:
                    return
            except SchemaRegistryError as exc:
                if exc.http_status_code != 404:
                    raise
            try:
                self._client.set_compatibility(self.subject, COMPATIBILITY)
                return
            except SchemaRegistryError as exc:
                if exc.http_status_code != 409:
                    raise

    def encode(self, record: dict[str, Any]) -> bytes:
        try:
            data = self._serializer(record, self._context)
        except (SerializationError, ValueError, TypeError, KeyError) as exc:
            raise EncodeError(self.topic, str(exc)) from exc
        except SchemaRegistryError as exc:
            raise RegistryError(self.subject, exc.error_message, exc.http_status_code) from exc
        assert data is not None
        return bytes(data)

    def decode(self, data: bytes | None) -> dict[str, Any]:
        if not data:
            raise DecodeError(self.topic, "empty value")
        if data[0] != 0 or len(data) < 5:
            raise DecodeError(self.topic, "not in the Confluent wire format (magic byte 0)")
        try:
            record = self._deserializer(data, self._context)
        except SchemaRegistryError as exc:
            if exc.http_status_code is not None and exc.http_status_code >= 500:
                raise RegistryError(self.subject, exc.error_message, exc.http_status_code) from exc
            raise DecodeError(self.topic, f"unknown schema: {exc.error_message}") from exc
        except Exception as exc:  # fastavro raises many types on corrupt bytes
            raise DecodeError(self.topic, f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(record, dict):
            raise DecodeError(self.topic, "value is not a record")
        return record


class SerdeFactory:
    """One registry client and one serde per topic, created lazily and kept warm."""

    def __init__(self, settings: Settings, client: SchemaRegistryClient | None = None) -> None:
        self.settings = settings
        # Without a timeout the client waits forever on a registry that hangs.
        self.client = client or SchemaRegistryClient(
            {"url": settings.schema_registry_url, "timeout": REGISTRY_TIMEOUT_S}
        )
        self._serdes: dict[str, AvroSerde] = {}

    def for_topic(self, logical_name: str) -> AvroSerde:
        serde = self._serdes.get(logical_name)
        if serde is None:
            spec = TOPICS[logical_name]
            serde = AvroSerde(
                self.settings.topic(logical_name),
                subject_for(self.settings, logical_name),
                spec.schema_str(),
                self.client,
            )
            self._serdes[logical_name] = serde
        return serde

    def register_all(self, logical_names: list[str] | None = None) -> dict[str, int]:
        """Registers the schemas of the given topics (all by default)."""
        names = logical_names if logical_names is not None else list(TOPICS)
        return {name: self.for_topic(name).register() for name in names}

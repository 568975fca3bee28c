"""Avro in the Confluent wire format, one serde per topic.

We register each schema once at start-up with BACKWARD compatibility, so a
worker that would break readers fails fast instead of writing records nobody
can read.

The hot path calls fastavro directly with the topic's schema, parsed once:
a record is written as magic byte 0, the 4-byte id the registry gave our
schema, then the Avro body (byte for byte what confluent-kafka's
AvroSerializer writes), and a record that names our own schema id is read
with that schema and no resolution. Everything else goes through
confluent-kafka's AvroSerializer/AvroDeserializer: the first encode before
the id is known (it looks the id up), and any record written with another
schema (looked up by id and resolved against ours, so older records stay
readable). The fast path matters: confluent's deserializer resolves the
writer schema against the reader's and expands the schema on every call,
which cost more than the Avro decoding itself (see docs/performance.md).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError
from fastavro import parse_schema, schemaless_reader, schemaless_writer

from callpipe.connectors.registry.errors import DecodeError, EncodeError, RegistryError
from callpipe.topics import TOPICS, TopicNames, subject_for

COMPATIBILITY = "BACKWARD"
REGISTRY_TIMEOUT_S = 10
MAGIC = b"\x00"
_ENCODE_ERRORS = (SerializationError, ValueError, TypeError, KeyError)


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
            conf={
                "auto.register.schemas": False,
                "use.latest.version": False,
                "subject.name.strategy.type": "TOPIC",
            },
        )
        # TOPIC: <topic>-value, as registered. The client's default strategy first asks
        # the registry for "associations", an API Apicurio does not have.
        self._deserializer = AvroDeserializer(
            client, schema_str, conf={"subject.name.strategy.type": "TOPIC"}
        )
        self._client = client
        self._schema_str = schema_str
        self._parsed = parse_schema(json.loads(schema_str))
        self._header: bytes | None = None  # magic byte + our schema id, once known
        self.schema_id: int | None = None

    def register(self) -> int:
        """Sets BACKWARD compatibility and registers the schema; returns its id."""
        try:
            self._ensure_compatibility()
            schema_id = int(
                self._client.register_schema(self.subject, Schema(self._schema_str, "AVRO"))
            )
        except SchemaRegistryError as exc:
            raise RegistryError(self.subject, exc.error_message, exc.http_status_code) from exc
        except Exception as exc:  # connection errors surface as requests/httpx errors
            raise RegistryError(self.subject, f"registry unreachable: {exc}") from exc
        self._set_id(schema_id)
        return schema_id

    def _set_id(self, schema_id: int) -> None:
        self.schema_id = schema_id
        self._header = MAGIC + schema_id.to_bytes(4, "big")

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

    def encode(self, record: Mapping[str, Any]) -> bytes:
        """Confluent wire format: magic byte, schema id, Avro body (a TypedDict or a dict)."""
        header = self._header
        if header is None:
            return self._encode_looking_up_id(record)
        out = io.BytesIO()
        out.write(header)
        try:
            schemaless_writer(out, self._parsed, record)
        except _ENCODE_ERRORS as exc:
            raise EncodeError(self.topic, str(exc)) from exc
        return out.getvalue()

    def _encode_looking_up_id(self, record: Mapping[str, Any]) -> bytes:
        """confluent's serializer, which finds our schema's id in the registry; kept."""
        try:
            data = self._serializer(dict(record), self._context)
        except _ENCODE_ERRORS as exc:
            raise EncodeError(self.topic, str(exc)) from exc
        except SchemaRegistryError as exc:
            raise RegistryError(self.subject, exc.error_message, exc.http_status_code) from exc
        assert data is not None
        data = bytes(data)
        if data[:1] == MAGIC and len(data) >= 5:
            self._set_id(int.from_bytes(data[1:5], "big"))
        return data

    def decode(self, data: bytes | None) -> dict[str, Any]:
        if not data:
            raise DecodeError(self.topic, "empty value")
        if data[0] != 0 or len(data) < 5:
            raise DecodeError(self.topic, "not in the Confluent wire format (magic byte 0)")
        if self._header is not None and data.startswith(self._header):
            return self._decode_own(data)
        return self._decode_resolving(data)

    def _decode_own(self, data: bytes) -> dict[str, Any]:
        """A record written with our own schema: read it with that schema, no resolution."""
        body = io.BytesIO(data)
        body.seek(5)
        try:
            record = schemaless_reader(body, self._parsed, None)
        except Exception as exc:  # fastavro raises many types on corrupt bytes
            raise DecodeError(self.topic, f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(record, dict):
            raise DecodeError(self.topic, "value is not a record")
        return record

    def _decode_resolving(self, data: bytes) -> dict[str, Any]:
        """Another writer schema: confluent's deserializer looks it up and resolves it."""
        try:
            record = self._deserializer(data, self._context)
        except SchemaRegistryError as exc:
            if exc.http_status_code is not None and exc.http_status_code >= 500:
                raise RegistryError(self.subject, exc.error_message, exc.http_status_code) from exc
            raise DecodeError(self.topic, f"unknown schema: {exc.error_message}") from exc
        except (httpx.HTTPError, OSError) as exc:
            # Looking the writer schema up failed: the registry, not the record, is at fault.
            raise RegistryError(self.subject, f"registry unreachable: {exc}") from exc
        except Exception as exc:  # fastavro raises many types on corrupt bytes
            raise DecodeError(self.topic, f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(record, dict):
            raise DecodeError(self.topic, "value is not a record")
        return record


@dataclass(frozen=True, slots=True)
class RegistryConfig:
    """What the registry edge needs (built from Settings by `callpipe.edges`)."""

    url: str = "http://127.0.0.1:8081/apis/ccompat/v7"
    topics: TopicNames = field(default_factory=TopicNames)
    """Real topic names, and so the subjects (TopicNameStrategy)."""


class SerdeFactory:
    """One registry client and one serde per topic, created lazily and kept warm."""

    def __init__(self, config: RegistryConfig, client: SchemaRegistryClient | None = None) -> None:
        self.config = config
        # Without a timeout the client waits forever on a registry that hangs.
        self.client = client or SchemaRegistryClient(
            {"url": config.url, "timeout": REGISTRY_TIMEOUT_S}
        )
        self._serdes: dict[str, AvroSerde] = {}

    def for_topic(self, logical_name: str) -> AvroSerde:
        serde = self._serdes.get(logical_name)
        if serde is None:
            spec = TOPICS[logical_name]
            serde = AvroSerde(
                self.config.topics.topic(logical_name),
                subject_for(self.config.topics, logical_name),
                spec.schema_str(),
                self.client,
            )
            self._serdes[logical_name] = serde
        return serde

    def register_all(self, logical_names: list[str] | None = None) -> dict[str, int]:
        """Registers the schemas of the given topics (all by default)."""
        names = logical_names if logical_names is not None else list(TOPICS)
        return {name: self.for_topic(name).register() for name in names}

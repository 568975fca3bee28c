"""librdkafka settings every callpipe producer shares.

`murmur2_random` is the Java client's partitioner (murmur2 of the key,
random for a null key). Faust's stages produce with aiokafka, which hashes
the same way; librdkafka's own default (`consistent_random`, CRC32) does
not. With it everywhere, one call's key is on the same partition number in
every topic, whoever wrote it: `publish`, the HTTP ingest, a Java producer
of the telephony side or Kafka Connect, each stage, `dlq replay`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, KafkaException

from callpipe.topics import TopicNames

JAVA_COMPATIBLE_PARTITIONER = "murmur2_random"

logger = logging.getLogger(__name__)

LIBRDKAFKA_LOGGER = logger.getChild("librdkafka")
"""Where librdkafka's own log goes instead of raw ``%3|...`` lines on stderr:
with Kafka down it logs every failed connection attempt, hundreds of lines
before the command can say "Kafka is unreachable" in one. Commands keep it
quiet unless LOG_LEVEL=debug (see `callpipe.cli.main`); in a worker its lines
are JSON like the rest."""


@dataclass(frozen=True, slots=True)
class KafkaConfig:
    """What the Kafka edge needs to know (built from Settings by `callpipe.edges`)."""

    bootstrap_servers: str = "127.0.0.1:9092"
    topics: TopicNames = field(default_factory=TopicNames)
    partitions: int = 6
    """Of the topics callpipe creates (TOPIC_PARTITIONS)."""
    replication: int = 1
    dead_letter_retention_days: int = 30
    consumer_group_prefix: str = "callpipe"

    def topic(self, name: str, /) -> str:
        """The real topic name for a logical one."""
        return self.topics.topic(name)

    def group(self, stage: str) -> str:
        """The consumer group of a stage."""
        return f"{self.consumer_group_prefix}-{stage}"


def client_config(bootstrap_servers: str, **extra: Any) -> dict[str, Any]:
    """The settings of any confluent-kafka client (admin, consumer, producer) of ours."""
    return {"bootstrap.servers": bootstrap_servers, "logger": LIBRDKAFKA_LOGGER, **extra}


def producer_config(bootstrap_servers: str, **extra: Any) -> dict[str, Any]:
    """An idempotent, all-acks producer that partitions like the Java client."""
    return {
        **client_config(bootstrap_servers),
        "partitioner": JAVA_COMPATIBLE_PARTITIONER,
        "enable.idempotence": True,
        "acks": "all",
        **extra,
    }


def kafka_reason(exc: KafkaException) -> str:
    """The sentence inside a KafkaException ("Failed to get metadata: ..."), not its repr."""
    error = exc.args[0] if exc.args else None
    return str(error.str()) if isinstance(error, KafkaError) else str(exc)

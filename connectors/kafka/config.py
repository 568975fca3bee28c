"""librdkafka settings every callpipe producer shares.

`murmur2_random` is the Java client's partitioner (murmur2 of the key,
random for a null key). Faust's stages produce with aiokafka, which hashes
the same way; librdkafka's own default (`consistent_random`, CRC32) does
not. With it everywhere, one call's key is on the same partition number in
every topic, whoever wrote it: `publish`, the HTTP ingest, a Java producer
of the telephony side or Kafka Connect, each stage, `dlq replay`.
"""

from __future__ import annotations

from typing import Any

JAVA_COMPATIBLE_PARTITIONER = "murmur2_random"


def producer_config(bootstrap_servers: str, **extra: Any) -> dict[str, Any]:
    """An idempotent, all-acks producer that partitions like the Java client."""
    return {
        "bootstrap.servers": bootstrap_servers,
        "partitioner": JAVA_COMPATIBLE_PARTITIONER,
        "enable.idempotence": True,
        "acks": "all",
        **extra,
    }

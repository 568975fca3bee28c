"""Creating the pipeline's topics at start-up, when they are missing.

Faust only creates topics with its own defaults and ignores a source topic
that appears after it subscribed, so every worker and source makes sure all
topics exist (with the configured partitions) before anything else.
"""

from __future__ import annotations

import logging

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from callpipe.connectors.kafka.config import KafkaConfig, client_config, kafka_reason
from callpipe.topics import TOPICS

log = logging.getLogger(__name__)


class TopicAdminError(RuntimeError):
    """Topics could not be listed or created."""


def ensure_topics(kafka: KafkaConfig, timeout_s: float = 30.0) -> list[str]:
    """Creates the missing topics; returns the names it created."""
    admin = AdminClient(client_config(kafka.bootstrap_servers))
    try:
        existing = set(admin.list_topics(timeout=timeout_s).topics)
    except KafkaException as exc:
        raise TopicAdminError(
            f"cannot reach Kafka at {kafka.bootstrap_servers}: {kafka_reason(exc)}"
        ) from exc
    wanted = [kafka.topic(name) for name in TOPICS]
    missing = [name for name in wanted if name not in existing]
    if not missing:
        return []
    futures = admin.create_topics(
        [_new_topic(kafka, logical) for logical in TOPICS if kafka.topic(logical) in missing],
        operation_timeout=timeout_s,
    )
    created = []
    for name, future in futures.items():
        try:
            future.result(timeout=timeout_s)
            created.append(name)
        except KafkaException as exc:
            if "TOPIC_ALREADY_EXISTS" in str(exc):  # another worker won the race
                continue
            raise TopicAdminError(f"cannot create topic {name}: {kafka_reason(exc)}") from exc
    log.info("created topics", extra={"fields": {"topics": created}})
    return created


def _new_topic(kafka: KafkaConfig, logical_name: str) -> NewTopic:
    config = {}
    if TOPICS[logical_name].dead_letters:
        config["retention.ms"] = str(kafka.dead_letter_retention_days * 24 * 3600 * 1000)
    return NewTopic(
        kafka.topic(logical_name),
        kafka.partitions,
        kafka.replication,
        config=config,
    )

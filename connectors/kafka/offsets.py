"""Moving a stage's consumer-group offsets, to reprocess history.

Kafka keeps every record for the retention period, and every stage is a pure
function of its input, so "process these calls again" is "move the group's
offsets back and start the workers": the same records come out again, with
the same idempotency keys, and the receiver can drop what it already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from callpipe.connectors.kafka.config import KafkaConfig, client_config, kafka_reason


class OffsetResetError(RuntimeError):
    """The group is active, or the broker refused the change."""


@dataclass(frozen=True)
class PartitionMove:
    partition: int
    old: int | None
    new: int


def reset_offsets(
    kafka: KafkaConfig,
    group: str,
    topic: str,
    to: str | datetime,
    timeout_s: float = 30.0,
    *,
    dry_run: bool = False,
) -> list[PartitionMove]:
    """Sets `group`'s offsets on `topic` to `earliest`, `latest` or a time.

    The group must have no running members (stop its workers first), as
    with `kafka-consumer-groups --reset-offsets`. ``dry_run`` computes the
    moves and changes nothing (running members allowed).
    """
    admin = AdminClient(client_config(kafka.bootstrap_servers))
    described = admin.describe_consumer_groups([group])[group].result(timeout=timeout_s)
    if described.members and not dry_run:
        raise OffsetResetError(
            f"group {group} has {len(described.members)} running member(s): stop its workers first"
        )
    metadata = admin.list_topics(topic, timeout=timeout_s).topics.get(topic)
    if metadata is None or metadata.error is not None:
        raise OffsetResetError(f"topic {topic} does not exist")
    partitions = sorted(metadata.partitions)
    committed, targets = _committed_and_targets(kafka, group, topic, partitions, to, timeout_s)
    if not dry_run:
        request = [TopicPartition(topic, p, offset) for p, offset in targets.items()]
        try:
            admin.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(group, request)])[
                group
            ].result(timeout=timeout_s)
        except KafkaException as exc:
            raise OffsetResetError(
                f"broker refused the reset of {group}: {kafka_reason(exc)}"
            ) from exc
    return [
        PartitionMove(p, committed.get(p) if (committed.get(p) or -1) >= 0 else None, targets[p])
        for p in partitions
    ]


def _committed_and_targets(
    kafka: KafkaConfig,
    group: str,
    topic: str,
    partitions: list[int],
    to: str | datetime,
    timeout_s: float,
) -> tuple[dict[int, int], dict[int, int]]:
    """The group's committed offset and the wanted one, per partition."""
    # A plain consumer of the group (never subscribed, so it joins nothing)
    # answers watermarks, time lookups and committed offsets.
    consumer = Consumer(
        {
            **client_config(kafka.bootstrap_servers),
            "group.id": group,
            "enable.auto.commit": False,
        }
    )
    try:
        committed = {
            tp.partition: tp.offset
            for tp in consumer.committed(
                [TopicPartition(topic, p) for p in partitions], timeout=timeout_s
            )
        }
        targets: dict[int, int] = {}
        if isinstance(to, datetime):
            wanted = [TopicPartition(topic, p, int(to.timestamp() * 1000)) for p in partitions]
            for tp in consumer.offsets_for_times(wanted, timeout=timeout_s):
                targets[tp.partition] = (
                    tp.offset
                    if tp.offset >= 0
                    else consumer.get_watermark_offsets(tp, timeout=timeout_s)[1]
                )
        else:
            for p in partitions:
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, p), timeout=timeout_s
                )
                targets[p] = low if to == "earliest" else high
    finally:
        consumer.close()
    return committed, targets

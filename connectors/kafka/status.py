"""The pipeline as Kafka sees it, for `callpipe status`.

Per stage: its consumer group's state and members (which worker holds which
partitions), the lag of every partition of its source topic, and the age of
the oldest record waiting for it (the Kafka timestamp of the record at the
group's position on each lagging partition; the oldest of those). Then the
number of records on each dead-letter topic. Everything is read with the
admin API and a group-less consumer, so it works while workers are stopped
and never moves an offset.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition

from callpipe.connectors.kafka.lag import (
    TIMEOUT_S,
    GroupSource,
    LagReader,
    LagUnavailable,
    PartitionLag,
    quiet_librdkafka_logger,
)


@dataclass(frozen=True)
class Member:
    """One worker in a stage's consumer group."""

    client_id: str
    host: str
    partitions: tuple[int, ...]


@dataclass(frozen=True)
class StageStatus:
    stage: str
    source: GroupSource
    state: str
    members: tuple[Member, ...]
    partitions: tuple[PartitionLag, ...]
    oldest_waiting_s: float | None
    """Age of the oldest record waiting for the stage; None when nothing waits."""

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)


@dataclass(frozen=True)
class PipelineStatus:
    stages: tuple[StageStatus, ...]
    dead_letters: dict[str, int]
    """Records on each dead-letter topic (its retention permitting)."""


def read_status(
    bootstrap_servers: str,
    stages: Mapping[str, GroupSource],
    dead_letter_topics: list[str],
    timeout_s: float = TIMEOUT_S,
) -> PipelineStatus:
    """Reads everything `callpipe status` shows. Raises `LagUnavailable` (Kafka unreachable)."""
    reader = LagReader(bootstrap_servers, timeout_s)
    lags = reader.read(stages.values())
    counts = reader.record_counts(dead_letter_topics)
    groups = _describe_groups(reader.admin, list(stages.values()), bootstrap_servers, timeout_s)
    waiting = _oldest_waiting(bootstrap_servers, lags, timeout_s)
    now = time.time()
    result = []
    for stage, source in stages.items():
        state, members = groups[source.group]
        oldest = waiting.get(source)
        result.append(
            StageStatus(
                stage,
                source,
                state,
                members,
                tuple(lags[source]),
                None if oldest is None else max(0.0, now - oldest),
            )
        )
    return PipelineStatus(tuple(result), counts)


def _describe_groups(
    admin: Any, sources: list[GroupSource], bootstrap_servers: str, timeout_s: float
) -> dict[str, tuple[str, tuple[Member, ...]]]:
    topics = {source.group: source.topic for source in sources}
    futures = admin.describe_consumer_groups(list(topics), request_timeout=timeout_s)
    described = {}
    for group, future in futures.items():
        try:
            answer = future.result(timeout=timeout_s)
        except (KafkaException, TimeoutError) as exc:
            raise LagUnavailable(
                f"cannot reach Kafka at {bootstrap_servers}: group {group}: {exc}"
            ) from exc
        # Only the source topic's partitions: Faust's workers also hold its leader topic.
        members = tuple(
            Member(
                m.client_id,
                m.host,
                tuple(
                    sorted(
                        tp.partition
                        for tp in m.assignment.topic_partitions
                        if tp.topic == topics[group]
                    )
                ),
            )
            for m in answer.members
        )
        # DEAD: the broker knows no such group (never started, or expired).
        described[group] = (str(answer.state.name).lower(), members)
    return described


def _oldest_waiting(
    bootstrap_servers: str, lags: Mapping[GroupSource, list[PartitionLag]], timeout_s: float
) -> dict[GroupSource, float]:
    """Per source, the earliest Kafka timestamp (s) of the records at the group's positions."""
    wanted = {
        (p.topic, p.partition): source
        for source, partitions in lags.items()
        for p in partitions
        if p.lag
    }
    if not wanted:
        return {}
    positions = [
        TopicPartition(p.topic, p.partition, p.position)
        for partitions in lags.values()
        for p in partitions
        if p.lag
    ]
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": "callpipe-status-reader",  # never subscribes or commits
            "enable.auto.commit": False,
            "logger": quiet_librdkafka_logger(),
        }
    )
    oldest: dict[GroupSource, float] = {}
    try:
        consumer.assign(positions)
        deadline = time.monotonic() + timeout_s
        while wanted and time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is None or message.error() is not None:
                continue
            source = wanted.pop((message.topic() or "", message.partition() or 0), None)
            kind, millis = message.timestamp()
            if source is not None and kind and millis >= 0:  # later records: ignored
                oldest[source] = min(oldest.get(source, millis / 1000), millis / 1000)
    finally:
        consumer.close()
    return oldest

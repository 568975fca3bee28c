"""Reading dead-letter topics and putting their records back for another try.

A dead letter keeps the original record's bytes and where it came from, so
replaying it is producing those bytes, under the same key, to the topic it
was consumed from: the stage sees it again as if for the first time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from callpipe.connectors.kafka.admin import ensure_topics
from callpipe.connectors.kafka.config import KafkaConfig, client_config, producer_config
from callpipe.connectors.registry import SerdeFactory
from callpipe.topics import DLQ_REPLAYED, TOPICS


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    partition: int
    record: dict[str, Any]

    def marker_key(self, dead_letter_topic: str) -> str:
        return f"{dead_letter_topic}:{self.partition}:{self.offset}"

    @property
    def replayable(self) -> bool:
        """Whole original bytes are kept (a letter of an oversized record holds a prefix)."""
        record = self.record
        return record["original_value"] is not None and record.get("original_size") is None


def read_dead_letters(
    kafka: KafkaConfig, serdes: SerdeFactory, logical_topic: str, timeout_s: float = 10.0
) -> Iterator[DeadLetter]:
    """Every record on a dead-letter topic now (up to the high watermarks), oldest first
    per partition. Reads without a consumer group, so it changes no offsets."""
    for partition, offset, record in _read_to_end(kafka, serdes, logical_topic, timeout_s):
        yield DeadLetter(offset, partition, record)


def replayed_before(
    kafka: KafkaConfig, serdes: SerdeFactory, logical_topic: str, timeout_s: float = 10.0
) -> set[str]:
    """The marker keys of the letters of ``logical_topic`` that a replay already put back."""
    dead_letter_topic = kafka.topic(logical_topic)
    return {
        f"{record['dead_letter_topic']}:{record['partition']}:{record['offset']}"
        for _, _, record in _read_to_end(kafka, serdes, DLQ_REPLAYED, timeout_s)
        if record["dead_letter_topic"] == dead_letter_topic
    }


def _read_to_end(
    kafka: KafkaConfig, serdes: SerdeFactory, logical_topic: str, timeout_s: float
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    topic = kafka.topic(logical_topic)
    serde = serdes.for_topic(logical_topic)
    consumer = Consumer(
        {
            **client_config(kafka.bootstrap_servers),
            "group.id": "callpipe-dlq-reader",
            "enable.auto.commit": False,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=timeout_s).topics[topic]
        ends = {}
        for p in metadata.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout_s)
            if high > low:
                ends[p] = high
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        while ends:
            message = consumer.poll(timeout_s)
            if message is None:
                break
            if message.error() is not None:
                continue
            partition, offset = message.partition() or 0, message.offset() or 0
            yield partition, offset, serde.decode(message.value())
            if offset + 1 >= ends.get(partition, 0):
                ends.pop(partition, None)
    finally:
        consumer.close()


def matches(letter: DeadLetter, since: datetime | None, call_ref_id: str | None) -> bool:
    record = letter.record
    if call_ref_id is not None and record.get("call_ref_id") != call_ref_id:
        return False
    return since is None or record["failed_at"] >= since


def replay(
    kafka: KafkaConfig, serdes: SerdeFactory, logical_topic: str, letters: list[DeadLetter]
) -> int:
    """Produces each letter's original bytes back to its original topic, and a marker on
    dlq.replayed for each, so the next replay knows; returns how many were replayed."""
    ensure_topics(kafka)  # dlq.replayed may be newer than the running workers
    producer = Producer(producer_config(kafka.bootstrap_servers))
    markers = serdes.for_topic(DLQ_REPLAYED)
    markers.register()
    dead_letter_topic = kafka.topic(logical_topic)
    known = {kafka.topic(name) for name in TOPICS}
    sent = 0
    for letter in letters:
        record = letter.record
        if not letter.replayable or record["original_topic"] not in known:
            continue
        producer.produce(
            record["original_topic"],
            value=record["original_value"],
            key=record["original_key"],
            headers=[
                (
                    "callpipe.replayed.from",
                    f"{dead_letter_topic}:{letter.partition}:{letter.offset}",
                )
            ],
        )
        marker = {
            "dead_letter_topic": dead_letter_topic,
            "partition": letter.partition,
            "offset": letter.offset,
            "replayed_to": record["original_topic"],
            "replayed_at": datetime.now(UTC),
        }
        producer.produce(
            kafka.topic(DLQ_REPLAYED),
            value=markers.encode(marker),
            key=letter.marker_key(dead_letter_topic).encode(),
        )
        sent += 1
    if producer.flush(30):
        raise RuntimeError("replayed records were not all acknowledged by Kafka")
    return sent

"""How far behind a consumer group is, as the broker sees it.

For each partition of a group's source topic: the group's committed offset,
and the partition's start (earliest) and end (high watermark) offsets. A
group that has not committed on a partition starts at its earliest offset
(every stage consumes with auto.offset.reset=earliest), so its lag counts
from there, and a committed offset behind the retention's start counts
from the start too: those records are gone, nobody waits for them.

Reading lag never joins the group: it uses the admin API, so it works while
the stage's workers are stopped, which is when an operator needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from confluent_kafka import ConsumerGroupTopicPartitions, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin import _listoffsets as listoffsets  # OffsetSpec, not re-exported

from callpipe.connectors.kafka.config import KafkaConfig
from callpipe.topics import STAGE_SOURCES

EARLIEST: Any = listoffsets.OffsetSpec.earliest()  # type: ignore[no-untyped-call]
LATEST: Any = listoffsets.OffsetSpec.latest()  # type: ignore[no-untyped-call]

TIMEOUT_S = 5.0

# librdkafka prints every failed connection to stderr on its own; failures reach
# the caller as one LagUnavailable instead.
logger = logging.getLogger(__name__)
_QUIET = logger.getChild("librdkafka")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def quiet_librdkafka_logger() -> logging.Logger:
    """A logger for librdkafka's own lines that drops them (errors are raised instead)."""
    return _QUIET


class LagUnavailable(RuntimeError):
    """Kafka did not answer (unreachable, or the request timed out), or a topic is missing."""


@dataclass(frozen=True)
class PartitionLag:
    """One partition of a group's source topic."""

    topic: str
    partition: int
    committed: int | None
    start: int
    end: int

    @property
    def position(self) -> int:
        """The next offset the group will read."""
        return self.start if self.committed is None else max(self.committed, self.start)

    @property
    def lag(self) -> int:
        """Records waiting for the group on this partition."""
        return max(0, self.end - self.position)


@dataclass(frozen=True)
class GroupSource:
    """A consumer group and the topic it consumes."""

    group: str
    topic: str


def stage_sources(kafka: KafkaConfig) -> dict[str, GroupSource]:
    """Each stage's consumer group and the (real) topic it consumes, in pipeline order."""
    return {
        stage: GroupSource(kafka.group(stage), kafka.topic(source))
        for stage, source in STAGE_SOURCES.items()
    }


class LagReader:
    """Reads the lag of groups on their topics; one admin client, reused."""

    def __init__(
        self, bootstrap_servers: str, timeout_s: float = TIMEOUT_S, admin: Any | None = None
    ) -> None:
        self._timeout_s = timeout_s
        self._bootstrap = bootstrap_servers
        # Typed as Any: the stubs only know string/number options, librdkafka also takes a logger.
        config: dict[str, Any] = {"bootstrap.servers": bootstrap_servers, "logger": _QUIET}
        self._admin: Any = admin or AdminClient(config)

    @property
    def admin(self) -> Any:
        """The admin client, for other reads on the same connection."""
        return self._admin

    def record_counts(self, topics: Iterable[str]) -> dict[str, int]:
        """Records on each topic now (end minus start, summed over its partitions)."""
        names = list(topics)
        try:
            partitions = self._partitions(set(names))
            tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
            starts = self._offsets(tps, EARLIEST)
            ends = self._offsets(tps, LATEST)
        except KafkaException as exc:
            raise self._unreachable(exc) from exc
        counts = dict.fromkeys(names, 0)
        for (topic, partition), end in ends.items():
            counts[topic] += end - starts[(topic, partition)]
        return counts

    def read(self, sources: Iterable[GroupSource]) -> dict[GroupSource, list[PartitionLag]]:
        """Every partition of every source, in partition order. Raises `LagUnavailable`."""
        wanted = list(sources)
        try:
            partitions = self._partitions({source.topic for source in wanted})
            all_tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
            starts = self._offsets(all_tps, EARLIEST)
            ends = self._offsets(all_tps, LATEST)
            result = {}
            for source in wanted:
                committed = self._committed(source, partitions[source.topic])
                result[source] = [
                    PartitionLag(
                        source.topic,
                        p,
                        committed.get(p),
                        starts[(source.topic, p)],
                        ends[(source.topic, p)],
                    )
                    for p in partitions[source.topic]
                ]
            return result
        except KafkaException as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: KafkaException) -> LagUnavailable:
        return LagUnavailable(f"cannot reach Kafka at {self._bootstrap}: {_reason(exc)}")

    def _partitions(self, topics: set[str]) -> dict[str, list[int]]:
        metadata = self._admin.list_topics(timeout=self._timeout_s)
        found = {}
        for topic in topics:
            described = metadata.topics.get(topic)
            if described is None or described.error is not None:
                raise LagUnavailable(
                    f"topic {topic} does not exist (`callpipe topics create` creates it)"
                )
            found[topic] = sorted(described.partitions)
        return found

    def _offsets(self, tps: list[TopicPartition], spec: Any) -> dict[tuple[str, int], int]:
        futures = self._admin.list_offsets(
            {tp: spec for tp in tps}, request_timeout=self._timeout_s
        )
        return {
            (tp.topic, tp.partition): _result(future, self._timeout_s).offset
            for tp, future in futures.items()
        }

    def _committed(self, source: GroupSource, partitions: list[int]) -> dict[int, int]:
        request = ConsumerGroupTopicPartitions(
            source.group, [TopicPartition(source.topic, p) for p in partitions]
        )
        futures = self._admin.list_consumer_group_offsets(
            [request], request_timeout=self._timeout_s
        )
        answer = _result(futures[source.group], self._timeout_s)
        # A negative offset (OFFSET_INVALID) means no commit on that partition.
        return {tp.partition: tp.offset for tp in answer.topic_partitions if tp.offset >= 0}


def _result(future: Future[Any], timeout_s: float) -> Any:
    try:
        return future.result(timeout=timeout_s)
    except TimeoutError as exc:
        raise LagUnavailable(f"Kafka did not answer within {timeout_s:g}s") from exc


def _reason(exc: KafkaException) -> str:
    error = exc.args[0] if exc.args else None
    return str(error.str()) if isinstance(error, KafkaError) else str(exc)

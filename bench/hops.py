"""Where a call's time goes: per-stage latency from the records' own timestamps.

Every record carries the time its producer handed it over (Kafka CreateTime):
the benchmark's producer for ``calls.transcript-saved``, the extraction stage
for ``calls.extracted``, the analysis stage for ``calls.analyzed``; the
receiver stores when the POST arrived. The differences split each call's
end-to-end latency into the extraction hop (fetch, queueing, processing,
producer linger), the analysis hop and the delivery hop (the same, plus the
POST). Read once at the end of a run, for the phases asked.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from callpipe.bench.stats import latency_summary_ms
from callpipe.settings import Settings
from callpipe.topics import ANALYZED, EXTRACTED, TRANSCRIPT_SAVED

HOPS = (("extraction", TRANSCRIPT_SAVED, EXTRACTED), ("analysis", EXTRACTED, ANALYZED))


def record_times(settings: Settings, topic: str, prefixes: Sequence[str]) -> dict[str, float]:
    """call_ref_id -> CreateTime (epoch s) of the first record of each call of ``prefixes``."""
    name = settings.topic(topic)
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"{settings.consumer_group_prefix}-hops-{time.time_ns()}",
            "enable.auto.commit": False,
        }
    )
    times: dict[str, float] = {}
    try:
        partitions = consumer.list_topics(name, timeout=10).topics[name].partitions
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(name, p), timeout=10)[1]
            for p in partitions
        }
        consumer.assign([TopicPartition(name, p, 0) for p in partitions if ends[p] > 0])
        left = {p for p, end in ends.items() if end > 0}
        deadline = time.monotonic() + 60
        while left and time.monotonic() < deadline:
            for message in consumer.consume(5000, timeout=0.5):
                if message.error() is not None:
                    continue
                key = (message.key() or b"").decode(errors="replace")
                if key.startswith(tuple(prefixes)) and key not in times:
                    times[key] = message.timestamp()[1] / 1000.0
                offset, partition = message.offset(), message.partition()
                if offset is not None and partition is not None and offset + 1 >= ends[partition]:
                    left.discard(partition)
    finally:
        consumer.close()
    return times


def hop_latencies(
    settings: Settings, phases: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, Any]]:
    """For each phase (prefix -> receipts), the p50/p95/p99/max of each hop in ms."""
    prefixes = list(phases)
    stamps = {
        topic: record_times(settings, topic, prefixes)
        for topic in (TRANSCRIPT_SAVED, EXTRACTED, ANALYZED)
    }
    result: dict[str, dict[str, Any]] = {}
    for prefix, received in phases.items():
        hops: dict[str, Any] = {}
        for name, before, after in HOPS:
            hops[name] = _summary(stamps[before], stamps[after], prefix)
        hops["delivery"] = _summary(stamps[ANALYZED], received, prefix)
        result[prefix] = hops
    return result


def _summary(
    start: Mapping[str, float], end: Mapping[str, float], prefix: str
) -> dict[str, float] | None:
    deltas = [max(0.0, end[k] - at) for k, at in start.items() if k.startswith(prefix) and k in end]
    return latency_summary_ms(deltas) if deltas else None

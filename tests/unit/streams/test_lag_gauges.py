"""Consumer lag: the arithmetic, and the gauges every worker refreshes (no Kafka: a fake reader)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe import metrics
from callpipe.connectors.kafka.lag import GroupSource, LagUnavailable, PartitionLag, stage_sources
from callpipe.edges import kafka_config
from callpipe.settings import load_settings
from callpipe.streams.lag import LagGauges

offsets = st.integers(min_value=0, max_value=10**12)


@given(start=offsets, span=offsets, committed=st.none() | offsets)
def test_lag_counts_the_records_between_the_groups_position_and_the_end(
    start: int, span: int, committed: int | None
) -> None:
    """Lag is end minus position, never negative; no commit (or one behind the retention's
    start) reads from the start."""
    end = start + span
    partition = PartitionLag("t", 0, committed, start, end)
    expected_position = start if committed is None or committed < start else committed
    assert partition.position == expected_position
    assert partition.lag == max(0, end - expected_position)
    assert 0 <= partition.lag <= span


def test_each_stage_reads_its_own_group_on_its_source_topic() -> None:
    """Groups are <prefix>-<stage>; topics are the real names (prefix and renames applied)."""
    settings = load_settings(
        topic_prefix="t.",
        consumer_group_prefix="cp",
        topic_names={"calls.analyzed": "crm.analyzed"},
    )
    assert stage_sources(kafka_config(settings)) == {
        "extraction": GroupSource("cp-extraction", "t.calls.transcript-saved"),
        "analysis": GroupSource("cp-analysis", "t.calls.extracted"),
        "delivery": GroupSource("cp-delivery", "t.crm.analyzed"),
        "retry": GroupSource("cp-retry", "t.webhooks.retry"),
    }


SOURCES = {
    "unit-a": GroupSource("g-a", "lagtest.a"),
    "unit-b": GroupSource("g-b", "lagtest.b"),
}


class _Reader:
    def __init__(self) -> None:
        self.answer: dict[GroupSource, list[PartitionLag]] | None = {}

    def read(self, sources: Iterable[GroupSource]) -> dict[GroupSource, list[PartitionLag]]:
        assert set(sources) == set(SOURCES.values())
        if self.answer is None:
            raise LagUnavailable("Broker transport failure")
        return self.answer


def _value(name: str, stage: str, topic: str, partition: int) -> float | None:
    labels = {"stage": stage, "topic": topic, "partition": str(partition)}
    return metrics.PIPELINE.get_sample_value(name, labels)


def test_gauges_follow_the_broker_and_forget_what_it_no_longer_reports() -> None:
    """Lag, end and committed offsets per stage and partition; a partition that vanishes
    from the answer vanishes from /metrics; no commit means no committed gauge."""
    reader = _Reader()
    reader.answer = {
        SOURCES["unit-a"]: [
            PartitionLag("lagtest.a", 0, 5, 0, 12),
            PartitionLag("lagtest.a", 1, None, 3, 4),
        ],
        SOURCES["unit-b"]: [PartitionLag("lagtest.b", 0, 9, 0, 9)],
    }
    gauges = LagGauges(reader, SOURCES)
    assert gauges.probe()
    assert _value("callpipe_consumer_lag", "unit-a", "lagtest.a", 0) == 7
    assert _value("callpipe_consumer_committed_offset", "unit-a", "lagtest.a", 0) == 5
    assert _value("callpipe_consumer_end_offset", "unit-a", "lagtest.a", 0) == 12
    assert _value("callpipe_consumer_lag", "unit-a", "lagtest.a", 1) == 1
    assert _value("callpipe_consumer_committed_offset", "unit-a", "lagtest.a", 1) is None
    assert _value("callpipe_consumer_lag", "unit-b", "lagtest.b", 0) == 0
    assert metrics.PIPELINE.get_sample_value("callpipe_consumer_lag_probe_success") == 1

    reader.answer = {SOURCES["unit-a"]: [PartitionLag("lagtest.a", 0, 12, 0, 12)]}
    assert gauges.probe()
    assert _value("callpipe_consumer_lag", "unit-a", "lagtest.a", 0) == 0
    assert _value("callpipe_consumer_lag", "unit-a", "lagtest.a", 1) is None
    assert _value("callpipe_consumer_end_offset", "unit-b", "lagtest.b", 0) is None


def test_kafka_unreachable_clears_the_gauges_and_says_so_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unknown lag is absent, not a stale number; the probe gauge is 0; one log line per
    minute however often the probe fails."""
    reader = _Reader()
    reader.answer = {SOURCES["unit-a"]: [PartitionLag("lagtest.a", 0, 1, 0, 3)]}
    now = [1000.0]
    gauges = LagGauges(reader, SOURCES, clock=lambda: now[0])
    gauges.probe()
    reader.answer = None
    with caplog.at_level(logging.WARNING, logger="callpipe.streams.lag"):
        for _ in range(5):
            assert not gauges.probe()
            now[0] += 5
        now[0] += 60
        gauges.probe()
    assert _value("callpipe_consumer_lag", "unit-a", "lagtest.a", 0) is None
    assert metrics.PIPELINE.get_sample_value("callpipe_consumer_lag_probe_success") == 0
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["consumer lag unknown: Broker transport failure"] * 2

"""`callpipe status` as text (callpipe.cli.status_view), from made-up statuses: no Kafka."""

from __future__ import annotations

import pytest

from callpipe.cli.status_view import duration, render
from callpipe.connectors.kafka.lag import GroupSource, PartitionLag
from callpipe.connectors.kafka.status import Member, PipelineStatus, StageStatus


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.4, "0s"),
        (59.9, "59s"),
        (60, "1m 00s"),
        (187, "3m 07s"),
        (7500, "2h 05m"),
        (273_600, "3d 04h"),
    ],
)
def test_ages_are_short(seconds: float, text: str) -> None:
    """Seconds, minutes, hours or days, with the next unit beside."""
    assert duration(seconds) == text


def _stage(
    name: str, members: tuple[Member, ...], lags: list[PartitionLag], oldest: float | None
) -> StageStatus:
    source = GroupSource(f"callpipe-{name}", lags[0].topic)
    return StageStatus(name, source, "stable" if members else "empty", members, tuple(lags), oldest)


def test_a_stopped_stage_shows_its_backlog_and_its_oldest_record() -> None:
    """Delivery stopped with 30 records waiting: the table says so on one line, the
    partitions line says where, the workers section says none run."""
    status = PipelineStatus(
        (
            _stage(
                "extraction",
                (Member("w1", "/127.0.0.1", (0, 1)),),
                [
                    PartitionLag("calls.transcript-saved", 0, 12, 0, 12),
                    PartitionLag("calls.transcript-saved", 1, 9, 0, 9),
                ],
                None,
            ),
            _stage(
                "delivery",
                (),
                [
                    PartitionLag("calls.analyzed", 0, 4, 0, 24),
                    PartitionLag("calls.analyzed", 1, None, 0, 10),
                ],
                134.2,
            ),
        ),
        {"calls.dead-letter": 2, "webhooks.dead-letter": 0},
    )
    lines = render(status, "127.0.0.1:9092").splitlines()
    assert lines[0] == "Kafka 127.0.0.1:9092"
    header, extraction, delivery = lines[2:5]
    assert header.split() == ["stage", "workers", "lag", "oldest", "waiting", "group", "state"]
    assert extraction.split() == ["extraction", "1", "0", "-", "callpipe-extraction", "stable"]
    assert delivery.split() == [
        "delivery",
        "0",
        "(stopped)",
        "30",
        "2m",
        "14s",
        "callpipe-delivery",
        "empty",
    ]
    assert "  delivery (calls.analyzed): 0: 4/24 lag 20, 1: -/10 lag 10" in lines
    assert "  extraction: w1 on /127.0.0.1, partitions 0,1" in lines
    assert "  delivery: none running" in lines
    assert lines[-1] == "dead letters: calls.dead-letter 2, webhooks.dead-letter 0"
    assert len(lines) < 25, "one screen"

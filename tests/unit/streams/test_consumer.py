"""The consumer's two guards around Faust's fetch loop, with Faust's own step faked."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from faust.transport.consumer import Consumer as FaustConsumer
from faust.types import TP

from callpipe.streams.consumer import ShortPollConsumer


class Thread:
    def __init__(self) -> None:
        self.polls = 0

    async def count_as_poll(self) -> None:
        self.polls += 1


def consumer(active: set[TP], paused: set[TP]) -> tuple[ShortPollConsumer, Thread]:
    made = object.__new__(ShortPollConsumer)  # no broker: only the fetch step is exercised
    thread = Thread()
    made._active_partitions = active
    made._paused_partitions = paused
    made._thread = thread  # type: ignore[assignment]
    return made, thread


@pytest.fixture(autouse=True)
def faust_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Faust's _wait_next_records: a batch and its live set of active partitions."""

    async def step(self: Any, timeout: float) -> tuple[dict[TP, list[str]], set[TP]]:
        fetched = {tp: ["record"] for tp in self._active_partitions}
        self._active_partitions.discard(TP("calls", 0))  # paused while the fetch was out
        return fetched, self._active_partitions

    monkeypatch.setattr(FaustConsumer, "_wait_next_records", step)


def test_a_partition_paused_during_its_fetch_or_hand_out_keeps_its_records() -> None:
    """Faust checks each fetched record against the set it got with the batch: a copy that
    holds every partition the batch has records of, so a pause during the fetch or while
    the batch is handed out cannot skip records already fetched."""
    live = {TP("calls", 0), TP("calls", 1)}
    made, _ = consumer(live, set())
    records, active = asyncio.run(made._wait_next_records(1.0))
    assert TP("calls", 0) in records and TP("calls", 0) in active
    live.discard(TP("calls", 1))  # paused while the batch is handed out
    assert TP("calls", 1) in active


def test_a_fully_paused_consumer_counts_as_polling() -> None:
    """Every partition paused on purpose: each turn of the loop tells aiokafka it polled."""
    made, thread = consumer(set(), {TP("calls", 0)})
    asyncio.run(made._wait_next_records(1.0))
    assert thread.polls == 1


@pytest.mark.parametrize(
    ("active", "paused"),
    [({TP("calls", 1)}, {TP("calls", 0)}), (set(), set())],
)
def test_a_consumer_still_fetching_or_without_pauses_is_left_alone(
    active: set[TP], paused: set[TP]
) -> None:
    """Some partition still fetched (a real poll happens), or nothing paused (no assignment
    yet, or a stuck agent Faust stopped fetching for): no poll is faked."""
    made, thread = consumer(active, paused)
    asyncio.run(made._wait_next_records(1.0))
    assert thread.polls == 0

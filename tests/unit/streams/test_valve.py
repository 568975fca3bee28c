"""Pausing a stage's source: what the processor asks (SourcePauses) and how the valve applies it."""

from __future__ import annotations

import asyncio
from typing import Any, NamedTuple

from callpipe.streams.pauses import SourcePauses
from callpipe.streams.valve import SourceValve
from callpipe.streams.window import SlidingWindow


class TP(NamedTuple):
    topic: str
    partition: int


class FakeConsumer:
    """Faust's consumer as the valve sees it: an assignment and pause/resume calls."""

    def __init__(self, assigned: set[TP]) -> None:
        self.assigned = assigned
        self.paused: set[TP] = set()
        self.calls: list[tuple[str, set[TP]]] = []

    def assignment(self) -> set[TP]:
        return self.assigned

    def pause_partitions(self, tps: set[TP]) -> None:
        self.calls.append(("pause", set(tps)))
        self.paused |= set(tps)

    def resume_partitions(self, tps: set[TP]) -> None:
        self.calls.append(("resume", set(tps)))
        self.paused -= set(tps)


class FakeConf:
    stream_wait_empty = True


class FakeApp:
    def __init__(self, consumer: FakeConsumer) -> None:
        self.consumer = consumer
        self.conf = FakeConf()
        self.rebalancing = False


class Now:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


SOURCE = [TP("src", p) for p in range(3)]


class Setup(NamedTuple):
    valve: SourceValve
    app: FakeApp
    now: Now
    pauses: SourcePauses


def valve_for(hold_all: list[bool], drain: bool = True) -> Setup:
    now = Now()
    pauses = SourcePauses(lambda: hold_all[0], drain=drain, clock=now)
    app = FakeApp(FakeConsumer({*SOURCE, TP("other", 0)}))
    return Setup(SourceValve(app, "src", pauses), app, now, pauses)


def test_everything_is_paused_while_the_processor_holds_all_and_resumed_after() -> None:
    """Circuit open: every source partition paused (not other topics); closed: resumed."""
    holding = [True]
    valve, app, _, _ = valve_for(holding)
    valve.tick()
    assert app.consumer.paused == set(SOURCE)
    assert app.conf.stream_wait_empty is False, "a stop does not wait for held calls"
    holding[0] = False
    valve.tick()
    assert app.consumer.paused == set()
    assert app.conf.stream_wait_empty is True


def test_partitions_assigned_while_paused_are_paused_at_the_next_tick() -> None:
    """A rebalance hands over a new partition during an outage: it is paused too."""
    valve, app, _, _ = valve_for([True])
    valve.tick()
    app.consumer.assigned.add(TP("src", 7))
    valve.tick()
    assert TP("src", 7) in app.consumer.paused


def test_nothing_is_touched_during_a_rebalance_or_after_the_stage_failed() -> None:
    """Faust owns pauses while it rebalances; a failed stage keeps its stop settings."""
    valve, app, _, _ = valve_for([True])
    app.rebalancing = True
    valve.tick()
    app.rebalancing = False
    valve.frozen = True
    valve.tick()
    assert app.consumer.calls == [] and app.conf.stream_wait_empty is True


def test_one_partition_is_paused_until_its_time() -> None:
    """hold(partition, until): that partition alone, and only until then."""
    valve, app, now, pauses = valve_for([False])
    pauses.hold(1, until=105.0)
    pauses.hold(1, until=103.0)  # an earlier end does not shorten it
    valve.tick()
    assert app.consumer.paused == {TP("src", 1)}
    now.t = 104.9
    valve.tick()
    assert app.consumer.paused == {TP("src", 1)}
    now.t = 105.0
    valve.tick()
    assert app.consumer.paused == set()


def test_a_stage_that_holds_records_never_waits_for_them_at_a_stop() -> None:
    """The retry stage (drain=False): a stop or rebalance does not wait for held records."""
    valve, app, _, _ = valve_for([False], drain=False)
    valve.tick()
    assert app.conf.stream_wait_empty is False


def test_the_window_cancels_the_jobs_of_revoked_partitions_only() -> None:
    """Revoked partition 1: its job is cancelled, partition 2's runs to the end."""

    async def main() -> list[str]:
        window = SlidingWindow(4)
        finished: list[str] = []
        release = asyncio.Event()

        def job(name: str) -> Any:
            async def run() -> None:
                await release.wait()
                finished.append(name)

            return run

        await window.submit("a", job("p1"), TP("src", 1))
        await window.submit("b", job("p2"), TP("src", 2))
        await asyncio.sleep(0)
        assert window.cancel([TP("src", 1)]) == 1
        release.set()
        await window.drain()
        return finished

    assert asyncio.run(main()) == ["p2"]

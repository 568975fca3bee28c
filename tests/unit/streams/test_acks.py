"""Acks reach Faust in offset order per partition, whatever order records finish in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from callpipe.streams.acks import InOrderAcks


@dataclass(frozen=True)
class _Message:
    tp: str
    offset: int


@dataclass(frozen=True)
class _Event:
    message: _Message


def _events(partitions: int, per_partition: int) -> list[_Event]:
    return [_Event(_Message(f"t-{p}", o)) for o in range(per_partition) for p in range(partitions)]


def _acker() -> tuple[list[_Event], Any]:
    acked: list[_Event] = []

    async def ack(event: _Event) -> None:
        acked.append(event)

    return acked, ack


@given(st.data())
def test_acks_follow_offsets_whatever_the_finishing_order(data: st.DataObject) -> None:
    """Every ack's offsets before it on its partition are acked already; all end acked."""
    events = _events(data.draw(st.integers(1, 3)), data.draw(st.integers(1, 8)))
    finishing = data.draw(st.permutations(range(len(events))))
    acked, ack = _acker()
    acks = InOrderAcks(ack)
    tickets = [acks.track(event) for event in events]

    async def run() -> None:
        for index in finishing:
            await acks.finished(tickets[index])

    asyncio.run(run())
    for tp in {event.message.tp for event in events}:
        offsets = [e.message.offset for e in acked if e.message.tp == tp]
        assert offsets == sorted(offsets) == list(range(len(offsets)))
    assert len(acked) == len(events)
    assert acks.waiting() == 0


def test_a_slow_head_holds_back_the_acks_behind_it() -> None:
    """Offsets 1-3 finished, 0 not: nothing is acked until 0 finishes, then all four."""
    acked, ack = _acker()
    acks = InOrderAcks(ack)
    tickets = [acks.track(event) for event in _events(1, 4)]

    async def run() -> None:
        for ticket in tickets[1:]:
            await acks.finished(ticket)
        assert acked == []
        await acks.finished(tickets[0])

    asyncio.run(run())
    assert [event.message.offset for event in acked] == [0, 1, 2, 3]


def test_a_revoked_partition_acks_nothing_more() -> None:
    """Records of a revoked partition are consumed again; finishing them later acks nothing."""
    acked, ack = _acker()
    acks = InOrderAcks(ack)
    ticket = acks.track(_events(1, 1)[0])
    acks.forget(["t-0"])

    asyncio.run(acks.finished(ticket))
    assert acked == []
    assert acks.waiting() == 0

"""Acking a partition's events in offset order, whatever order they finish in.

Why: Faust commits a partition up to the last contiguous acked offset, but
its gap check has a hole (faust-streaming/faust#606, #707): when the record
at the committed head is still in flight and later ones are acked,
`Consumer._new_offset` commits past it (the guard tests a gap ``> 1``; the
in-flight head is a gap of exactly 1, and with no commit yet there is no
guard at all). A slow delivery at the head of a partition (a retried POST)
was lost that way when its worker was killed.

So Faust is never shown an ack out of order: an event that finishes waits
until every event received before it on the same partition has finished,
and then they are acked together, oldest first. Whatever Faust then
commits, every offset before it belongs to a finished record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Ack = Callable[[Any], Awaitable[object]]


class Ticket:
    """One tracked event: its partition's queue and whether it finished."""

    __slots__ = ("done", "event", "queue")

    def __init__(self, event: Any, queue: deque[Ticket]) -> None:
        self.event = event
        self.queue = queue
        self.done = False


class InOrderAcks:
    """Tracks events as they are received and acks each partition's in order."""

    def __init__(self, ack: Ack) -> None:
        self._ack = ack
        self._queues: dict[Any, deque[Ticket]] = {}

    def track(self, event: Any) -> Ticket:
        """Called when an event is received, before its processing starts."""
        tp = event.message.tp
        queue = self._queues.get(tp)
        if queue is None:
            queue = self._queues[tp] = deque()
        ticket = Ticket(event, queue)
        queue.append(ticket)
        return ticket

    async def finished(self, ticket: Ticket) -> None:
        """Marks the ticket's event finished and acks what is now contiguous."""
        ticket.done = True
        queue = ticket.queue
        if self._queues.get(ticket.event.message.tp) is not queue:
            return  # the partition was revoked meanwhile: it will be read again
        ready = []
        while queue and queue[0].done:
            ready.append(queue.popleft())
        for done in ready:
            await self._ack(done.event)

    def forget(self, tps: Any) -> None:
        """Partitions revoked: their unfinished events will be consumed again."""
        for tp in tps:
            self._queues.pop(tp, None)

    def waiting(self) -> int:
        """Events received and not yet acked, over all partitions."""
        return sum(len(queue) for queue in self._queues.values())

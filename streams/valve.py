"""Pauses and resumes a stage's source partitions as its processor asks
(``callpipe.streams.pauses``).

A paused partition is not fetched, so its records wait in Kafka, durable,
as consumer lag; the consumer keeps polling (``callpipe.streams.consumer``) and
heart-beating, so the worker stays in its group and rebalances as usual.
The valve looks every VALVE_TICK_S: that also pauses partitions assigned
by a rebalance while the processor still wants everything paused.

It also decides whether a stop or a rebalance waits for the records in
flight (Faust's ``stream_wait_empty``): not while they wait for an open
circuit, which could take hours, nor in a stage that holds records on
purpose (``SourcePauses.drain_in_flight``). Records that are not waited for
stay unacked and are consumed again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from callpipe.streams.pauses import SourcePauses

log = logging.getLogger(__name__)

VALVE_TICK_S = 0.25


class SourceValve:
    """Applies a processor's ``SourcePauses`` to the partitions of one topic of a Faust app."""

    def __init__(self, app: Any, topic: str, pauses: SourcePauses) -> None:
        self._app = app
        self._topic = topic
        self._pauses = pauses
        self._paused: set[Any] = set()
        self._all_held = False
        self.frozen = False
        """Set when the stage failed: leave Faust's settings alone from then on."""

    async def run(self) -> None:
        failing: str | None = None
        while True:
            try:
                self.tick()
                failing = None
            except Exception as exc:  # the consumer stopping, say: try again next tick
                if repr(exc) != failing:
                    failing = repr(exc)
                    log.warning("could not apply source pauses", exc_info=exc)
            await asyncio.sleep(VALVE_TICK_S)

    def tick(self) -> None:
        if self.frozen or self._app.rebalancing:
            return
        consumer = self._app.consumer
        assigned = [tp for tp in consumer.assignment() if tp.topic == self._topic]
        wanted = self._pauses.wanted(tp.partition for tp in assigned)
        pause = {tp for tp in assigned if tp.partition in wanted}
        resume = {tp for tp in self._paused if tp not in pause and tp in assigned}
        if pause:
            consumer.pause_partitions(pause)  # again each tick: a rebalance may resume them
        if resume:
            consumer.resume_partitions(resume)
        all_held = bool(assigned) and len(pause) == len(assigned) and self._pauses.all_held
        if all_held != self._all_held:
            self._all_held = all_held
            log.info(
                "all source partitions paused: records wait in Kafka"
                if all_held
                else "source partitions resumed",
                extra={"fields": {"topic": self._topic, "partitions": len(assigned)}},
            )
        self._paused = pause
        self._app.conf.stream_wait_empty = self._pauses.drain_in_flight

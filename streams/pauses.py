"""What a processor asks of its source partitions: stop fetching, for a while or for now.

A processor never touches Kafka; it says which of its source partitions it
wants paused, and ``callpipe.streams.valve`` pauses and resumes them through Faust's
consumer. Two reasons exist:

- **all partitions** while a condition holds (``hold_all``): the delivery and
  retry stages take no new records while their destination's circuit is
  open and calls wait at its gate;
- **one partition until a time** (``hold``): the retry stage stops reading a
  partition whose records it is cycling through faster than they come due.

Times are ``time.monotonic()`` seconds (the clock is injected for tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

Clock = Callable[[], float]


def _never() -> bool:
    return False


class SourcePauses:
    """The pauses a processor wants now (pure bookkeeping, no Kafka)."""

    def __init__(
        self,
        hold_all: Callable[[], bool] = _never,
        *,
        drain: bool = True,
        clock: Clock = time.monotonic,
    ) -> None:
        self._hold_all = hold_all
        self._drain = drain
        self._clock = clock
        self._until: dict[int, float] = {}

    @property
    def drain_in_flight(self) -> bool:
        """Whether a stop or rebalance should wait for the records in flight: not when the
        stage holds records on purpose (``drain=False``), nor while everything is held."""
        return self._drain and not self._hold_all()

    def hold(self, partition: int, until: float) -> None:
        """Keeps ``partition`` paused until the monotonic time ``until`` (the later one wins)."""
        if until > self._until.get(partition, float("-inf")):
            self._until[partition] = until

    @property
    def all_held(self) -> bool:
        """Whether every source partition should be paused now."""
        return self._hold_all()

    def wanted(self, partitions: Iterable[int]) -> set[int]:
        """Which of ``partitions`` should be paused now."""
        if self._hold_all():
            return set(partitions)
        now = self._clock()
        for partition in [p for p, until in self._until.items() if until <= now]:
            del self._until[partition]
        return {p for p in partitions if p in self._until}

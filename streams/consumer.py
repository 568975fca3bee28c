"""Faust's aiokafka consumer, with empty fetches short and deliberate pauses kept alive.

Three changes to how Faust drives aiokafka, all through internals of the
pinned versions (faust-streaming 0.15, aiokafka 0.14):

- **Short empty fetches.** aiokafka keeps one fetch in flight per broker,
  and a partition whose buffered records were consumed waits for that fetch
  to come back. When the fetch in flight only covers partitions with nothing
  new, the broker holds it for ``fetch_max_wait_ms``: with Faust's 1500 ms,
  records sat for up to 1.5 s (seen as 1.6 s steps in per-stage latency at
  200 calls/s). Ours is FETCH_MAX_WAIT_MS.
- **Paused partitions are not a stuck consumer.** When every partition is
  paused (``pause_partitions``: an open circuit), Faust stops calling
  aiokafka's ``getmany`` and sleeps instead. aiokafka counts the time since
  the last ``getmany`` against ``max_poll_interval`` and, past it, leaves the
  group and does not rejoin: an outage longer than
  CONSUMER_MAX_POLL_INTERVAL_S would take the worker out of its group. So
  while everything is paused, each turn of Faust's fetch loop counts as a
  poll (it fetches nothing). A stuck agent still trips the check: Faust
  stops fetching for it by taking its partitions out of the active set
  (buffer full), which is not a pause.
- **A pause never skips fetched records.** Faust hands a fetched batch out
  record by record and checks each one against the *live* set of active
  partitions. A partition paused while its records were being fetched or
  handed out had them skipped, although aiokafka's position had already
  passed them: they were never consumed, and the in-order acks behind them
  let the commit pass them (seen: 1 and 2 calls of 300 lost when a circuit
  opened). Faust is given, instead, a copy of the set that also holds every
  partition the batch has records of: a batch is handed out whole, and the
  pause takes effect at the next fetch. Rebalances do not rely on the set:
  Faust stops handing out when the generation changes or the flow stops,
  and seeks back to the committed offsets.
"""

from __future__ import annotations

from typing import Any

from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaConsumer

FETCH_MAX_WAIT_MS = 100
"""How long the broker may hold an empty fetch (Faust hard-codes 1500 ms)."""


class _ShortPollConsumerThread(AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer

    async def count_as_poll(self) -> None:
        """Tells aiokafka the consumer is alive, as a fetch would (in the consumer's thread)."""
        await self.call_thread(self._count_as_poll)

    async def _count_as_poll(self) -> None:
        # The context Faust's own fetch runs in; leaving it restarts the idle clock.
        with self._ensure_consumer()._fetcher._subscriptions.fetch_context():
            pass


class ShortPollConsumer(AIOKafkaConsumer):
    """Faust's aiokafka consumer with the two changes of this module."""

    _thread: _ShortPollConsumerThread

    def _new_consumer_thread(self) -> Any:
        return _ShortPollConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _wait_next_records(self, timeout: float) -> Any:
        if self._paused_partitions and not self._get_active_partitions():
            await self._thread.count_as_poll()
        records, active = await super()._wait_next_records(timeout)
        if active is None:
            return records, None
        return records, set(active).union(records or ())

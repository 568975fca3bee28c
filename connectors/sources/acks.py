"""Waiting for the broker's acknowledgement of one record from asyncio code.

confluent-kafka reports each delivery through a callback, run by whichever
thread calls ``poll()``. `AsyncDelivery` keeps one background thread polling
and hands every record's outcome to the asyncio future of the request that
sent it, so many requests wait at once without a ``flush()`` each (a flush
waits for *every* record in flight, and would tie requests to each other).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from callpipe.connectors.kafka.producer import ProduceError
from callpipe.connectors.sources.errors import SourceUnavailable
from callpipe.connectors.sources.sink import TranscriptSink, submit

POLL_S = 0.05
"""How long one poll waits for delivery reports; bounds the shutdown delay."""


class AsyncDelivery:
    """Produces transcripts and lets coroutines await their acknowledgement."""

    def __init__(self, sink: TranscriptSink, *, poll_s: float = POLL_S) -> None:
        self.sink = sink
        self._poll_s = poll_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Starts the polling thread."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._poll, name="delivery-poller", daemon=True)
        self._thread.start()

    def stop(self, flush_timeout_s: float) -> None:
        """Stops polling, then waits up to ``flush_timeout_s`` for records still in flight."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        # Records not acknowledged by now were (or are being) answered 503: senders retry.
        with contextlib.suppress(ProduceError):
            self.sink.flush(flush_timeout_s)

    async def send(self, data: object, timeout_s: float) -> str:
        """Validates and produces ``data``; returns its call_ref_id once the broker has it.

        Raises `TranscriptError` or `RecordTooLarge` for bad input, and
        `SourceUnavailable` when Kafka refuses the record or does not
        acknowledge it within ``timeout_s`` (it may still arrive later).
        """
        loop = asyncio.get_running_loop()
        acked: asyncio.Future[ProduceError | None] = loop.create_future()

        def on_delivery(error: ProduceError | None) -> None:
            # RuntimeError: the loop closed while the record was in flight; nobody waits.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, acked, error)

        call_ref_id = submit(self.sink, data, on_delivery)
        try:
            error = await asyncio.wait_for(acked, timeout_s)
        except TimeoutError as exc:
            raise SourceUnavailable(
                f"Kafka did not acknowledge the record within {timeout_s:g}s"
            ) from exc
        if error is not None:
            raise SourceUnavailable(f"Kafka refused the record: {error}") from error
        return call_ref_id

    def _poll(self) -> None:
        while not self._stopping.is_set():
            self.sink.poll(self._poll_s)


def _settle(future: asyncio.Future[ProduceError | None], error: ProduceError | None) -> None:
    # The waiting request may have timed out and cancelled its future already.
    if not future.done():
        future.set_result(error)

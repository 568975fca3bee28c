"""What /readyz and /metrics of `callpipe ingest` answer.

Ingest is ready when its delivery thread runs and its producer reaches a
broker. Asking the broker takes a request, so `BrokerWatch` asks every few
seconds in the background and /readyz answers from the last answer: a probe
never waits on Kafka, and many probes do not become many requests.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from callpipe.health import CheckResult

BrokerCheck = Callable[[], CheckResult]
"""Blocking: asks the broker (e.g. TranscriptProducer.reaches_broker)."""

WATCH_INTERVAL_S = 5.0


class BrokerWatch:
    """Keeps the last answer of a blocking broker check, refreshed in the background."""

    def __init__(self, check: BrokerCheck, interval_s: float = WATCH_INTERVAL_S) -> None:
        self._check = check
        self._interval_s = interval_s
        self.result = CheckResult(False, "broker not checked yet")
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def refresh(self) -> None:
        try:
            self.result = await asyncio.to_thread(self._check)
        except Exception as exc:  # a check that breaks is a failed check
            self.result = CheckResult(False, f"broker check failed: {type(exc).__name__}")

    async def _run(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self._interval_s)

"""A sliding window of concurrent jobs: up to ``size`` at once, one key's jobs in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class SlidingWindow:
    """Up to ``size`` jobs at once; jobs with the same key run one after another.

    A job that raises stops the window: the next ``submit`` (or ``drain``)
    raises that error, and the job's event stays unacked. Each job has a
    ``group`` (its partition) so that a revoked partition's jobs can be
    cancelled.
    """

    def __init__(self, size: int) -> None:
        self._slots = asyncio.Semaphore(size)
        self._tasks: dict[asyncio.Task[None], object] = {}
        self._last_by_key: dict[object, asyncio.Task[None]] = {}
        self._error: BaseException | None = None

    async def submit(self, key: object, job: Job, group: object = None) -> None:
        self._raise_if_failed()
        await self._slots.acquire()
        self._raise_if_failed()
        before = self._last_by_key.get(key)
        task = asyncio.create_task(self._run(key, before, job))
        self._tasks[task] = group
        self._last_by_key[key] = task

    async def _run(self, key: object, before: asyncio.Task[None] | None, job: Job) -> None:
        try:
            if before is not None and not before.done():
                await asyncio.wait([before])
            if self._error is None:
                await job()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            if self._error is None:
                self._error = exc
            log.exception("record processing failed; the stage stops before committing it")
        finally:
            self._slots.release()
            task = asyncio.current_task()
            if task is not None:
                self._tasks.pop(task, None)
                if self._last_by_key.get(key) is task:
                    del self._last_by_key[key]

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    async def drain(self) -> None:
        """Waits for every job; raises the first error."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))
        self._raise_if_failed()

    def cancel(self, groups: Iterable[object] | None = None) -> int:
        """Cancels the running jobs (of ``groups`` only, when given); returns how many.

        Their events stay unacked and are consumed again (by this worker or,
        after a rebalance, by the partition's new owner).
        """
        wanted = None if groups is None else set(groups)
        cancelled = 0
        for task, group in list(self._tasks.items()):
            if wanted is None or group in wanted:
                task.cancel()
                cancelled += 1
        return cancelled

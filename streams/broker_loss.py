"""When the broker is gone: reconnect with backoff, and say so once per interval.

aiokafka (under Faust) tries a connection whenever a fetch, a heartbeat or
a metadata refresh asks for one, and a refused local connection fails at
once: with the broker down, workers looped thousands of times a second,
logging "Unable connect to node ..." each time (20 MB of log in 20 s, most
of a core). aiokafka has no reconnect backoff of its own, so:

- `install_reconnect_backoff` makes every connection attempt to a node that
  just failed wait first: exponential from `BACKOFF_INITIAL_S` up to
  `BACKOFF_MAX_S`, with jitter, reset by the first success;
- `BrokerLossLogFilter` lets one "Kafka broker unreachable" line through
  per `interval_s`, counting the failures it held back.

The patch wraps one private aiokafka method (`AIOKafkaClient._get_conn`),
so it depends on the pinned aiokafka; `tests/unit/streams/test_broker_loss.py`
fails if that method goes away.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka.client import AIOKafkaClient

BACKOFF_INITIAL_S = 0.1
BACKOFF_MAX_S = 10.0
LOG_INTERVAL_S = 10.0

_CONNECT_FAILURE_PREFIXES = ("Unable connect to", "Unable to update metadata from")


class ReconnectBackoff:
    """Per-node failure counts and the time before which no new attempt is made."""

    def __init__(
        self,
        initial_s: float = BACKOFF_INITIAL_S,
        max_s: float = BACKOFF_MAX_S,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self._clock = clock
        self._jitter = jitter
        self._failures: dict[object, int] = {}
        self._not_before: dict[object, float] = {}

    def wait_s(self, node: object) -> float:
        """How long to wait before the next attempt to ``node`` (0 when it may go now)."""
        return max(0.0, self._not_before.get(node, 0.0) - self._clock())

    def failed(self, node: object) -> None:
        failures = self._failures.get(node, 0) + 1
        self._failures[node] = failures
        ceiling = min(self.max_s, self.initial_s * 2 ** (failures - 1))
        # Half fixed, half jitter: never a tight loop, and workers do not retry in step.
        self._not_before[node] = self._clock() + ceiling * (0.5 + 0.5 * self._jitter())

    def succeeded(self, node: object) -> None:
        self._failures.pop(node, None)
        self._not_before.pop(node, None)


_installed = False


def install_reconnect_backoff(backoff: ReconnectBackoff | None = None) -> None:
    """Wraps aiokafka's connection attempts with ``backoff`` (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    state = backoff or ReconnectBackoff()
    original: Callable[..., Awaitable[Any]] = AIOKafkaClient._get_conn

    @functools.wraps(original)
    async def get_conn_with_backoff(
        self: AIOKafkaClient, node_id: object, *args: Any, **kwargs: Any
    ) -> Any:
        node = (id(self), node_id)
        delay = state.wait_s(node)
        if delay:
            await asyncio.sleep(delay)
        conn = await original(self, node_id, *args, **kwargs)
        if conn is None:
            state.failed(node)
        else:
            state.succeeded(node)
        return conn

    AIOKafkaClient._get_conn = get_conn_with_backoff


class BrokerLossLogFilter(logging.Filter):
    """One line per interval for failed broker connections, with how many were held back."""

    def __init__(
        self, interval_s: float = LOG_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.interval_s = interval_s
        self._clock = clock
        self._next_at = 0.0
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith(_CONNECT_FAILURE_PREFIXES):
            return True
        now = self._clock()
        if now < self._next_at:
            self._held += 1
            return False
        detail = record.getMessage()
        record.msg = "Kafka broker unreachable; reconnecting with backoff"
        record.args = ()
        record.fields = {
            "detail": detail,
            "failures_not_logged": self._held,
            "interval_s": self.interval_s,
        }
        self._held = 0
        self._next_at = now + self.interval_s
        return True


def install_broker_loss_log_filter(interval_s: float = LOG_INTERVAL_S) -> None:
    """Puts one shared filter on aiokafka's loggers (idempotent)."""
    shared = BrokerLossLogFilter(interval_s)
    for name in ("aiokafka", "aiokafka.client", "aiokafka.conn", "aiokafka.cluster"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, BrokerLossLogFilter) for f in logger.filters):
            logger.addFilter(shared)

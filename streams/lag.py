"""Consumer lag of every stage as Prometheus gauges, refreshed by the worker's probe.

Every running worker reports the lag of all three stages' groups (not only
its own): a stage whose workers are all stopped reports nothing, and that is
exactly when its backlog matters. Several workers therefore export the same
partition's lag; read it with ``max by (stage, partition)`` (the dashboard
and the alert rules do). One probe is a handful of admin requests, every
`LAG_PROBE_INTERVAL_S`, whatever the record rate.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from prometheus_client import Gauge

from callpipe import metrics
from callpipe.connectors.kafka.lag import GroupSource, LagUnavailable, PartitionLag

log = logging.getLogger(__name__)

FAILURE_LOG_INTERVAL_S = 60.0


class LagSource(Protocol):
    def read(self, sources: Iterable[GroupSource]) -> dict[GroupSource, list[PartitionLag]]: ...


class LagGauges:
    """Reads every stage's lag and sets the gauges; a failed read clears them."""

    def __init__(
        self,
        reader: LagSource,
        sources: Mapping[str, GroupSource],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reader = reader
        self._sources = dict(sources)
        self._clock = clock
        self._shown: set[tuple[str, str, str]] = set()
        self._next_failure_log = 0.0

    def probe(self) -> bool:
        """One refresh (blocking: run it in a thread). True when Kafka answered."""
        try:
            lags = self._reader.read(self._sources.values())
        except LagUnavailable as exc:
            self._clear()
            metrics.LAG_PROBE_SUCCESS.set(0)
            self._log_failure(str(exc))
            return False
        shown = set()
        for stage, source in self._sources.items():
            for partition in lags.get(source, []):
                labels = (stage, partition.topic, str(partition.partition))
                shown.add(labels)
                _set(labels, partition)
        for labels in self._shown - shown:
            _remove(labels)
        self._shown = shown
        metrics.LAG_PROBE_SUCCESS.set(1)
        return True

    def _clear(self) -> None:
        # Unknown is not zero: stale lag would keep an alert quiet, or firing.
        for labels in self._shown:
            _remove(labels)
        self._shown = set()

    def _log_failure(self, reason: str) -> None:
        now = self._clock()
        if now >= self._next_failure_log:
            self._next_failure_log = now + FAILURE_LOG_INTERVAL_S
            log.warning("consumer lag unknown: %s", reason, extra={"fields": {"reason": reason}})


def _set(labels: tuple[str, str, str], partition: PartitionLag) -> None:
    metrics.CONSUMER_LAG.labels(*labels).set(partition.lag)
    metrics.END_OFFSET.labels(*labels).set(partition.end)
    if partition.committed is None:
        _discard(metrics.COMMITTED_OFFSET, labels)
    else:
        metrics.COMMITTED_OFFSET.labels(*labels).set(partition.committed)


def _remove(labels: tuple[str, str, str]) -> None:
    for gauge in (metrics.CONSUMER_LAG, metrics.END_OFFSET, metrics.COMMITTED_OFFSET):
        _discard(gauge, labels)


def _discard(gauge: Gauge, labels: tuple[str, str, str]) -> None:
    with contextlib.suppress(KeyError):  # never set
        gauge.remove(*labels)

"""The pipeline under load: stage workers as processes, the real producer, the receiver.

`Pipeline` owns the worker processes of one topic prefix. A phase publishes
pre-encoded calls with `TranscriptProducer` (the producer every source
uses), records the wall-clock time of each `produce` call per call_ref_id,
and waits until the receiver has stored them all; `stats.Timings` turns the
two sets of times into calls/s and latency percentiles.

- `closed_loop`: all calls at once (a backlog), calls/s = calls / (first
  publish -> last webhook stored).
- `open_loop`: one call every 1/rate s for a fixed time; arrivals never wait
  for completions, so the latency is what a caller sees at that load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from confluent_kafka import ConsumerGroupState
from confluent_kafka.admin import AdminClient

from callpipe.bench.procs import Child, ReceiverProcess, count_received, start_worker, wait_for
from callpipe.bench.stats import Timings
from callpipe.bench.workload import Call, paced
from callpipe.connectors.kafka.admin import ensure_topics
from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import kafka_config, producer_config, registry_config
from callpipe.settings import STAGES, Settings

STALL_TIMEOUT_S = 60.0
"""A phase fails when the receiver stores nothing new for this long."""


class Pipeline:
    """Stage workers (``per_stage`` processes each) of one topic prefix."""

    def __init__(
        self,
        settings: Settings,
        workdir: Path,
        receiver: ReceiverProcess,
        serdes: SerdeFactory | None = None,
    ) -> None:
        self.settings = settings
        self.workdir = workdir
        self.receiver = receiver
        workdir.mkdir(parents=True, exist_ok=True)
        ensure_topics(kafka_config(settings))
        self.serdes = serdes or SerdeFactory(registry_config(settings))
        self.producer = TranscriptProducer(
            producer_config(settings), "bench", self.serdes, ensure=False
        )
        self.workers: dict[str, list[Child]] = {stage: [] for stage in STAGES}
        self._admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})

    def encode(self, record: Mapping[str, Any]) -> bytes:
        return self.serdes.for_topic("calls.transcript-saved").encode(record)

    def scale_to(self, per_stage: int, timeout_s: float = 120.0) -> None:
        """Starts workers until each stage has ``per_stage``, then waits for stable groups."""
        for stage in STAGES:
            running = self.workers[stage]
            while len(running) < per_stage:
                running.append(start_worker(self.settings, stage, len(running), self.workdir))
        self.wait_stable(per_stage, timeout_s)

    def wait_stable(self, per_stage: int, timeout_s: float) -> None:
        groups = [f"{self.settings.consumer_group_prefix}-{stage}" for stage in STAGES]

        def stable() -> bool:
            self.check()
            futures = self._admin.describe_consumer_groups(groups, request_timeout=5)
            for future in futures.values():
                try:
                    group = future.result()
                except Exception:  # not known yet
                    return False
                if group.state != ConsumerGroupState.STABLE or len(group.members) != per_stage:
                    return False
                if any(not m.assignment.topic_partitions for m in group.members):
                    return False
            return True

        wait_for(stable, f"{per_stage} stable worker(s) per stage", timeout_s, 0.5)

    def check(self) -> None:
        for children in self.workers.values():
            for child in children:
                child.check()
        self.receiver.check()

    def stop(self) -> None:
        for children in self.workers.values():
            for child in children:
                child.stop()
            children.clear()

    def closed_loop(self, calls: Sequence[Call], prefix: str) -> Timings:
        """Publishes every call at once and waits for all of them at the receiver."""
        sent: dict[str, float] = {}
        for call in calls:
            sent[call.call_ref_id] = time.time()
            self.producer.produce_raw(call.key, call.value)
        self.producer.flush()
        return self._finish(sent, prefix)

    def open_loop(self, calls: Sequence[Call], rate_per_s: float, prefix: str) -> Timings:
        """Publishes ``calls`` at ``rate_per_s`` (open loop), then waits for all of them."""
        sent: dict[str, float] = {}
        for index in paced(len(calls), rate_per_s, time.monotonic()):
            call = calls[index]
            sent[call.call_ref_id] = time.time()
            self.producer.produce_raw(call.key, call.value)
        self.producer.flush()
        return self._finish(sent, prefix)

    def _finish(self, sent: dict[str, float], prefix: str) -> Timings:
        wait_received(self.receiver, prefix, len(sent), self.check)
        return Timings(sent, self.receiver.received(prefix))


def wait_received(
    receiver: ReceiverProcess,
    prefix: str,
    expected: int,
    check: Callable[[], None] | None = None,
    stall_timeout_s: float = STALL_TIMEOUT_S,
) -> int:
    """Waits until the receiver stored ``expected`` calls of ``prefix``; returns the count.

    Gives up (returns what arrived) when nothing new arrives for ``stall_timeout_s``.
    """
    last, last_change = -1, time.monotonic()
    while True:
        count = count_received(receiver.db, prefix)
        if count >= expected:
            return count
        now = time.monotonic()
        if count != last:
            last, last_change = count, now
        elif now - last_change > stall_timeout_s:
            return count
        if check is not None:
            check()
        time.sleep(0.05)

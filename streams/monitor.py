"""The worker's probe: a Faust timer that beats, checks readiness and refreshes lag.

Every `interval_s` on the worker's event loop:

- the liveness beat (a loop that stops turning stops beating);
- whether the stage's group has assigned this worker its partitions (also
  updated at once by Faust's rebalance signals);
- whether the stage's producer reaches a broker;
- every stage's consumer lag (`callpipe.streams.lag`, in a thread: the admin calls block).

The readiness checks only read what the probe stored, so /readyz, served
from another thread, never waits for Kafka.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from callpipe.health import CheckResult, Liveness, ReadinessCheck
from callpipe.streams.lag import LagGauges

log = logging.getLogger(__name__)

BROKER_CHECK_TIMEOUT_S = 3.0


class WorkerProbe:
    """Readiness facts of one stage worker, refreshed on its event loop."""

    def __init__(self, app: faust.App, source_topic: str) -> None:
        self._app = app
        self._topic = source_topic
        self.partitions = CheckResult(False, "not yet in the consumer group")
        self.producer = CheckResult(False, "producer not started")

    def checks(self) -> dict[str, ReadinessCheck]:
        return {"partitions": lambda: self.partitions, "producer": lambda: self.producer}

    def on_assigned(self) -> None:
        assigned = [
            tp.partition for tp in self._app.consumer.assignment() if tp.topic == self._topic
        ]
        if assigned:
            detail = f"partitions {sorted(assigned)} of {self._topic}"
        else:
            detail = f"no partition of {self._topic}: more workers than partitions, on standby"
        self.partitions = CheckResult(True, detail)

    def on_revoked(self) -> None:
        self.partitions = CheckResult(False, "rebalancing")

    async def refresh_producer(self) -> None:
        self.producer = await producer_check(self._app)


async def producer_check(app: faust.App) -> CheckResult:
    """Whether the stage's producer has (or can open) a connection to a broker.

    Faust keeps aiokafka's producer in ``Producer._producer`` once started
    (tests/unit/streams/test_monitor.py fails if that goes away).
    """
    producer: Any = getattr(app.producer, "_producer", None)
    if producer is None:
        return CheckResult(False, "producer not started")
    client = producer.client
    for broker in client.cluster.brokers():
        try:
            if await asyncio.wait_for(client.ready(broker.nodeId), BROKER_CHECK_TIMEOUT_S):
                return CheckResult(True, f"connected to broker {broker.nodeId}")
        except Exception as exc:  # aiokafka raises several kinds for an unreachable node
            log.debug("broker check failed", extra={"fields": {"error": repr(exc)}})
    return CheckResult(False, "no broker reachable")


def install_probe(
    app: faust.App,
    probe: WorkerProbe,
    liveness: Liveness,
    lag: LagGauges | None,
    interval_s: float,
) -> None:
    """Registers the probe's timer and rebalance handlers on ``app`` (before it starts)."""

    # Faust's stubs type signal receivers as taking only *args; they get keywords too.
    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def assigned(_app: Any, _assigned: Any, **_kwargs: Any) -> None:
        probe.on_assigned()

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def revoked(_app: Any, _revoked: Any, **_kwargs: Any) -> None:
        probe.on_revoked()

    @app.timer(interval_s)  # type: ignore[untyped-decorator]  # untyped in Faust
    async def worker_probe() -> None:
        liveness.beat()
        await probe.refresh_producer()
        if lag is not None:
            await asyncio.to_thread(lag.probe)

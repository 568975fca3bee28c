"""The worker's probe and readiness seam, on a Faust app that is built but never started."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import faust
from faust.transport.drivers.aiokafka import Producer as AIOKafkaProducer
from faust.types import TP

from callpipe.health import CheckResult, Liveness, Readiness, ReadinessCheck
from callpipe.settings import load_settings
from callpipe.streams.app import create_app
from callpipe.streams.deadletter import DeadLetterWriter
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.monitor import WorkerProbe, producer_check
from callpipe.streams.observer import NullStageObserver
from callpipe.streams.worker import ReadinessSource, _install_health


class _Processor:
    stage = "delivery"
    source = "calls.analyzed"
    sinks: tuple[str, ...] = ("webhooks.delivered",)
    concurrency = 1
    dead_letters: DeadLetterWriter
    observer = NullStageObserver()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def process(self, consumed: Consumed) -> list[Produce]:
        return []


class _WithCircuit(_Processor):
    def readiness_checks(self) -> Mapping[str, ReadinessCheck]:
        return {"webhook_circuit": lambda: CheckResult(False, "circuit open for 12s")}


def _app(tmp_path: Path, processor: _Processor) -> faust.App:
    settings = load_settings(faust_data_dir=tmp_path, topic_prefix="unit.")
    return create_app(settings, processor, lambda exc: None)  # type: ignore[arg-type]


def test_a_processor_with_readiness_checks_adds_them_to_readyz(tmp_path: Path) -> None:
    """The seam for the delivery circuit: the processor's checks sit beside the worker's."""
    processor = _WithCircuit()
    assert isinstance(processor, ReadinessSource)
    assert not isinstance(_Processor(), ReadinessSource)
    readiness = Readiness()
    settings = load_settings(faust_data_dir=tmp_path, topic_prefix="unit.")
    app = _app(tmp_path, processor)
    _install_health(app, settings, processor, Liveness(60), readiness, None)  # type: ignore[arg-type]
    results = readiness.evaluate()
    assert set(results) == {"partitions", "producer", "webhook_circuit"}
    assert results["webhook_circuit"] == CheckResult(False, "circuit open for 12s")
    assert results["partitions"] == CheckResult(False, "not yet in the consumer group")


def _fake_app(assigned: list[tuple[str, int]]) -> Any:
    tps = {TP(topic, p) for topic, p in assigned}
    return SimpleNamespace(consumer=SimpleNamespace(assignment=lambda: tps))


def test_partitions_check_follows_rebalances() -> None:
    """Assigned: ready, naming the partitions of the source topic; revoked: rebalancing."""
    probe = WorkerProbe(_fake_app([("src", 2), ("src", 0), ("other", 1)]), "src")
    probe.on_assigned()
    assert probe.checks()["partitions"]() == CheckResult(True, "partitions [0, 2] of src")
    probe.on_revoked()
    assert probe.checks()["partitions"]() == CheckResult(False, "rebalancing")


def test_a_worker_without_partitions_is_a_ready_standby() -> None:
    """More workers than partitions: in the group, nothing assigned, still ready."""
    probe = WorkerProbe(_fake_app([]), "src")
    probe.on_assigned()
    result = probe.checks()["partitions"]()
    assert result.ok and "on standby" in result.detail


def test_faust_keeps_aiokafkas_producer_where_the_check_reads_it() -> None:
    """producer_check reads Faust's Producer._producer; this fails if Faust moves it."""
    assert "_producer" in vars(AIOKafkaProducer) or "_producer" in AIOKafkaProducer.__annotations__


class _Client:
    def __init__(self, reachable: set[int]) -> None:
        self.reachable = reachable
        self.cluster = SimpleNamespace(
            brokers=lambda: [SimpleNamespace(nodeId=1), SimpleNamespace(nodeId=2)]
        )

    async def ready(self, node_id: int) -> bool:
        if node_id == 1 and 1 not in self.reachable:
            raise ConnectionRefusedError("refused")
        return node_id in self.reachable


def _producer_app(client: _Client | None) -> Any:
    inner = None if client is None else SimpleNamespace(client=client)
    return SimpleNamespace(producer=SimpleNamespace(_producer=inner))


def test_producer_check_needs_one_reachable_broker() -> None:
    """Not started, no broker reachable (errors included), or connected to the first that is."""
    assert asyncio.run(producer_check(_producer_app(None))) == CheckResult(
        False, "producer not started"
    )
    assert asyncio.run(producer_check(_producer_app(_Client(set())))) == CheckResult(
        False, "no broker reachable"
    )
    assert asyncio.run(producer_check(_producer_app(_Client({2})))) == CheckResult(
        True, "connected to broker 2"
    )

"""Running the real thing for end-to-end tests: worker processes and a receiver process.

Nothing here is a fake: workers are `python -m callpipe worker --stage S`
processes against the local Kafka and registry, and the receiver is
`callpipe receiver` on a real port, with fault injection enabled.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from callpipe.bench import procs
from callpipe.bench.procs import child_env
from callpipe.bench.procs import free_port as free_port  # the tests take it from here
from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import registry_config
from callpipe.settings import Settings

T = TypeVar("T")


def wait_for(
    check: Callable[[], T], what: str, timeout_s: float = 60.0, interval_s: float = 0.25
) -> T:
    """callpipe.bench.procs.wait_for, failing the test (AssertionError) at the deadline."""
    return procs.wait_for(check, what, timeout_s, interval_s, error=AssertionError)


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that makes a child process use `settings`, with fast retries
    unless `extra` sets the backoff."""
    fast = {"WEBHOOK_BACKOFF_INITIAL_MS": "50", "WEBHOOK_BACKOFF_MAX_MS": "200"}
    return child_env(settings, **{"LOG_FORMAT": "json", **fast, **extra})


class ReceiverProcess(procs.ReceiverProcess):
    """The bench's receiver process with fault injection, and what the tests ask of it."""

    def __init__(self, db: Path, log: Path, port: int | None = None) -> None:
        super().__init__(db, log, port, extra_args=["--faults"])
        self.url = self.base_url

    def stats(self) -> dict[str, int]:
        result: dict[str, int] = httpx.get(f"{self.api}/stats", timeout=5).json()
        return result

    def payloads(self, call_ref_id: str) -> list[dict[str, Any]]:
        body = httpx.get(f"{self.api}/calls/{call_ref_id}", timeout=5).json()
        return [entry["payload"] for entry in body.get("payloads", [])]

    def stored(self, call_ref_id: str) -> list[dict[str, Any]]:
        body = httpx.get(f"{self.api}/calls/{call_ref_id}", timeout=5).json()
        return list(body.get("payloads", []))

    def faults(self, *steps: dict[str, Any]) -> None:
        if steps:
            httpx.post(f"{self.url}/_faults", json={"steps": list(steps)}, timeout=5)
        else:
            httpx.delete(f"{self.url}/_faults", timeout=5)


class Workers:
    """Worker processes of one test; all stopped at the end."""

    def __init__(self, settings: Settings, log_dir: Path, **env: str) -> None:
        self.settings = settings
        self.env = settings_env(settings, FAUST_DATA_DIR=str(log_dir / "faust"), **env)
        self.log_dir = log_dir
        self.running: list[subprocess.Popen[bytes]] = []

    def start(
        self, stage: str, name: str | None = None, metrics_port: int = 0
    ) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name or stage}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "callpipe", "worker", "--stage", stage],
            env={**self.env, "METRICS_PORT": str(metrics_port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.running.append(process)
        return process

    def start_all(self, metrics_ports: dict[str, int] | None = None) -> None:
        for stage in ("extraction", "analysis", "delivery"):
            self.start(stage, metrics_port=(metrics_ports or {}).get(stage, 0))

    def stop(self, process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")


def cli_env(monkeypatch: Any, settings: Settings) -> None:
    """Makes `callpipe.cli.main.main([...])` in this test process use `settings`."""
    for name, value in {
        "TOPIC_PREFIX": settings.topic_prefix,
        "CONSUMER_GROUP_PREFIX": settings.consumer_group_prefix,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "SCHEMA_REGISTRY_URL": settings.schema_registry_url,
    }.items():
        monkeypatch.setenv(name, value)


def earliest_consumer(settings: Settings, logical_topic: str, group: str) -> Consumer:
    """A consumer of a topic from its start, in its own group, committing nothing."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"{settings.consumer_group_prefix}-{group}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([settings.topic(logical_topic)])
    return consumer


def read_topic(
    settings: Settings, logical_topic: str, count: int, timeout_s: float = 60
) -> list[tuple[bytes | None, dict[str, Any], list[Any]]]:
    """Reads `count` records (key, decoded value, headers) from the start of a topic."""
    serde = SerdeFactory(registry_config(settings)).for_topic(logical_topic)
    consumer = earliest_consumer(settings, logical_topic, f"reader-{time.monotonic_ns()}")
    records = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(records) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error() is not None:
                continue
            records.append((message.key(), serde.decode(message.value()), message.headers() or []))
    finally:
        consumer.close()
    if len(records) < count:
        raise AssertionError(f"{settings.topic(logical_topic)}: {len(records)} of {count} records")
    return records


def topic_size(settings: Settings, logical_topic: str) -> int:
    """Records on a topic now (the sum of its partitions' high watermarks minus low ones)."""
    topic = settings.topic(logical_topic)
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"{settings.consumer_group_prefix}-size",
        }
    )
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        total = 0
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), 10)
            total += high - low
        return total
    finally:
        consumer.close()


def group_assignment(settings: Settings, stage: str, logical_topic: str) -> list[int]:
    """How many partitions of a topic each member of a stage's consumer group holds."""
    group = f"{settings.consumer_group_prefix}-{stage}"
    topic = settings.topic(logical_topic)
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    described = admin.describe_consumer_groups([group])[group].result(timeout=10)
    return [
        sum(1 for tp in member.assignment.topic_partitions if tp.topic == topic)
        for member in described.members
    ]


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def scrape(port: int) -> dict[str, float]:
    """A worker's /metrics as {'name{labels}': value}."""
    samples = {}
    for line in httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def stored_keys(db: Path) -> dict[str, set[str]]:
    """call_ref_id -> idempotency keys the receiver stored (read from its SQLite file)."""
    keys: dict[str, set[str]] = {}
    for call_ref_id, key, _ in _stored_rows(db):
        keys.setdefault(call_ref_id, set()).add(key)
    return keys


def received_at(db: Path) -> dict[str, list[float]]:
    """call_ref_id -> times (Unix seconds) the receiver stored its payloads."""
    times: dict[str, list[float]] = {}
    for call_ref_id, _, at in _stored_rows(db):
        moment = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
        times.setdefault(call_ref_id, []).append(moment)
    return times


def _stored_rows(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        query = "SELECT call_ref_id, idempotency_key, received_at FROM payloads"
        return list(connection.execute(query).fetchall())

"""`callpipe status` and the lag reader on the real local Kafka (no workers running)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from callpipe.cli.main import main
from callpipe.connectors.kafka.lag import LagReader, stage_sources
from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.edges import kafka_config, producer_config
from callpipe.settings import Settings
from callpipe.topics import TOPICS


@pytest.fixture
def prefixed(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The per-test settings, also in the environment for the in-process CLI; the test's
    topics are deleted afterwards."""
    for name, value in {
        "TOPIC_PREFIX": settings.topic_prefix,
        "CONSUMER_GROUP_PREFIX": settings.consumer_group_prefix,
        "TOPIC_PARTITIONS": str(settings.topic_partitions),
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "SCHEMA_REGISTRY_URL": settings.schema_registry_url,
    }.items():
        monkeypatch.setenv(name, value)
    yield settings
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    existing = set(admin.list_topics(timeout=10).topics)
    mine = [settings.topic(name) for name in TOPICS if settings.topic(name) in existing]
    if mine:
        for future in admin.delete_topics(mine).values():
            future.result(30)


def _publish(settings: Settings, contract_examples: list[tuple[Path, Path]], count: int) -> None:
    producer = TranscriptProducer(producer_config(settings), "status-test")
    example = json.loads(contract_examples[0][0].read_text())
    for index in range(count):
        producer.produce({**example, "call_ref_id": f"status-{index:03d}"})
    producer.flush()


def test_a_stage_without_workers_shows_its_waiting_records(
    prefixed: Settings,
    contract_examples: list[tuple[Path, Path]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """30 transcripts and no worker: extraction shows 30 waiting, none running, the oldest's
    age; the later stages have nothing; exit 0."""
    _publish(prefixed, contract_examples, 30)
    time.sleep(1.2)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[3:6]}
    assert rows["extraction"][1:4] == ["0", "(stopped)", "30"]
    age = rows["extraction"][4]
    assert age.endswith("s") and 1 <= int(age[:-1]) < 60, age
    assert rows["analysis"][1:5] == ["0", "(stopped)", "0", "-"]
    topic = prefixed.topic("calls.transcript-saved")
    assert f"  extraction ({topic}): 0: -/" in out
    assert "  extraction: none running" in out
    letters = f"{prefixed.topic('calls.dead-letter')} 0, {prefixed.topic('webhooks.dead-letter')} 0"
    assert out.rstrip().endswith(f"dead letters: {letters}")


def test_the_lag_reader_counts_from_the_start_without_a_commit(
    prefixed: Settings, contract_examples: list[tuple[Path, Path]]
) -> None:
    """A group that never committed waits for every record of each partition."""
    _publish(prefixed, contract_examples, 12)
    source = stage_sources(kafka_config(prefixed))["extraction"]
    [partitions] = LagReader(prefixed.kafka_bootstrap_servers).read([source]).values()
    assert sum(p.lag for p in partitions) == 12
    assert all(p.committed is None and p.start == 0 for p in partitions)
    assert [p.partition for p in partitions] == list(range(prefixed.topic_partitions))


def test_kafka_unreachable_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listens on the bootstrap address: one line naming it, exit code 1."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    assert main(["status", "--timeout", "2"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "callpipe status: cannot reach Kafka at 127.0.0.1:1: "
        "Failed to get metadata: Local: Broker transport failure"
    ]


def test_missing_topics_say_how_to_create_them(
    prefixed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before `topics create` there is no pipeline: one line saying so, exit 1."""
    assert main(["status"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("callpipe status: topic ")
    assert line.endswith("does not exist (`callpipe topics create` creates it)")


def test_the_producer_check_of_ingest_readiness(
    prefixed: Settings, contract_examples: list[tuple[Path, Path]]
) -> None:
    """reaches_broker: true against the local broker, false (naming why) without one."""
    producer = TranscriptProducer(producer_config(prefixed), "status-test")
    assert producer.reaches_broker().ok
    unreachable = prefixed.model_copy(update={"kafka_bootstrap_servers": "127.0.0.1:1"})
    lost = TranscriptProducer(producer_config(unreachable), "status-test", ensure=False)
    result = lost.reaches_broker(timeout_s=1)
    assert not result.ok and result.detail.startswith("no broker reachable")

"""The three source connectors against the real local Kafka broker and schema registry.

Each test gets its own TOPIC_PREFIX, so it reads back only its own records,
and deletes its topics and registry subject afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from callpipe.cli.main import main
from callpipe.connectors.aiohttp_site import running
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.sources import INGEST_PATH, IngestServer, open_producer
from callpipe.edges import producer_config, registry_config
from callpipe.records import transcript_saved_record
from callpipe.settings import Settings
from callpipe.topics import TOPICS, TRANSCRIPT_SAVED, subject_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.transcript.json"))


def example(index: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE_FILES[index].read_text(encoding="utf-8"))
    return data


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def prefixed(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The shared per-test settings (own TOPIC_PREFIX, stack started), also in the
    environment for the in-process CLI; deletes the test's topics and subject afterwards."""
    monkeypatch.setenv("TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("TOPIC_PARTITIONS", str(settings.topic_partitions))
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", settings.kafka_bootstrap_servers)
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", settings.schema_registry_url)
    yield settings
    _delete_topics_and_subject(settings)


def _delete_topics_and_subject(settings: Settings) -> None:
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    existing = set(admin.list_topics(timeout=10).topics)
    mine = [settings.topic(name) for name in TOPICS if settings.topic(name) in existing]
    for future in admin.delete_topics(mine, operation_timeout=10).values() if mine else []:
        future.result()
    registry = SerdeFactory(registry_config(settings)).client
    subject = subject_for(settings, TRANSCRIPT_SAVED)
    if subject in registry.get_subjects():
        registry.delete_subject(subject)
        registry.delete_subject(subject, permanent=True)


def read_topic(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every record on calls.transcript-saved, decoded: {key: value}."""
    topic = settings.topic(TRANSCRIPT_SAVED)
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"reader-{uuid4().hex}",
            "enable.auto.commit": False,
        }
    )
    serde = SerdeFactory(registry_config(settings)).for_topic(TRANSCRIPT_SAVED)
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        wanted = []
        for number in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, number), timeout=10)
            if high > low:
                wanted.append((TopicPartition(topic, number, low), high - low))
        # Assigning (no group join) with known end offsets: exact and fast.
        consumer.assign([partition for partition, _ in wanted])
        expected = sum(count for _, count in wanted)
        records: dict[str, dict[str, Any]] = {}
        seen = 0
        deadline = time.monotonic() + 15
        while seen < expected and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error() is not None:
                continue
            seen += 1
            records[message.key().decode()] = serde.decode(message.value())
        assert seen == expected, f"read {seen} of {expected} records"
        return records
    finally:
        consumer.close()


# --- callpipe publish -------------------------------------------------------------


def test_publish_puts_the_contract_examples_on_the_topic(
    prefixed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The four examples come back from Kafka keyed by call_ref_id, as the expected records."""
    assert len(EXAMPLE_FILES) == 4
    assert main(["publish", *map(str, EXAMPLE_FILES)]) == 0
    assert capsys.readouterr().out.strip() == "published 4, rejected 0"

    records = read_topic(prefixed)
    expected = {}
    for index in range(4):
        data = example(index)
        expected[data["call_ref_id"]] = transcript_saved_record(data, "publish")
    assert records == expected


def test_publish_rejects_an_invalid_file_and_still_publishes_the_rest(
    prefixed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 2, a stderr line naming file and field, and only the valid file on the topic."""
    good = example(1)
    bad = example(2)
    bad["call_ref_id"] = "bad-call"
    bad["messages"][2]["timestamp"] = "half past two"
    (tmp_path / "a-good.json").write_text(json.dumps(good), encoding="utf-8")
    (tmp_path / "b-bad.json").write_text(json.dumps(bad), encoding="utf-8")

    code = main(["publish", str(tmp_path), "--source", "backfill"])

    out, err = capsys.readouterr()
    assert code == 2
    assert out.strip() == "published 1, rejected 1"
    assert (
        f"rejected {tmp_path / 'b-bad.json'}: messages[2].timestamp: not an ISO 8601 timestamp"
        in err
    )
    assert read_topic(prefixed) == {good["call_ref_id"]: transcript_saved_record(good, "backfill")}


def test_publish_exits_1_with_one_line_when_kafka_is_unreachable(
    prefixed: Settings, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """No broker: exit code 1 and a single clear line, not a flood of librdkafka logs."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    assert main(["publish", str(EXAMPLE_FILES[0])]) == 1
    err = capfd.readouterr().err
    assert err.splitlines() == [
        "callpipe publish: cannot reach Kafka at 127.0.0.1:1: "
        "Failed to get metadata: Local: Broker transport failure"
    ]


def test_publish_exits_1_when_the_registry_is_unreachable(
    prefixed: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No registry: exit code 1 with a line naming the registry."""
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", "http://127.0.0.1:1/apis/ccompat/v7")
    assert main(["publish", str(EXAMPLE_FILES[0])]) == 1
    assert "cannot use the schema registry at http://127.0.0.1:1" in capsys.readouterr().err


# --- HTTP ingest --------------------------------------------------------------------


def test_http_ingest_answers_202_400_and_413(prefixed: Settings) -> None:
    """202 once the record is on Kafka (and it is readable there), 400 naming the field, 413."""
    producer = open_producer(producer_config(prefixed), "ingest-http")
    valid = example(0)
    invalid = example(3)
    del invalid["end_time"]

    async def scenario() -> None:
        async with (
            running(IngestServer(producer, max_body_bytes=2 * 1024 * 1024)) as server,
            httpx.AsyncClient(base_url=server.base_url, timeout=15) as client,
        ):
            accepted = await client.post(INGEST_PATH, json=valid)
            assert accepted.status_code == 202
            assert accepted.json() == {"accepted": True, "call_ref_id": valid["call_ref_id"]}
            # Answered only after the broker's acknowledgement: readable right away.
            assert await asyncio.to_thread(read_topic, prefixed) == {
                valid["call_ref_id"]: transcript_saved_record(valid, "ingest-http")
            }

            rejected = await client.post(INGEST_PATH, json=invalid)
            assert rejected.status_code == 400
            assert rejected.json() == {
                "accepted": False,
                "error": "end_time: required field is missing",
                "field": "end_time",
            }

            too_big = await client.post(INGEST_PATH, content=b" " * (2 * 1024 * 1024 + 1))
            assert too_big.status_code == 413

            # Under the body limit but over Kafka's 1 MB message limit: 413 as well (extra
            # fields are carried, unbounded but for the body limit).
            huge = example(0)
            huge["call_ref_id"] = "huge-call"
            huge["metadata"] = {"notes": "x" * 1_500_000}
            refused = await client.post(INGEST_PATH, json=huge)
            assert refused.status_code == 413
            assert refused.json()["error"].startswith("record too large for Kafka")

            # One message's text over its limit: 400 naming the message.
            long_text = example(0)
            long_text["messages"][0]["text"] = "x" * 1_500_000
            refused = await client.post(INGEST_PATH, json=long_text)
            assert refused.status_code == 400
            assert refused.json()["field"] == "messages[0].text"

    asyncio.run(scenario())
    assert set(read_topic(prefixed)) == {valid["call_ref_id"]}


def test_http_ingest_with_keys_lets_only_the_telephony_agent_in(prefixed: Settings) -> None:
    """INGEST_API_KEYS on the real broker: 401 puts nothing on Kafka, the right token gets 202."""
    producer = open_producer(producer_config(prefixed), "ingest-http")
    call = example(1)

    async def scenario() -> None:
        async with (
            running(IngestServer(producer, api_keys=["agent-key-1", "agent-key-2"])) as server,
            httpx.AsyncClient(base_url=server.base_url, timeout=15) as client,
        ):
            anonymous = await client.post(INGEST_PATH, json=call)
            guessed = await client.post(
                INGEST_PATH, json=call, headers={"Authorization": "Bearer agent-key-3"}
            )
            assert (anonymous.status_code, guessed.status_code) == (401, 401)
            assert anonymous.headers["WWW-Authenticate"] == "Bearer"
            assert guessed.json() == {"accepted": False, "error": "invalid bearer token"}
            assert (await client.get("/healthz")).status_code == 200

            accepted = await client.post(
                INGEST_PATH, json=call, headers={"Authorization": "Bearer agent-key-2"}
            )
            assert accepted.status_code == 202
            assert accepted.json() == {"accepted": True, "call_ref_id": call["call_ref_id"]}

    asyncio.run(scenario())
    # Only the authorised POST reached Kafka: one record, the expected one.
    assert read_topic(prefixed) == {
        call["call_ref_id"]: transcript_saved_record(call, "ingest-http")
    }


def test_ingest_command_refuses_an_open_address_without_keys(
    prefixed: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`callpipe ingest --host 0.0.0.0` without INGEST_API_KEYS: exit 2, one line, no topic."""
    monkeypatch.delenv("INGEST_API_KEYS", raising=False)
    assert main(["ingest", "--host", "0.0.0.0", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "INGEST_API_KEYS" in err[0]
    admin = AdminClient({"bootstrap.servers": prefixed.kafka_bootstrap_servers})
    assert prefixed.topic(TRANSCRIPT_SAVED) not in admin.list_topics(timeout=10).topics


# --- folder watcher -------------------------------------------------------------------


def test_watch_once_files_valid_and_invalid_transcripts(
    prefixed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--once: the valid file is on the topic and in processed/, the invalid one in rejected/."""
    good = example(2)
    bad = example(0)
    bad["messages"] = "not a list"
    for name, data in [("good.json", good), ("bad.json", bad)]:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        past = time.time() - 5  # older than the settle time: the writer is done
        os.utime(path, (past, past))

    code = main(["watch", "--dir", str(tmp_path), "--once"])

    assert code == 2
    assert capsys.readouterr().out.strip() == "processed 1, rejected 1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "rejected"]
    assert json.loads((tmp_path / "processed" / "good.json").read_text()) == good
    assert sorted(p.name for p in (tmp_path / "rejected").iterdir()) == [
        "bad.json",
        "bad.json.error.txt",
    ]
    reason = (tmp_path / "rejected" / "bad.json.error.txt").read_text()
    assert reason == "messages: expected an array, got string\n"
    assert read_topic(prefixed) == {
        good["call_ref_id"]: transcript_saved_record(good, "folder-watcher")
    }

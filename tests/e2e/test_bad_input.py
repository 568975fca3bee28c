"""Bad input at and around the door, on the real Kafka, registry and receiver.

At the door (`callpipe publish`) each bad file is refused with one line
naming the field while the valid ones go out; around the door (raw records
produced straight to calls.transcript-saved) each bad record becomes a dead
letter while the valid records beside it are delivered. Either way nothing
is silently gone, and the workers still stop on SIGTERM.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import registry_config
from callpipe.records import transcript_saved_record
from callpipe.settings import Settings
from callpipe.topics import CALLS_DEAD_LETTER, TRANSCRIPT_SAVED
from tests.e2e.conftest import calls_from
from tests.e2e.harness import ReceiverProcess, Workers, child_env, read_topic, stored_keys, wait_for


def _bad_transcripts(example: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """name -> (transcript, the field its refusal names)."""
    many = [{"role": "user", "text": "ok", "timestamp": "2025-10-02T14:25:05+05:30"}] * 12_000
    return {
        "far-future": (
            {**example, "call_ref_id": "bad-future", "end_time": "9999-12-31T23:00:00+00:00"},
            "end_time",
        ),
        "far-past": (
            {**example, "call_ref_id": "bad-past", "start_time": "0001-01-01T00:00:00+00:00"},
            "start_time",
        ),
        "huge-id": ({**example, "call_ref_id": "x" * 300_000}, "call_ref_id"),
        "many-messages": ({**example, "call_ref_id": "bad-many", "messages": many}, "messages"),
    }


def _stop_within_grace(workers: Workers) -> list[int | None]:
    codes = []
    for process in list(workers.running):
        process.send_signal(signal.SIGTERM)
    for process in list(workers.running):
        try:
            codes.append(process.wait(40))
        except subprocess.TimeoutExpired:
            process.kill()
            codes.append(None)
    workers.running.clear()
    return codes


def test_records_produced_around_the_door_are_dead_lettered_and_the_rest_delivered(
    settings: Settings, tmp_path: Path, examples: list[tuple[dict[str, Any], Any]]
) -> None:
    """Far-future and far-past times, a 300,000-character id, 12,000 messages and bytes that
    are not Avro, straight onto the topic between valid calls: each bad one is a dead letter
    naming its field, every valid one is delivered, and SIGTERM stops every worker."""
    db = tmp_path / "receiver.sqlite3"
    receiver = ReceiverProcess(db, tmp_path / "receiver.log")
    pipeline = settings.model_copy(update={"webhook_base_url": receiver.url, "topic_partitions": 1})
    workers = Workers(pipeline, tmp_path, SHUTDOWN_GRACE_S="15")
    serde = SerdeFactory(registry_config(pipeline)).for_topic(TRANSCRIPT_SAVED)
    serde.register()
    valid = calls_from(examples, 6)
    bad = _bad_transcripts(examples[0][0])
    producer = Producer(
        {"bootstrap.servers": pipeline.kafka_bootstrap_servers, "message.max.bytes": 2_000_000}
    )
    topic = pipeline.topic(TRANSCRIPT_SAVED)
    records = [valid[0], *(t for t, _ in bad.values()), *valid[1:]]
    for index, transcript in enumerate(records):
        value = serde.encode(transcript_saved_record(transcript, "raw-test"))
        producer.produce(topic, key=transcript["call_ref_id"].encode(), value=value)
        if index == 2:
            producer.produce(topic, key=b"not-avro", value=b"\x00\x00\x00\x00\x01garbage")
    assert producer.flush(30) == 0
    try:
        workers.start_all()
        expected = {call["call_ref_id"] for call in valid}
        wait_for(lambda: set(stored_keys(db)) >= expected, "every valid call delivered", 120)
        letters = read_topic(pipeline, CALLS_DEAD_LETTER, len(bad) + 1)
        fields = {record["error_field"] for _, record, _ in letters}
        assert {field for _, field in bad.values()} <= fields
        assert {record["stage"] for _, record, _ in letters} == {"extraction"}
        assert set(stored_keys(db)) == expected
        assert _stop_within_grace(workers) == [0, 0, 0]
    finally:
        workers.stop_all()
        receiver.stop()


@pytest.mark.parametrize("door", ["publish"])
def test_the_door_refuses_each_bad_file_in_one_line_and_publishes_the_rest(
    door: str, settings: Settings, tmp_path: Path, examples: list[tuple[dict[str, Any], Any]]
) -> None:
    """A folder of valid transcripts and the bad inputs (plus 100,000-deep JSON): the valid
    ones are published, each bad one is named with its field on one line, exit code 2."""
    folder = tmp_path / "in"
    folder.mkdir()
    valid = calls_from(examples, 5)
    for call in valid:
        (folder / f"{call['call_ref_id']}.json").write_text(json.dumps(call), encoding="utf-8")
    for name, (transcript, _) in _bad_transcripts(examples[0][0]).items():
        (folder / f"{name}.json").write_text(json.dumps(transcript), encoding="utf-8")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "callpipe", door, str(folder)],
        env=child_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    problems = [line for line in done.stderr.splitlines() if "rejected" in line]
    for name, (_, field) in _bad_transcripts(examples[0][0]).items():
        assert any(f"{name}.json" in line and field in line for line in problems), (name, problems)
    assert any("deep.json" in line and "nested" in line for line in problems)
    assert "Traceback" not in done.stderr
    published = read_topic(settings, TRANSCRIPT_SAVED, len(valid))
    assert {record["call_ref_id"] for _, record, _ in published} == {
        call["call_ref_id"] for call in valid
    }

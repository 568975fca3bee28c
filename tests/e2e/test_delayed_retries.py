"""One call failing on its own goes through webhooks.retry; a 400 is dead-lettered at once.

Real worker processes (the retry stage included), broker, registry and
receiver, with a short schedule. The order of the receiver's stored
``received_at`` shows which call waited for which.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from callpipe.cli.main import main
from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.edges import producer_config
from callpipe.settings import Settings
from callpipe.topics import DELIVERED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY
from tests.e2e.conftest import calls_from, publish
from tests.e2e.harness import (
    ReceiverProcess,
    Workers,
    read_topic,
    received_at,
    topic_size,
    wait_for,
)

ENV = {
    "WEBHOOK_RETRY_ATTEMPTS": "1",  # two tries in process, then the delayed retries
    "WEBHOOK_RETRY_SCHEDULE": "1s,1s,1s",
    "WEBHOOK_RETRY_HOLD_S": "5",
    "WEBHOOK_CIRCUIT_PROBE_S": "2",
}


def start_pipeline(settings: Settings, tmp_path: Path) -> tuple[ReceiverProcess, Workers]:
    receiver = ReceiverProcess(tmp_path / "receiver.sqlite3", tmp_path / "receiver.log")
    workers = Workers(
        settings.model_copy(update={"webhook_base_url": receiver.url}), tmp_path, **ENV
    )
    for stage in ("extraction", "analysis", "delivery", "retry"):
        workers.start(stage)
    return receiver, workers


def test_a_call_answered_500_three_times_arrives_by_the_retry_topic_while_others_flow(
    settings: Settings, tmp_path: Path, examples: list[tuple[dict[str, Any], Any]]
) -> None:
    """500 three times for one call: two tries in process, retry 1 fails, retry 2 delivers;
    meanwhile the other calls flow: the 40 published in the second after it, some on its
    partition, all arrive before it does (it never holds its partition up)."""
    receiver, workers = start_pipeline(settings, tmp_path)
    db = tmp_path / "receiver.sqlite3"
    try:
        publish(workers.settings, [{**examples[0][0], "call_ref_id": "warm-up"}])
        wait_for(lambda: "warm-up" in received_at(db), "the warm-up call", 120)
        target = "fails-three-times"
        receiver.faults({"status": 500, "times": 3, "call_ref_id": target})
        calls = [
            {**c, "call_ref_id": f"flow-{n:04d}"} for n, c in enumerate(calls_from(examples, 200))
        ]
        calls.insert(20, {**examples[1][0], "call_ref_id": target})
        producer = TranscriptProducer(producer_config(workers.settings), source="e2e-test")
        published: dict[str, float] = {}
        started = time.monotonic()
        for number, call in enumerate(calls):
            time.sleep(max(0.0, started + number / 40 - time.monotonic()))
            published[call["call_ref_id"]] = time.time()
            producer.produce(call)
            producer.poll(0)
        producer.flush()
        wait_for(lambda: set(published) <= set(received_at(db)), "every call", 120, 0.5)

        stored = received_at(db)
        assert len(stored[target]) == 1, "the failing call is stored once"
        # An order, not a duration (speed is the benchmarks' business): the target's
        # delayed retries take at least two 1 s waits, the calls behind it none.
        behind = [call["call_ref_id"] for call in calls[21:61]]
        late = [c for c in behind if stored[c][0] > stored[target][0]]
        assert late == [], f"{len(late)} calls behind the failing one waited for it"
        retries = [r for k, r, _ in read_topic(workers.settings, WEBHOOKS_RETRY, 2) if k]
        assert [(r["call_ref_id"], r["retry"]) for r in retries] == [(target, 1), (target, 2)]
        delivered = {
            r["call_ref_id"]: r for _, r, _ in read_topic(workers.settings, DELIVERED, 202)
        }
        statuses = [a["http_status"] for a in delivered[target]["attempts"]]
        assert statuses == [500, 500, 500, 200]
        assert topic_size(workers.settings, WEBHOOKS_DEAD_LETTER) == 0
        assert receiver.stats()["duplicates"] == 0
    finally:
        workers.stop_all()
        receiver.stop()


def test_a_400_is_dead_lettered_at_once_and_replay_delivers_it(
    settings: Settings,
    tmp_path: Path,
    examples: list[tuple[dict[str, Any], Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A permanent failure skips the delayed retries: one attempt, a dead letter naming
    calls.analyzed, nothing on webhooks.retry; `callpipe dlq replay` delivers it once the
    receiver takes it."""
    receiver, workers = start_pipeline(settings, tmp_path)
    try:
        transcript, payload = examples[2]
        receiver.faults({"status": 400, "call_ref_id": transcript["call_ref_id"]})
        publish(workers.settings, [transcript])
        [(_, letter, _)] = read_topic(workers.settings, WEBHOOKS_DEAD_LETTER, 1, 120)
        assert letter["error_class"] == "HTTPStatus" and letter["http_status"] == 400
        assert len(letter["attempts"]) == 1, "a permanent failure is not retried"
        assert letter["original_topic"] == workers.settings.topic("calls.analyzed")
        assert topic_size(workers.settings, WEBHOOKS_RETRY) == 0

        receiver.faults()
        for name, value in {
            "TOPIC_PREFIX": workers.settings.topic_prefix,
            "KAFKA_BOOTSTRAP_SERVERS": workers.settings.kafka_bootstrap_servers,
            "SCHEMA_REGISTRY_URL": workers.settings.schema_registry_url,
        }.items():
            monkeypatch.setenv(name, value)
        assert main(["dlq", "replay"]) == 0
        wait_for(lambda: receiver.stats()["stored"] == 1, "the replayed call", 120)
        assert receiver.payloads(transcript["call_ref_id"]) == [payload]
    finally:
        workers.stop_all()
        receiver.stop()

"""End to end on the real local Kafka, registry and HTTP receiver.

Each test starts worker processes with its own topic prefix and consumer
groups, publishes transcripts with the real producer and watches what the
receiver stores and what lands on the topics.
"""

from __future__ import annotations

import json
import signal
from typing import Any

import pytest

from callpipe.cli.main import main
from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import producer_config, registry_config
from callpipe.settings import Settings
from callpipe.topics import (
    CALLS_DEAD_LETTER,
    DELIVERED,
    TRANSCRIPT_SAVED,
    WEBHOOKS_DEAD_LETTER,
)
from tests.e2e.conftest import WorkersWith
from tests.e2e.conftest import calls_from as _calls
from tests.e2e.conftest import publish as _publish
from tests.e2e.harness import (
    ReceiverProcess,
    Workers,
    cli_env,
    earliest_consumer,
    free_port,
    read_topic,
    scrape,
    wait_for,
)


def _keys_in_receiver(receiver: ReceiverProcess, call_ref_id: str) -> list[str]:
    return [entry["idempotency_key"] for entry in receiver.stored(call_ref_id)]


def test_contract_examples_arrive_exactly_and_restart_redelivers_nothing(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """The four examples arrive as in the contract, the workers' metrics count them, and a
    restart re-delivers nothing committed."""
    ports = {stage: free_port() for stage in ("extraction", "analysis", "delivery")}
    workers.start_all(ports)
    _publish(pipeline_settings, [t for t, _ in examples])

    wait_for(lambda: receiver.stats()["stored"] == 4, "4 payloads at the receiver", 90)
    analysis = scrape(ports["analysis"])
    assert analysis['callpipe_records_in_total{stage="analysis"}'] == 4
    assert analysis['callpipe_calls_analyzed_total{overall_status="complete"}'] == 1
    assert analysis['callpipe_languages_total{language="tamil"}'] == 1
    assert analysis['callpipe_dropoffs_total{action="email"}'] == 1
    assert (
        analysis[
            'callpipe_dealer_routing_total{reason="Customer requested to speak with '
            'dealer",status="true"}'
        ]
        == 1
    )
    delivery = wait_for(
        lambda: (
            (m := scrape(ports["delivery"])).get(
                'callpipe_webhook_deliveries_total{outcome="delivered"}'
            )
            == 4
            and m
        ),
        "the delivery metrics",
        10,
    )
    assert delivery['callpipe_webhook_attempts_total{outcome="success",status_class="2xx"}'] == 4
    assert delivery["callpipe_end_to_end_seconds_count"] == 4
    assert scrape(ports["extraction"])['callpipe_records_out_total{stage="extraction"}'] == 4
    for transcript, payload in examples:
        assert receiver.payloads(transcript["call_ref_id"]) == [payload]
    delivered = read_topic(pipeline_settings, DELIVERED, 4)
    assert {key for key, _, _ in delivered} == {t["call_ref_id"].encode() for t, _ in examples}
    assert all(record["http_status"] == 200 for _, record, _ in delivered)

    received_before = receiver.stats()["received"]
    workers.stop_all()
    workers.start_all()
    _publish(pipeline_settings, [{**examples[0][0], "call_ref_id": "after-restart"}])
    wait_for(lambda: receiver.stats()["stored"] == 5, "the call published after the restart", 90)
    assert receiver.stats()["received"] == received_before + 1, "nothing was delivered twice"


def test_retries_after_503_then_delivers_once(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """A receiver answering 503 twice, then 200, gets the payload once, on the third attempt."""
    receiver.faults({"status": 503, "times": 2})
    workers.start_all()
    transcript, payload = examples[1]
    _publish(pipeline_settings, [transcript])

    wait_for(lambda: receiver.stats()["stored"] == 1, "the payload after the retries", 90)
    assert receiver.payloads(transcript["call_ref_id"]) == [payload]
    assert receiver.stats()["faulted"] == 2
    [(_, delivered, _)] = read_topic(pipeline_settings, DELIVERED, 1)
    assert [a["http_status"] for a in delivered["attempts"]] == [503, 503, 200]


def test_permanent_failure_is_dead_lettered_and_replay_delivers(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    examples: list[tuple[dict[str, Any], Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """400 is not retried: the call goes to webhooks.dead-letter, and `dlq replay` delivers it."""
    receiver.faults({"status": 400})
    workers.start_all()
    transcript, payload = examples[2]
    _publish(pipeline_settings, [transcript])

    [(key, letter, headers)] = read_topic(pipeline_settings, WEBHOOKS_DEAD_LETTER, 1, 90)
    assert key == transcript["call_ref_id"].encode()
    assert letter["stage"] == "delivery" and letter["http_status"] == 400
    assert letter["error_class"] == "HTTPStatus"
    assert len(letter["attempts"]) == 1, "a permanent failure is not retried"
    assert letter["original_topic"] == pipeline_settings.topic("calls.analyzed")
    assert dict(headers)["__connect.errors.stage"] == b"delivery"
    assert receiver.stats()["stored"] == 0

    receiver.faults()  # the receiver is fixed
    cli_env(monkeypatch, pipeline_settings)
    assert main(["dlq", "replay", "--call-ref-id", transcript["call_ref_id"], "--dry-run"]) == 0
    assert capsys.readouterr().out.endswith(
        f"would replay 1 of 1 dead letters from {pipeline_settings.topic(WEBHOOKS_DEAD_LETTER)}\n"
    )
    assert main(["dlq", "replay", "--call-ref-id", transcript["call_ref_id"]]) == 0
    assert "replayed 1 of 1" in capsys.readouterr().out
    wait_for(lambda: receiver.stats()["stored"] == 1, "the replayed payload", 90)
    assert receiver.payloads(transcript["call_ref_id"]) == [payload]

    # A second replay knows the first: nothing is posted again unless --again.
    received = receiver.stats()["received"]
    assert main(["dlq", "replay", "--call-ref-id", transcript["call_ref_id"]]) == 0
    again = capsys.readouterr().out
    assert "replayed 0 of 1 dead letters" in again
    assert "(1 replayed before: --again replays them)" in again
    assert main(["dlq", "replay", "--dry-run", "--again"]) == 0
    assert "would replay 1 of 1" in capsys.readouterr().out
    assert receiver.stats()["received"] == received


def test_bad_input_is_dead_lettered_and_the_worker_goes_on(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """Undecodable bytes and an invalid transcript land in calls.dead-letter; valid calls flow."""
    workers.start_all()
    producer = TranscriptProducer(producer_config(pipeline_settings), source="e2e-test")
    producer.produce_raw(b"junk-1", b"this is not avro")
    invalid = {
        **examples[0][0],
        "call_ref_id": "ends-before-start",
        "end_time": "2025-10-02T14:00:00+05:30",
    }
    serde = SerdeFactory(registry_config(pipeline_settings)).for_topic(TRANSCRIPT_SAVED)
    from callpipe.records import transcript_saved_record

    producer.produce_raw(b"ends-before-start", serde.encode(transcript_saved_record(invalid, "t")))
    producer.produce(examples[3][0])
    producer.flush()

    letters = read_topic(pipeline_settings, CALLS_DEAD_LETTER, 2, 90)
    by_class = {record["error_class"]: (record, dict(headers)) for _, record, headers in letters}
    decode, decode_headers = by_class["DecodeError"]
    assert decode["original_value"] == b"this is not avro" and decode["stage"] == "extraction"
    assert (
        decode_headers["__connect.errors.topic"]
        == pipeline_settings.topic(TRANSCRIPT_SAVED).encode()
    )
    invalid_letter, _ = by_class["TranscriptError"]
    assert invalid_letter["error_field"] == "end_time"
    assert invalid_letter["call_ref_id"] == "ends-before-start"

    wait_for(lambda: receiver.stats()["stored"] == 1, "the valid call after the bad ones", 90)
    assert receiver.payloads(examples[3][0]["call_ref_id"]) == [examples[3][1]]


def test_two_workers_share_a_stage_and_a_killed_one_loses_nothing(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """Two delivery workers split the partitions; kill -9 one mid-stream, every call arrives."""
    workers.env["WEBHOOK_CONCURRENCY"] = "4"  # with the delay below: about 10 s of stream
    workers.start("extraction")
    workers.start("analysis")
    first = workers.start("delivery", "delivery-1")
    workers.start("delivery", "delivery-2")
    wait_for(
        lambda: (
            "worker ready" in workers.log("delivery-2")
            and "worker ready" in workers.log("delivery-1")
        ),
        "both delivery workers",
        60,
    )
    receiver.faults({"delay_ms": 250})  # slow enough that the kill lands mid-stream

    calls = _calls(examples, 300)
    _publish(pipeline_settings, calls)
    # Both must be delivering when the kill lands: "ready" comes before the rebalance that
    # gives the second worker its partitions, and a loaded machine can take seconds more.
    wait_for(
        lambda: (
            receiver.stats()["stored"] >= 60
            and all(
                "Single Interface webhook delivered successfully" in workers.log(name)
                for name in ("delivery-1", "delivery-2")
            )
        ),
        "both workers delivering",
        90,
    )
    assert receiver.stats()["stored"] < len(calls), "the kill must land mid-stream"
    workers.stop(first, signal.SIGKILL)

    wait_for(lambda: receiver.stats()["stored"] == len(calls), "all 300 calls", 180, 1)
    for call in calls[::37]:
        assert len(receiver.stored(call["call_ref_id"])) == 1
    for name in ("delivery-1", "delivery-2"):
        assert "Single Interface webhook delivered successfully" in workers.log(name), name


def test_offset_reset_redelivers_with_the_same_idempotency_keys(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    examples: list[tuple[dict[str, Any], Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Resetting the delivery group to the beginning re-sends every call with the same key."""
    workers.start_all()
    _publish(pipeline_settings, [t for t, _ in examples])
    wait_for(lambda: receiver.stats()["stored"] == 4, "the first delivery", 90)
    keys = {t["call_ref_id"]: _keys_in_receiver(receiver, t["call_ref_id"]) for t, _ in examples}

    cli_env(monkeypatch, pipeline_settings)
    # A dry run shows the moves while the worker runs, and changes nothing.
    assert main(["topics", "reset-offsets", "--stage", "delivery", "--dry-run"]) == 0
    # The stage is the last argument (the interpreter's path may contain "delivery" too).
    delivery = next(p for p in workers.running if list(map(str, p.args))[-1] == "delivery")
    workers.stop(delivery)
    workers.start("delivery", "delivery-unchanged")
    _publish(pipeline_settings, [{**examples[0][0], "call_ref_id": "after-dry-run"}])
    wait_for(lambda: receiver.stats()["stored"] == 5, "the call after the dry run", 90)
    assert receiver.stats()["duplicates"] == 0, "the dry run moved no offset"
    workers.stop(workers.running[-1])
    assert wait_for(
        lambda: main(["topics", "reset-offsets", "--stage", "delivery", "--to", "earliest"]) == 0,
        "the group to be empty after its worker stopped",
        60,
        2,
    )
    workers.start("delivery", "delivery-again")

    wait_for(lambda: receiver.stats()["duplicates"] == 5, "5 duplicate deliveries", 90)
    assert receiver.stats()["stored"] == 5
    for transcript, _ in examples:
        assert (
            _keys_in_receiver(receiver, transcript["call_ref_id"])
            == keys[transcript["call_ref_id"]]
        )
    assert json.dumps(keys)  # keys are plain strings


def _partitions_by_key(settings: Settings, logical_topic: str, count: int) -> dict[bytes, int]:
    consumer = earliest_consumer(settings, logical_topic, "partitions")
    found: dict[bytes, int] = {}
    try:
        wait_for(
            lambda: _poll_into(consumer, found) >= count, f"{count} records on {logical_topic}", 60
        )
    finally:
        consumer.close()
    return found


def _poll_into(consumer: Any, found: dict[bytes, int]) -> int:
    message = consumer.poll(0.5)
    if message is not None and message.error() is None and message.key():
        found[message.key()] = message.partition()
    return len(found)


def test_one_call_is_on_the_same_partition_in_every_topic_as_a_java_producer_would_put_it(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers_with: WorkersWith,
    examples: list[tuple[dict[str, Any], Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """52 calls through publish, the three stages and a dead letter replayed: every record of
    a call sits on Java's partition for its key (murmur2), in every topic."""
    from callpipe.topics import ANALYZED, EXTRACTED
    from tests.java_partitioning import java_partition

    settings = pipeline_settings.model_copy(update={"topic_partitions": 6})
    group = workers_with(settings)
    calls = _calls(examples, 52)
    receiver.faults({"status": 400, "times": 1})  # one call goes to webhooks.dead-letter
    group.start_all()
    _publish(settings, calls)
    wait_for(lambda: receiver.stats()["stored"] == 51, "51 calls delivered", 120)
    cli_env(monkeypatch, settings)
    assert main(["dlq", "replay", "--topic", "webhooks.dead-letter"]) == 0
    wait_for(lambda: receiver.stats()["stored"] == 52, "the replayed call", 60)
    for topic in (TRANSCRIPT_SAVED, EXTRACTED, ANALYZED, DELIVERED):
        partitions = _partitions_by_key(settings, topic, 52)
        wrong = {key: p for key, p in partitions.items() if p != java_partition(key, 6)}
        assert wrong == {}, f"{topic}: {len(wrong)} keys off Java's partition"

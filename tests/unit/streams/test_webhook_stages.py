"""Delivery and retry stages on their own: what goes to webhooks.retry, when, and after."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import DeliveryStatus
from callpipe.connectors.webhook.schedule import RetrySchedule
from callpipe.settings import Settings, load_settings
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.processors.delivery import DeliveryProcessor
from callpipe.streams.processors.retry import RetryProcessor
from callpipe.topics import DELIVERED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY
from tests.unit.streams.webhook_fakes import (
    START,
    Clock,
    ScriptedSender,
    analyzed_bytes,
    in_memory_serdes,
    outcome,
)

SCHEDULE = RetrySchedule.parse("30s,2m,10m")
HOLD_S = 60.0
ANALYZED_TOPIC = "unit.calls.analyzed"
RETRY_TOPIC = "unit.webhooks.retry"

FAILED = outcome(DeliveryStatus.FAILED_RETRIES_EXHAUSTED, 500, attempts=4)
DELIVERED_200 = outcome(DeliveryStatus.DELIVERED, 200)


@pytest.fixture
def settings() -> Settings:
    return load_settings(topic_prefix="unit.")


@pytest.fixture
def serdes(settings: Settings) -> SerdeFactory:
    return in_memory_serdes(settings)


@pytest.fixture
def analyzed(serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]) -> bytes:
    return analyzed_bytes(serdes, contract_examples[0][0])


def deliver_once(
    serdes: SerdeFactory, analyzed: bytes, answer: Any, clock: Clock, schedule: RetrySchedule
) -> Produce:
    sender = ScriptedSender([answer])
    processor = DeliveryProcessor(serdes, sender, 4, schedule, clock=clock)  # type: ignore[arg-type]
    [output] = asyncio.run(processor.process(Consumed(ANALYZED_TOPIC, 2, 41, b"k", analyzed)))
    return output


def first_retry(serdes: SerdeFactory, analyzed: bytes, clock: Clock) -> bytes:
    return deliver_once(serdes, analyzed, FAILED, clock, SCHEDULE).value


def retry_stage(
    serdes: SerdeFactory, answers: list[Any], clock: Clock, hold_s: float = HOLD_S
) -> tuple[RetryProcessor, ScriptedSender]:
    sender = ScriptedSender(answers)
    processor = RetryProcessor(
        serdes,
        sender,  # type: ignore[arg-type]
        SCHEDULE,
        hold_s=hold_s,
        posting=4,
        clock=clock,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )
    return processor, sender


def run_retry(processor: RetryProcessor, value: bytes, partition: int = 1) -> Produce:
    [output] = asyncio.run(processor.process(Consumed(RETRY_TOPIC, partition, 9, b"k", value)))
    return output


def test_a_call_whose_retries_run_out_goes_to_the_first_delayed_retry(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """Exhausted with a schedule: a WebhookRetry record for retry 1, due 30 s later, carrying
    the calls.analyzed record as consumed and every attempt."""
    output = deliver_once(serdes, analyzed, FAILED, Clock(), SCHEDULE)
    assert output.topic == WEBHOOKS_RETRY
    record = serdes.for_topic(WEBHOOKS_RETRY).decode(output.value)
    assert record["retry"] == 1
    assert record["due_at"] == START + timedelta(seconds=30)
    assert record["analyzed_value"] == analyzed
    assert (record["analyzed_topic"], record["analyzed_partition"], record["analyzed_offset"]) == (
        ANALYZED_TOPIC,
        2,
        41,
    )
    assert [a["number"] for a in record["attempts"]] == [1, 2, 3, 4]
    assert record["http_status"] == 500 and record["requeued_at"] is None
    assert output.key == record["call_ref_id"].encode()


def test_a_long_retry_after_sets_the_first_due_time(serdes: SerdeFactory, analyzed: bytes) -> None:
    """Deferred by Retry-After: 600 s: due in 600 s, not the schedule's 30 s."""
    deferred = outcome(DeliveryStatus.DEFERRED, 503, retry_after_s=600.0)
    output = deliver_once(serdes, analyzed, deferred, Clock(), SCHEDULE)
    record = serdes.for_topic(WEBHOOKS_RETRY).decode(output.value)
    assert record["due_at"] == START + timedelta(seconds=600)


def test_a_permanent_failure_is_dead_lettered_at_once_even_with_a_schedule(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """A 400 never goes to the delayed retries."""
    rejected = outcome(DeliveryStatus.FAILED_PERMANENT, 400)
    output = deliver_once(serdes, analyzed, rejected, Clock(), SCHEDULE)
    assert output.topic == WEBHOOKS_DEAD_LETTER
    assert serdes.for_topic(WEBHOOKS_DEAD_LETTER).decode(output.value)["error_class"] == (
        "HTTPStatus"
    )


def test_a_record_due_far_ahead_goes_back_to_the_end_of_the_topic(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """Not due for 30 s with a 10 s hold: requeued unchanged but for requeued_at, no POST."""
    clock = Clock()
    value = first_retry(serdes, analyzed, clock)
    processor, sender = retry_stage(serdes, [], clock, hold_s=10.0)
    output = run_retry(processor, value)
    assert output.topic == WEBHOOKS_RETRY and sender.calls == []
    before = serdes.for_topic(WEBHOOKS_RETRY).decode(value)
    after = serdes.for_topic(WEBHOOKS_RETRY).decode(output.value)
    assert after == {**before, "requeued_at": START}


def test_a_record_due_within_the_hold_is_tried_when_due(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """Due in 30 s with a 60 s hold: the stage waits 30 s, then posts once, and records the
    delivery with every attempt numbered on."""
    clock = Clock()
    value = first_retry(serdes, analyzed, clock)
    processor, sender = retry_stage(serdes, [DELIVERED_200], clock)
    output = run_retry(processor, value)
    assert clock.slept == [30.0]
    assert sender.calls[0][1] is False, "one attempt per retry: the outage is not waited out"
    assert output.topic == DELIVERED
    record = serdes.for_topic(DELIVERED).decode(output.value)
    assert [a["number"] for a in record["attempts"]] == [1, 2, 3, 4, 5]
    assert [a["http_status"] for a in record["attempts"]] == [500, 500, 500, 500, 200]


def test_a_failed_retry_waits_for_the_next_one(serdes: SerdeFactory, analyzed: bytes) -> None:
    """Retry 1 fails: a record for retry 2, due the schedule's 2 minutes later."""
    clock = Clock()
    value = first_retry(serdes, analyzed, clock)
    processor, _ = retry_stage(
        serdes, [outcome(DeliveryStatus.FAILED_RETRIES_EXHAUSTED, 502)], clock
    )
    output = run_retry(processor, value)
    record = serdes.for_topic(WEBHOOKS_RETRY).decode(output.value)
    assert record["retry"] == 2
    assert record["due_at"] == clock.now + timedelta(minutes=2)
    assert record["http_status"] == 502 and len(record["attempts"]) == 5


def test_after_the_last_retry_the_call_is_dead_lettered_so_that_replay_delivers_it(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """Every retry failed: a dead letter naming the calls.analyzed record (replay puts the
    call back for delivery) with every attempt's time."""
    clock = Clock()
    value = first_retry(serdes, analyzed, clock)
    failing = [outcome(DeliveryStatus.FAILED_RETRIES_EXHAUSTED, 503) for _ in SCHEDULE.delays]
    processor, sender = retry_stage(serdes, failing, clock)
    output = run_retry(processor, value)
    for _ in range(30):  # retries, and requeues of those due beyond the hold
        if output.topic != WEBHOOKS_RETRY:
            break
        output = run_retry(processor, output.value)
    assert output.topic == WEBHOOKS_DEAD_LETTER and len(sender.calls) == 3
    assert clock.now - START >= timedelta(seconds=sum(SCHEDULE.delays))
    letter = serdes.for_topic(WEBHOOKS_DEAD_LETTER).decode(output.value)
    assert letter["stage"] == "retry" and letter["error_class"] == "RetriesExhausted"
    assert (letter["original_topic"], letter["original_partition"], letter["original_offset"]) == (
        ANALYZED_TOPIC,
        2,
        41,
    )
    assert letter["original_value"] == analyzed
    assert [a["number"] for a in letter["attempts"]] == list(range(1, 8))
    assert len({a["started_at"] for a in letter["attempts"]}) >= 1
    assert dict(output.headers)["__connect.errors.topic"] == ANALYZED_TOPIC.encode()


def test_a_permanent_failure_in_the_retry_stage_is_dead_lettered(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """A 400 on a delayed retry ends the retries."""
    clock = Clock()
    value = first_retry(serdes, analyzed, clock)
    processor, _ = retry_stage(serdes, [outcome(DeliveryStatus.FAILED_PERMANENT, 400)], clock)
    letter = serdes.for_topic(WEBHOOKS_DEAD_LETTER).decode(run_retry(processor, value).value)
    assert letter["error_class"] == "HTTPStatus" and letter["http_status"] == 400


def test_a_record_that_comes_round_again_soon_paces_its_partition(
    serdes: SerdeFactory, analyzed: bytes
) -> None:
    """Requeued 5 s ago and due in an hour: the stage pauses that partition and waits out
    the rest of the hold before requeueing it again, so it goes round once per hold."""
    clock = Clock()
    deferred = outcome(DeliveryStatus.DEFERRED, 503, retry_after_s=3600.0)
    value = deliver_once(serdes, analyzed, deferred, clock, SCHEDULE).value
    processor, sender = retry_stage(serdes, [], clock)
    requeued = run_retry(processor, value, partition=4).value
    clock.now += timedelta(seconds=5)
    again = run_retry(processor, requeued, partition=4)
    assert clock.slept == [HOLD_S - 5]
    assert again.topic == WEBHOOKS_RETRY and sender.calls == []
    assert serdes.for_topic(WEBHOOKS_RETRY).decode(again.value)["requeued_at"] == clock.now
    clock.now -= timedelta(seconds=1)
    assert processor.pauses.wanted([3, 4]) == {4}, "paused while it waited"
    clock.now += timedelta(seconds=1)
    assert processor.pauses.wanted([3, 4]) == set(), "the pause ended with the wait"


def test_an_undecodable_retry_record_is_dead_lettered_as_itself(serdes: SerdeFactory) -> None:
    """Bytes that are no WebhookRetry: a dead letter of the webhooks.retry record."""
    processor, _ = retry_stage(serdes, [], Clock())
    letter = run_retry(processor, b"\x00\x00\x00\x00\x01junk")
    record = serdes.for_topic(WEBHOOKS_DEAD_LETTER).decode(letter.value)
    assert record["original_topic"] == RETRY_TOPIC and record["error_class"] == "DecodeError"

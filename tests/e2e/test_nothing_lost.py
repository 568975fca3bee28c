"""Nothing is lost when workers are killed at the worst moment (real Kafka, registry, HTTP).

Loss is intermittent: `CALLPIPE_LOSS_RUNS=N` repeats the kill test N times
(default 1 in `make test`; run it with 5 or more after touching offsets).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from callpipe.settings import Settings
from tests.e2e.conftest import WorkersWith, calls_from, publish
from tests.e2e.harness import ReceiverProcess, stored_keys, wait_for

LOSS_RUNS = int(os.environ.get("CALLPIPE_LOSS_RUNS", "1"))


def test_a_slow_record_at_the_head_of_a_partition_survives_a_kill(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    workers_with: WorkersWith,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """The first POST hangs then fails while later calls succeed; kill -9 delivery; it arrives.

    This is Faust's out-of-order ack case (faust#606): with the head of the
    only partition unfinished and the records behind it acked, Faust commits
    past the head, and a killed worker never delivers it.
    """
    workers = workers_with(pipeline_settings.model_copy(update={"topic_partitions": 1}))
    receiver.faults({"status": 503, "delay_ms": 20_000, "times": 1})
    calls = calls_from(examples, 20)
    workers.start("extraction")
    workers.start("analysis")
    delivery = workers.start("delivery")
    publish(workers.settings, calls)
    wait_for(lambda: len(stored_keys(receiver.db)) >= 19, "19 fast calls delivered", 90)
    time.sleep(3)  # several commit intervals while the head is still in flight
    assert len(stored_keys(receiver.db)) == 19, "the slow call must still be in flight"
    workers.stop(delivery, signal.SIGKILL)
    workers.start("delivery", name="delivery-again")
    expected = {call["call_ref_id"] for call in calls}
    wait_for(lambda: set(stored_keys(receiver.db)) == expected, "every call delivered", 90)


@pytest.mark.parametrize("run", range(LOSS_RUNS))
def test_every_call_arrives_once_when_every_stage_is_killed_mid_stream(
    run: int,
    receiver: ReceiverProcess,
    workers_with: WorkersWith,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """2,000 calls, every 4th POST answered 503, all three stages SIGKILLed mid-stream and
    restarted: every call is delivered, each under one idempotency key.

    Ten retries: with three, a call whose four tries all meet a 503 is
    dead-lettered (about 8 of 2,000), which is right but not this test's point.
    """
    workers = workers_with(CONSUMER_SESSION_TIMEOUT_S="6", WEBHOOK_RETRY_ATTEMPTS="10")
    receiver.faults(*([{"delay_ms": 1, "times": 3}, {"status": 503, "times": 1}] * 1000))
    calls = calls_from(examples, 2000)
    stages = {stage: workers.start(stage) for stage in ("extraction", "analysis", "delivery")}
    publish(workers.settings, calls)
    wait_for(lambda: len(stored_keys(receiver.db)) >= 300, "deliveries under way", 120)
    for stage, process in stages.items():
        workers.stop(process, signal.SIGKILL)
        workers.start(stage, name=f"{stage}-again")
    expected = {call["call_ref_id"] for call in calls}
    wait_for(lambda: set(stored_keys(receiver.db)) == expected, "every call delivered", 240, 1.0)
    keys = stored_keys(receiver.db)
    assert all(len(keys[call]) == 1 for call in expected), "one idempotency key per call"

"""The endpoint down: calls wait in Kafka behind an open circuit, and all arrive once after.

Real worker processes, broker, registry and receiver; a short probe interval
(2 s) and a short schedule. The receiver is down for a minute twice: once
refusing connections (its process stopped, a new one started later on the
same port and database), once answering 503 to everything.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

from callpipe.settings import Settings
from callpipe.topics import ANALYZED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY
from tests.e2e.conftest import WorkersWith, calls_from, publish
from tests.e2e.harness import (
    ReceiverProcess,
    Workers,
    free_port,
    group_assignment,
    scrape,
    stored_keys,
    topic_size,
    wait_for,
)

PROBE_S = 2.0
OUTAGE_S = 60.0
CALLS = 300
ENV = {
    "WEBHOOK_CIRCUIT_PROBE_S": str(PROBE_S),
    "WEBHOOK_RETRY_SCHEDULE": "2s,15s,15s,15s,15s,15s",
    "WEBHOOK_RETRY_HOLD_S": "5",
    # A worker whose partitions stay paused longer than this must still be in its group.
    "CONSUMER_MAX_POLL_INTERVAL_S": "15",
    "CONSUMER_SESSION_TIMEOUT_S": "6",
}
# The defaults' order of backoff (500 ms, doubling), not the harness's fast one: with
# 50 ms the first call's four tries can all fail within the few milliseconds before five
# calls have failed and the circuit opens, and that call then rightly takes the delayed
# retries, which the minute-long outage test says no call needs.
DEFAULT_LIKE_BACKOFF = {"WEBHOOK_BACKOFF_INITIAL_MS": "500", "WEBHOOK_BACKOFF_MAX_MS": "2000"}


def metric(port: int, name: str) -> float:
    """A worker's metric summed over its labels (0 when absent)."""
    return sum(v for k, v in scrape(port).items() if k.split("{")[0] == name)


def named(calls: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [{**call, "call_ref_id": f"{prefix}-{n:05d}"} for n, call in enumerate(calls)]


def all_stored(db: Path, calls: list[dict[str, Any]]) -> bool:
    return {c["call_ref_id"] for c in calls} <= set(stored_keys(db))


def circuit_open(port: int) -> float:
    return metric(port, "callpipe_webhook_circuit_open")


def refused_for_a_minute(
    receiver: ReceiverProcess, workers: Workers, port: int, calls: list[dict[str, Any]]
) -> tuple[ReceiverProcess, float]:
    """Stops the receiver, publishes, checks the waiting stage; after OUTAGE_S starts a new
    receiver on the same port and database and returns it with the failed probes."""
    receiver.stop()
    publish(workers.settings, calls)
    began = time.monotonic()
    wait_for(lambda: circuit_open(port) == 1, "an open circuit", 30)
    time.sleep(max(0.0, began + OUTAGE_S - 10 - time.monotonic()))
    assert group_assignment(workers.settings, "delivery", ANALYZED) == [3], (
        "paused for longer than CONSUMER_MAX_POLL_INTERVAL_S, the worker keeps its partitions"
    )
    assert metric(port, "callpipe_webhook_circuit_waiting") > 0
    time.sleep(max(0.0, began + OUTAGE_S - time.monotonic()))
    failed_probes = metric(port, "callpipe_webhook_circuit_probes_total")
    return ReceiverProcess(receiver.db, receiver.log_path, port=receiver.port), failed_probes


def unavailable_for_a_minute(
    receiver: ReceiverProcess, workers: Workers, port: int, calls: list[dict[str, Any]]
) -> None:
    """503 to everything for OUTAGE_S while the calls are published, then normal service;
    returns once every call is stored."""
    receiver.faults({"status": 503})
    publish(workers.settings, calls)
    began = time.monotonic()
    wait_for(lambda: circuit_open(port) == 1, "an open circuit", 30)
    opened, received_then = time.monotonic(), receiver.stats()["received"]
    time.sleep(max(0.0, began + OUTAGE_S - time.monotonic()))
    during = receiver.stats()["received"] - received_then
    intervals = (time.monotonic() - opened) / PROBE_S
    receiver.faults()
    wait_for(lambda: all_stored(receiver.db, calls), "every call after the 503s", 120, 1.0)
    assert during <= 2 * (intervals + 1), f"{during} requests in {intervals:.0f} intervals"
    assert receiver.stats()["duplicates"] == 0, "nothing delivered twice"


def test_calls_wait_out_a_minute_of_refused_connections_and_a_minute_of_503s(
    settings: Settings, tmp_path: Path, examples: list[tuple[dict[str, Any], Any]]
) -> None:
    """Each minute: 300 calls published while the endpoint is down wait (circuit open, one
    probe per interval, the worker still in its group), then all are delivered once, with
    no dead letter and no delayed retry; the 503-answering receiver saw about one request
    per probe interval."""
    db = tmp_path / "receiver.sqlite3"
    receiver = ReceiverProcess(db, tmp_path / "receiver.log")
    workers = Workers(
        settings.model_copy(update={"webhook_base_url": receiver.url}),
        tmp_path,
        **ENV,
        **DEFAULT_LIKE_BACKOFF,
    )
    port = free_port()
    try:
        for stage in ("extraction", "analysis", "retry"):
            workers.start(stage)
        workers.start("delivery", metrics_port=port)
        publish(workers.settings, named(calls_from(examples, 1), "warm-up"))
        wait_for(lambda: "warm-up-00000" in stored_keys(db), "the warm-up call", 120)

        refused = named(calls_from(examples, CALLS), "refused")
        receiver, failed_probes = refused_for_a_minute(receiver, workers, port, refused)
        wait_for(lambda: all_stored(db, refused), "every call after the outage", 120, 1.0)
        assert failed_probes <= OUTAGE_S / PROBE_S + 1, "one probe per interval"
        assert receiver.stats()["duplicates"] == 0, "nothing delivered twice"
        wait_for(lambda: circuit_open(port) == 0, "a closed circuit", 10)

        unavailable = named(calls_from(examples, CALLS), "unavailable")
        unavailable_for_a_minute(receiver, workers, port, unavailable)

        keys = stored_keys(db)
        assert all(len(keys[c["call_ref_id"]]) == 1 for c in refused + unavailable)
        assert topic_size(workers.settings, WEBHOOKS_DEAD_LETTER) == 0, "no dead letter"
        assert topic_size(workers.settings, WEBHOOKS_RETRY) == 0, "no call was rescheduled"
        delivery_log = workers.log("delivery")
        assert delivery_log.count("webhook circuit opened") == 2
        assert delivery_log.count("webhook circuit closed") == 2
    finally:
        workers.stop_all()
        receiver.stop()


def test_killing_the_delivery_and_retry_workers_during_an_outage_loses_nothing(
    receiver: ReceiverProcess,
    workers_with: WorkersWith,
    examples: list[tuple[dict[str, Any], Any]],
) -> None:
    """Three calls on their delayed retries and 150 waiting behind an open circuit when both
    workers are SIGKILLed mid-outage: after restart and recovery every call arrives, each
    under one idempotency key, and nothing is dead-lettered."""
    workers = workers_with(WEBHOOK_RETRY_ATTEMPTS="1", **ENV)
    port = free_port()
    workers.start("extraction")
    workers.start("analysis")
    delivery = workers.start("delivery", metrics_port=port)
    retry = workers.start("retry")
    poison = named(calls_from(examples, 3), "poison")
    # Both tries in process and the first delayed retry fail (500 or, later, 503).
    receiver.faults(*({"status": 500, "times": 3, "call_ref_id": c["call_ref_id"]} for c in poison))
    before = named(calls_from(examples, 50), "before")
    publish(workers.settings, before[:25] + poison + before[25:])
    wait_for(
        lambda: topic_size(workers.settings, WEBHOOKS_RETRY) >= 3,
        "the poisoned calls on their delayed retries",
        120,
    )

    receiver.faults({"status": 503})
    during = named(calls_from(examples, 150), "during")
    publish(workers.settings, during)
    wait_for(
        lambda: metric(port, "callpipe_webhook_circuit_waiting") > 0,
        "calls waiting at the open circuit",
        60,
    )
    time.sleep(PROBE_S * 2)
    workers.stop(delivery, signal.SIGKILL)
    workers.stop(retry, signal.SIGKILL)
    workers.start("delivery", name="delivery-again")
    workers.start("retry", name="retry-again")
    time.sleep(15)  # the new workers join and wait behind the outage too
    receiver.faults()

    expected = before + poison + during
    wait_for(lambda: all_stored(receiver.db, expected), "every call after the kills", 180, 1.0)
    keys = stored_keys(receiver.db)
    assert all(len(keys[c["call_ref_id"]]) == 1 for c in expected), "one key per call"
    assert topic_size(workers.settings, WEBHOOKS_DEAD_LETTER) == 0

"""The real WebhookSender against the real reference receiver, over loopback sockets."""

from __future__ import annotations

import asyncio
import copy
import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from callpipe.connectors.receiver import WEBHOOK_PATH, FaultPlan, FaultStep
from callpipe.connectors.webhook import DeliveryOutcome, DeliveryStatus, idempotency_key
from tests.integration.webhook_http_support import (
    SIGNED,
    Recorder,
    cli_receiver,
    deliver_all,
    free_port,
    make_sender,
    payload_for,
    receiver,
    receiver_and_sender,
    stats,
    stored_payloads,
)

pytestmark = pytest.mark.integration


def test_delivered_once(tmp_path: Path) -> None:
    """A healthy receiver: one attempt, delivered, stored once with the sender's key."""

    async def main() -> None:
        recorder = Recorder()
        payload = payload_for()
        async with receiver_and_sender(tmp_path, recorder) as (base_url, sender):
            outcome = await sender.deliver(payload, idempotency_key(payload))
            rows = await stored_payloads(base_url, payload["call_ref_id"])
            counters = await stats(base_url)
        assert outcome.status is DeliveryStatus.DELIVERED
        assert [a.http_status for a in outcome.attempts] == [200]
        assert recorder.sleeps == []
        assert len(rows) == 1
        assert rows[0]["payload"] == payload
        assert rows[0]["idempotency_key"] == idempotency_key(payload)
        assert (counters["received"], counters["stored"]) == (1, 1)

    asyncio.run(main())


def test_503_twice_then_200_is_delivered_and_stored_once(tmp_path: Path) -> None:
    """Retries through two 503s: three attempts, one stored row."""

    async def main() -> None:
        recorder = Recorder()
        payload = payload_for()
        faults = [FaultStep(status=503, times=2)]
        async with receiver_and_sender(tmp_path, recorder, faults=faults) as (base_url, sender):
            outcome = await sender.deliver(payload, idempotency_key(payload))
            counters = await stats(base_url)
        assert outcome.status is DeliveryStatus.DELIVERED
        assert [a.http_status for a in outcome.attempts] == [503, 503, 200]
        assert recorder.sleeps == [0.25, 0.5]
        assert (counters["faulted"], counters["stored"]) == (2, 1)

    asyncio.run(main())


def test_400_fails_permanently_without_retry(tmp_path: Path) -> None:
    """A 400 ends delivery after one attempt; nothing is stored."""

    async def main() -> None:
        recorder = Recorder()
        faults = [FaultStep(status=400)]
        async with receiver_and_sender(tmp_path, recorder, faults=faults) as (base_url, sender):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
            counters = await stats(base_url)
        assert outcome.status is DeliveryStatus.FAILED_PERMANENT
        assert outcome.http_status == 400
        assert outcome.error is not None and "HTTP 400" in outcome.error
        assert len(outcome.attempts) == 1
        assert recorder.sleeps == []
        assert (counters["received"], counters["stored"]) == (1, 0)

    asyncio.run(main())


def test_real_validation_error_is_permanent(tmp_path: Path) -> None:
    """A payload the receiver rejects gets failed_permanent with the field in the error."""

    async def main() -> None:
        bad = payload_for()
        bad["duration"] = str(bad["duration"])
        async with receiver_and_sender(tmp_path) as (_, sender):
            outcome = await sender.deliver(bad, idempotency_key(bad))
        assert outcome.status is DeliveryStatus.FAILED_PERMANENT
        assert outcome.error is not None and "duration must be a number" in outcome.error

    asyncio.run(main())


def test_timeouts_are_retried_then_exhausted(tmp_path: Path) -> None:
    """A receiver slower than WEBHOOK_TIMEOUT_MS: every attempt times out, then give up."""

    async def main() -> DeliveryOutcome:
        recorder = Recorder()
        async with receiver_and_sender(
            tmp_path,
            recorder,
            faults=[FaultStep(status=503, delay_ms=5000)],
            webhook_timeout_ms=150,
            webhook_retry_attempts=2,
        ) as (_, sender):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
        assert len(recorder.sleeps) == 2
        return outcome

    began = time.perf_counter()
    outcome = asyncio.run(main())
    assert time.perf_counter() - began < 5
    assert outcome.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
    assert outcome.http_status is None
    assert [a.error_kind for a in outcome.attempts] == ["read_timeout"] * 3
    assert all(a.duration_ms >= 140 for a in outcome.attempts)


def test_connection_refused_is_retried_then_exhausted() -> None:
    """Nobody listening: connect errors are retried, then the delivery gives up."""
    port = free_port()

    async def main() -> DeliveryOutcome:
        async with make_sender(
            f"http://127.0.0.1:{port}", Recorder(), webhook_retry_attempts=1
        ) as sender:
            return await sender.deliver(payload_for(), "bot_1-x")

    outcome = asyncio.run(main())
    assert outcome.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
    assert [a.error_kind for a in outcome.attempts] == ["connect_error", "connect_error"]


@pytest.mark.parametrize(("retry_after", "slept"), [("2", 2.0), ("120", 5.0)])
def test_retry_after_is_honoured(tmp_path: Path, retry_after: str, slept: float) -> None:
    """429 with Retry-After: the sender sleeps what the server asked (capped at the max
    when there are no delayed retries to defer a longer wait to)."""

    async def main() -> None:
        recorder = Recorder()
        async with receiver_and_sender(
            tmp_path,
            recorder,
            faults=[FaultStep(status=429, times=1, retry_after=retry_after)],
            webhook_backoff_max_ms=5000,
            webhook_retry_schedule="",
        ) as (_, sender):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
        assert outcome.status is DeliveryStatus.DELIVERED
        assert recorder.sleeps == [slept]
        assert outcome.attempts[0].retry_delay_s == slept

    asyncio.run(main())


def test_redelivery_with_the_same_key_is_stored_once(tmp_path: Path) -> None:
    """Delivering the same payload twice (a reprocessed call) keeps one row."""

    async def main() -> None:
        payload = payload_for()
        key = idempotency_key(payload)
        async with receiver_and_sender(tmp_path) as (base_url, sender):
            first = await sender.deliver(payload, key)
            second = await sender.deliver(copy.deepcopy(payload), idempotency_key(payload))
            counters = await stats(base_url)
            rows = await stored_payloads(base_url, payload["call_ref_id"])
        assert first.status is second.status is DeliveryStatus.DELIVERED
        assert (counters["duplicates"], counters["stored"], len(rows)) == (1, 1, 1)

    asyncio.run(main())


def test_api_key_headers_reach_the_receiver(tmp_path: Path) -> None:
    """With SINGLEINTERFACE_API_KEY the receiver accepts; without it, 401 is permanent."""

    async def main() -> None:
        async with receiver(tmp_path, api_key="k-live-1") as base_url:
            async with make_sender(
                base_url, Recorder(), singleinterface_api_key="k-live-1"
            ) as with_key:
                accepted = await with_key.deliver(payload_for("1"), "bot_1-a")
            async with make_sender(base_url, Recorder()) as without_key:
                refused = await without_key.deliver(payload_for("2"), "bot_2-a")
        assert accepted.status is DeliveryStatus.DELIVERED
        assert refused.status is DeliveryStatus.FAILED_PERMANENT
        assert refused.http_status == 401

    asyncio.run(main())


def test_forwarding_copy_reaches_the_second_receiver(tmp_path: Path) -> None:
    """SINGLEINTERFACE_WEBHOOK_URL gets the same payload under the same key."""

    async def main() -> None:
        payload = payload_for()
        key = idempotency_key(payload)
        async with (
            receiver(tmp_path, "primary") as primary,
            receiver(tmp_path, "forward") as forward,
        ):
            async with make_sender(
                primary, Recorder(), singleinterface_webhook_url=forward + WEBHOOK_PATH
            ) as sender:
                outcome = await sender.deliver(payload, key)
            primary_rows = await stored_payloads(primary, payload["call_ref_id"])
            forward_rows = await stored_payloads(forward, payload["call_ref_id"])
        assert outcome.status is DeliveryStatus.DELIVERED
        assert outcome.forward is not None
        assert outcome.forward.status is DeliveryStatus.DELIVERED
        assert [r["idempotency_key"] for r in primary_rows] == [key]
        assert [r["idempotency_key"] for r in forward_rows] == [key]
        assert forward_rows[0]["payload"] == payload

    asyncio.run(main())


def test_failed_forwarding_keeps_the_call_delivered(tmp_path: Path) -> None:
    """A forwarding target that answers 400 is recorded, the call stays delivered."""

    async def main() -> None:
        recorder = Recorder()
        plan = FaultPlan([FaultStep(status=400)])
        async with (
            receiver(tmp_path, "primary") as primary,
            receiver(tmp_path, "forward", faults=plan) as forward,
            make_sender(
                primary, recorder, singleinterface_webhook_url=forward + WEBHOOK_PATH
            ) as sender,
        ):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
        assert outcome.status is DeliveryStatus.DELIVERED
        assert outcome.forward is not None
        assert outcome.forward.status is DeliveryStatus.FAILED_PERMANENT
        assert [a.target for a in recorder.attempts] == ["primary", "forward"]

    asyncio.run(main())


def test_health_endpoint(tmp_path: Path) -> None:
    """GET answers the spec's health document."""

    async def main() -> dict[str, Any]:
        async with receiver(tmp_path) as base_url, httpx.AsyncClient() as client:
            response = await client.get(base_url + WEBHOOK_PATH)
            assert response.status_code == 200
            body: dict[str, Any] = response.json()
            return body

    body = asyncio.run(main())
    assert (body["status"], body["endpoint"]) == ("healthy", "Single Interface Webhook")
    assert body["timestamp"].endswith("Z")


@pytest.mark.parametrize("signing", [{}, SIGNED], ids=["unsigned", "signed"])
def test_concurrent_deliveries_share_one_sender(tmp_path: Path, signing: dict[str, Any]) -> None:
    """300 concurrent deliveries through one pooled client are all stored, and with a
    secret both ends know every one is verified (none rejected)."""

    async def main() -> None:
        payloads = [payload_for(str(1000 + i)) for i in range(300)]
        async with receiver_and_sender(tmp_path, **signing) as (base_url, sender):
            outcomes = await deliver_all(sender, payloads)
            counters = await stats(base_url)
            rows = await stored_payloads(base_url, "1007")
        assert {o.status for o in outcomes} == {DeliveryStatus.DELIVERED}
        assert (counters["stored"], counters["rejected"]) == (300, 0)
        assert rows[0]["payload"] == payloads[7]

    asyncio.run(main())


def test_cli_receiver_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """`callpipe receiver` serves, stores, and exits 0 on SIGTERM with its rows on disk."""
    db = tmp_path / "cli.db"
    with cli_receiver(db) as (url, process):
        response = httpx.post(url, json=payload_for(), headers={"Idempotency-Key": "cli-1"})
        assert response.json() == {"success": True}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert process.stderr is not None
    log = [json.loads(line) for line in process.stderr.read().splitlines() if line.strip()]
    assert [entry["msg"] for entry in log][-2:] == ["receiver stopping", "receiver stopped"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT idempotency_key FROM payloads").fetchall() == [("cli-1",)]

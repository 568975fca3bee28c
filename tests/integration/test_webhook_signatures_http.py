"""Signed webhooks over real sockets: the real sender, the real receiver verifying with
`standardwebhooks`, and `callpipe receiver --signing-secret` as a process."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from callpipe.connectors.receiver import WEBHOOK_PATH, running_receiver
from callpipe.connectors.webhook import (
    DeliveryStatus,
    WebhookSender,
    WebhookSigner,
    idempotency_key,
)
from callpipe.edges import webhook_config
from callpipe.settings import Settings
from tests.integration.http_waits import wait_until_answers
from tests.integration.webhook_http_support import (
    REPO,
    Recorder,
    make_sender,
    payload_for,
    stats,
    stored_payloads,
)

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(b"integration-secret-32-bytes-long").decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"the-old-secret-24-bytes!").decode()


def test_signed_deliveries_are_accepted(tmp_path: Path) -> None:
    """Sender and receiver share the secret: every delivery is verified and stored."""

    async def main() -> None:
        payloads = [payload_for(str(5000 + n)) for n in range(20)]
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=[SECRET]) as base_url,
            make_sender(base_url, Recorder(), webhook_signing_secret=SECRET) as sender,
        ):
            outcomes = await asyncio.gather(
                *(sender.deliver(p, idempotency_key(p)) for p in payloads)
            )
            counters = await stats(base_url)
            rows = await stored_payloads(base_url, "5007")
        assert {o.status for o in outcomes} == {DeliveryStatus.DELIVERED}
        assert (counters["stored"], counters["rejected"]) == (20, 0)
        assert rows[0]["payload"] == payloads[7]

    asyncio.run(main())


def test_a_sender_rotating_secrets_reaches_a_receiver_that_knows_only_the_old_one(
    tmp_path: Path,
) -> None:
    """Signed with the new and the old secret: the not yet updated receiver still accepts."""

    async def main() -> None:
        payload = payload_for()
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=[OLD_SECRET]) as base_url,
            make_sender(
                base_url, Recorder(), webhook_signing_secret=f"{SECRET} {OLD_SECRET}"
            ) as sender,
        ):
            outcome = await sender.deliver(payload, idempotency_key(payload))
        assert outcome.status is DeliveryStatus.DELIVERED

    asyncio.run(main())


def sender_with_clock(base_url: str, clock: Callable[[], datetime]) -> WebhookSender:
    """A signing sender whose clock (and so its webhook-timestamp) is the given one."""
    settings = Settings(
        webhook_base_url=base_url,
        webhook_signing_secret=SECRET,
        webhook_retry_attempts=3,
        webhook_timeout_ms=2000,
    )
    return WebhookSender(webhook_config(settings), sleep=Recorder().sleep, clock=clock)


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(timedelta(minutes=-10), "too old"), (timedelta(minutes=10), "too new")],
)
def test_a_stale_or_future_timestamp_gets_401_which_is_permanent(
    tmp_path: Path, offset: timedelta, reason: str
) -> None:
    """A sender whose clock is 10 minutes off: 401, not retried, nothing stored."""

    async def main() -> None:
        payload = payload_for()
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=[SECRET]) as base_url,
            sender_with_clock(base_url, lambda: datetime.now(UTC) + offset) as sender,
        ):
            outcome = await sender.deliver(payload, idempotency_key(payload))
            counters = await stats(base_url)
        assert outcome.status is DeliveryStatus.FAILED_PERMANENT
        assert outcome.http_status == 401
        assert outcome.error is not None and reason in outcome.error
        assert len(outcome.attempts) == 1
        assert (counters["rejected"], counters["stored"]) == (1, 0)

    asyncio.run(main())


def test_the_same_clock_on_time_is_accepted(tmp_path: Path) -> None:
    """The control for the test above: an on-time clock, same sender, delivered."""

    async def main() -> None:
        payload = payload_for()
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=[SECRET]) as base_url,
            sender_with_clock(base_url, lambda: datetime.now(UTC)) as sender,
        ):
            outcome = await sender.deliver(payload, idempotency_key(payload))
        assert outcome.status is DeliveryStatus.DELIVERED

    asyncio.run(main())


def test_a_tampered_body_gets_401(tmp_path: Path) -> None:
    """Headers signed for one body, sent with another: refused; the original is accepted."""

    async def main() -> None:
        payload = payload_for()
        body = json.dumps(payload, separators=(",", ":")).encode()
        key = idempotency_key(payload)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            **WebhookSigner.from_secrets(SECRET).headers(key, body),
        }
        tampered = body.replace(b'"duration":105', b'"duration":5')
        assert tampered != body
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=[SECRET]) as base_url,
            httpx.AsyncClient(base_url=base_url) as client,
        ):
            refused = await client.post(WEBHOOK_PATH, content=tampered, headers=headers)
            accepted = await client.post(WEBHOOK_PATH, content=body, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["error"] == "webhook signature: No matching signature found"
        assert accepted.status_code == 200

    asyncio.run(main())


def test_an_unsigned_sender_is_refused_permanently(tmp_path: Path) -> None:
    """No WEBHOOK_SIGNING_SECRET on the sender, a verifying receiver: 401, dead letter."""

    async def main() -> None:
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=[SECRET]) as base_url,
            make_sender(base_url, Recorder()) as sender,
        ):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
        assert outcome.status is DeliveryStatus.FAILED_PERMANENT
        assert outcome.error is not None and "Missing required headers" in outcome.error

    asyncio.run(main())


def test_cli_receiver_with_signing_secret_verifies(tmp_path: Path) -> None:
    """`callpipe receiver --signing-secret`: a signed POST is stored, an unsigned one gets 401."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "callpipe",
            "receiver",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "cli.db"),
            "--signing-secret",
            SECRET,
        ],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        wait_until_answers(url)
        payload = payload_for()
        body = json.dumps(payload).encode()
        key = idempotency_key(payload)
        signed = WebhookSigner.from_secrets(SECRET).headers(key, body)
        plain = {"Content-Type": "application/json", "Idempotency-Key": key}
        unsigned = httpx.post(url, content=body, headers=plain)
        accepted = httpx.post(url, content=body, headers={**plain, **signed})
        assert unsigned.status_code == 401
        assert (accepted.status_code, accepted.json()) == (200, {"success": True})
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.stderr is not None
    log = process.stderr.read()
    assert SECRET.removeprefix("whsec_") not in log
    assert any(
        json.loads(line).get("signatures") is True for line in log.splitlines() if line.strip()
    )

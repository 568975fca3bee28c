"""Signed webhooks over real sockets: the real sender, the real receiver verifying with
`standardwebhooks`, and `callpipe receiver --signing-secret` as a process."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from callpipe.connectors.receiver import WEBHOOK_PATH, running_receiver
from callpipe.connectors.webhook import DeliveryStatus, WebhookSigner, idempotency_key
from tests.integration.webhook_http_support import (
    SECRET,
    SIGNED,
    cli_receiver,
    payload_for,
    receiver_and_sender,
    stats,
)

pytestmark = pytest.mark.integration

OLD_SECRET = "whsec_" + base64.b64encode(b"the-old-secret-24-bytes!").decode()


def test_a_sender_rotating_secrets_reaches_a_receiver_that_knows_only_the_old_one(
    tmp_path: Path,
) -> None:
    """Signed with the new and the old secret: the not yet updated receiver still accepts."""

    async def main() -> None:
        payload = payload_for()
        async with receiver_and_sender(
            tmp_path, signing_secrets=[OLD_SECRET], webhook_signing_secret=f"{SECRET} {OLD_SECRET}"
        ) as (_, sender):
            outcome = await sender.deliver(payload, idempotency_key(payload))
        assert outcome.status is DeliveryStatus.DELIVERED

    asyncio.run(main())


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
        async with receiver_and_sender(
            tmp_path, clock=lambda: datetime.now(UTC) + offset, **SIGNED
        ) as (base_url, sender):
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
        async with receiver_and_sender(tmp_path, clock=lambda: datetime.now(UTC), **SIGNED) as (
            _,
            sender,
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
        tampered = json.dumps({**payload, "duration": 5}, separators=(",", ":")).encode()
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
        async with receiver_and_sender(tmp_path, signing_secrets=[SECRET]) as (_, sender):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
        assert outcome.status is DeliveryStatus.FAILED_PERMANENT
        assert outcome.error is not None and "Missing required headers" in outcome.error

    asyncio.run(main())


def test_cli_receiver_with_signing_secret_verifies(tmp_path: Path) -> None:
    """`callpipe receiver --signing-secret`: a signed POST is stored, an unsigned one gets 401."""
    with cli_receiver(tmp_path / "cli.db", "--signing-secret", SECRET) as (url, process):
        payload = payload_for()
        body = json.dumps(payload).encode()
        key = idempotency_key(payload)
        signed = WebhookSigner.from_secrets(SECRET).headers(key, body)
        plain = {"Content-Type": "application/json", "Idempotency-Key": key}
        unsigned = httpx.post(url, content=body, headers=plain)
        accepted = httpx.post(url, content=body, headers={**plain, **signed})
        assert unsigned.status_code == 401
        assert (accepted.status_code, accepted.json()) == (200, {"success": True})
    assert process.stderr is not None
    log = process.stderr.read()
    assert SECRET.removeprefix("whsec_") not in log
    assert any(
        json.loads(line).get("signatures") is True for line in log.splitlines() if line.strip()
    )

"""WebhookSender with WEBHOOK_SIGNING_SECRET: each attempt signed, checked by `standardwebhooks`."""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from callpipe.connectors.webhook import (
    DeliveryOutcome,
    DeliveryStatus,
    Reply,
    WebhookSender,
    idempotency_key,
)
from callpipe.edges import webhook_config
from callpipe.settings import Settings
from tests.unit.connectors.sender_doubles import FakePoster, Sent, reply

SECRET = "whsec_" + base64.b64encode(b"s" * 32).decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"o" * 24).decode()
FORWARD = "http://forward.test/hook"


class Clock:
    """A clock the injected sleep moves forward, so retries happen 'later'."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def deliver(
    answers: list[int],
    payload: dict[str, Any],
    clock: Clock,
    **overrides: Any,
) -> tuple[DeliveryOutcome, list[Sent]]:
    """Delivers through a fake Poster answering ``answers`` in turn; returns what it saw."""
    seen: list[Sent] = []

    def handler(request: Sent) -> Reply:
        seen.append(request)
        return reply(answers[min(len(seen), len(answers)) - 1])

    values: dict[str, Any] = {
        "webhook_base_url": "http://primary.test",
        "webhook_retry_attempts": 3,
        "webhook_backoff_initial_ms": 1000,
        "webhook_backoff_max_ms": 3_600_000,
    }
    settings = Settings(**{**values, **overrides})

    async def run() -> DeliveryOutcome:
        async with WebhookSender(
            webhook_config(settings),
            poster=FakePoster(handler),
            sleep=clock.sleep,
            random=lambda: 0.999,
            clock=clock,
        ) as sender:
            return await sender.deliver(payload, idempotency_key(payload))

    return asyncio.run(run()), seen


def verify(secret: str, request: Sent) -> None:
    """The customer's check of one request, with the reference library."""
    Webhook(secret).verify(request.body, dict(request.headers), json_parse=False)


def test_a_signed_delivery_verifies_with_the_reference_library(payload: dict[str, Any]) -> None:
    """The three headers ride along with the usual ones; the body is what was signed."""
    outcome, seen = deliver([200], payload, Clock(datetime.now(UTC)), webhook_signing_secret=SECRET)
    assert outcome.status is DeliveryStatus.DELIVERED
    headers = seen[0].headers
    assert headers["webhook-id"] == headers["Idempotency-Key"] == idempotency_key(payload)
    assert headers["Content-Type"] == "application/json"
    verify(SECRET, seen[0])


def test_without_a_secret_nothing_is_signed(payload: dict[str, Any]) -> None:
    """No WEBHOOK_SIGNING_SECRET, no webhook-* headers."""
    _, seen = deliver([200], payload, Clock(datetime.now(UTC)))
    assert not [name for name in seen[0].headers if name.lower().startswith("webhook-")]


def test_a_retry_an_hour_later_carries_a_fresh_timestamp(payload: dict[str, Any]) -> None:
    """Signed per attempt: the late retry verifies now, the first attempt's headers are stale."""
    clock = Clock(datetime.now(UTC) - timedelta(hours=1, seconds=30))
    outcome, seen = deliver(
        [503, 200],
        payload,
        clock,
        webhook_signing_secret=SECRET,
        webhook_backoff_initial_ms=3_600_000,
    )
    assert outcome.status is DeliveryStatus.DELIVERED
    first, retry = (int(r.headers["webhook-timestamp"]) for r in seen)
    assert 3595 <= retry - first <= 3600  # the sleep, floored to whole seconds
    verify(SECRET, seen[1])
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(SECRET, seen[0])
    assert seen[0].headers["webhook-id"] == seen[1].headers["webhook-id"]


def test_rotation_sends_one_signature_per_secret(payload: dict[str, Any]) -> None:
    """Two secrets: a receiver holding either one accepts the same request."""
    _, seen = deliver(
        [200], payload, Clock(datetime.now(UTC)), webhook_signing_secret=f"{SECRET} {OLD_SECRET}"
    )
    assert len(seen[0].headers["webhook-signature"].split(" ")) == 2
    verify(SECRET, seen[0])
    verify(OLD_SECRET, seen[0])


def test_the_forwarding_copy_is_signed_too(payload: dict[str, Any]) -> None:
    """SINGLEINTERFACE_WEBHOOK_URL gets its own, verifiable, signature."""
    _, seen = deliver(
        [200],
        payload,
        Clock(datetime.now(UTC)),
        webhook_signing_secret=SECRET,
        singleinterface_webhook_url=FORWARD,
    )
    assert [str(r.url) for r in seen][1] == FORWARD
    verify(SECRET, seen[1])


def test_the_secret_is_never_logged_or_shown(
    payload: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Retries log, settings print: the secret appears in neither."""
    settings = Settings(webhook_signing_secret=SECRET)
    with caplog.at_level(logging.DEBUG):
        deliver([503, 503, 200], payload, Clock(datetime.now(UTC)), webhook_signing_secret=SECRET)
    encoded = SECRET.removeprefix("whsec_")
    assert caplog.records
    assert encoded not in caplog.text
    assert encoded not in repr(settings) and encoded not in str(settings.model_dump())

"""WebhookSender against a fake Poster: headers, retries, outcomes, forwarding."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from callpipe.connectors.webhook import (
    Attempt,
    DeliveryOutcome,
    DeliveryStatus,
    PayloadError,
    PostFailed,
    Reply,
    WebhookSender,
    idempotency_key,
)
from callpipe.edges import webhook_config
from callpipe.settings import Settings
from tests.unit.connectors.sender_doubles import FakePoster, Recorder, Sent, reply

PRIMARY = "http://primary.test/api/webhooks/singleinterface"
FORWARD = "http://forward.test/hook"
NOW = datetime(2025, 10, 2, 9, 0, 0, tzinfo=UTC)
Handler = Callable[[Sent], Reply]


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhooks_enabled": True,
        "webhook_base_url": "http://primary.test/",
        "singleinterface_webhook_url": None,
        "singleinterface_api_key": None,
        "webhook_retry_attempts": 3,
        "webhook_timeout_ms": 1000,
        "webhook_backoff_initial_ms": 500,
        "webhook_backoff_max_ms": 30000,
    }
    values.update(overrides)
    return Settings(**values)


def scripted(*answers: int | Exception | Reply) -> tuple[Handler, list[Sent]]:
    """A handler answering in turn (the last answer repeats), and the requests it saw."""
    seen: list[Sent] = []

    def handler(request: Sent) -> Reply:
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, Reply):
            return answer
        return reply(answer, text=json.dumps({"success": 200 <= answer < 300}))

    return handler, seen


def deliver(
    handler: Handler,
    payload: dict[str, Any],
    recorder: Recorder | None = None,
    *,
    rand: float = 0.5,
    **overrides: Any,
) -> DeliveryOutcome:
    recorder = recorder or Recorder()

    async def run() -> DeliveryOutcome:
        async with WebhookSender(
            webhook_config(make_settings(**overrides)),
            poster=FakePoster(handler),
            sleep=recorder.sleep,
            random=lambda: rand,
            clock=lambda: NOW,
            observer=recorder,
        ) as sender:
            return await sender.deliver(payload, idempotency_key(payload))

    return asyncio.run(run())


def test_delivered_on_first_2xx(payload: dict[str, Any]) -> None:
    """No error, no problem: one attempt, status delivered."""
    handler, seen = scripted(200)
    outcome = deliver(handler, payload)
    assert outcome.status is DeliveryStatus.DELIVERED
    assert outcome.http_status == 200
    assert outcome.error is None
    assert [a.number for a in outcome.attempts] == [1]
    assert str(seen[0].url) == PRIMARY
    assert json.loads(seen[0].body) == payload


def test_spec_headers_are_sent(payload: dict[str, Any]) -> None:
    """Content-Type, User-Agent and Idempotency-Key; no auth headers without a key."""
    handler, seen = scripted(200)
    deliver(handler, payload)
    headers = seen[0].headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "VoiceAgent-Webhook/1.0"
    assert headers["Idempotency-Key"] == idempotency_key(payload)
    assert "Authorization" not in headers
    assert "X-API-Key" not in headers


def test_api_key_is_sent_as_bearer_and_x_api_key(payload: dict[str, Any]) -> None:
    """SINGLEINTERFACE_API_KEY goes in both auth headers."""
    handler, seen = scripted(200)
    deliver(handler, payload, singleinterface_api_key="k-123")
    assert seen[0].headers["Authorization"] == "Bearer k-123"
    assert seen[0].headers["X-API-Key"] == "k-123"


def test_retries_503_then_delivers(payload: dict[str, Any]) -> None:
    """503, 503, 200: delivered on the third attempt after two jittered sleeps."""
    handler, seen = scripted(503, 503, 200)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder, rand=0.5)
    assert outcome.status is DeliveryStatus.DELIVERED
    assert [a.http_status for a in outcome.attempts] == [503, 503, 200]
    assert recorder.sleeps == [0.25, 0.5]  # 0.5 * 0.5s, 0.5 * 1.0s
    assert [a.retry_delay_s for a in outcome.attempts] == [0.25, 0.5, None]
    assert len({r.headers["Idempotency-Key"] for r in seen}) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_4xx_fail_permanently_without_retry(payload: dict[str, Any], status: int) -> None:
    """A 4xx other than 408/429 ends the delivery at once."""
    handler, seen = scripted(status)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder)
    assert outcome.status is DeliveryStatus.FAILED_PERMANENT
    assert outcome.http_status == status
    assert outcome.error is not None and outcome.error.startswith(f"HTTP {status}")
    assert len(seen) == 1
    assert recorder.sleeps == []
    assert outcome.attempts[0].retry_delay_s is None


def test_retries_exhausted_after_one_plus_retries_attempts(payload: dict[str, Any]) -> None:
    """Always 500: 1 + WEBHOOK_RETRY_ATTEMPTS attempts, then failed_retries_exhausted."""
    handler, seen = scripted(500)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder, webhook_retry_attempts=2)
    assert outcome.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
    assert outcome.http_status == 500
    assert len(seen) == 3
    assert len(recorder.sleeps) == 2
    assert outcome.attempts[-1].retry_delay_s is None


def test_zero_retries_means_one_attempt(payload: dict[str, Any]) -> None:
    """WEBHOOK_RETRY_ATTEMPTS=0 tries once."""
    handler, seen = scripted(503)
    outcome = deliver(handler, payload, webhook_retry_attempts=0)
    assert outcome.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (PostFailed("connect_timeout", "t"), "connect_timeout"),
        (PostFailed("read_timeout", "t"), "read_timeout"),
        (PostFailed("write_timeout", "t"), "write_timeout"),
        (PostFailed("pool_timeout", "t"), "pool_timeout"),
        (PostFailed("connect_error", "refused"), "connect_error"),
        (PostFailed("network_error", "reset"), "network_error"),
        (PostFailed("remote_protocol_error", "closed"), "remote_protocol_error"),
    ],
)
def test_timeouts_and_connection_errors_retry(
    payload: dict[str, Any], error: Exception, kind: str
) -> None:
    """Each network failure is retried and recorded by its kind."""
    handler, seen = scripted(error, 200)
    outcome = deliver(handler, payload)
    assert outcome.status is DeliveryStatus.DELIVERED
    first = outcome.attempts[0]
    assert (first.http_status, first.error_kind) == (None, kind)
    assert len(seen) == 2


def test_network_failure_to_the_end_reports_the_error(payload: dict[str, Any]) -> None:
    """Exhausted by timeouts: no HTTP status, error names the kind."""
    handler, _ = scripted(PostFailed("read_timeout", "timed out"))
    outcome = deliver(handler, payload, webhook_retry_attempts=1)
    assert outcome.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
    assert outcome.http_status is None
    assert outcome.error == "read_timeout: timed out"


def test_unsupported_protocol_is_permanent(payload: dict[str, Any]) -> None:
    """A request that cannot be made is not retried."""
    handler, seen = scripted(PostFailed("invalid_request", "no scheme"))
    outcome = deliver(handler, payload)
    assert outcome.status is DeliveryStatus.FAILED_PERMANENT
    assert outcome.attempts[0].error_kind == "invalid_request"
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("retry_after", "slept"),
    [("7", 7.0), ("3600", 30.0), ("Thu, 02 Oct 2025 09:00:12 GMT", 12.0), ("soon", 0.25)],
)
def test_retry_after_is_honoured_and_capped(
    payload: dict[str, Any], retry_after: str, slept: float
) -> None:
    """Retry-After (seconds or date) replaces the backoff, capped at the maximum when
    there are no delayed retries to defer to."""
    handler, _ = scripted(reply(429, headers={"Retry-After": retry_after}), 200)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder, rand=0.5, webhook_retry_schedule="")
    assert outcome.status is DeliveryStatus.DELIVERED
    assert recorder.sleeps == [slept]


def test_retry_after_on_a_permanent_failure_is_ignored(payload: dict[str, Any]) -> None:
    """A 400 with Retry-After is still permanent."""
    handler, seen = scripted(reply(400, headers={"Retry-After": "1"}))
    outcome = deliver(handler, payload)
    assert outcome.status is DeliveryStatus.FAILED_PERMANENT
    assert len(seen) == 1


def test_disabled_sends_nothing(payload: dict[str, Any]) -> None:
    """WEBHOOKS_ENABLED=false: outcome disabled, no request."""
    handler, seen = scripted(200)
    outcome = deliver(handler, payload, webhooks_enabled=False)
    assert outcome.status is DeliveryStatus.DISABLED
    assert outcome.attempts == ()
    assert seen == []


def test_attempt_records_time_duration_and_target(payload: dict[str, Any]) -> None:
    """Each attempt has its number, UTC start, duration and target."""
    handler, _ = scripted(200)
    attempt = deliver(handler, payload).attempts[0]
    assert attempt.target == "primary"
    assert attempt.started_at == "2025-10-02T09:00:00.000Z"
    assert attempt.duration_ms >= 0


def test_observer_sees_every_attempt_in_order(payload: dict[str, Any]) -> None:
    """The metrics hook is called once per attempt, delay included."""
    handler, _ = scripted(503, 200)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder)
    assert recorder.attempts == list(outcome.attempts)


def test_a_broken_observer_does_not_break_delivery(payload: dict[str, Any]) -> None:
    """An exception in on_attempt is logged, not raised."""

    class Broken:
        def on_attempt(self, attempt: Attempt) -> None:
            raise RuntimeError("metrics down")

    async def run() -> DeliveryOutcome:
        handler, _ = scripted(200)
        async with WebhookSender(
            webhook_config(make_settings()), poster=FakePoster(handler), observer=Broken()
        ) as sender:
            return await sender.deliver(payload, "k")

    assert asyncio.run(run()).status is DeliveryStatus.DELIVERED


def test_error_text_masks_emails_and_hides_the_api_key(payload: dict[str, Any]) -> None:
    """Error text is safe to log: no API key, emails masked."""
    body = "bad key k-secret-1 for rahul.sharma@gmail.com"
    handler, _ = scripted(reply(422, text=body))
    outcome = deliver(handler, payload, singleinterface_api_key="k-secret-1")
    assert outcome.error is not None
    assert "k-secret-1" not in outcome.error
    assert "rahul.sharma" not in outcome.error
    assert "r***@g***.com" in outcome.error


def test_forwarding_copy_after_primary_success(payload: dict[str, Any]) -> None:
    """With SINGLEINTERFACE_WEBHOOK_URL the same body and headers go there next."""
    handler, seen = scripted(200)
    outcome = deliver(handler, payload, singleinterface_webhook_url=FORWARD)
    assert [str(r.url) for r in seen] == [PRIMARY, FORWARD]
    assert seen[0].body == seen[1].body
    assert seen[0].headers["Idempotency-Key"] == seen[1].headers["Idempotency-Key"]
    assert outcome.forward is not None
    assert outcome.forward.status is DeliveryStatus.DELIVERED
    assert outcome.forward.attempts[0].target == "forward"


def test_forwarding_failure_keeps_the_call_delivered(
    payload: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A failed forwarding copy is recorded and logged, never a failure of the call."""
    seen: list[str] = []

    def handler(request: Sent) -> Reply:
        seen.append(request.host)
        return reply(200 if request.host == "primary.test" else 400)

    with caplog.at_level(logging.WARNING):
        outcome = deliver(handler, payload, singleinterface_webhook_url=FORWARD)
    assert outcome.status is DeliveryStatus.DELIVERED
    assert outcome.error is None
    assert outcome.forward is not None
    assert outcome.forward.status is DeliveryStatus.FAILED_PERMANENT
    assert outcome.forward.http_status == 400
    assert any("forwarding copy failed" in r.getMessage() for r in caplog.records)


def test_no_forwarding_when_the_primary_fails(payload: dict[str, Any]) -> None:
    """Nothing is forwarded for a call that was not delivered."""
    handler, seen = scripted(400)
    outcome = deliver(handler, payload, singleinterface_webhook_url=FORWARD)
    assert outcome.forward is None
    assert len(seen) == 1


def test_outcome_to_dict_is_json_ready(payload: dict[str, Any]) -> None:
    """The dead-letter record form serialises as plain JSON."""
    handler, _ = scripted(503, 200)
    record = json.loads(json.dumps(deliver(handler, payload).to_dict()))
    assert record["status"] == "delivered"
    assert [a["http_status"] for a in record["attempts"]] == [503, 200]
    assert record["forward"] is None


def test_unserialisable_payload_raises_payload_error() -> None:
    """A payload that is not JSON is a caller bug, not a delivery outcome."""
    handler, seen = scripted(200)

    async def run() -> DeliveryOutcome:
        async with WebhookSender(webhook_config(make_settings()), poster=FakePoster(handler)) as s:
            return await s.deliver({"call_ref_id": "1", "bad": {1, 2}}, "bot_1-0")

    with pytest.raises(PayloadError, match="not JSON-serialisable"):
        asyncio.run(run())
    assert seen == []


def test_one_client_serves_many_deliveries(payload: dict[str, Any]) -> None:
    """Deliveries run concurrently through one sender."""
    handler, seen = scripted(200)

    async def run() -> list[DeliveryOutcome]:
        async with WebhookSender(webhook_config(make_settings()), poster=FakePoster(handler)) as s:
            return await asyncio.gather(*(s.deliver(payload, f"k{i}") for i in range(20)))

    outcomes = asyncio.run(run())
    assert {o.status for o in outcomes} == {DeliveryStatus.DELIVERED}
    assert len(seen) == 20


@pytest.mark.parametrize("key", ["", "bot_1-\n", "bot_राहुल-1"])
def test_unusable_idempotency_key_raises_payload_error(payload: dict[str, Any], key: str) -> None:
    """The key is a header value: empty, control or non-ASCII characters are refused."""
    handler, seen = scripted(200)

    async def run() -> DeliveryOutcome:
        async with WebhookSender(webhook_config(make_settings()), poster=FakePoster(handler)) as s:
            return await s.deliver(payload, key)

    with pytest.raises(PayloadError, match="idempotency_key"):
        asyncio.run(run())
    assert seen == []

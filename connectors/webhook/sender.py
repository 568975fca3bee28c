"""Delivers one payload to the SingleInterface webhook, with retries.

``WebhookSender`` is built from a ``WebhookConfig`` (``config.py``; the
settings never reach it) and sends through one ``Poster`` per target URL
(``poster.py``), reused by every delivery: by default an ``AiohttpPoster``
with up to WEBHOOK_CONCURRENCY keep-alive connections
(``aiohttp_transport.py`` says why aiohttp). ``deliver`` never raises for an
HTTP answer or a network failure: it returns a ``DeliveryOutcome``. The
poster, the sleep, the random source and the clock are injected, so a retry
schedule is tested in milliseconds (as stamina's testing mode does).

WEBHOOK_TIMEOUT_MS bounds each phase of an attempt (waiting for a free
connection, connecting, sending, every wait for response bytes), and each
phase's expiry is its own ``ErrorKind``.

Signatures: when WEBHOOK_SIGNING_SECRET is set, every attempt (retries and
the forwarding copy included) carries the Standard Webhooks headers, signed
at the moment of that attempt by the injected clock (``signing.py``).

Circuit breaker: given a ``CircuitGate`` (``gate.py``), every attempt to the
primary URL asks it first, and waits while the destination's circuit is
open. ``deliver(..., wait_out_outage=True)`` (the delivery stage) does not
count attempts that failed while the circuit was open: the call waits at the
gate until the endpoint is back, however long, and is never given up because
the endpoint is down. With ``wait_out_outage=False`` (the retry stage, one
attempt per scheduled retry) a failed probe is that retry's failure.

Forwarding: when SINGLEINTERFACE_WEBHOOK_URL is set, a successful primary
delivery is followed by a copy to that URL (same body, same headers, same
retry policy). The copy's result is logged and kept in ``outcome.forward``,
but it never turns a delivered call into a failure: the primary webhook is
the system of record, and a dead-lettered call would be delivered again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from callpipe.connectors.closing import AsyncClosing
from callpipe.connectors.webhook.aiohttp_transport import AiohttpPoster
from callpipe.connectors.webhook.answer import Answer, post_once
from callpipe.connectors.webhook.config import WebhookConfig
from callpipe.connectors.webhook.errors import PayloadError
from callpipe.connectors.webhook.gate import Admission, CircuitGate
from callpipe.connectors.webhook.outcome import (
    Attempt,
    AttemptObserver,
    DeliveryOutcome,
    DeliveryStatus,
    LegOutcome,
    Target,
    bounded,
)
from callpipe.connectors.webhook.policy import Verdict, parse_retry_after
from callpipe.connectors.webhook.poster import Poster
from callpipe.connectors.webhook.signing import WebhookSigner
from callpipe.privacy import mask_text

USER_AGENT = "VoiceAgent-Webhook/1.0"
ERROR_TEXT_LIMIT = 300

Sleep = Callable[[float], Awaitable[None]]
Random = Callable[[], float]
Clock = Callable[[], datetime]

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The default clock: an aware UTC datetime."""
    return datetime.now(UTC)


def utc_iso(moment: datetime) -> str:
    """``2025-10-02T09:00:00.123Z``: UTC, milliseconds, ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class _Route:
    """Where a leg goes and how: its poster, and for the primary its circuit."""

    poster: Poster
    target: Target
    url: str
    gate: CircuitGate | None = None
    wait_out_outage: bool = False


class WebhookSender(AsyncClosing):
    """POSTs payloads to WEBHOOK_BASE_URL/api/webhooks/singleinterface (use ``async with``)."""

    def __init__(
        self,
        config: WebhookConfig,
        *,
        poster: Poster | None = None,
        observer: AttemptObserver | None = None,
        sleep: Sleep = asyncio.sleep,
        random: Random = _random.random,
        clock: Clock = utc_now,
        gate: CircuitGate | None = None,
    ) -> None:
        """``poster`` (tests) serves both targets; by default each has its own pool."""
        self.url = config.url
        self.gate = gate
        self.forward_url = config.forward_url or None
        self.enabled = config.enabled
        self.policy = config.policy
        self._api_key = config.api_key.get_secret_value() if config.api_key is not None else ""
        secret = config.signing_secret
        self._signer = (
            WebhookSigner.from_secrets(secret.get_secret_value(), clock=clock)
            if secret is not None
            else None
        )
        self._observer = observer
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._timeout = config.timeout_s
        self._poster = poster or AiohttpPoster(config.concurrency)
        self._forward_poster: Poster | None = None
        if self.forward_url:
            self._forward_poster = poster or AiohttpPoster(config.concurrency)

    async def aclose(self) -> None:
        """Closes the connection pools."""
        await self._poster.aclose()
        if self._forward_poster is not None and self._forward_poster is not self._poster:
            await self._forward_poster.aclose()

    def headers_for(self, idempotency_key: str) -> dict[str, str]:
        """The request headers of one delivery (the API key ones only when a key is set)."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": idempotency_key,
        }
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
            headers["X-API-Key"] = self._api_key
        return headers

    async def deliver(
        self, payload: Mapping[str, Any], idempotency_key: str, *, wait_out_outage: bool = True
    ) -> DeliveryOutcome:
        """POSTs the payload (retrying per the policy), then the forwarding copy if configured.

        ``wait_out_outage``: see the module docstring (it matters only with a gate).
        Raises PayloadError only when the payload is not JSON-serialisable or the
        key is not a non-empty printable ASCII string (it travels as a header).
        """
        if not idempotency_key or not (idempotency_key.isascii() and idempotency_key.isprintable()):
            raise PayloadError("idempotency_key must be non-empty printable ASCII")
        if not self.enabled:
            return DeliveryOutcome(DeliveryStatus.DISABLED, idempotency_key, None, None, ())
        body = _encode(payload)
        headers = self.headers_for(idempotency_key)
        route = _Route(self._poster, "primary", self.url, self.gate, wait_out_outage)
        primary = await self._send(route, body, headers)
        forward = None
        if primary.status is DeliveryStatus.DELIVERED:
            forward = await self._forward(body, headers)
        return DeliveryOutcome(
            status=primary.status,
            idempotency_key=idempotency_key,
            http_status=primary.http_status,
            error=primary.error,
            attempts=primary.attempts,
            forward=forward,
            retry_after_s=primary.retry_after_s,
        )

    async def _forward(self, body: bytes, headers: dict[str, str]) -> LegOutcome | None:
        """The forwarding copy, if configured; a failure is logged, never raised."""
        if self._forward_poster is None or not self.forward_url:
            return None
        route = _Route(self._forward_poster, "forward", self.forward_url)
        leg = await self._send(route, body, headers)
        if leg.status is not DeliveryStatus.DELIVERED:
            logger.warning(
                "forwarding copy failed; the call stays delivered",
                extra={
                    "fields": {
                        "idempotency_key": headers["Idempotency-Key"],
                        "forward_status": leg.status.value,
                        "http_status": leg.http_status,
                        "error": leg.error,
                    }
                },
            )
        return leg

    async def _send(self, route: _Route, body: bytes, headers: dict[str, str]) -> LegOutcome:
        """Attempts until success, a permanent failure, a deferral or the last counted attempt.

        An attempt that fails while the route's circuit is open (it opened the
        circuit, or was its probe, or was already under way) is not counted
        when the route waits out outages: the call waits at the gate instead.
        """
        attempts: list[Attempt] = []
        counted = 0
        key = headers["Idempotency-Key"]
        while True:
            admission = await route.gate.admit(key) if route.gate is not None else None
            started_at = utc_iso(self._clock())
            began = time.perf_counter()
            answer = await self._attempt(route, admission, body, headers)
            duration_ms = round((time.perf_counter() - began) * 1000, 3)
            retry_after = None
            if answer.verdict is Verdict.RETRY:
                retry_after = parse_retry_after(answer.retry_after, self._clock())
            waiting_out = self._report(route, admission, answer, retry_after)
            if answer.verdict is Verdict.RETRY and not waiting_out:
                counted += 1
            status, delay = self._next_step(
                route, answer.verdict, counted, waiting_out, retry_after
            )
            attempt = Attempt(
                target=route.target,
                number=len(attempts) + 1,
                started_at=started_at,
                duration_ms=duration_ms,
                http_status=answer.http_status,
                error_kind=answer.error_kind,
                retry_delay_s=delay,
            )
            attempts.append(attempt)
            self._notify(attempt)
            if status is not None:
                kept = bounded(attempts)
                return LegOutcome(status, answer.http_status, answer.error, kept, retry_after)
            self._log_retry(route, key, attempt, waiting_out)
            if delay:
                await self._sleep(delay)

    async def _attempt(
        self, route: _Route, admission: Admission | None, body: bytes, headers: dict[str, str]
    ) -> Answer:
        try:
            signed = self._signed(headers, body)
            return await post_once(
                route.poster, route.url, body, signed, self._timeout, self._scrub
            )
        except BaseException:  # cancelled: a probe must be passed on to another call
            if route.gate is not None and admission is not None:
                route.gate.abandon(admission)
            raise

    @staticmethod
    def _report(
        route: _Route, admission: Admission | None, answer: Answer, retry_after: float | None
    ) -> bool:
        """Tells the gate; returns whether the call now waits out an open circuit."""
        if route.gate is None or admission is None:
            return False
        route.gate.report(admission, answer.verdict, retry_after_s=retry_after, error=answer.error)
        return route.wait_out_outage and not route.gate.closed

    def _next_step(
        self,
        route: _Route,
        verdict: Verdict,
        counted: int,
        waiting_out: bool,
        retry_after: float | None,
    ) -> tuple[DeliveryStatus | None, float | None]:
        """The leg's final status (None: go on) and the delay before the next attempt."""
        if verdict is Verdict.SUCCESS:
            return DeliveryStatus.DELIVERED, None
        if verdict is Verdict.PERMANENT:
            return DeliveryStatus.FAILED_PERMANENT, None
        if waiting_out:
            return None, 0.0  # the gate is the wait
        if route.target == "primary" and self.policy.defers(retry_after):
            return DeliveryStatus.DEFERRED, None
        if counted >= self.policy.max_attempts:
            return DeliveryStatus.FAILED_RETRIES_EXHAUSTED, None
        return None, self.policy.delay(counted, random=self._random, retry_after=retry_after)

    @staticmethod
    def _log_retry(route: _Route, key: str, attempt: Attempt, waiting_out: bool) -> None:
        # Waiting out an outage is logged once by the circuit, not once per probe.
        logger.log(
            logging.DEBUG if waiting_out else logging.INFO,
            "webhook attempt failed; waiting for the circuit to close"
            if waiting_out
            else "webhook attempt failed; retrying",
            extra={
                "fields": {
                    "target": route.target,
                    "idempotency_key": key,
                    "attempt": attempt.number,
                    "http_status": attempt.http_status,
                    "error_kind": attempt.error_kind,
                    "retry_in_s": attempt.retry_delay_s,
                }
            },
        )

    def _signed(self, headers: dict[str, str], body: bytes) -> dict[str, str]:
        """The headers of one attempt: signed now (a retry gets a fresh timestamp)."""
        if self._signer is None:
            return headers
        return {**headers, **self._signer.headers(headers["Idempotency-Key"], body)}

    def _scrub(self, text: str) -> str:
        """Error text safe for logs and dead-letter records: no API key, no emails."""
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return mask_text(text)[:ERROR_TEXT_LIMIT]

    def _notify(self, attempt: Attempt) -> None:
        if self._observer is None:
            return
        try:
            self._observer.on_attempt(attempt)
        except Exception:  # a broken metrics hook must not break delivery
            logger.exception("attempt observer failed")


def _encode(payload: Mapping[str, Any]) -> bytes:
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"payload is not JSON-serialisable: {exc}") from exc
    return text.encode("utf-8")

"""Delivers one payload to the SingleInterface webhook, with retries.

``WebhookSender`` is built from Settings and owns one ``httpx.AsyncClient``
per target URL, reused by every delivery, each with up to WEBHOOK_CONCURRENCY
keep-alive connections. The wire work is done by aiohttp's client under
httpx's API (``aiohttp_transport.py`` says why: httpcore cost about six times
the CPU per request). ``deliver`` never raises for an HTTP answer or a
network failure: it returns a ``DeliveryOutcome``. The sleep, the random
source and the clock are injected, so a retry schedule is tested in
milliseconds (as stamina's testing mode does).

WEBHOOK_TIMEOUT_MS is httpx's timeout: it bounds each phase of an attempt
(connecting, sending, every wait for response bytes, waiting for a free
connection), and each phase's expiry is its own ``ErrorKind`` (sending is
bounded together with the others, see ``aiohttp_transport.py``).

Signatures: when WEBHOOK_SIGNING_SECRET is set, every attempt (retries and
the forwarding copy included) carries the Standard Webhooks headers, signed
at the moment of that attempt by the injected clock (``signing.py``).

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
from types import TracebackType
from typing import Any

import httpx

from callpipe.privacy import mask_text
from callpipe.settings import Settings
from connectors.webhook.aiohttp_transport import AiohttpTransport
from connectors.webhook.errors import PayloadError
from connectors.webhook.outcome import (
    Attempt,
    AttemptObserver,
    DeliveryOutcome,
    DeliveryStatus,
    ForwardOutcome,
    Target,
)
from connectors.webhook.policy import (
    ErrorKind,
    RetryPolicy,
    Verdict,
    parse_retry_after,
    verdict_for_error,
    verdict_for_status,
)
from connectors.webhook.signing import WebhookSigner

USER_AGENT = "VoiceAgent-Webhook/1.0"
ERROR_TEXT_LIMIT = 300
BODY_EXCERPT_LIMIT = 200

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
class _Answer:
    """What one request gave: a status or an error kind, its verdict and details."""

    verdict: Verdict
    http_status: int | None
    error_kind: ErrorKind | None
    error: str | None
    retry_after: str | None


@dataclass(frozen=True)
class _Leg:
    """All attempts to one URL and their verdict."""

    status: DeliveryStatus
    http_status: int | None
    error: str | None
    attempts: tuple[Attempt, ...]


class WebhookSender:
    """POSTs payloads to WEBHOOK_BASE_URL/api/webhooks/singleinterface (use ``async with``)."""

    def __init__(
        self,
        settings: Settings,
        *,
        policy: RetryPolicy | None = None,
        observer: AttemptObserver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        random: Random = _random.random,
        clock: Clock = utc_now,
    ) -> None:
        self.url = settings.webhook_url
        self.forward_url = settings.singleinterface_webhook_url or None
        self.enabled = settings.webhooks_enabled
        self.policy = policy or RetryPolicy.from_settings(settings)
        key = settings.singleinterface_api_key
        self._api_key = key.get_secret_value() if key is not None else ""
        secret = settings.webhook_signing_secret
        self._signer = (
            WebhookSigner.from_secrets(secret.get_secret_value(), clock=clock)
            if secret is not None
            else None
        )
        self._observer = observer
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._timeout = httpx.Timeout(settings.webhook_timeout_ms / 1000)
        lanes = settings.webhook_concurrency
        # Our own transports also serve POSTs directly (``AiohttpTransport.post``), which
        # skips httpx's client machinery; an injected transport always goes through httpx.
        self._direct: dict[int, AiohttpTransport] = {}
        self._client = self._new_client(transport, lanes)
        self._forward_client: httpx.AsyncClient | None = None
        if self.forward_url:
            self._forward_client = self._new_client(transport, lanes)

    def _new_client(
        self, transport: httpx.AsyncBaseTransport | None, lanes: int
    ) -> httpx.AsyncClient:
        if transport is not None:
            return _client(transport, self._timeout)
        own = AiohttpTransport(lanes)
        client = _client(own, self._timeout)
        self._direct[id(client)] = own
        return client

    async def __aenter__(self) -> WebhookSender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the connection pools."""
        await self._client.aclose()
        if self._forward_client is not None:
            await self._forward_client.aclose()

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

    async def deliver(self, payload: Mapping[str, Any], idempotency_key: str) -> DeliveryOutcome:
        """POSTs the payload (retrying per the policy), then the forwarding copy if configured.

        Raises PayloadError only when the payload is not JSON-serialisable or the
        key is not a non-empty printable ASCII string (it travels as a header).
        """
        if not idempotency_key or not (idempotency_key.isascii() and idempotency_key.isprintable()):
            raise PayloadError("idempotency_key must be non-empty printable ASCII")
        if not self.enabled:
            return DeliveryOutcome(DeliveryStatus.DISABLED, idempotency_key, None, None, ())
        body = _encode(payload)
        headers = self.headers_for(idempotency_key)
        primary = await self._send(self._client, "primary", self.url, body, headers)
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
        )

    async def _forward(self, body: bytes, headers: dict[str, str]) -> ForwardOutcome | None:
        """The forwarding copy, if configured; a failure is logged, never raised."""
        if self._forward_client is None or not self.forward_url:
            return None
        leg = await self._send(self._forward_client, "forward", self.forward_url, body, headers)
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
        return ForwardOutcome(leg.status, leg.http_status, leg.error, leg.attempts)

    async def _send(
        self,
        client: httpx.AsyncClient,
        target: Target,
        url: str,
        body: bytes,
        headers: dict[str, str],
    ) -> _Leg:
        """Attempts until success, a permanent failure, or the last allowed attempt."""
        attempts: list[Attempt] = []
        answer = _Answer(Verdict.RETRY, None, None, None, None)
        for number in range(1, self.policy.max_attempts + 1):
            started_at = utc_iso(self._clock())
            began = time.perf_counter()
            answer = await self._request(client, url, body, self._signed(headers, body))
            duration_ms = round((time.perf_counter() - began) * 1000, 3)
            verdict = answer.verdict
            delay = None
            if verdict is Verdict.RETRY and number < self.policy.max_attempts:
                delay = self.policy.delay(
                    number,
                    random=self._random,
                    retry_after=parse_retry_after(answer.retry_after, self._clock()),
                )
            attempt = Attempt(
                target=target,
                number=number,
                started_at=started_at,
                duration_ms=duration_ms,
                http_status=answer.http_status,
                error_kind=answer.error_kind,
                retry_delay_s=delay,
            )
            attempts.append(attempt)
            self._notify(attempt)
            if verdict is Verdict.SUCCESS:
                return _Leg(DeliveryStatus.DELIVERED, answer.http_status, None, tuple(attempts))
            if verdict is Verdict.PERMANENT:
                return _Leg(
                    DeliveryStatus.FAILED_PERMANENT,
                    answer.http_status,
                    answer.error,
                    tuple(attempts),
                )
            if delay is None:
                break
            logger.info(
                "webhook attempt failed; retrying",
                extra={
                    "fields": {
                        "target": target,
                        "idempotency_key": headers["Idempotency-Key"],
                        "attempt": number,
                        "http_status": answer.http_status,
                        "error_kind": answer.error_kind,
                        "retry_in_s": delay,
                    }
                },
            )
            await self._sleep(delay)
        return _Leg(
            DeliveryStatus.FAILED_RETRIES_EXHAUSTED,
            answer.http_status,
            answer.error,
            tuple(attempts),
        )

    def _signed(self, headers: dict[str, str], body: bytes) -> dict[str, str]:
        """The headers of one attempt: signed now (a retry gets a fresh timestamp)."""
        if self._signer is None:
            return headers
        return {**headers, **self._signer.headers(headers["Idempotency-Key"], body)}

    async def _request(
        self, client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]
    ) -> _Answer:
        direct = self._direct.get(id(client))
        try:
            if direct is not None:
                answer = await direct.post(url, body, headers, self._timeout)
                status, reason = answer.status, answer.reason
            else:
                response = await client.post(url, content=body, headers=headers)
                status, reason = response.status_code, response.reason_phrase
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            kind = _error_kind(exc)
            text = f"{kind}: {exc}" if str(exc) else f"{kind}: {type(exc).__name__}"
            return _Answer(verdict_for_error(kind), None, kind, self._scrub(text), None)
        verdict = verdict_for_status(status)
        if verdict is Verdict.SUCCESS:
            return _Answer(verdict, status, None, None, None)
        body_text = answer.text if direct is not None else response.text
        response_headers = answer.headers if direct is not None else response.headers
        text = f"HTTP {status} {reason}".rstrip()
        excerpt = " ".join(body_text.split())[:BODY_EXCERPT_LIMIT]
        if excerpt:
            text += f": {excerpt}"
        retry_after = response_headers.get("Retry-After") if verdict is Verdict.RETRY else None
        return _Answer(verdict, status, None, self._scrub(text), retry_after)

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


def _client(transport: httpx.AsyncBaseTransport, timeout: httpx.Timeout) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False)


def _encode(payload: Mapping[str, Any]) -> bytes:
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"payload is not JSON-serialisable: {exc}") from exc
    return text.encode("utf-8")


# httpx exception -> ErrorKind; order matters (subclasses before their bases)
_ERROR_KINDS: tuple[tuple[type[Exception], ErrorKind], ...] = (
    (httpx.ConnectTimeout, "connect_timeout"),
    (httpx.ReadTimeout, "read_timeout"),
    (httpx.WriteTimeout, "write_timeout"),
    (httpx.PoolTimeout, "pool_timeout"),
    (httpx.ConnectError, "connect_error"),
    (httpx.NetworkError, "network_error"),
    (httpx.RemoteProtocolError, "remote_protocol_error"),
    (httpx.UnsupportedProtocol, "invalid_request"),
    (httpx.LocalProtocolError, "invalid_request"),
    (httpx.InvalidURL, "invalid_request"),
)


def _error_kind(exc: Exception) -> ErrorKind:
    """The most specific ErrorKind for an httpx exception; other ones are transport_error."""
    for cls, kind in _ERROR_KINDS:
        if isinstance(exc, cls):
            return kind
    return "transport_error"

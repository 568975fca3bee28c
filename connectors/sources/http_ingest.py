"""The HTTP endpoint where the telephony agent posts finished calls' transcripts.

Routes:

- ``POST /v1/transcripts``  a TranscriptSaved JSON body. With INGEST_API_KEYS
  set it needs ``Authorization: Bearer <one of the keys>``, else
  ``401 {"accepted": false, "error": ...}`` with ``WWW-Authenticate: Bearer``,
  before the body is read (see ``bearer.py``). Answers only once the outcome
  is known:

  - ``202 {"accepted": true, "call_ref_id": ...}`` after the broker acknowledged
    the record (acks=all): from then on the transcript is durable in Kafka;
  - ``400 {"accepted": false, "error": "<field>: <problem>", "field": ...}`` for
    a body that is not JSON (field ``body``) or not a valid transcript;
  - ``413`` for a body over the size limit (or a record over Kafka's);
  - ``503`` (with ``Retry-After``) when Kafka refused the record or did not
    acknowledge it in time: the sender should retry.
- ``GET /healthz``  ``{"status": "ok"}`` while the server can deliver (no
  token needed).
- ``GET /readyz``  200 ``{"ready": true, "checks": ...}`` when the delivery
  thread runs and the producer reaches a broker, else 503 naming the failing
  check (no token needed; see ``ingest_health.py``).
- ``GET /metrics``  the ingest's Prometheus metrics: requests by outcome and
  their duration (callpipe.metrics, owner ``ingest``).

Every POST is logged as one JSON line with its outcome and call_ref_id;
transcript content and tokens never reach the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from callpipe import metrics
from callpipe.analysis.transcript import TranscriptError
from callpipe.connectors.aiohttp_site import AiohttpSite
from callpipe.connectors.sources.acks import AsyncDelivery
from callpipe.connectors.sources.bearer import Access, BearerKeys, require_keys_off_loopback
from callpipe.connectors.sources.errors import RecordTooLarge, SourceUnavailable
from callpipe.connectors.sources.ingest_health import BrokerCheck, BrokerWatch
from callpipe.connectors.sources.sink import TranscriptSink
from callpipe.health import CheckResult, Readiness, readiness_report
from callpipe.jsondoc import JsonDocumentError, load_json_document

INGEST_PATH = "/v1/transcripts"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
SOURCE = "ingest-http"

MAX_BODY_BYTES = 1024 * 1024
"""1 MiB: a long call's transcript is a few hundred KiB, and Kafka's default
message limit (1 MB) would refuse much more anyway."""
ACK_TIMEOUT_S = 10.0
"""How long a request waits for the broker before answering 503."""
RETRY_AFTER_S = 5
SHUTDOWN_GRACE_S = 15.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """One request's response and what the log line says about it."""

    status: int
    body: dict[str, Any]
    outcome: str
    call_ref_id: str | None = None
    field: str | None = None
    reason: str | None = None
    """Why Kafka did not take the record (its own error text, no transcript content),
    or why the credentials were refused."""
    headers: Mapping[str, str] | None = None


class IngestApp:
    """The handlers; ``build()`` wires them into an aiohttp application."""

    def __init__(
        self,
        delivery: AsyncDelivery,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        ack_timeout_s: float = ACK_TIMEOUT_S,
        api_keys: Iterable[str] = (),
        broker: BrokerWatch | None = None,
    ) -> None:
        self.delivery = delivery
        self.max_body_bytes = max_body_bytes
        self.ack_timeout_s = ack_timeout_s
        self.keys = BearerKeys(api_keys)
        self.readiness = Readiness()
        self.readiness.register("delivery", self._delivery_check)
        if broker is not None:
            self.readiness.register("producer", lambda: broker.result)
        self._registry = metrics.registry_for("ingest")

    def build(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_post(INGEST_PATH, self.post_transcript)
        app.router.add_get(HEALTH_PATH, self.health)
        app.router.add_get(READY_PATH, self.ready)
        app.router.add_get(METRICS_PATH, self.metrics)
        return app

    def _delivery_check(self) -> CheckResult:
        if self.delivery.running:
            return CheckResult(True, "delivery thread running")
        return CheckResult(False, "delivery thread stopped")

    async def ready(self, request: web.Request) -> web.Response:
        status, body = readiness_report(self.readiness.evaluate())
        return web.json_response(body, status=status)

    async def metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(self._registry),
            headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4},
        )

    async def health(self, request: web.Request) -> web.Response:
        if not self.delivery.running:
            return web.json_response({"status": "stopping"}, status=503)
        return web.json_response({"status": "ok"})

    async def post_transcript(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        answer = await self._answer(request)
        duration_s = time.monotonic() - started
        metrics.INGEST_REQUESTS.labels(answer.outcome).inc()
        metrics.INGEST_REQUEST_SECONDS.observe(duration_s)
        fields = {
            "outcome": answer.outcome,
            "status": answer.status,
            "call_ref_id": answer.call_ref_id,
            "field": answer.field,
            "reason": answer.reason,
            "duration_ms": round(duration_s * 1000, 1),
        }
        level = logging.WARNING if answer.status >= 500 or answer.status == 401 else logging.INFO
        logger.log(level, "transcript %s", answer.outcome, extra={"fields": fields})
        headers = answer.headers
        if answer.status == 503:
            headers = {"Retry-After": str(RETRY_AFTER_S)}
        return web.json_response(answer.body, status=answer.status, headers=headers)

    async def _answer(self, request: web.Request) -> Answer:
        access = self.keys.check(request.headers.get("Authorization"))
        if access is not Access.GRANTED:
            return _unauthorized(access)  # before reading a body from a stranger
        data, problem = await self._read_json(request)
        if problem is not None:
            return problem
        call_ref_id = _call_ref_id_of(data)
        try:
            call_ref_id = await self.delivery.send(data, self.ack_timeout_s)
        except TranscriptError as exc:
            return _invalid(exc.field, str(exc), call_ref_id)
        except RecordTooLarge as exc:
            return _too_large(str(exc), call_ref_id)
        except SourceUnavailable as exc:
            body = {"accepted": False, "error": "Kafka is unavailable, retry later"}
            return Answer(503, body, "unavailable", call_ref_id, reason=str(exc))
        return Answer(202, {"accepted": True, "call_ref_id": call_ref_id}, "accepted", call_ref_id)

    async def _read_json(self, request: web.Request) -> tuple[object, Answer | None]:
        limit = f"body is larger than {self.max_body_bytes} bytes"
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            return None, _too_large(limit)
        try:
            raw = await request.read()  # aiohttp stops at client_max_size (chunked bodies)
        except web.HTTPRequestEntityTooLarge:
            return None, _too_large(limit)
        try:
            return load_json_document(raw.decode("utf-8-sig")), None
        except UnicodeDecodeError as exc:
            return None, _invalid("body", f"body: not UTF-8 text (byte {exc.start})")
        except JsonDocumentError as exc:
            return None, _invalid("body", f"body: {exc.reason}")


def _invalid(field: str, error: str, call_ref_id: str | None = None) -> Answer:
    body = {"accepted": False, "error": error, "field": field}
    return Answer(400, body, "invalid", call_ref_id, field)


def _unauthorized(access: Access) -> Answer:
    # RFC 6750: a bare challenge when no token came, error="invalid_token" for a wrong one.
    if access is Access.MISSING:
        error, reason, challenge = "missing bearer token", "no bearer token", "Bearer"
    else:
        error, reason = "invalid bearer token", "wrong bearer token"
        challenge = 'Bearer error="invalid_token"'
    return Answer(
        401,
        {"accepted": False, "error": error},
        "unauthorized",
        reason=reason,
        headers={"WWW-Authenticate": challenge},
    )


def _too_large(error: str, call_ref_id: str | None = None) -> Answer:
    return Answer(413, {"accepted": False, "error": error}, "too_large", call_ref_id)


def _call_ref_id_of(data: object) -> str | None:
    # For the log line of a rejected request: an id, not personal data.
    value = data.get("call_ref_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


class IngestServer(AiohttpSite):
    """The ingest endpoint bound to a host and port, delivering to ``sink``.

    Without ``api_keys`` it may only listen on a loopback address (else
    UnprotectedIngest, raised before anything starts). With ``broker_check``
    (blocking), /readyz also says whether the producer reaches a broker.
    """

    log = logger

    def __init__(
        self,
        sink: TranscriptSink,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body_bytes: int = MAX_BODY_BYTES,
        ack_timeout_s: float = ACK_TIMEOUT_S,
        api_keys: Iterable[str] = (),
        broker_check: BrokerCheck | None = None,
    ) -> None:
        keys = tuple(api_keys)
        require_keys_off_loopback(host, BearerKeys(keys))
        super().__init__(host, port, shutdown_grace_s=SHUTDOWN_GRACE_S)
        self.delivery = AsyncDelivery(sink)
        self.broker = None if broker_check is None else BrokerWatch(broker_check)
        self.app = IngestApp(
            self.delivery,
            max_body_bytes=max_body_bytes,
            ack_timeout_s=ack_timeout_s,
            api_keys=keys,
            broker=self.broker,
        )

    @property
    def url(self) -> str:
        """Where to POST transcripts."""
        return self.base_url + INGEST_PATH

    def application(self) -> web.Application:
        return self.app.build()

    def listening(self) -> dict[str, object]:
        return {"url": self.url, "bearer_keys": len(self.app.keys)}

    async def open(self) -> None:
        """Starts delivery and the broker watch."""
        self.delivery.start()
        if self.broker is not None:
            self.broker.start()

    async def stop(self) -> None:
        """Stops accepting, lets requests in flight finish, then flushes the producer."""
        await super().stop()
        if self.broker is not None:
            await self.broker.stop()
        # flush() blocks; off the loop, so late callbacks can still reach it.
        await asyncio.to_thread(self.delivery.stop, self.app.ack_timeout_s)

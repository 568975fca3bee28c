"""The SingleInterface webhook sender: retries, idempotency keys, signatures, outcomes.

Public API::

    async with WebhookSender(webhook_config(settings)) as sender:   # callpipe.edges
        outcome = await sender.deliver(payload, idempotency_key(payload))
        match outcome.status: ...

With WEBHOOK_SIGNING_SECRET set, the sender signs every attempt with a
``WebhookSigner`` (Standard Webhooks, ``signing.py``). Given a ``CircuitGate``
(``gate.py`` around the pure ``CircuitBreaker`` of ``circuit.py``), its
attempts wait while the destination's circuit is open. ``RetrySchedule``
(``schedule.py``) reads WEBHOOK_RETRY_SCHEDULE, the delayed retries. The
sender reaches the network through a ``Poster`` (``poster.py``), by default
the ``AiohttpPoster`` of ``aiohttp_transport.py``.
"""

from callpipe.connectors.webhook.aiohttp_transport import AiohttpPoster
from callpipe.connectors.webhook.circuit import Admit, CircuitBreaker, CircuitState, Transition
from callpipe.connectors.webhook.config import WebhookConfig
from callpipe.connectors.webhook.errors import (
    ErrorKind,
    PayloadError,
    PostFailed,
    SigningSecretError,
    WebhookError,
)
from callpipe.connectors.webhook.gate import Admission, CircuitChange, CircuitGate, CircuitObserver
from callpipe.connectors.webhook.idempotency import canonical_json, content_hash, idempotency_key
from callpipe.connectors.webhook.outcome import (
    Attempt,
    AttemptObserver,
    DeliveryOutcome,
    DeliveryStatus,
    LegOutcome,
    bounded,
)
from callpipe.connectors.webhook.policy import (
    RetryPolicy,
    Verdict,
    parse_retry_after,
    verdict_for_error,
    verdict_for_status,
)
from callpipe.connectors.webhook.poster import Poster, Reply
from callpipe.connectors.webhook.schedule import RetrySchedule, ScheduleError
from callpipe.connectors.webhook.sender import USER_AGENT, WebhookSender
from callpipe.connectors.webhook.signing import WebhookSigner, parse_secrets, webhook_id

__all__ = [
    "USER_AGENT",
    "Admission",
    "Admit",
    "AiohttpPoster",
    "Attempt",
    "AttemptObserver",
    "CircuitBreaker",
    "CircuitChange",
    "CircuitGate",
    "CircuitObserver",
    "CircuitState",
    "DeliveryOutcome",
    "DeliveryStatus",
    "ErrorKind",
    "LegOutcome",
    "PayloadError",
    "PostFailed",
    "Poster",
    "Reply",
    "RetryPolicy",
    "RetrySchedule",
    "ScheduleError",
    "SigningSecretError",
    "Transition",
    "Verdict",
    "WebhookConfig",
    "WebhookError",
    "WebhookSender",
    "WebhookSigner",
    "bounded",
    "canonical_json",
    "content_hash",
    "idempotency_key",
    "parse_retry_after",
    "parse_secrets",
    "verdict_for_error",
    "verdict_for_status",
    "webhook_id",
]

"""The SingleInterface webhook sender: retries, idempotency keys, signatures, outcomes.

Public API::

    async with WebhookSender(settings) as sender:
        outcome = await sender.deliver(payload, idempotency_key(payload))
        match outcome.status: ...

With WEBHOOK_SIGNING_SECRET set, the sender signs every attempt with a
``WebhookSigner`` (Standard Webhooks, ``signing.py``).
"""

from connectors.webhook.errors import PayloadError, SigningSecretError, WebhookError
from connectors.webhook.idempotency import canonical_json, content_hash, idempotency_key
from connectors.webhook.outcome import (
    Attempt,
    AttemptObserver,
    DeliveryOutcome,
    DeliveryStatus,
    ForwardOutcome,
)
from connectors.webhook.policy import (
    ErrorKind,
    RetryPolicy,
    Verdict,
    parse_retry_after,
    verdict_for_error,
    verdict_for_status,
)
from connectors.webhook.sender import USER_AGENT, WebhookSender
from connectors.webhook.signing import WebhookSigner, parse_secrets, webhook_id

__all__ = [
    "USER_AGENT",
    "Attempt",
    "AttemptObserver",
    "DeliveryOutcome",
    "DeliveryStatus",
    "ErrorKind",
    "ForwardOutcome",
    "PayloadError",
    "RetryPolicy",
    "SigningSecretError",
    "Verdict",
    "WebhookError",
    "WebhookSender",
    "WebhookSigner",
    "canonical_json",
    "content_hash",
    "idempotency_key",
    "parse_retry_after",
    "parse_secrets",
    "verdict_for_error",
    "verdict_for_status",
    "webhook_id",
]

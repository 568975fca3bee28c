"""The SingleInterface webhook sender: retries, idempotency keys, explicit outcomes.

Public API::

    async with WebhookSender(settings) as sender:
        outcome = await sender.deliver(payload, idempotency_key(payload))
        match outcome.status: ...
"""

from connectors.webhook.errors import PayloadError, WebhookError
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
    "Verdict",
    "WebhookError",
    "WebhookSender",
    "canonical_json",
    "content_hash",
    "idempotency_key",
    "parse_retry_after",
    "verdict_for_error",
    "verdict_for_status",
]

"""What the webhook sender needs to know, as one small value (no Settings here).

`callpipe.edges.webhook_config` builds it from the WEBHOOK_* and
SINGLEINTERFACE_* variables; tests build it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from callpipe.connectors.webhook.policy import RetryPolicy

DEFAULT_URL = "https://singleinterfacews.pragyaa.ai/api/webhooks/singleinterface"


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """Where to POST, with which credentials, how long to wait and how often to retry."""

    url: str = DEFAULT_URL
    forward_url: str | None = None
    """Gets a forwarding copy after a successful delivery (SINGLEINTERFACE_WEBHOOK_URL)."""
    enabled: bool = True
    api_key: SecretStr | None = None
    signing_secret: SecretStr | None = None
    """``whsec_...``, several space-separated (WEBHOOK_SIGNING_SECRET)."""
    timeout_s: float = 10.0
    """Bounds each phase of an attempt (WEBHOOK_TIMEOUT_MS)."""
    concurrency: int = 32
    """Connections per destination (WEBHOOK_CONCURRENCY)."""
    policy: RetryPolicy = field(default_factory=RetryPolicy)

"""The webhook connector's own errors.

Delivery results are outcomes (see ``outcome.py``), never exceptions: a 503
or a timeout is an expected answer, not an error. The exceptions below are
for what no retry can fix: a payload that cannot be sent at all, or a
signing secret that cannot sign::

    WebhookError
     ├── PayloadError        the payload cannot be encoded or keyed
     └── SigningSecretError  a WEBHOOK_SIGNING_SECRET that is not whsec_<base64>
"""

from __future__ import annotations


class WebhookError(Exception):
    """Root of every error raised by ``callpipe.connectors.webhook``."""


class PayloadError(WebhookError):
    """The payload cannot be sent: it is not JSON-serialisable or has no call_ref_id."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SigningSecretError(WebhookError, ValueError):
    """A signing secret is not ``whsec_`` + base64 of 24-64 bytes (the message never quotes it)."""

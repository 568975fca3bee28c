"""The webhook connector's own errors, and the kinds of failed attempts.

Delivery results are outcomes (see ``outcome.py``), never exceptions: a 503
or a timeout is an expected answer, not an error. ``PostFailed`` is how a
``Poster`` says that an attempt got no HTTP answer, with its ``ErrorKind``
(the aiohttp poster maps aiohttp's errors to it once, in
``aiohttp_transport.py``); the sender turns it into an outcome. The other
exceptions are for what no retry can fix: a payload that cannot be sent at
all, or a signing secret that cannot sign::

    WebhookError
     ├── PayloadError        the payload cannot be encoded or keyed
     ├── SigningSecretError  a WEBHOOK_SIGNING_SECRET that is not whsec_<base64>
     └── PostFailed          one attempt got no HTTP answer; .kind says why
"""

from __future__ import annotations

from typing import Literal

ErrorKind = Literal[
    "connect_timeout",
    "read_timeout",
    "write_timeout",
    "pool_timeout",
    "connect_error",
    "network_error",
    "remote_protocol_error",
    "invalid_request",
    "transport_error",
]
"""Why an attempt got no HTTP answer; ``invalid_request`` (bad URL or scheme) is permanent."""


class WebhookError(Exception):
    """Root of every error raised by ``callpipe.connectors.webhook``."""


class PayloadError(WebhookError):
    """The payload cannot be sent: it is not JSON-serialisable or has no call_ref_id."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SigningSecretError(WebhookError, ValueError):
    """A signing secret is not ``whsec_`` + base64 of 24-64 bytes (the message never quotes it)."""


class PostFailed(WebhookError):
    """One POST got no HTTP answer: timed out by phase, refused, dropped, or not sendable."""

    def __init__(self, kind: ErrorKind, message: str = "") -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind

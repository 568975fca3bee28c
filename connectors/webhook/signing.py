"""Standard Webhooks signatures (symmetric, ``v1``) for the webhook sender.

The spec (standardwebhooks.com, version 1.0.0), as applied here:

- a secret is ``whsec_`` followed by the standard base64 of 24 to 64 random
  bytes; the HMAC key is the decoded bytes, not the text;
- every attempt carries ``webhook-id``, ``webhook-timestamp`` (integer Unix
  seconds of *that* attempt, so a retry an hour later is not stale) and
  ``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256 over
  ``{id}.{timestamp}.{body}``, one such entry per secret, separated by spaces
  (several secrets = rotation: a receiver that knows either one accepts);
- the id must not contain ``.`` (the signed content is ``.``-delimited). The
  id is the call's idempotency key, whose ``call_ref_id`` part may hold dots,
  so those are written ``%2E`` (a key made by ``idempotency_key`` never holds
  a literal ``%2E``: it writes ``%`` as ``%25``, so ids stay distinct). A key
  without dots (the contract's call_ref_ids are digits) is sent unchanged.

Pure: no I/O, and the time comes from an injected clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
from collections.abc import Callable
from datetime import UTC, datetime

from callpipe.connectors.webhook.errors import SigningSecretError

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
VERSION = "v1"

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"

Clock = Callable[[], datetime]
"""Returns an aware datetime: the moment of the attempt being signed."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def parse_secret(text: str) -> bytes:
    """The HMAC key of one ``whsec_<base64>`` secret; SigningSecretError if malformed.

    Standard base64 only (``+`` and ``/``); missing ``=`` padding is tolerated, as
    the reference libraries do. Error messages never quote the secret.
    """
    if not text.startswith(SECRET_PREFIX):
        raise SigningSecretError(f"does not start with {SECRET_PREFIX}")
    encoded = text[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise SigningSecretError(f"is not valid base64 after {SECRET_PREFIX}") from exc
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise SigningSecretError(
            f"decodes to {len(key)} bytes; the spec wants {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES}"
        )
    return key


def parse_secrets(text: str) -> tuple[bytes, ...]:
    """The keys of a space-separated list of secrets (at least one)."""
    parts = text.split()
    if not parts:
        raise SigningSecretError("holds no secret")
    keys = []
    for number, part in enumerate(parts, start=1):
        try:
            keys.append(parse_secret(part))
        except SigningSecretError as exc:
            where = f"secret {number} of {len(parts)}" if len(parts) > 1 else "the secret"
            raise SigningSecretError(f"{where} {exc}") from exc
    return tuple(keys)


def webhook_id(idempotency_key: str) -> str:
    """The ``webhook-id`` of a delivery: its idempotency key, dots written ``%2E``."""
    return idempotency_key.replace(".", "%2E")


def unix_seconds(moment: datetime) -> int:
    """Whole seconds since the epoch (floored, as the spec's integer timestamp)."""
    return math.floor(moment.timestamp())


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">``."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode('ascii')}"


class WebhookSigner:
    """Signs one attempt at a time with every configured secret, at the clock's time."""

    __slots__ = ("_clock", "_keys")

    def __init__(self, keys: tuple[bytes, ...], *, clock: Clock = _utc_now) -> None:
        if not keys:
            raise SigningSecretError("holds no secret")
        self._keys = keys
        self._clock = clock

    @classmethod
    def from_secrets(cls, text: str, *, clock: Clock = _utc_now) -> WebhookSigner:
        """A signer for ``WEBHOOK_SIGNING_SECRET``-style text (space-separated secrets)."""
        return cls(parse_secrets(text), clock=clock)

    def __repr__(self) -> str:  # never the keys
        return f"WebhookSigner({len(self._keys)} secret(s))"

    def headers(self, idempotency_key: str, body: bytes) -> dict[str, str]:
        """The three Standard Webhooks headers for sending ``body`` now."""
        msg_id = webhook_id(idempotency_key)
        timestamp = unix_seconds(self._clock())
        signatures = " ".join(signature(key, msg_id, timestamp, body) for key in self._keys)
        return {
            ID_HEADER: msg_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signatures,
        }

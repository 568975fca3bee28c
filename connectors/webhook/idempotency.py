"""The idempotency key of one webhook payload.

``bot_<call_ref_id>-<hash>``: the hash is the first 16 hex digits (64 bits)
of the SHA-256 of the payload's canonical JSON (sorted keys, no whitespace,
``ensure_ascii=False``, UTF-8). The same payload always gives the same key,
across retries, restarts and reprocessing; a changed payload (a corrected
analysis) gives a new key, so the receiver keeps both versions.

The call_ref_id is used as it is when it holds only ``A-Z a-z 0-9 . _ : - ~``
(every vendor id seen so far); any other character is percent-encoded, so the
key is always a safe HTTP header value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from callpipe.connectors.webhook.errors import PayloadError

HASH_HEX_DIGITS = 16
_SAFE_ID_CHARS = "._:-"


def canonical_json(payload: Mapping[str, Any]) -> str:
    """The payload as canonical JSON text: sorted keys, no whitespace, Unicode kept."""
    try:
        return json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"payload is not JSON-serialisable: {exc}") from exc


def content_hash(payload: Mapping[str, Any]) -> str:
    """First ``HASH_HEX_DIGITS`` hex digits of the SHA-256 of the canonical JSON."""
    digest = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
    return digest[:HASH_HEX_DIGITS]


def idempotency_key(payload: Mapping[str, Any]) -> str:
    """``bot_<call_ref_id>-<hash>``; raises PayloadError without a call_ref_id string."""
    call_ref_id = payload.get("call_ref_id")
    if not isinstance(call_ref_id, str) or not call_ref_id:
        raise PayloadError("call_ref_id must be a non-empty string", field="call_ref_id")
    return f"bot_{quote(call_ref_id, safe=_SAFE_ID_CHARS)}-{content_hash(payload)}"

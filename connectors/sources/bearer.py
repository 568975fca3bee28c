"""Who may post to the HTTP ingest: bearer tokens (RFC 6750), and where none are needed.

The telephony agent sends ``Authorization: Bearer <token>`` with one of the
INGEST_API_KEYS. Tokens are compared as bytes with ``hmac.compare_digest``,
against every configured key (no early exit), so the time taken tells an
attacker nothing about how much of a guess was right. Without keys the ingest
is open, which is allowed only on a loopback address (tests, the demo, a
sidecar): ``require_keys_off_loopback`` refuses anything else.
"""

from __future__ import annotations

import enum
import hmac
import ipaddress
from collections.abc import Iterable

from callpipe.connectors.sources.errors import UnprotectedIngest

SCHEME = "bearer"


class Access(enum.Enum):
    """The verdict on one request's credentials."""

    GRANTED = "granted"
    MISSING = "missing"
    """No ``Authorization: Bearer`` header (or another scheme)."""
    WRONG = "wrong"
    """A bearer token that is none of the keys."""


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value; None for anything else.

    The scheme is case-insensitive (RFC 7235), separated from the token by spaces.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != SCHEME or not token:
        return None
    return token


class BearerKeys:
    """The accepted tokens; with none, every request is granted."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = tuple(key.encode("utf-8") for key in keys if key)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:  # never the keys
        return f"BearerKeys({len(self._keys)} key(s))"

    def check(self, authorization: str | None) -> Access:
        """The verdict for a request whose ``Authorization`` header is ``authorization``."""
        if not self._keys:
            return Access.GRANTED
        token = bearer_token(authorization)
        if token is None:
            return Access.MISSING
        given = token.encode("utf-8", "surrogatepass")
        matched = False
        for key in self._keys:
            matched |= hmac.compare_digest(given, key)
        return Access.GRANTED if matched else Access.WRONG


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` serves this machine only: 127.0.0.0/8, ::1 or localhost."""
    name = host.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # another host name: it may resolve to any interface
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def require_keys_off_loopback(host: str, keys: BearerKeys) -> None:
    """Raises UnprotectedIngest when ``host`` is reachable from elsewhere and no key is set."""
    if not keys and not is_loopback(host):
        raise UnprotectedIngest(
            f"refusing to listen on {host or 'every address'} without INGEST_API_KEYS: set "
            "INGEST_API_KEYS to the telephony agent's bearer token(s), or listen on a "
            "loopback address (127.0.0.1, ::1, localhost)"
        )

"""One POST and what it gave: a status or an error kind, its verdict and the details.

``post_once`` never raises for an HTTP answer or a network failure; it maps
httpx's exceptions to the most specific ``ErrorKind`` and keeps the start of
a failed answer's body (scrubbed by the caller's ``scrub``) for the logs and
the dead-letter record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from callpipe.connectors.webhook.aiohttp_transport import AiohttpTransport
from callpipe.connectors.webhook.policy import (
    ErrorKind,
    Verdict,
    verdict_for_error,
    verdict_for_status,
)

BODY_EXCERPT_LIMIT = 200


@dataclass(frozen=True)
class Answer:
    """What one request gave: a status or an error kind, its verdict and details."""

    verdict: Verdict
    http_status: int | None
    error_kind: ErrorKind | None
    error: str | None
    retry_after: str | None
    """The Retry-After header of a retryable answer, as sent."""


async def post_once(
    client: httpx.AsyncClient,
    direct: AiohttpTransport | None,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: httpx.Timeout,
    scrub: Callable[[str], str],
) -> Answer:
    """POSTs once, through ``direct`` when given (our own transport), else through httpx."""
    raw = response = None
    try:
        if direct is not None:
            raw = await direct.post(url, body, headers, timeout)
            status, reason = raw.status, raw.reason
        else:
            response = await client.post(url, content=body, headers=headers)
            status, reason = response.status_code, response.reason_phrase
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        kind = error_kind(exc)
        text = f"{kind}: {exc}" if str(exc) else f"{kind}: {type(exc).__name__}"
        return Answer(verdict_for_error(kind), None, kind, scrub(text), None)
    verdict = verdict_for_status(status)
    if verdict is Verdict.SUCCESS:  # the common case reads neither body nor headers
        return Answer(verdict, status, None, None, None)
    response_headers: Mapping[str, str]
    if raw is not None:
        body_text, response_headers = raw.text, raw.headers
    else:
        assert response is not None
        body_text, response_headers = response.text, response.headers
    text = f"HTTP {status} {reason}".rstrip()
    excerpt = " ".join(body_text.split())[:BODY_EXCERPT_LIMIT]
    if excerpt:
        text += f": {excerpt}"
    retry_after = response_headers.get("Retry-After") if verdict is Verdict.RETRY else None
    return Answer(verdict, status, None, scrub(text), retry_after)


# httpx exception -> ErrorKind; order matters (subclasses before their bases)
_ERROR_KINDS: tuple[tuple[type[Exception], ErrorKind], ...] = (
    (httpx.ConnectTimeout, "connect_timeout"),
    (httpx.ReadTimeout, "read_timeout"),
    (httpx.WriteTimeout, "write_timeout"),
    (httpx.PoolTimeout, "pool_timeout"),
    (httpx.ConnectError, "connect_error"),
    (httpx.NetworkError, "network_error"),
    (httpx.RemoteProtocolError, "remote_protocol_error"),
    (httpx.UnsupportedProtocol, "invalid_request"),
    (httpx.LocalProtocolError, "invalid_request"),
    (httpx.InvalidURL, "invalid_request"),
)


def error_kind(exc: Exception) -> ErrorKind:
    """The most specific ErrorKind for an httpx exception; other ones are transport_error."""
    for cls, kind in _ERROR_KINDS:
        if isinstance(exc, cls):
            return kind
    return "transport_error"

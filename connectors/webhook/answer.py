"""One POST and what it gave: a status or an error kind, its verdict and the details.

``post_once`` never raises for an HTTP answer or a network failure: the
``Poster`` already says which ``ErrorKind`` a failure was (``PostFailed``),
and this keeps the start of a failed answer's body (scrubbed by the caller's
``scrub``) for the logs and the dead-letter record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from callpipe.connectors.webhook.errors import ErrorKind, PostFailed
from callpipe.connectors.webhook.policy import Verdict, verdict_for_error, verdict_for_status
from callpipe.connectors.webhook.poster import Poster

BODY_EXCERPT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Answer:
    """What one request gave: a status or an error kind, its verdict and details."""

    verdict: Verdict
    http_status: int | None
    error_kind: ErrorKind | None
    error: str | None
    retry_after: str | None
    """The Retry-After header of a retryable answer, as sent."""


async def post_once(
    poster: Poster,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    scrub: Callable[[str], str],
) -> Answer:
    """POSTs once and judges the answer."""
    try:
        reply = await poster.post(url, body, headers, timeout)
    except PostFailed as exc:
        text = f"{exc.kind}: {exc}" if str(exc) else f"{exc.kind}: {type(exc).__name__}"
        return Answer(verdict_for_error(exc.kind), None, exc.kind, scrub(text), None)
    verdict = verdict_for_status(reply.status)
    if verdict is Verdict.SUCCESS:  # the common case reads neither body nor headers
        return Answer(verdict, reply.status, None, None, None)
    text = f"HTTP {reply.status} {reply.reason}".rstrip()
    excerpt = " ".join(reply.text.split())[:BODY_EXCERPT_LIMIT]
    if excerpt:
        text += f": {excerpt}"
    retry_after = reply.headers.get("Retry-After") if verdict is Verdict.RETRY else None
    return Answer(verdict, reply.status, None, scrub(text), retry_after)

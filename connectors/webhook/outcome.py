"""What a delivery did: every attempt, and the verdict.

A delivery never raises for an HTTP answer or a network failure; it returns
a ``DeliveryOutcome``. Its ``attempts`` give what the dead-letter record
needs (time, duration, status or error of each try, and the delay chosen
after it), and ``to_dict()`` is that record's JSON-ready form.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, TypeVar

from callpipe.connectors.webhook.errors import ErrorKind

Target = Literal["primary", "forward"]

T = TypeVar("T")

MAX_ATTEMPTS_KEPT = 50
"""Attempts a delivery keeps (``bounded``): its records must stay small."""


class DeliveryStatus(enum.StrEnum):
    """The verdict of one delivery."""

    DELIVERED = "delivered"
    FAILED_PERMANENT = "failed_permanent"
    FAILED_RETRIES_EXHAUSTED = "failed_retries_exhausted"
    DEFERRED = "deferred"
    """The receiver asked (Retry-After) for a longer wait than the in-process retries
    allow (WEBHOOK_BACKOFF_MAX_MS): the call is for the delayed retries."""
    DISABLED = "disabled"


@dataclass(frozen=True)
class Attempt:
    """One HTTP request: when, how long, and what came back."""

    target: Target
    number: int
    """1 for the first try, 2 for the first retry, ..."""
    started_at: str
    """UTC, ISO 8601 with milliseconds, e.g. ``2025-10-02T09:00:00.123Z``."""
    duration_ms: float
    http_status: int | None
    """The answer's status, or None when no answer came (see ``error_kind``)."""
    error_kind: ErrorKind | None
    retry_delay_s: float | None
    """Seconds slept before the next attempt (0 when it waited for an open circuit
    instead); None when no attempt follows."""


@dataclass(frozen=True)
class LegOutcome:
    """All attempts to one URL and their verdict: the primary webhook's, from which the
    sender builds the `DeliveryOutcome`, or the forwarding copy's (informational only)."""

    status: DeliveryStatus
    http_status: int | None
    error: str | None
    attempts: tuple[Attempt, ...]
    retry_after_s: float | None = None
    """The wait the last answer asked for (Retry-After), when it asked for one."""


@dataclass(frozen=True)
class DeliveryOutcome:
    """The result of delivering one payload to the primary webhook.

    ``status`` is decided by the primary webhook alone. ``forward`` is None
    when no forwarding URL is set or when the primary delivery did not
    succeed (nothing is forwarded then).
    """

    status: DeliveryStatus
    idempotency_key: str
    http_status: int | None
    """The last answer's status, None if the last attempt got no answer."""
    error: str | None
    """Why it failed, masked (no secrets, no emails); None when delivered or disabled."""
    attempts: tuple[Attempt, ...]
    forward: LegOutcome | None = None
    retry_after_s: float | None = None
    """The wait the last answer asked for (Retry-After), when it asked for one."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for dead-letter records and logs)."""
        return asdict(self)


def bounded(attempts: Sequence[T], limit: int = MAX_ATTEMPTS_KEPT) -> tuple[T, ...]:
    """At most ``limit`` attempts: the first ones and the latest, the middle dropped.

    A call can be the probe of an open circuit many times in a long outage;
    its record keeps where it started and how it ended, and the attempt
    numbers show the gap.
    """
    if len(attempts) <= limit:
        return tuple(attempts)
    head = limit // 5
    return (*attempts[:head], *attempts[len(attempts) - (limit - head) :])


class AttemptObserver(Protocol):
    """Metrics hook: told about every attempt once its retry delay is decided."""

    def on_attempt(self, attempt: Attempt) -> None: ...

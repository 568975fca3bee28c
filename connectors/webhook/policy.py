"""The retry policy of webhook delivery, as pure functions.

What retries (contract section 7):

- a 2xx answer is success;
- 408, 429 and every 5xx are retried, and so are timeouts and connection
  errors (see ``ErrorKind``);
- every other answer (other 4xx, and 1xx/3xx, which a webhook never expects:
  redirects are not followed) is a permanent failure.

How long to wait before retry ``n`` (``n`` = 1 for the first retry):

- **full jitter**: ``uniform(0, min(max, initial * 2 ** (n - 1)))``, with the
  random number injected so tests are deterministic;
- **Retry-After** on a retryable answer replaces the jittered delay: the
  server's own number of seconds, or its HTTP date minus now, never below 0.
  One answer must not park a delivery worker for hours, so a Retry-After
  longer than the maximum backoff **defers** the call to the delayed retries
  (``defer_beyond_max``, set when WEBHOOK_RETRY_SCHEDULE has steps), which
  wait that long without holding anything; without delayed retries it is
  **capped at the maximum backoff**. An unparsable Retry-After is ignored.

Total attempts are ``1 + retries`` (``WEBHOOK_RETRY_ATTEMPTS`` retries; ``callpipe.edges``
builds the policy from the settings).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from callpipe.connectors.webhook.errors import ErrorKind as ErrorKind  # re-exported

RETRYABLE_STATUSES = frozenset({408, 429})
PERMANENT_ERROR_KINDS: frozenset[ErrorKind] = frozenset({"invalid_request"})


class Verdict(enum.Enum):
    """What one attempt's result means for the delivery."""

    SUCCESS = "success"
    RETRY = "retry"
    PERMANENT = "permanent"


def verdict_for_status(status: int) -> Verdict:
    """2xx succeeds; 408, 429 and 5xx retry; anything else is permanent."""
    if 200 <= status < 300:
        return Verdict.SUCCESS
    if status in RETRYABLE_STATUSES or 500 <= status < 600:
        return Verdict.RETRY
    return Verdict.PERMANENT


def verdict_for_error(kind: ErrorKind) -> Verdict:
    """Timeouts and connection errors retry; a request that cannot be made is permanent."""
    return Verdict.PERMANENT if kind in PERMANENT_ERROR_KINDS else Verdict.RETRY


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP-date), None if unusable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive one is read as UTC
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; all durations in seconds."""

    retries: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    defer_beyond_max: bool = False
    """A Retry-After longer than ``backoff_max`` ends the in-process retries (``defers``)."""

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("retries must be >= 0")
        if self.backoff_initial < 0 or self.backoff_max < 0:
            raise ValueError("backoff durations must be >= 0")

    def defers(self, retry_after: float | None) -> bool:
        """Whether a Retry-After this long ends the in-process retries (see the module)."""
        return self.defer_beyond_max and retry_after is not None and retry_after > self.backoff_max

    @property
    def max_attempts(self) -> int:
        """The first try plus every retry."""
        return 1 + self.retries

    def backoff_ceiling(self, retry_number: int) -> float:
        """Upper bound of the jittered delay before retry ``retry_number`` (1-based)."""
        if retry_number < 1:
            raise ValueError("retry_number starts at 1")
        exponent = min(retry_number - 1, 64)  # beyond 2**64 every ceiling is backoff_max
        return min(self.backoff_max, self.backoff_initial * 2.0**exponent)

    def delay(
        self,
        retry_number: int,
        *,
        random: Callable[[], float],
        retry_after: float | None = None,
    ) -> float:
        """Seconds to sleep before retry ``retry_number``: Retry-After, else full jitter."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.backoff_max)
        return random() * self.backoff_ceiling(retry_number)

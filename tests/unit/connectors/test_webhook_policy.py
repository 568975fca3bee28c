"""The retry policy: what retries, how long to wait, and Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.connectors.webhook.policy import (
    ErrorKind,
    RetryPolicy,
    Verdict,
    parse_retry_after,
    verdict_for_error,
    verdict_for_status,
)

NOW = datetime(2025, 10, 2, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_success(status: int) -> None:
    """Any 2xx answer means delivered."""
    assert verdict_for_status(status) is Verdict.SUCCESS


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 599])
def test_408_429_and_5xx_retry(status: int) -> None:
    """Timeouts, rate limits and server errors are worth another try."""
    assert verdict_for_status(status) is Verdict.RETRY


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 499, 301, 302, 307, 100])
def test_other_statuses_are_permanent(status: int) -> None:
    """Other 4xx (and unexpected 1xx/3xx) will not get better by retrying."""
    assert verdict_for_status(status) is Verdict.PERMANENT


@pytest.mark.parametrize("kind", sorted(set(get_args(ErrorKind)) - {"invalid_request"}))
def test_network_failures_retry(kind: ErrorKind) -> None:
    """Timeouts and connection errors retry."""
    assert verdict_for_error(kind) is Verdict.RETRY


def test_invalid_request_is_permanent() -> None:
    """A request that cannot be made (bad URL or scheme) is not retried."""
    assert verdict_for_error("invalid_request") is Verdict.PERMANENT


@pytest.mark.parametrize(("retries", "attempts"), [(0, 1), (1, 2), (3, 4), (10, 11)])
def test_total_attempts_are_one_plus_retries(retries: int, attempts: int) -> None:
    """WEBHOOK_RETRY_ATTEMPTS counts retries after the first try."""
    assert RetryPolicy(retries=retries).max_attempts == attempts


@pytest.mark.parametrize(
    ("retry_after", "defers"), [(None, False), (3.0, False), (30.0, False), (30.5, True)]
)
def test_only_a_retry_after_beyond_the_maximum_backoff_defers(
    retry_after: float | None, defers: bool
) -> None:
    """Up to WEBHOOK_BACKOFF_MAX_MS the sender waits in process; beyond it, it defers."""
    policy = RetryPolicy(backoff_max=30.0, defer_beyond_max=True)
    assert policy.defers(retry_after) is defers
    assert not RetryPolicy(backoff_max=30.0).defers(retry_after)


@pytest.mark.parametrize(
    ("retry_number", "ceiling"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 10.0)]
)
def test_backoff_ceiling_doubles_up_to_the_maximum(retry_number: int, ceiling: float) -> None:
    """initial * 2**(n-1), never above the maximum."""
    policy = RetryPolicy(retries=9, backoff_initial=0.5, backoff_max=10.0)
    assert policy.backoff_ceiling(retry_number) == ceiling


def test_backoff_ceiling_survives_huge_retry_numbers() -> None:
    """No overflow for absurd retry counts: the ceiling is just the maximum."""
    assert RetryPolicy(backoff_initial=0.5, backoff_max=30.0).backoff_ceiling(10_000) == 30.0


def test_retry_number_starts_at_one() -> None:
    """There is no retry number 0 (that is the first try)."""
    with pytest.raises(ValueError, match="starts at 1"):
        RetryPolicy().backoff_ceiling(0)


@pytest.mark.parametrize(
    "kwargs", [{"retries": -1}, {"backoff_initial": -0.1}, {"backoff_max": -1.0}]
)
def test_negative_numbers_are_refused(kwargs: dict[str, float]) -> None:
    """A policy cannot have negative retries or durations."""
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("rand", "expected"), [(0.0, 0.0), (0.5, 1.0), (0.25, 0.5)])
def test_full_jitter_scales_the_ceiling_by_the_random_number(rand: float, expected: float) -> None:
    """delay = random() * ceiling (full jitter), with the random source injected."""
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=30.0)
    assert policy.delay(3, random=lambda: rand) == expected


@given(
    retry_number=st.integers(min_value=1, max_value=200),
    rand=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    initial=st.floats(min_value=0.0, max_value=100.0),
    maximum=st.floats(min_value=0.0, max_value=1000.0),
)
def test_jittered_delay_stays_within_zero_and_the_maximum(
    retry_number: int, rand: float, initial: float, maximum: float
) -> None:
    """Whatever the inputs, 0 <= delay <= ceiling <= max."""
    policy = RetryPolicy(retries=3, backoff_initial=initial, backoff_max=maximum)
    delay = policy.delay(retry_number, random=lambda: rand)
    assert 0.0 <= delay <= policy.backoff_ceiling(retry_number) <= maximum


def test_retry_after_replaces_the_jittered_delay() -> None:
    """The server's Retry-After wins over the computed backoff."""
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=30.0)
    assert policy.delay(1, random=lambda: 0.9, retry_after=7.0) == 7.0


def test_retry_after_is_capped_at_the_maximum_backoff() -> None:
    """A huge Retry-After cannot park the worker longer than the maximum backoff."""
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=30.0)
    assert policy.delay(1, random=lambda: 0.9, retry_after=3600.0) == 30.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 120 ", 120.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        ("Thu, 02 Oct 2025 09:00:30 GMT", 30.0),
        ("Thu, 02 Oct 2025 08:59:00 GMT", 0.0),
    ],
)
def test_retry_after_seconds_and_http_dates(value: str, seconds: float) -> None:
    """Both Retry-After forms parse; a date in the past means now."""
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Thu, 99 Foo 2025"])
def test_unusable_retry_after_is_ignored(value: str | None) -> None:
    """Absent or malformed Retry-After gives None (the jittered delay is used)."""
    assert parse_retry_after(value, NOW) is None

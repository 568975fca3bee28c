"""When the retry stage tries, waits for or requeues a record: the rule, for any times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.streams.processors.retry_timing import RetryTiming, Step

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOLD = 60.0
TIMING = RetryTiming(HOLD)


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("due_in", "requeued_ago", "step", "wait"),
    [
        (-5.0, None, Step.ATTEMPT, 0.0),
        (0.0, None, Step.ATTEMPT, 0.0),
        (12.5, None, Step.WAIT, 12.5),
        (60.0, 1.0, Step.WAIT, 60.0),
        (61.0, None, Step.REQUEUE, 0.0),
        (3600.0, 10.0, Step.WAIT, 50.0),
        (3600.0, 60.0, Step.REQUEUE, 0.0),
        (3600.0, -30.0, Step.WAIT, 60.0),
    ],
)
def test_the_rule(due_in: float, requeued_ago: float | None, step: Step, wait: float) -> None:
    """Due: try. Due within the hold: wait for it. Later: requeue, unless it was requeued
    less than a hold ago (then wait out the rest; a future requeue time counts as now)."""
    requeued = None if requeued_ago is None else at(-requeued_ago)
    decision = TIMING.decide(at(due_in), requeued, NOW)
    assert (decision.step, decision.wait_s) == (step, wait)
    assert decision.pace is (step is Step.WAIT and due_in > HOLD)


# Whole microseconds: datetimes hold no finer time.
times = st.integers(min_value=-(10**12), max_value=10**12).map(lambda us: us / 1e6)


@given(due_in=times, requeued_ago=st.none() | times)
def test_no_record_is_held_longer_than_the_hold_or_past_its_due_time(
    due_in: float, requeued_ago: float | None
) -> None:
    """A wait never exceeds the hold, never passes the due time, and is never negative."""
    requeued = None if requeued_ago is None else at(-requeued_ago)
    decision = TIMING.decide(at(due_in), requeued, NOW)
    if decision.step is Step.WAIT:
        assert 0.0 < decision.wait_s <= HOLD
        assert decision.wait_s <= due_in or decision.pace
    if decision.step is Step.ATTEMPT:
        assert due_in <= 0


@given(due_in=st.integers(min_value=int(HOLD * 1e6) + 1, max_value=10**12).map(lambda us: us / 1e6))
def test_a_far_record_goes_round_at_most_once_per_hold(due_in: float) -> None:
    """Requeued now, seen again at any time before a hold has passed: it is not requeued."""
    for seen_after in (0.0, HOLD / 2, HOLD - 0.001):
        decision = TIMING.decide(at(due_in), NOW, at(seen_after))
        assert decision.step is not Step.REQUEUE or due_in - seen_after <= 0


def test_the_hold_must_be_positive() -> None:
    """A zero hold would requeue without end."""
    with pytest.raises(ValueError):
        RetryTiming(0.0)

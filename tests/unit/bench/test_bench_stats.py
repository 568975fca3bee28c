"""Percentiles, latency summaries and phase figures of the benchmark (pure)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.bench.stats import Timings, latency_summary_ms, percentile, rate


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        ([10.0, 20.0, 30.0, 40.0, 50.0], 95, 48.0),
        ([3.0, 1.0, 2.0], 50, 2.0),
        (list(map(float, range(1, 101))), 99, 99.01),
    ],
)
def test_percentile_interpolates_between_ranks(
    values: list[float], q: float, expected: float
) -> None:
    """Linear interpolation between the nearest ranks, as numpy's default."""
    assert percentile(values, q) == pytest.approx(expected)


@pytest.mark.parametrize("q", [-1.0, 100.5, math.nan])
def test_percentile_refuses_q_outside_0_100(q: float) -> None:
    """q must lie in [0, 100]."""
    with pytest.raises(ValueError):
        percentile([1.0], q)


def test_percentile_of_nothing_is_an_error() -> None:
    """An empty sample has no percentile."""
    with pytest.raises(ValueError):
        percentile([], 50)


@given(
    st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200),
    st.floats(min_value=0, max_value=100),
)
def test_percentile_lies_within_the_sample(values: list[float], q: float) -> None:
    """Any percentile is between the minimum and the maximum."""
    assert min(values) <= percentile(values, q) <= max(values)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200))
def test_percentiles_are_ordered(values: list[float]) -> None:
    """p50 <= p95 <= p99 <= max."""
    summary = latency_summary_ms(values)
    assert summary["p50"] <= summary["p95"] <= summary["p99"] <= summary["max"]


def test_latency_summary_is_in_milliseconds() -> None:
    """Seconds in, milliseconds out, with mean and max."""
    summary = latency_summary_ms([0.010, 0.020, 0.030])
    assert summary == {"p50": 20.0, "p95": 29.0, "p99": 29.8, "max": 30.0, "mean": 20.0}


@pytest.mark.parametrize(
    ("count", "seconds", "expected"),
    [(100, 2.0, 50.0), (0, 1.0, 0.0), (5, 0.0, 0.0), (1, 3.0, 0.3)],
)
def test_rate(count: int, seconds: float, expected: float) -> None:
    """count / seconds, and 0 when nothing was timed."""
    assert rate(count, seconds) == expected


def test_timings_span_from_first_send_to_last_receipt() -> None:
    """calls/s counts completed calls over first send -> last receipt; latency per call."""
    timings = Timings(
        sent={"a": 100.0, "b": 100.5, "c": 101.0},
        received={"a": 100.2, "b": 101.5, "c": 102.0, "other": 500.0},
    )
    summary = timings.summary()
    assert summary["calls"] == 3 and summary["completed"] == 3
    assert summary["seconds"] == pytest.approx(2.0)
    assert summary["calls_per_s"] == 1.5
    assert summary["latency_ms"]["max"] == pytest.approx(1000.0)
    assert summary["latency_ms"]["p50"] == pytest.approx(1000.0)


def test_timings_count_missing_calls() -> None:
    """A call never received is missing and has no latency."""
    timings = Timings(sent={"a": 1.0, "b": 2.0}, received={"a": 1.5})
    assert (timings.completed, timings.missing) == (1, 1)
    assert timings.latencies() == [pytest.approx(0.5)]


def test_timings_with_nothing_received() -> None:
    """No receipts: no span, no rate, no latency."""
    summary = Timings(sent={"a": 1.0}, received={}).summary()
    assert summary["calls_per_s"] == 0.0 and summary["latency_ms"] is None

"""Per-stage latency from record timestamps (the pure part)."""

from __future__ import annotations

import pytest

from callpipe.bench.hops import _summary


def test_hop_is_the_difference_of_the_two_timestamps() -> None:
    """Only calls of the prefix with both stamps count; in milliseconds."""
    start = {"a-1": 10.0, "a-2": 11.0, "b-1": 10.0, "a-3": 12.0}
    end = {"a-1": 10.010, "a-2": 11.030, "b-1": 99.0}
    summary = _summary(start, end, "a-")
    assert summary is not None
    assert summary["max"] == pytest.approx(30.0)
    assert summary["p50"] == pytest.approx(20.0)


def test_clock_skew_never_gives_a_negative_hop() -> None:
    """A receipt stamped a hair before the record's CreateTime counts as 0 ms."""
    summary = _summary({"a-1": 10.0}, {"a-1": 9.999}, "a-")
    assert summary is not None and summary["max"] == 0.0


def test_no_common_calls() -> None:
    """Nothing to compare: None."""
    assert _summary({"a-1": 1.0}, {}, "a-") is None

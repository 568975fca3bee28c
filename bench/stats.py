"""Pure figures of a benchmark phase: percentiles, latencies, rates.

Percentiles interpolate linearly between the two nearest ranks (numpy's
default, "type 7"), so p50 of an even sample is the mean of its middle pair
and p100 is the maximum. Times are seconds in, milliseconds out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callpipe.bench.procs import BenchError

PERCENTILES: tuple[tuple[str, float], ...] = (("p50", 50.0), ("p95", 95.0), ("p99", 99.0))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0 <= q <= 100) of values, interpolated linearly."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 100.0 or math.isnan(q):
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary_ms(seconds: Iterable[float]) -> dict[str, float]:
    """p50, p95, p99, max and mean of latencies given in seconds, in ms (3 decimals)."""
    values = [s * 1000.0 for s in seconds]
    if not values:
        raise ValueError("no latencies")
    summary = {name: round(percentile(values, q), 3) for name, q in PERCENTILES}
    summary["max"] = round(max(values), 3)
    summary["mean"] = round(sum(values) / len(values), 3)
    return summary


def rate(count: int, seconds: float) -> float:
    """count / seconds, rounded to 0.1; 0 when nothing was timed."""
    if count <= 0 or seconds <= 0:
        return 0.0
    return round(count / seconds, 1)


@dataclass(frozen=True)
class Timings:
    """One phase: when each call was sent and when the receiver stored it (epoch s)."""

    sent: Mapping[str, float]
    received: Mapping[str, float]

    @property
    def completed(self) -> int:
        return sum(1 for ref in self.sent if ref in self.received)

    @property
    def missing(self) -> int:
        return len(self.sent) - self.completed

    def latencies(self) -> list[float]:
        """Seconds from send to receipt of every completed call."""
        return [self.received[ref] - at for ref, at in self.sent.items() if ref in self.received]

    def span_s(self) -> float:
        """From the first send to the last receipt of a sent call."""
        done = [self.received[ref] for ref in self.sent if ref in self.received]
        if not done:
            return 0.0
        return max(done) - min(self.sent.values())

    def summary(self) -> dict[str, Any]:
        """calls, completed, seconds, calls_per_s and latency_ms of the phase."""
        span = self.span_s()
        result: dict[str, Any] = {
            "calls": len(self.sent),
            "completed": self.completed,
            "seconds": round(span, 3),
            "calls_per_s": rate(self.completed, span),
        }
        lat = self.latencies()
        result["latency_ms"] = latency_summary_ms(lat) if lat else None
        return result


def require_complete(timings: Timings, what: str) -> None:
    """Raises BenchError when some calls never reached the receiver."""
    if timings.missing:
        raise BenchError(
            f"{what}: {timings.missing} of {len(timings.sent)} calls never "
            "reached the receiver (see the worker logs)"
        )

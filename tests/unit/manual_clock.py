"""A monotonic clock that only the test moves, for code that takes ``clock=``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ManualClock:
    """Reads ``now``; the test sets it or adds to it to let time pass."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

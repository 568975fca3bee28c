"""What one `callpipe bench` run measures (its phases, sizes and rates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    calls: int = 3000
    rates: tuple[float, ...] = (50.0, 200.0)
    duration_s: float = 10.0
    workers: tuple[int, ...] = (1, 2)
    seed: int = 1
    warmup: int = 200
    poll_interval_s: float = 5.0
    receiver_concurrency: int = 64
    limit_rounds: int = 3
    keep: bool = False
    phases: tuple[str, ...] = field(default=("limits", "pipeline", "polling"))

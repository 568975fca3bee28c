"""WEBHOOK_RETRY_SCHEDULE: when a call that failed on its own is tried again.

A schedule is a comma-separated list of durations, one per delayed retry::

    30s,2m,10m,30m,1h,2h,4h,8h,8h      (the default: nine retries over about a day)

Each duration is a number (decimals allowed) and a unit, ``ms``, ``s``, ``m``,
``h`` or ``d``, between 1 ms and 7 days (Kafka's default retention: a longer
wait is a typo). Spaces around items are ignored. An empty schedule means no
delayed retries: a call whose in-process retries are exhausted goes straight
to the dead-letter topic, as before the retry stage existed.

Retry ``n`` (1-based) waits ``delays[n - 1]`` after the attempt before it
failed; there is no retry ``len(delays) + 1``: the call is dead-lettered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
MIN_DELAY_S = 0.001
MAX_DELAY_S = 7 * 86400.0


class ScheduleError(ValueError):
    """A WEBHOOK_RETRY_SCHEDULE that cannot be read (the message names the item)."""


@dataclass(frozen=True)
class RetrySchedule:
    """The delays, in seconds, of the delayed retries, in order."""

    delays: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        for number, delay in enumerate(self.delays, start=1):
            if not MIN_DELAY_S <= delay <= MAX_DELAY_S:
                raise ScheduleError(f"retry {number}: {delay:g}s is outside 1ms-7d")

    @classmethod
    def parse(cls, text: str) -> RetrySchedule:
        """The schedule of ``30s,2m,...``; raises ScheduleError naming a bad item."""
        if not text.strip():
            return cls(())
        delays = []
        for number, item in enumerate(text.split(","), start=1):
            match = _ITEM.fullmatch(item.strip())
            if match is None:
                raise ScheduleError(
                    f"item {number} ({item.strip()[:20]!r}) is not a number followed by "
                    "ms, s, m, h or d"
                )
            delays.append(float(match.group(1)) * _UNIT_S[match.group(2)])
        return cls(tuple(delays))

    def __len__(self) -> int:
        return len(self.delays)

    def delay(self, retry: int) -> float | None:
        """Seconds to wait before delayed retry ``retry`` (1-based); None past the last one."""
        if retry < 1:
            raise ValueError("retry numbers start at 1")
        return self.delays[retry - 1] if retry <= len(self.delays) else None

    @property
    def total_s(self) -> float:
        """The longest a call spends in delayed retries (the sum of the delays)."""
        return sum(self.delays)

    def format(self) -> str:
        """The schedule as text, in the largest unit that divides each delay (parses back)."""
        return ",".join(format_delay(delay) for delay in self.delays)


def format_delay(seconds: float) -> str:
    """``1h`` for 3600.0, ``90s`` for 90.0, ``1.5ms`` for 0.0015: the largest exact unit."""
    for unit in ("d", "h", "m", "s"):
        count = seconds / _UNIT_S[unit]
        if count >= 1 and count == int(count):
            return f"{int(count)}{unit}"
    return f"{seconds * 1000!r}ms"  # >= 1 ms, so repr never uses an exponent

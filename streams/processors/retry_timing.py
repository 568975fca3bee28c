"""When the retry stage tries, waits for, or requeues a record (pure, times passed in).

A partition of webhooks.retry is read in order, but its records are not due
in order: a call waiting for its 8 h retry may sit in front of one due in
30 s. So no record may hold up the ones behind it for long:

- **due now** (or past due): try it;
- **due within HOLD** (WEBHOOK_RETRY_HOLD_S): keep it in memory and try it
  when due; the records behind it go on meanwhile (the stage runs many
  records at once), and its offset holds the partition's commits back by at
  most HOLD;
- **due later**: put it back at the end of the topic (``requeue``: produce
  the same record again, marked ``requeued_at``, then let its offset pass)
  and look at it again when it comes round;
- **due later, and requeued less than HOLD ago**: it came round again
  quickly, so its partition holds little else to read: wait until HOLD has
  passed since it was requeued (the stage also pauses that partition
  meanwhile, ``pace``) and decide again. Each record thus goes round at
  most once per HOLD, however far in the future it is due.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Step(enum.Enum):
    ATTEMPT = "attempt"
    WAIT = "wait"
    REQUEUE = "requeue"


@dataclass(frozen=True)
class Decision:
    step: Step
    wait_s: float = 0.0
    """For WAIT: how long before deciding again."""
    pace: bool = False
    """For WAIT: the record came round too soon; pause its partition meanwhile."""


ATTEMPT = Decision(Step.ATTEMPT)
REQUEUE = Decision(Step.REQUEUE)


@dataclass(frozen=True)
class RetryTiming:
    """The rule above, for one HOLD in seconds."""

    hold_s: float

    def __post_init__(self) -> None:
        if self.hold_s <= 0:
            raise ValueError("hold_s must be > 0")

    def decide(self, due_at: datetime, requeued_at: datetime | None, now: datetime) -> Decision:
        until_due = (due_at - now).total_seconds()
        if until_due <= 0:
            return ATTEMPT
        if until_due <= self.hold_s:
            return Decision(Step.WAIT, until_due)
        if requeued_at is not None:
            # A requeue time in the future (another worker's clock ahead) counts as now.
            since = max(0.0, (now - requeued_at).total_seconds())
            if since < self.hold_s:
                return Decision(Step.WAIT, self.hold_s - since, pace=True)
        return REQUEUE

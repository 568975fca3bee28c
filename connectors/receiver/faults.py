"""Fault injection for tests and demos: make the next POSTs fail on purpose.

Off by default. A ``FaultPlan`` is a queue of steps; every POST to the
webhook path takes one turn of the first step, and a step that has used up
its ``times`` is dropped. When the queue is empty, POSTs are handled
normally. A step::

    {"status": 503, "times": 2}                 answer 503 twice
    {"status": 429, "times": 1, "retry_after": "2"}   429 with Retry-After: 2
    {"status": 400}                             400 on every POST until reset
    {"delay_ms": 1500, "times": 3}              wait 1.5 s, then handle normally
    {"status": 503, "delay_ms": 200}            wait, then 503 (until reset)
    {"status": 500, "times": 3, "call_ref_id": "42"}   500 to call 42's next 3 POSTs

``status`` is 400-599 or absent (absent: handle the POST normally after the
delay); ``times`` is an integer >= 1, or absent (or null) for "until reset",
both in JSON and in ``FaultStep(...)``; a step needs a status or a delay. A
step with a ``call_ref_id`` applies only to POSTs of that call (read from the
body) and is passed over by the others: each POST takes a turn of the first
step that applies to it. A POST answered with a fault status is neither
validated nor stored.

At run time (receiver started with ``--faults``): ``POST /_faults`` with
``{"steps": [...]}`` replaces the plan, ``DELETE /_faults`` empties it, and
``GET /_faults`` shows what is left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from callpipe.connectors.receiver.errors import FaultPlanError

_STEP_KEYS = frozenset({"status", "times", "delay_ms", "retry_after", "call_ref_id"})


@dataclass(frozen=True)
class FaultStep:
    """One step of a plan (see the module docstring)."""

    status: int | None = None
    times: int | None = None
    delay_ms: int = 0
    retry_after: str | None = None
    call_ref_id: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise FaultPlanError("status must be between 400 and 599")
        if self.times is not None and self.times < 1:
            raise FaultPlanError("times must be >= 1 (or absent: until reset)")
        if self.delay_ms < 0:
            raise FaultPlanError("delay_ms must be >= 0")
        if self.status is None and self.delay_ms == 0:
            raise FaultPlanError("a step needs a status or a delay_ms")

    @classmethod
    def from_dict(cls, data: object) -> FaultStep:
        """A step from its JSON form; raises FaultPlanError on a bad shape."""
        if not isinstance(data, dict):
            raise FaultPlanError("a step must be an object")
        unknown = set(data) - _STEP_KEYS
        if unknown:
            raise FaultPlanError(f"unknown step keys: {', '.join(sorted(unknown))}")
        status, times = data.get("status"), data.get("times")
        delay_ms, retry_after = data.get("delay_ms", 0), data.get("retry_after")
        for name, value in (("status", status), ("times", times), ("delay_ms", delay_ms)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise FaultPlanError(f"{name} must be an integer")
        if retry_after is not None and not isinstance(retry_after, str | int):
            raise FaultPlanError("retry_after must be a string or an integer")
        call_ref_id = data.get("call_ref_id")
        if call_ref_id is not None and not isinstance(call_ref_id, str):
            raise FaultPlanError("call_ref_id must be a string")
        return cls(
            status=status,
            times=times,
            delay_ms=delay_ms if delay_ms is not None else 0,
            retry_after=None if retry_after is None else str(retry_after),
            call_ref_id=call_ref_id,
        )

    def to_dict(self) -> dict[str, Any]:
        """The step's JSON form (``call_ref_id`` only when the step names a call)."""
        data: dict[str, Any] = {
            "status": self.status,
            "times": self.times,
            "delay_ms": self.delay_ms,
            "retry_after": self.retry_after,
        }
        if self.call_ref_id is not None:
            data["call_ref_id"] = self.call_ref_id
        return data


@dataclass(frozen=True)
class FaultAction:
    """What to do with one POST: wait ``delay_ms``, then answer ``status`` or handle it."""

    status: int | None
    delay_ms: int
    retry_after: str | None


class FaultPlan:
    """A queue of fault steps, consumed one POST at a time."""

    def __init__(self, steps: Iterable[FaultStep] = ()) -> None:
        self._queue: deque[tuple[FaultStep, int | None]] = deque()
        self.replace(steps)

    @classmethod
    def from_json(cls, data: object) -> FaultPlan:
        """A plan from ``{"steps": [...]}``; raises FaultPlanError on a bad shape."""
        return cls(parse_steps(data))

    def replace(self, steps: Iterable[FaultStep]) -> None:
        """Drops what is left and queues ``steps``."""
        self._queue = deque((step, step.times) for step in steps)

    def reset(self) -> None:
        """No more faults: every POST is handled normally."""
        self._queue.clear()

    @property
    def targets_calls(self) -> bool:
        """Whether a step names a call (the receiver then reads the call of each POST)."""
        return any(step.call_ref_id is not None for step, _ in self._queue)

    def next_action(self, call_ref_id: str | None = None) -> FaultAction | None:
        """Takes one turn of the first step that applies to a POST of ``call_ref_id``;
        None when no fault is planned for it."""
        for index, (step, left) in enumerate(self._queue):
            if step.call_ref_id is not None and step.call_ref_id != call_ref_id:
                continue
            if left is not None:
                if left <= 1:
                    del self._queue[index]
                else:
                    self._queue[index] = (step, left - 1)
            return FaultAction(step.status, step.delay_ms, step.retry_after)
        return None

    def to_json(self) -> dict[str, Any]:
        """``{"steps": [...]}`` with each step's remaining ``times``."""
        steps = []
        for step, left in self._queue:
            entry = step.to_dict()
            entry["times"] = left
            steps.append(entry)
        return {"steps": steps}


def parse_steps(data: object) -> list[FaultStep]:
    """The steps of ``{"steps": [...]}``; raises FaultPlanError on a bad shape."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise FaultPlanError('a fault plan must be {"steps": [...]}')
    return [FaultStep.from_dict(item) for item in data["steps"]]

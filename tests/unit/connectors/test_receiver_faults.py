"""The receiver's fault plan: steps consumed one POST at a time."""

from __future__ import annotations

from typing import Any

import pytest

from callpipe.connectors.receiver.errors import FaultPlanError
from callpipe.connectors.receiver.faults import FaultAction, FaultPlan, FaultStep, parse_steps


def statuses(plan: FaultPlan, posts: int) -> list[int | None]:
    out = []
    for _ in range(posts):
        action = plan.next_action()
        out.append(None if action is None else action.status)
    return out


def test_empty_plan_injects_nothing() -> None:
    """No steps: every POST is handled normally."""
    assert statuses(FaultPlan(), 3) == [None, None, None]


def test_503_twice_then_normal() -> None:
    """A step with times=2 answers twice, then the plan is empty."""
    plan = FaultPlan([FaultStep(status=503, times=2)])
    assert statuses(plan, 4) == [503, 503, None, None]


def test_steps_run_in_order() -> None:
    """Steps are a queue."""
    plan = FaultPlan([FaultStep(status=503, times=1), FaultStep(status=429, times=2)])
    assert statuses(plan, 4) == [503, 429, 429, None]


def test_until_reset_step_never_runs_out() -> None:
    """times=None repeats until reset()."""
    plan = FaultPlan([FaultStep(status=400, times=None)])
    assert statuses(plan, 5) == [400] * 5
    plan.reset()
    assert statuses(plan, 1) == [None]


def test_action_carries_delay_and_retry_after() -> None:
    """Delay and Retry-After travel with the step's status."""
    plan = FaultPlan([FaultStep(status=429, times=1, delay_ms=50, retry_after="2")])
    assert plan.next_action() == FaultAction(429, 50, "2")


def test_delay_only_step_has_no_status() -> None:
    """A delay without status means: wait, then handle normally."""
    plan = FaultPlan([FaultStep(delay_ms=100, times=1)])
    assert plan.next_action() == FaultAction(None, 100, None)


def test_replace_drops_what_was_left() -> None:
    """replace() starts a new plan."""
    plan = FaultPlan([FaultStep(status=500, times=None)])
    plan.replace([FaultStep(status=502, times=1)])
    assert statuses(plan, 2) == [502, None]


def test_to_json_shows_remaining_times() -> None:
    """GET /_faults shows what is left."""
    plan = FaultPlan([FaultStep(status=503, times=3)])
    plan.next_action()
    assert plan.to_json() == {
        "steps": [{"status": 503, "times": 2, "delay_ms": 0, "retry_after": None}]
    }


def test_from_json_round_trip() -> None:
    """The JSON form builds the same plan."""
    data = {"steps": [{"status": 503, "times": 2}, {"delay_ms": 10}, {"status": 400}]}
    plan = FaultPlan.from_json(data)
    assert plan.to_json()["steps"] == [
        {"status": 503, "times": 2, "delay_ms": 0, "retry_after": None},
        {"status": None, "times": None, "delay_ms": 10, "retry_after": None},
        {"status": 400, "times": None, "delay_ms": 0, "retry_after": None},
    ]


@pytest.mark.parametrize("step", [{"status": 400, "times": None}, {"status": 400}])
def test_absent_or_null_times_means_until_reset(step: dict[str, Any]) -> None:
    """times absent or null: the step repeats until reset."""
    (parsed,) = parse_steps({"steps": [step]})
    assert parsed.times is None
    assert FaultStep(status=400).times is None


def test_integer_retry_after_becomes_text() -> None:
    """retry_after may be given as a number of seconds."""
    (step,) = parse_steps({"steps": [{"status": 429, "retry_after": 3}]})
    assert step.retry_after == "3"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "steps"),
        ({"steps": {}}, "steps"),
        ({"steps": ["x"]}, "object"),
        ({"steps": [{"status": 200}]}, "between 400 and 599"),
        ({"steps": [{"status": 600}]}, "between 400 and 599"),
        ({"steps": [{"status": 503, "times": 0}]}, "times"),
        ({"steps": [{"status": "503"}]}, "integer"),
        ({"steps": [{"status": True}]}, "integer"),
        ({"steps": [{"delay_ms": -1}]}, "delay_ms"),
        ({"steps": [{}]}, "status or a delay_ms"),
        ({"steps": [{"status": 503, "code": 1}]}, "unknown step keys: code"),
        ({"steps": [{"status": 429, "retry_after": [1]}]}, "retry_after"),
    ],
)
def test_malformed_plans_are_refused(data: Any, message: str) -> None:
    """Bad plans raise FaultPlanError saying what is wrong."""
    with pytest.raises(FaultPlanError, match=message):
        FaultPlan.from_json(data)


def test_a_step_for_one_call_is_passed_over_by_the_others() -> None:
    """500 three times for call 42 only: other calls are handled normally, and call 42 gets
    its three faults whatever comes in between."""
    plan = FaultPlan.from_json({"steps": [{"status": 500, "times": 3, "call_ref_id": "42"}]})
    seen = []
    for call in ("7", "42", "8", "42", "42", "42", "9"):
        action = plan.next_action(call)
        seen.append(None if action is None else action.status)
    assert seen == [None, 500, None, 500, 500, None, None]
    assert plan.to_json() == {"steps": []}


def test_a_call_skips_to_the_first_step_that_applies_to_it() -> None:
    """A targeted step in front does not hold up the untargeted one behind it."""
    plan = FaultPlan(
        [FaultStep(status=500, times=1, call_ref_id="42"), FaultStep(status=503, times=1)]
    )
    assert plan.next_action("7") == FaultAction(503, 0, None)
    assert plan.next_action(None) is None
    assert plan.next_action("42") == FaultAction(500, 0, None)
    assert plan.targets_calls is False


def test_a_targeted_step_shows_its_call_in_json() -> None:
    """GET /_faults names the call of a targeted step."""
    plan = FaultPlan.from_json({"steps": [{"status": 500, "times": 2, "call_ref_id": "42"}]})
    assert plan.targets_calls
    assert plan.to_json()["steps"][0]["call_ref_id"] == "42"

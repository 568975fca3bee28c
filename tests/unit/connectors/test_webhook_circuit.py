"""The circuit breaker's state machine, with the time passed in (no clock, no loop)."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from callpipe.connectors.webhook.circuit import (
    MAX_RETRY_AFTER_S,
    Admit,
    CircuitBreaker,
    CircuitState,
    Transition,
)


def opened(failures: int = 3, probe_s: float = 10.0, at: float = 100.0) -> CircuitBreaker:
    breaker = CircuitBreaker(failures, probe_s)
    for number in range(failures):
        breaker.failed(f"call-{number}", at)
    assert breaker.state is CircuitState.OPEN
    return breaker


def test_a_closed_circuit_lets_everything_through() -> None:
    """Closed: every attempt passes, however many ask."""
    breaker = CircuitBreaker(5, 10.0)
    assert {breaker.admit(float(t)) for t in range(100)} == {Admit.PASS}


def test_failures_of_n_different_calls_in_a_row_open_it() -> None:
    """The N-th different failing call opens the circuit, and says so once."""
    breaker = CircuitBreaker(3, 10.0)
    assert breaker.failed("a", 1.0) is None
    assert breaker.failed("b", 2.0) is None
    assert breaker.failed("c", 3.0) is Transition.OPENED
    assert breaker.state is CircuitState.OPEN
    assert breaker.next_probe_at == 13.0
    assert breaker.failed("d", 4.0) is None, "a straggler does not open it again"


def test_one_call_failing_again_and_again_does_not_open_it() -> None:
    """A 500 for one payload is that call's problem: the circuit stays closed."""
    breaker = CircuitBreaker(3, 10.0)
    for moment in range(50):
        assert breaker.failed("poison", float(moment)) is None
    assert breaker.state is CircuitState.CLOSED
    assert breaker.failing_calls == 1


def test_a_success_or_a_permanent_answer_starts_the_count_again() -> None:
    """Failures must be in a row: anything the endpoint answers properly resets them."""
    breaker = CircuitBreaker(3, 10.0)
    breaker.failed("a", 1.0)
    breaker.failed("b", 2.0)
    assert breaker.succeeded(3.0) is None
    breaker.failed("c", 4.0)
    breaker.failed("d", 5.0)
    assert breaker.state is CircuitState.CLOSED


def test_an_open_circuit_waits_for_the_probe_then_lets_exactly_one_through() -> None:
    """Open: WAIT until the probe is due; then one PROBE, and WAIT for everyone else."""
    breaker = opened(at=100.0)
    assert breaker.admit(105.0) is Admit.WAIT
    assert breaker.admit(110.0) is Admit.PROBE
    assert breaker.state is CircuitState.HALF_OPEN
    assert [breaker.admit(t) for t in (110.0, 200.0, 10_000.0)] == [Admit.WAIT] * 3


def test_a_successful_probe_closes_it() -> None:
    """The probe's success closes the circuit: everyone passes again."""
    breaker = opened(at=100.0)
    assert breaker.admit(110.0) is Admit.PROBE
    assert breaker.succeeded(110.5) is Transition.CLOSED
    assert breaker.admit(110.6) is Admit.PASS
    assert breaker.next_probe_at is None


def test_a_failed_probe_opens_it_for_another_interval() -> None:
    """The probe's failure: open again, next probe one interval later, no new transition."""
    breaker = opened(at=100.0)
    breaker.admit(110.0)
    assert breaker.failed("call-0", 111.0, probe=True) is None
    assert breaker.state is CircuitState.OPEN
    assert breaker.next_probe_at == 121.0
    assert breaker.admit(120.0) is Admit.WAIT
    assert breaker.admit(121.0) is Admit.PROBE


def test_a_straggler_failure_while_half_open_changes_nothing() -> None:
    """Only the probe's result decides a half-open circuit."""
    breaker = opened(at=100.0)
    breaker.admit(110.0)
    assert breaker.failed("late", 110.2, probe=False) is None
    assert breaker.state is CircuitState.HALF_OPEN


def test_a_straggler_success_closes_an_open_circuit() -> None:
    """An attempt let through before the circuit opened succeeded: the endpoint answers."""
    breaker = opened(at=100.0)
    assert breaker.succeeded(101.0) is Transition.CLOSED


@pytest.mark.parametrize(
    ("retry_after", "next_probe"), [(None, 110.0), (3.0, 110.0), (45.0, 145.0), (1e9, None)]
)
def test_retry_after_delays_the_next_probe(retry_after: float | None, next_probe: float) -> None:
    """The next probe is not sent before the receiver's Retry-After (up to an hour)."""
    breaker = CircuitBreaker(1, 10.0)
    breaker.failed("a", 100.0, retry_after_s=retry_after)
    expected = 100.0 + MAX_RETRY_AFTER_S if next_probe is None else next_probe
    assert breaker.next_probe_at == expected


def test_an_abandoned_probe_lets_the_next_one_go_at_once() -> None:
    """A probe cancelled before its answer does not keep the circuit half-open."""
    breaker = opened(at=100.0)
    breaker.admit(110.0)
    breaker.probe_abandoned(110.5)
    assert breaker.admit(110.5) is Admit.PROBE


@pytest.mark.parametrize(("failures", "probe_s"), [(0, 10.0), (5, 0.0), (5, -1.0)])
def test_nonsense_settings_are_refused(failures: int, probe_s: float) -> None:
    """At least one failure to open it, and a positive probe interval."""
    with pytest.raises(ValueError):
        CircuitBreaker(failures, probe_s)


class CircuitMachine(RuleBasedStateMachine):
    """Any sequence of attempts and results keeps the circuit's promises."""

    def __init__(self) -> None:
        super().__init__()
        self.breaker = CircuitBreaker(3, 10.0)
        self.now = 0.0
        self.probe_out = False
        self.failing_since_success: set[str] = set()

    @rule(seconds=st.floats(min_value=0.0, max_value=30.0))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    @rule()
    def admit(self) -> None:
        decision = self.breaker.admit(self.now)
        if decision is Admit.PROBE:
            assert not self.probe_out, "two probes at once"
            self.probe_out = True

    @rule(call=st.sampled_from("abcdef"))
    def a_call_fails(self, call: str) -> None:
        before = self.breaker.state
        transition = self.breaker.failed(call, self.now)
        if before is CircuitState.CLOSED:
            self.failing_since_success.add(call)
            opens = len(self.failing_since_success) >= 3
            assert (transition is Transition.OPENED) is opens
            if opens:
                self.failing_since_success.clear()
        else:
            assert transition is None

    @precondition(lambda self: self.probe_out)
    @rule(succeeded=st.booleans())
    def the_probe_answers(self, succeeded: bool) -> None:
        self.probe_out = False
        if succeeded:
            assert self.breaker.succeeded(self.now) is Transition.CLOSED
            self.failing_since_success.clear()
        else:
            assert self.breaker.failed("probe", self.now, probe=True) is None
            assert self.breaker.next_probe_at == self.now + 10.0

    @precondition(lambda self: not self.probe_out)
    @rule()
    def some_attempt_succeeds(self) -> None:
        was_closed = self.breaker.state is CircuitState.CLOSED
        transition = self.breaker.succeeded(self.now)
        assert transition is (None if was_closed else Transition.CLOSED)
        self.failing_since_success.clear()

    @precondition(lambda self: self.probe_out)
    @rule()
    def the_probe_is_cancelled(self) -> None:
        self.probe_out = False
        self.breaker.probe_abandoned(self.now)

    @invariant()
    def half_open_exactly_while_a_probe_is_out(self) -> None:
        assert (self.breaker.state is CircuitState.HALF_OPEN) is self.probe_out

    @invariant()
    def closed_means_everything_passes(self) -> None:
        if self.breaker.state is CircuitState.CLOSED:
            assert self.breaker.failing_calls == len(self.failing_since_success) < 3
            assert self.breaker.admit(self.now) is Admit.PASS


TestCircuitMachine = CircuitMachine.TestCase
